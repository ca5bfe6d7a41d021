package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/buildinfo"
	"github.com/postino-mail/postino/detect/labtest"
)

// `postino --version` and `postino version` print the version, the
// commit and the Go version on stdout and exit 0.
func TestVersionSaysVersionCommitAndGo(t *testing.T) {
	for _, arg := range []string{"--version", "version"} {
		var out, errOut bytes.Buffer
		code := Main(&Env{Args: []string{arg}, Stdout: &out, Stderr: &errOut})
		if code != ExitOK || errOut.Len() != 0 {
			t.Fatalf("%s: exit %d, stderr %q", arg, code, errOut.String())
		}
		line := out.String()
		info := buildinfo.Get()
		for _, want := range []string{"postino " + info.Version, "commit " + info.Commit, runtime.Version()} {
			if !strings.Contains(line, want) {
				t.Errorf("%s printed %q, which lacks %q", arg, line, want)
			}
		}
		if strings.Count(line, "\n") != 1 {
			t.Errorf("%s printed %q, want one line", arg, line)
		}
	}
}

// --ca-file adds the company CA: without it the lab's HTTPS autoconfig
// (signed by the lab's private CA) is not trusted and nothing is found;
// with it, the settings are. A file that is not a certificate stops the
// command with exit 2 before anything is asked of the network.
func TestCAFileFlagTrustsTheCompanyCA(t *testing.T) {
	lab := labtest.New(t)
	serveExample(lab)
	n := lab.Network()
	n.RootCAs = nil // the system's store, as on a real desktop
	useNetwork(t, n)

	if code, out, _ := runDetectCLI(t, "anna@example.com", "--json", "--no-http"); code == ExitOK && strings.Contains(out, "imap.example.com") {
		t.Fatal("the lab's CA was trusted without --ca-file: the test proves nothing")
	}
	caFile := lab.WriteCAFile(t.TempDir())
	code, out, errOut := runDetectCLI(t, "anna@example.com", "--json", "--no-http", "--ca-file", caFile)
	if code != ExitOK || !strings.Contains(out, "imap.example.com") {
		t.Fatalf("with --ca-file: exit %d, stderr %q, stdout %s", code, errOut, out)
	}

	bad := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(bad, []byte("hello"), 0o644)
	code, out, errOut = runDetectCLI(t, "anna@example.com", "--json", "--ca-file", bad)
	if code != ExitUsage || out != "" || !strings.Contains(errOut, "--ca-file") || !strings.Contains(errOut, "notes.txt") {
		t.Fatalf("bad CA file: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// Every sub-command that reaches the network takes --ca-file.
func TestEveryNetworkCommandTakesCAFile(t *testing.T) {
	for _, cmd := range []string{"detect", "check", "health", "export"} {
		var out, errOut bytes.Buffer
		Main(&Env{Args: []string{cmd, "--help"}, Stdout: &out, Stderr: &errOut})
		if !strings.Contains(out.String(), "-ca-file") {
			t.Errorf("%s --help does not list --ca-file:\n%s", cmd, out.String())
		}
	}
}
