package integration

import (
	"bytes"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestSentinelPasswordNeverLeavesTheBinary uses the real test password as
// a sentinel across detect, check (text and JSON) and every export
// format: it must appear in no output, no file written, and nothing under
// HOME (preferences, logs, caches), except the one export that was asked
// to include it, which proves the search can find it.
func TestSentinelPasswordNeverLeavesTheBinary(t *testing.T) {
	s := need(t)
	secret := s.password()
	pw := secret + "\n"
	out := t.TempDir()
	runs := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"check text", pw, []string{"check", "--password-stdin", s.address()}},
		{"check json", pw, []string{"check", "--json", "--password-stdin", s.address()}},
		{"check json it", pw, []string{"check", "--json", "--lang", "it", "--password-stdin", s.address()}},
		{"detect", "", []string{"detect", "--json", s.address()}},
	}
	for _, f := range []string{"thunderbird", "mobileconfig", "text", "markdown", "html", "autodiscover", "dns", "json"} {
		runs = append(runs, struct {
			name  string
			stdin string
			args  []string
		}{"export " + f, pw, []string{"export", "--format", f, "--password-stdin", "-o", filepath.Join(out, "settings."+f), s.address()}})
	}
	home := ""
	for _, run := range runs {
		r, h := s.runHome(t, run.stdin, run.args...)
		home = h
		if r.code == 2 {
			t.Errorf("%s: usage error\n%s", run.name, r.stderr)
		}
		for stream, text := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
			if strings.Contains(text, secret) {
				t.Errorf("%s: the password is in %s", run.name, stream)
			}
		}
		assertTreeClean(t, run.name+" HOME", home, secret)
	}
	assertTreeClean(t, "exported files", out, secret)

	// Positive control: asked explicitly, the password is in the profile.
	withPw := filepath.Join(out, "with-password.mobileconfig")
	r := s.run(t, pw, "export", "--format", "mobileconfig", "--include-password", "-o", withPw, s.address())
	if r.code != 0 {
		t.Fatalf("export --include-password: exit %d\n%s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(withPw); !bytes.Contains(b, []byte(secret)) {
		t.Fatal("--include-password did not include the password: the searches above prove nothing")
	}
	if strings.Contains(r.stdout+r.stderr, secret) {
		t.Error("export --include-password printed the password")
	}
	if fi, err := os.Stat(withPw); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("file with a password has mode %v, want readable by its owner only", fi.Mode().Perm())
	}
}

// runHome is run, also returning the HOME the binary had, so a test can
// look at what it left there.
func (s servers) runHome(t *testing.T, stdin string, args ...string) (result, string) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("POSTINO_TEST_HOME", home) // read by run
	return s.run(t, stdin, args...), home
}

// assertTreeClean fails when any file under dir contains needle.
func assertTreeClean(t *testing.T, what, dir, needle string) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if b, err := os.ReadFile(path); err == nil && bytes.Contains(b, []byte(needle)) {
			t.Errorf("%s: the password is in %s", what, path)
		}
		return nil
	})
}

// TestControlCharactersInCredentialsAreRefusedBeforeAnyConnection: a CR,
// LF or NUL inside a user name or password could smuggle a protocol
// command (RFC 5321 §2.3.8, RFC 9051 §4), so the binary must refuse it
// (exit 2) before it asks DNS anything, let alone connects. The DNS
// server it is given is a listener of ours that counts every packet.
// It needs no real servers and runs everywhere.
func TestControlCharactersInCredentialsAreRefusedBeforeAnyConnection(t *testing.T) {
	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	tcp, err := net.Listen("tcp", udp.LocalAddr().String())
	if err != nil {
		t.Skip("SKIP: cannot listen on the same TCP port: ", err)
	}
	defer tcp.Close()
	var contacts atomic.Int32
	done := make(chan struct{}, 2)
	go func() {
		buf := make([]byte, 512)
		for {
			if _, _, err := udp.ReadFrom(buf); err != nil {
				done <- struct{}{}
				return
			}
			contacts.Add(1)
		}
	}()
	go func() {
		for {
			c, err := tcp.Accept()
			if err != nil {
				done <- struct{}{}
				return
			}
			contacts.Add(1)
			c.Close()
		}
	}()
	defer func() { udp.Close(); tcp.Close(); <-done; <-done }()

	s := servers{"POSTINO_DNS": udp.LocalAddr().String(), "SSL_CERT_FILE": "/nonexistent", "REALSERVERS_DOMAIN": "postino.test"}
	// A NUL cannot reach a program through its arguments (C strings), so
	// the user name is tried with CR and LF only; the in-process tests of
	// the cli package cover NUL.
	cases := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"check password CR", "pa\rss\n", []string{"check", "--password-stdin", "alice@postino.test"}},
		{"check password LF", "pa\nss\n", []string{"check", "--password-stdin", "alice@postino.test"}},
		{"check password NUL", "pa\x00ss\n", []string{"check", "--password-stdin", "alice@postino.test"}},
		{"check user CR", "password\n", []string{"check", "--user", "alice\r\nRSET", "--password-stdin", "alice@postino.test"}},
		{"check user LF", "password\n", []string{"check", "--user", "alice\nQUIT", "--password-stdin", "alice@postino.test"}},
		{"export password CR", "pa\rss\n", []string{"export", "--format", "mobileconfig", "--include-password", "alice@postino.test"}},
		{"export password NUL", "pa\x00ss\n", []string{"export", "--format", "mobileconfig", "--include-password", "alice@postino.test"}},
		{"export user LF", "password\n", []string{"export", "--user", "alice\nQUIT", "--password-stdin", "alice@postino.test"}},
	}
	// Build first: the 20 s limit below is for refusing, and a cold
	// build of the binary alone can take longer.
	postinoBinary(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			r := s.run(t, c.stdin, c.args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2 (bad input)\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if strings.TrimSpace(r.stderr) == "" {
				t.Error("refused without saying why on stderr")
			}
			if strings.Contains(r.stdout+r.stderr, "pa\rss") || strings.Contains(r.stdout+r.stderr, "pa\x00ss") {
				t.Error("the refused password was echoed back")
			}
			if time.Since(start) > 20*time.Second {
				t.Errorf("took %v to refuse", time.Since(start))
			}
		})
	}
	time.Sleep(100 * time.Millisecond) // a late packet would still count
	if n := contacts.Load(); n != 0 {
		t.Errorf("the binary contacted its DNS server %d times before refusing the input", n)
	}
}
