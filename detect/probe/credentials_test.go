package probe

import (
	"bufio"
	"crypto/tls"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/internal/mailconn"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/problem"
)

// slowRefusalIMAP greets over implicit TLS and answers LOGIN only after
// delay, with a refusal, as Dovecot does (auth_failure_delay). It counts
// the LOGIN commands it received.
func slowRefusalIMAP(delay time.Duration, logins *int, mu *sync.Mutex) func(net.Conn) {
	return func(c net.Conn) {
		labtest.IMAPScript(c, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n", "IMAP4rev1 AUTH=PLAIN", func(tag, verb string) (string, bool) {
			if verb != "LOGIN" {
				return "", true
			}
			mu.Lock()
			*logins++
			mu.Unlock()
			// Wait without outliving the test: a read ends at the
			// delay, or at once when the cleanup closes the socket.
			c.SetReadDeadline(time.Now().Add(delay))
			if _, err := c.Read(make([]byte, 1)); err == nil || !mailconn.IsTimeout(err) {
				return "", false
			}
			c.SetReadDeadline(time.Time{})
			return tag + " NO [AUTHENTICATIONFAILED] Authentication failed.\r\n", true
		})
	}
}

// A server that delays its refusal beyond the probe's own timeout is
// still heard: the login step has its own budget, so the verdict is the
// refusal, not a stalled server (issue 10, scaled: 700 ms delay with a
// 300 ms probe timeout).
func TestLoginHasItsOwnBudgetBeyondTheProbeTimeout(t *testing.T) {
	lab := labtest.New(t)
	var mu sync.Mutex
	var logins int
	serveTLSRaw(t, lab, "imap.example.test", 993, serverTLS(lab.Cert("imap.example.test")), slowRefusalIMAP(700*time.Millisecond, &logins, &mu))
	opts := withLogin()
	opts.Timeout = 300 * time.Millisecond
	res := probeOnce(t, lab.Network(), mail.Server{Protocol: mail.IMAP, Host: "imap.example.test", Port: 993, Security: mail.TLS}, opts)
	if res.Login != LoginFailed || !hasProblem(res, "imap-authenticationfailed") || hasProblem(res, problem.Timeout) || hasProblem(res, problem.NotThisProtocol) {
		t.Fatalf("login %s problems %v", res.Login, codes(res))
	}
	mu.Lock()
	defer mu.Unlock()
	if logins != 1 {
		t.Errorf("the server saw %d LOGIN commands, want 1", logins)
	}
}

// Issue 16: a late answer to the login is "no answer to the login in
// time", never "does not speak IMAP" quoting the greeting.
func TestALateLoginReplyIsNoAnswerInTimeNotAnotherProtocol(t *testing.T) {
	lab := labtest.New(t)
	var mu sync.Mutex
	var logins int
	serveTLSRaw(t, lab, "imap.example.test", 993, serverTLS(lab.Cert("imap.example.test")), slowRefusalIMAP(3*time.Second, &logins, &mu))
	opts := withLogin()
	opts.Timeout = 300 * time.Millisecond
	opts.LoginTimeout = 400 * time.Millisecond
	res := probeOnce(t, lab.Network(), mail.Server{Protocol: mail.IMAP, Host: "imap.example.test", Port: 993, Security: mail.TLS}, opts)
	if res.Login != LoginFailed || !hasProblem(res, problem.LoginTimeout) || hasProblem(res, problem.NotThisProtocol) {
		t.Fatalf("login %s problems %v summary %q", res.Login, codes(res), res.SummaryIn(en))
	}
	if !strings.Contains(res.SummaryIn(en), "login") {
		t.Errorf("summary %q should say the login got no answer", res.SummaryIn(en))
	}
}

// An on-path attacker can write anything before STARTTLS. A greeting
// that hides a second [CAPABILITY ...] in its text must not shape the
// report: the capabilities shown are the ones the server gives inside
// TLS.
func TestIMAPCapabilitiesAreAskedAgainInsideTLS(t *testing.T) {
	lab := labtest.New(t)
	cfg := serverTLS(lab.Cert("imap.example.test"))
	startRaw(t, lab, "imap.example.test", 143, func(c net.Conn) {
		c.Write([]byte("* OK [CAPABILITY IMAP4rev1 STARTTLS] [CAPABILITY IMAP4rev1 AUTH=FORGED LOGINDISABLED] hi\r\n"))
		br := bufio.NewReader(c)
		line, err := br.ReadString('\n')
		if err != nil || !strings.Contains(strings.ToUpper(line), "STARTTLS") {
			return
		}
		tag := strings.Fields(line)[0]
		c.Write([]byte(tag + " OK begin TLS\r\n"))
		tc := tls.Server(c, cfg)
		if tc.Handshake() != nil {
			return
		}
		labtest.IMAPScript(tc, "", "IMAP4rev1 AUTH=PLAIN", func(string, string) (string, bool) { return "", true })
	})
	res := probeOnce(t, lab.Network(), mail.Server{Protocol: mail.IMAP, Host: "imap.example.test", Port: 143, Security: mail.STARTTLS}, noLogin())
	got := strings.Join(res.Capabilities, " ")
	if strings.Contains(got, "FORGED") || strings.Contains(got, "LOGINDISABLED") || !strings.Contains(got, "AUTH=PLAIN") {
		t.Fatalf("capabilities %q, want the ones given inside TLS; problems %v", got, codes(res))
	}
	if strings.Join(res.AuthMechanisms, " ") != "PLAIN" {
		t.Errorf("mechanisms %v, want [PLAIN]", res.AuthMechanisms)
	}
}

// "Try the login anyway" is pinned to the certificate the person saw:
// the same certificate gets the password, a different one does not, and
// the server receives no LOGIN then.
func TestPinnedRetryAcceptsOnlyTheCertificateSeen(t *testing.T) {
	lab := labtest.New(t)
	self := lab.CertWith(labtest.CertOptions{Names: []string{"imap.example.test"}, SelfSigned: true})
	log := startIMAP(t, lab, "imap.example.test", 993, mail.TLS, self, nil)
	logins := func() int { n, _ := log.Count(""); return n }
	ep := mail.Server{Protocol: mail.IMAP, Host: "imap.example.test", Port: 993, Security: mail.TLS}

	first := probeOnce(t, lab.Network(), ep, withLogin())
	if first.TLS == nil || first.TLS.Verified || len(first.TLS.SHA256) != 64 || first.Login != LoginSkipped {
		t.Fatalf("first probe: TLS %+v login %s", first.TLS, first.Login)
	}
	opts := withLogin()
	opts.AllowInsecureTLS = true
	opts.PinSHA256 = first.TLS.SHA256
	if res := probeOnce(t, lab.Network(), ep, opts); res.Login != LoginOK {
		t.Fatalf("pinned retry on the same certificate: login %s problems %v", res.Login, codes(res))
	}
	if n := logins(); n != 1 {
		t.Fatalf("server saw %d logins after the pinned retry, want 1", n)
	}
	opts.PinSHA256 = strings.Repeat("0", 64)
	res := probeOnce(t, lab.Network(), ep, opts)
	if res.Login != LoginSkipped || !hasProblem(res, problem.CertChanged) {
		t.Fatalf("retry with another pin: login %s problems %v", res.Login, codes(res))
	}
	if n := logins(); n != 1 {
		t.Errorf("server saw %d logins, want still 1: the changed certificate got the password", n)
	}
}

// A password shorter than four characters cannot be replaced inside a
// text without garbling it, so a text holding it is withheld whole.
func TestShortPasswordsAreScrubbedToo(t *testing.T) {
	if got := scrub("NO wrong password abc for you", "abc"); strings.Contains(got, "abc") || got == "" {
		t.Errorf("short password kept: %q", got)
	}
	if got := scrub("NO wrong password", "abc"); got != "NO wrong password" {
		t.Errorf("text without the password changed: %q", got)
	}
	if got := scrub("echo Sentinel-Pa55 back", "Sentinel-Pa55"); got != "echo *** back" {
		t.Errorf("long password: %q", got)
	}
}
