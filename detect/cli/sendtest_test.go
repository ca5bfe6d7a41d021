package cli

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"
	"go.uber.org/goleak"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
)

const labAddress = "anna@example.org"

// mailFlowLab is checkLab's provider (autoconfig: IMAP 993, SMTP 465 on
// mail.example.org) with a submission server that really delivers
// (labtest/mailserver): each accepted message lands in the account's
// INBOX before the 250, so a round trip can find it.
type mailFlowLab struct {
	user *imapmemserver.User
	be   *mailserver.Submission
}

type mailFlowOptions struct {
	// certHost is the name on the servers' certificate (default
	// mail.example.org, the name dialed).
	certHost string
}

func newMailFlowLab(t *testing.T, o mailFlowOptions) *mailFlowLab {
	t.Helper()
	// Registered first, so it runs after every server below has stopped.
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })

	lab := labtest.New(t)
	serveLabAutoconfig(lab)
	if o.certHost == "" {
		o.certHost = "mail.example.org"
	}
	cert := lab.Cert(o.certHost)
	user := mailserver.NewUser(t, labAddress, sentinel)
	m := &mailFlowLab{user: user, be: mailserver.NewSubmission(user, labAddress, sentinel, nil)}
	// UIDPLUS (in the default capabilities) lets --delete-test expunge
	// the one test message.
	mailserver.ServeIMAP(t, lab.Listen("mail.example.org", 993), user, nil, cert, true)
	mailserver.ServeSMTP(t, lab.Listen("mail.example.org", 465), m.be, "mail.example.org", cert, true)

	useNetwork(t, lab.Network())
	return m
}

func (m *mailFlowLab) inbox(t *testing.T) uint32 {
	t.Helper()
	return mailserver.Count(t, m.user, "INBOX")
}

func (m *mailFlowLab) sent() (from, rcpts []string, msgs [][]byte) {
	r := m.be.Recorded()
	return r.From, r.Rcpts, r.Messages
}

// roundtripDoc is the part of `check --json` the round trip adds.
type roundtripDoc struct {
	Roundtrip *struct {
		Status      string `json:"status"`
		Code        string `json:"code"`
		Summary     string `json:"summary"`
		Explanation string `json:"explanation"`
		Remedy      string `json:"remedy"`
		Problem     *struct {
			Code        string `json:"code"`
			Explanation string `json:"explanation"`
			ServerText  string `json:"server_text"`
		} `json:"problem"`
		Token     string     `json:"token"`
		MessageID string     `json:"message_id"`
		SentAt    *time.Time `json:"sent_at"`
		ArrivedAt *time.Time `json:"arrived_at"`
		LatencyMS *int64     `json:"latency_ms"`
		Folder    string     `json:"folder"`
		Deleted   bool       `json:"deleted"`
	} `json:"roundtrip"`
}

func decodeRoundtrip(t *testing.T, out string) roundtripDoc {
	t.Helper()
	var doc roundtripDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, out)
	}
	if doc.Roundtrip == nil {
		t.Fatalf("the document has no roundtrip object:\n%s", out)
	}
	return doc
}

func assertNoSentinel(t *testing.T, m *mailFlowLab, streams ...string) {
	t.Helper()
	for _, s := range streams {
		if strings.Contains(s, sentinel) {
			t.Fatalf("the password leaked into the output:\n%s", s)
		}
	}
	if m == nil {
		return
	}
	_, _, msgs := m.sent()
	for _, msg := range msgs {
		if bytes.Contains(msg, []byte(sentinel)) {
			t.Fatalf("the password is in the test message:\n%s", msg)
		}
	}
}

// assertSentOnlyToItself checks the envelope: one message, from the
// address the person typed, to that address and nobody else.
func assertSentOnlyToItself(t *testing.T, m *mailFlowLab) {
	t.Helper()
	from, rcpts, msgs := m.sent()
	if len(from) != 1 || from[0] != labAddress || len(rcpts) != 1 || rcpts[0] != labAddress {
		t.Errorf("MAIL FROM %v, RCPT TO %v: want %s, once each", from, rcpts, labAddress)
	}
	for _, msg := range msgs {
		for _, h := range []string{"From: <" + labAddress + ">\r\n", "To: <" + labAddress + ">\r\n"} {
			if !bytes.Contains(msg, []byte(h)) {
				t.Errorf("message lacks %q:\n%s", h, msg)
			}
		}
	}
}

func TestSendTestReportsTheMessageArrived(t *testing.T) {
	for _, asJSON := range []bool{true, false} {
		t.Run(map[bool]string{true: "json", false: "text"}[asJSON], func(t *testing.T) {
			m := newMailFlowLab(t, mailFlowOptions{})
			args := []string{"check", "--lang", "en", "--timeout", "3s", "--password-stdin", "--send-test", labAddress}
			if asJSON {
				args = append(args, "--json")
			}
			code, out, errOut := runCLI(t, sentinel+"\n", true, args...)
			assertNoSentinel(t, m, out, errOut)
			if code != ExitOK {
				t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			assertSentOnlyToItself(t, m)
			if n := m.inbox(t); n != 1 {
				t.Errorf("INBOX holds %d messages, want the test message (not deleted unless asked)", n)
			}
			// The live line, on the terminal stderr, in the check's style.
			if !strings.Contains(errOut, "\r\x1b[2K… Test message: sending it…") || !strings.Contains(errOut, "✓ Test message: The test message arrived in") {
				t.Errorf("no live round-trip line on stderr:\n%q", errOut)
			}
			if asJSON {
				rt := decodeRoundtrip(t, out).Roundtrip
				if rt.Status != "arrived" || rt.Code != "arrived" || rt.Folder != "INBOX" || rt.Deleted {
					t.Errorf("roundtrip %+v, want arrived in INBOX, not deleted", rt)
				}
				if rt.LatencyMS == nil || rt.SentAt == nil || rt.ArrivedAt == nil || rt.ArrivedAt.Before(*rt.SentAt) {
					t.Errorf("latency_ms %v, sent_at %v, arrived_at %v: want all present, arrival after sending", rt.LatencyMS, rt.SentAt, rt.ArrivedAt)
				}
				if rt.Token == "" || rt.MessageID == "" || !strings.HasPrefix(rt.Summary, "The test message arrived in") {
					t.Errorf("token %q, message_id %q, summary %q", rt.Token, rt.MessageID, rt.Summary)
				}
				return
			}
			for _, want := range []string{"Recommended settings:", "Test message from anna@example.org to itself:",
				"✓ The test message arrived in", "Sent: (the server accepted it in", "Arrived: in INBOX, after it was sent (mailbox searches: )",
				"Subject: Postino test", "Message-ID: <postino.", "Deleted: no, it is still in your mailbox (add --delete-test"} {
				if !strings.Contains(withoutTimesAndNumbers(out), want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

// A server that accepts the message and never delivers it: the wait
// ends at --send-deadline, exit 1, and the report says what to do.
func TestSendTestExplainsAServerThatNeverDelivers(t *testing.T) {
	for _, tc := range []struct {
		lang   string
		asJSON bool
		want   []string
	}{
		{"en", true, nil},
		{"it", false, []string{"✗ Il messaggio di prova è stato inviato ma non è arrivato entro s.", "Inviato: (il server l'ha accettato in",
			"non è comparso nella casella prima della scadenza", "→ Cercalo tra un po'", "Message-ID: <postino."}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			m := newMailFlowLab(t, mailFlowOptions{})
			m.be.SetDeliverTo("")
			args := []string{"check", "--lang", tc.lang, "--timeout", "3s", "--password-stdin", "--send-test", "--send-deadline", "1s", labAddress}
			if tc.asJSON {
				args = append(args, "--json")
			}
			start := time.Now()
			code, out, errOut := runCLI(t, sentinel+"\n", false, args...)
			assertNoSentinel(t, m, out, errOut)
			if code != ExitNotFound {
				t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			if el := time.Since(start); el > 15*time.Second {
				t.Errorf("took %v with a 1 s deadline", el)
			}
			assertSentOnlyToItself(t, m)
			if tc.asJSON {
				rt := decodeRoundtrip(t, out).Roundtrip
				if rt.Status != "not-arrived" || rt.ArrivedAt != nil || rt.LatencyMS == nil || *rt.LatencyMS != 0 {
					t.Errorf("roundtrip %+v, want not-arrived with no arrival", rt)
				}
				if !strings.Contains(rt.Summary, "did not arrive within 1.0 s") || rt.Explanation == "" || !strings.Contains(rt.Remedy, "Message-ID") {
					t.Errorf("not explained: %q / %q / %q", rt.Summary, rt.Explanation, rt.Remedy)
				}
				return
			}
			for _, want := range tc.want {
				if !strings.Contains(withoutTimesAndNumbers(out), want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

// A 550 refusal of the sender is explained with the problem catalogue:
// the login must match From (issue 7).
func TestSendTestExplainsA550Rejection(t *testing.T) {
	for _, asJSON := range []bool{true, false} {
		t.Run(map[bool]string{true: "json", false: "text"}[asJSON], func(t *testing.T) {
			m := newMailFlowLab(t, mailFlowOptions{})
			m.be.RejectMail(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Sender address rejected: not owned by user"})
			args := []string{"check", "--lang", "en", "--timeout", "3s", "--password-stdin", "--send-test", labAddress}
			if asJSON {
				args = append(args, "--json")
			}
			code, out, errOut := runCLI(t, sentinel+"\n", false, args...)
			assertNoSentinel(t, m, out, errOut)
			if code != ExitNotFound {
				t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			if n := m.inbox(t); n != 0 {
				t.Errorf("INBOX holds %d messages after a refusal", n)
			}
			if asJSON {
				rt := decodeRoundtrip(t, out).Roundtrip
				if rt.Status != "send-failed" || rt.Problem == nil || rt.Problem.Code != "smtp-550" ||
					rt.Problem.ServerText != "Sender address rejected: not owned by user" || rt.Explanation != rt.Problem.Explanation {
					t.Errorf("roundtrip %+v problem %+v, want send-failed explained as smtp-550", rt, rt.Problem)
				}
				if !strings.Contains(rt.Remedy, "must match the From address") {
					t.Errorf("remedy %q", rt.Remedy)
				}
				return
			}
			for _, want := range []string{"✗ The test message could not be sent.", "The server refused the action (550)",
				"The server said: Sender address rejected: not owned by user", "→ The address you log in with must match the From address."} {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

// A message the server refused (553 at MAIL FROM) was never sent: the
// text names no subject or Message-ID to look for.
func TestSendTestNamesNoSubjectForAMessageNeverSent(t *testing.T) {
	m := newMailFlowLab(t, mailFlowOptions{})
	m.be.RejectMail(&smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 1, 8}, Message: "Sender address rejected"})
	code, out, errOut := runCLI(t, sentinel+"\n", false, "check", "--lang", "en", "--timeout", "3s", "--password-stdin", "--send-test", labAddress)
	assertNoSentinel(t, m, out, errOut)
	if code != ExitNotFound || !strings.Contains(out, "✗ The test message could not be sent.") {
		t.Fatalf("exit %d, want 1 and the refusal\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, unwanted := range []string{"Subject:", "Message-ID:", "Sent:"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("stdout names %q of a message never sent:\n%s", unwanted, out)
		}
	}
}

func TestSendTestDeletesTheMessageWithDeleteTest(t *testing.T) {
	m := newMailFlowLab(t, mailFlowOptions{})
	code, out, errOut := runCLI(t, sentinel+"\n", false, "check", "--json", "--timeout", "3s", "--password-stdin", "--send-test", "--delete-test", labAddress)
	assertNoSentinel(t, m, out, errOut)
	if code != ExitOK {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	rt := decodeRoundtrip(t, out).Roundtrip
	if rt.Status != "arrived" || !rt.Deleted {
		t.Errorf("status %s deleted %v, want arrived and deleted", rt.Status, rt.Deleted)
	}
	if _, _, msgs := m.sent(); len(msgs) != 1 {
		t.Fatalf("%d messages sent, want 1", len(msgs))
	}
	if n := m.inbox(t); n != 0 {
		t.Errorf("INBOX still holds %d messages", n)
	}
}

// Without settings the check proved with the password, --send-test sends
// nothing and says why in one line; exit 1.
func TestSendTestSendsNothingWithoutProvenSettings(t *testing.T) {
	t.Run("no working outgoing server", func(t *testing.T) {
		checkLab(t, false)
		code, out, errOut := runCLI(t, sentinel+"\n", false, "check", "--lang", "en", "--timeout", "3s", "--password-stdin", "--send-test", labAddress)
		assertNoSentinel(t, nil, out, errOut)
		if code != ExitNotFound {
			t.Fatalf("exit %d, want 1\n%s", code, out)
		}
		want := "\nNo test message was sent: the check found no working incoming and outgoing settings to send it with.\n"
		if !strings.HasSuffix(out, want) {
			t.Errorf("stdout does not end with the one-line reason %q:\n%s", want, out)
		}
	})
	// A certificate for another name: the check does not log in, so the
	// password is proven nowhere and no message goes out.
	for _, insecure := range []bool{false, true} {
		t.Run(map[bool]string{false: "certificate for another name", true: "certificate for another name, allowed"}[insecure], func(t *testing.T) {
			m := newMailFlowLab(t, mailFlowOptions{certHost: "other.example.net"})
			args := []string{"check", "--json", "--lang", "en", "--timeout", "3s", "--password-stdin", "--send-test", labAddress}
			if insecure {
				args = append(args, "--allow-insecure-tls")
			}
			code, out, errOut := runCLI(t, sentinel+"\n", false, args...)
			assertNoSentinel(t, m, out, errOut)
			rt := decodeRoundtrip(t, out).Roundtrip
			if insecure {
				// The person allowed it: the same permission reaches
				// the round trip, which then works. The certificate is
				// still not verified and the host was not trusted by
				// name (--trust-host), so the check exits 1 and says so
				// in one line (issue 10).
				if code != ExitNotFound || rt.Status != "arrived" {
					t.Fatalf("exit %d, roundtrip %+v; want 1 and arrived\nstderr:\n%s", code, rt, errOut)
				}
				if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "certificate") {
					t.Errorf("stderr %q, want one line about the certificate", errOut)
				}
				assertSentOnlyToItself(t, m)
				return
			}
			if code != ExitNotFound || rt.Status != "refused" || rt.Code != "login-unverified" {
				t.Fatalf("exit %d, roundtrip %+v; want 1, refused/login-unverified", code, rt)
			}
			if strings.TrimSpace(errOut) != rt.Summary || strings.Count(errOut, "\n") != 1 {
				t.Errorf("stderr should be the one-line reason %q, got %q", rt.Summary, errOut)
			}
			if from, _, msgs := m.sent(); len(from)+len(msgs) > 0 {
				t.Errorf("something was sent: MAIL FROM %v, %d messages", from, len(msgs))
			}
		})
	}
}

// withoutTimesAndNumbers drops digits, dashes and colons between digits,
// time zones and runs of spaces, so tests can match the text around
// times, durations and column padding that vary by run and language.
func withoutTimesAndNumbers(s string) string {
	s = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [A-Z+\-0-9]+ `).ReplaceAllString(s, "")
	s = regexp.MustCompile(`\d+([.,]\d+)?( ms)?`).ReplaceAllString(s, "")
	return regexp.MustCompile(` +`).ReplaceAllString(s, " ")
}

// In a command line "offer to delete the test message" is a flag; the
// help says so, next to the other round-trip flags, in both languages.
func TestCheckHelpExplainsTheRoundTripFlags(t *testing.T) {
	for lang, wants := range map[string][]string{
		"en": {"-send-test", "needs --password-stdin", "-send-deadline duration", "(default 1m0s)", "-delete-test",
			"how the command line offers to delete it", "the test message arrived"},
		"it": {"-send-test", "serve --password-stdin", "-delete-test", "offre di cancellarlo", "il messaggio di prova è arrivato"},
	} {
		t.Run(lang, func(t *testing.T) {
			noNetwork(t)
			code, out, errOut := runCLI(t, "", false, "check", "--lang", lang, "--help")
			if code != ExitOK || errOut != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and the help on stdout, as for detect and health", code, errOut)
			}
			for _, want := range wants {
				if !strings.Contains(out, want) {
					t.Errorf("help lacks %q:\n%s", want, out)
				}
			}
		})
	}
}
