package integration

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// roundtripDoc is the `roundtrip` object `postino check --json
// --send-test` adds (docs/json.md, "Round-trip result").
type roundtripDoc struct {
	Roundtrip *struct {
		Status    string     `json:"status"`
		Code      string     `json:"code"`
		Summary   string     `json:"summary"`
		Token     string     `json:"token"`
		MessageID string     `json:"message_id"`
		SentAt    *time.Time `json:"sent_at"`
		ArrivedAt *time.Time `json:"arrived_at"`
		LatencyMS *int64     `json:"latency_ms"`
		Folder    string     `json:"folder"`
		Deleted   bool       `json:"deleted"`
	} `json:"roundtrip"`
}

// maildir is alice's mailbox on disk, where Postfix's virtual delivery
// writes and Dovecot reads.
func (s servers) maildir() string {
	local, domain, _ := strings.Cut(s.address(), "@")
	return filepath.Join(s["REALSERVERS_DIR"], "mail", domain, local, "Maildir")
}

// maildirFiles returns the messages in the Maildir whose text contains
// needle.
func maildirFiles(t *testing.T, dir, needle string) []string {
	t.Helper()
	var found []string
	for _, sub := range []string{"new", "cur"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			t.Fatalf("Maildir: %v", err)
		}
		for _, e := range entries {
			p := filepath.Join(dir, sub, e.Name())
			b, err := os.ReadFile(p)
			if err == nil && strings.Contains(string(b), needle) {
				found = append(found, p)
			}
		}
	}
	return found
}

// postfixRecipients reads Postfix's log for the message with messageID
// and returns every recipient it delivered that message to.
func postfixRecipients(t *testing.T, log, messageID string) []string {
	t.Helper()
	m := regexp.MustCompile(`([0-9A-F]+): message-id=<` + regexp.QuoteMeta(messageID) + `>`).FindStringSubmatch(log)
	if m == nil {
		t.Fatalf("Postfix's log has no message-id=<%s>", messageID)
	}
	var to []string
	for _, r := range regexp.MustCompile(regexp.QuoteMeta(m[1])+`: to=<([^>]*)>.*status=sent`).FindAllStringSubmatch(log, -1) {
		to = append(to, r[1])
	}
	return to
}

// TestCheckSendTestGoesThroughPostfixIntoDovecot runs `postino check
// --send-test` against the real servers: the message is submitted to
// Postfix with the recommended settings, Postfix delivers it (to the
// address and nobody else, as its own log shows) into the Maildir Dovecot
// serves, Postino finds it over IMAP, and with --delete-test it is gone
// from the disk afterwards.
func TestCheckSendTestGoesThroughPostfixIntoDovecot(t *testing.T) {
	s := need(t)
	postfixLog := filepath.Join(s["REALSERVERS_DIR"], "log", "postfix.log")
	for _, del := range []bool{true, false} {
		t.Run(map[bool]string{true: "deleted", false: "kept"}[del], func(t *testing.T) {
			before := fileSize(postfixLog)
			args := []string{"check", "--json", "--password-stdin", "--send-test", "--send-deadline", "30s", s.address()}
			if del {
				args = append(args, "--delete-test")
			}
			r := s.run(t, s.password()+"\n", args...)
			if strings.Contains(r.stdout+r.stderr, s.password()) {
				t.Fatal("the password is in the output")
			}
			if r.code != 0 {
				t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			var doc roundtripDoc
			r.decode(t, &doc)
			rt := doc.Roundtrip
			if rt == nil || rt.Status != "arrived" || rt.Code != "arrived" || rt.Folder != "INBOX" || rt.Deleted != del {
				t.Fatalf("roundtrip %+v, want arrived in INBOX, deleted %v", rt, del)
			}
			if rt.LatencyMS == nil || rt.SentAt == nil || rt.ArrivedAt == nil || rt.ArrivedAt.Before(*rt.SentAt) {
				t.Errorf("latency_ms %v sent_at %v arrived_at %v", rt.LatencyMS, rt.SentAt, rt.ArrivedAt)
			}
			t.Logf("arrived %d ms after Postfix accepted it", *rt.LatencyMS)

			if to := postfixRecipients(t, readFrom(t, postfixLog, before), rt.MessageID); len(to) != 1 || to[0] != s.address() {
				t.Errorf("Postfix delivered the test message to %v, want only %s", to, s.address())
			}
			files := maildirFiles(t, s.maildir(), rt.MessageID)
			if del && len(files) != 0 {
				t.Errorf("--delete-test: the message is still on disk: %v", files)
			}
			if !del {
				if len(files) != 1 {
					t.Errorf("kept: %d copies of the message on disk, want 1", len(files))
				}
				// The message as delivered carries no credential.
				if got := maildirFiles(t, s.maildir(), s.password()); len(got) != 0 {
					t.Errorf("the password is in the delivered message: %v", got)
				}
				// Tidy up behind the test; Dovecot notices on its next scan.
				for _, f := range files {
					os.Remove(f)
				}
			}
		})
	}
}

// With a wrong password the servers are recommended but the login is not
// proven, so --send-test sends nothing: one line says why, exit 1, and
// Postfix received no message.
func TestCheckSendTestWithAWrongPasswordSendsNothing(t *testing.T) {
	s := need(t)
	postfixLog := filepath.Join(s["REALSERVERS_DIR"], "log", "postfix.log")
	before := fileSize(postfixLog)
	r := s.run(t, "not-the-password\n", "check", "--password-stdin", "--send-test", s.address())
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "\nNo test message was sent: the check could not log in with your password on both recommended servers.") {
		t.Errorf("stdout does not say why nothing was sent:\n%s", r.stdout)
	}
	if log := readFrom(t, postfixLog, before); strings.Contains(log, "message-id=<postino.") {
		t.Errorf("Postfix received a test message:\n%s", grepLines(log, "message-id="))
	}
}
