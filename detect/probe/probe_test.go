package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
)

// en renders results in English: a probe keeps codes, and the tests
// read its words in one fixed language.
var en = i18n.For("en")

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// collector is a Sink that keeps every update.
type collector struct {
	mu      sync.Mutex
	updates []Result
}

func (c *collector) sink(e event.Event) {
	u, ok := e.(Update)
	if !ok {
		return
	}
	c.mu.Lock()
	c.updates = append(c.updates, u.Result)
	c.mu.Unlock()
}

func withLogin() Options {
	return Options{Username: testUser, Password: testPassword, Timeout: 5 * time.Second}
}

func noLogin() Options { return Options{Timeout: 5 * time.Second} }

func probeOnce(t *testing.T, nw *network.Network, ep mail.Server, opts Options) Result {
	t.Helper()
	c := &collector{}
	res := Run(context.Background(), nw, ep, []string{"test"}, opts, c.sink)
	checkNoSecret(t, res, c.updates)
	if res.Phase != PhaseDone || res.Status == "" || res.SummaryIn(en) == "" {
		t.Errorf("unfinished result: phase %s status %q summary %q", res.Phase, res.Status, res.SummaryIn(en))
	}
	return res
}

// checkNoSecret asserts the sentinel password appears in no result, in
// any language, nor in the transcript.
func checkNoSecret(t *testing.T, results ...any) {
	t.Helper()
	b, err := json.Marshal(results)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), testPassword) {
		t.Fatalf("the password leaked into a result: %s", b)
	}
	// Base64 of the PLAIN payload contains the password encoded; check
	// the most telling fragment of it as well.
	if strings.Contains(string(b), "U2VudGluZWwtUGE1NS03ZjNr") {
		t.Fatalf("the base64 password leaked into a result")
	}
}

func hasProblem(res Result, code string) bool {
	for _, p := range res.Problems {
		if p.Code == code {
			return true
		}
	}
	return false
}

func codes(res Result) []string {
	var out []string
	for _, p := range res.Problems {
		out = append(out, p.Code)
	}
	return out
}

func transcriptText(res Result) string {
	var b strings.Builder
	for _, l := range res.Transcript {
		fmt.Fprintf(&b, "%s: %s\n", l.Dir, l.Text)
	}
	return b.String()
}

func TestProbeLogsInOverImplicitTLSAndSTARTTLSForEveryProtocol(t *testing.T) {
	lab := labtest.New(t)
	nw := lab.Network()
	cases := []struct {
		proto mail.Protocol
		host  string
		port  int
		sec   mail.Security
	}{
		{mail.SMTP, "smtp.example.it", 465, mail.TLS},
		{mail.SMTP, "smtp.example.it", 587, mail.STARTTLS},
		{mail.IMAP, "imap.example.it", 993, mail.TLS},
		{mail.IMAP, "imap.example.it", 143, mail.STARTTLS},
		{mail.POP3, "pop.example.it", 995, mail.TLS},
		{mail.POP3, "pop.example.it", 110, mail.STARTTLS},
	}
	for _, c := range cases {
		cert := lab.Cert(c.host)
		switch c.proto {
		case mail.SMTP:
			startSMTP(t, lab, c.host, c.port, c.sec, cert, submission(nil))
		case mail.IMAP:
			startIMAP(t, lab, c.host, c.port, c.sec, cert, nil)
		case mail.POP3:
			startPOP3(t, lab, c.host, c.port, c.sec, cert, nil)
		}
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s-%d", c.proto, c.port), func(t *testing.T) {
			ep := mail.Server{Protocol: c.proto, Host: c.host, Port: c.port, Security: c.sec}
			res := probeOnce(t, nw, ep, withLogin())
			if res.Status != StatusOK || res.Login != LoginOK || res.Reachability != Open {
				t.Fatalf("status %s login %s reach %s problems %v\n%s", res.Status, res.Login, res.Reachability, codes(res), transcriptText(res))
			}
			if res.TLS == nil || !res.TLS.Verified || res.TLS.Version == "" || res.TLS.Cipher == "" {
				t.Errorf("TLS info = %+v", res.TLS)
			}
			if (c.sec == mail.STARTTLS) != (res.StartTLSOffered != nil) || (res.StartTLSOffered != nil && !*res.StartTLSOffered) {
				t.Errorf("StartTLSOffered = %v for %s", res.StartTLSOffered, c.sec)
			}
			if res.Greeting == "" || len(res.Capabilities) == 0 || len(res.AuthMechanisms) == 0 {
				t.Errorf("greeting %q caps %v mechs %v", res.Greeting, res.Capabilities, res.AuthMechanisms)
			}
			if !strings.Contains(res.SummaryIn(en), "login OK") && !strings.Contains(res.SummaryIn(en), "accesso riuscito") {
				t.Errorf("summary %q", res.SummaryIn(en))
			}
			if !strings.Contains(transcriptText(res), "***") {
				t.Errorf("no redacted credential in the transcript:\n%s", transcriptText(res))
			}
			for _, want := range []Phase{PhaseConnecting, PhaseConnected, PhaseGreeting, PhaseCapabilities, PhaseLogin} {
				if !reached(res.Phases, want) {
					t.Errorf("phase %s missing from %v", want, res.Phases)
				}
			}
			if !reached(res.Phases, PhaseTLS) {
				t.Errorf("no TLS phase in %v", res.Phases)
			}
			// The test servers announce SIZE 25 MiB (RFC 1870).
			if wantSize := int64(25 << 20); c.proto == mail.SMTP && res.SizeLimit != wantSize {
				t.Errorf("SMTP size limit %d, want %d", res.SizeLimit, wantSize)
			}
		})
	}
}

func TestProbeReportsWrongPasswordWithTheServersWords(t *testing.T) {
	lab := labtest.New(t)
	nw := lab.Network()
	startSMTP(t, lab, "mail.example.it", 465, mail.TLS, lab.Cert("mail.example.it"), submission(nil))
	startIMAP(t, lab, "mail.example.it", 993, mail.TLS, lab.Cert("mail.example.it"), nil)
	startPOP3(t, lab, "mail.example.it", 995, mail.TLS, lab.Cert("mail.example.it"), nil)
	cases := []struct {
		proto mail.Protocol
		port  int
		code  string
	}{
		{mail.SMTP, 465, "smtp-535"},
		{mail.IMAP, 993, "imap-authenticationfailed"},
		{mail.POP3, 995, "pop3-auth"},
	}
	for _, c := range cases {
		t.Run(string(c.proto), func(t *testing.T) {
			opts := withLogin()
			opts.Password = "wrong-password"
			res := probeOnce(t, nw, mail.Server{Protocol: c.proto, Host: "mail.example.it", Port: c.port, Security: mail.TLS}, opts)
			if res.Status != StatusFailed || res.Login != LoginFailed || !hasProblem(res, c.code) {
				t.Fatalf("status %s login %s problems %v", res.Status, res.Login, codes(res))
			}
			if res.LoginMessage == "" {
				t.Errorf("no server words for the failed login")
			}
			if strings.Contains(transcriptText(res), "wrong-password") {
				t.Errorf("password in transcript:\n%s", transcriptText(res))
			}
		})
	}
}

func TestProbeReportsEveryReachabilityOutcome(t *testing.T) {
	lab := labtest.New(t)
	nw := lab.Network()
	nw.DialTimeout = 700 * time.Millisecond
	startIMAP(t, lab, "open.example.it", 993, mail.TLS, lab.Cert("open.example.it"), nil)
	lab.Host("closed.example.it")
	lab.Filter("filtered.example.it", 25)
	cases := []struct {
		host  string
		port  int
		reach Reachability
		code  string
	}{
		{"open.example.it", 993, Open, ""},
		{"closed.example.it", 993, Refused, "refused"},
		{"filtered.example.it", 25, Filtered, "filtered"},
		{"nowhere.example.it", 993, Unresolved, "unresolved"},
	}
	for _, c := range cases {
		t.Run(string(c.reach), func(t *testing.T) {
			proto := mail.IMAP
			if c.port == 25 {
				proto = mail.SMTP
			}
			ep := mail.Server{Protocol: proto, Host: c.host, Port: c.port, Security: mail.TLS}
			if c.port == 25 {
				ep.Security = mail.STARTTLS
			}
			opts := noLogin()
			opts.Timeout = 2 * time.Second
			start := time.Now()
			res := probeOnce(t, nw, ep, opts)
			if res.Reachability != c.reach {
				t.Fatalf("reachability %s, want %s (problems %v)", res.Reachability, c.reach, codes(res))
			}
			if c.code != "" && (!hasProblem(res, c.code) || res.Status != StatusFailed) {
				t.Errorf("problems %v status %s", codes(res), res.Status)
			}
			if time.Since(start) > 3*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			if c.reach == Filtered && !strings.Contains(res.Problems[0].RemedyIn("en"), "587") {
				t.Errorf("port 25 remedy %q", res.Problems[0].RemedyIn("en"))
			}
		})
	}
}

// When the probe's own deadline ends the connect (a dropped port, or a
// name server that never answers), the verdict is about the network,
// not "stopped": only the caller's cancellation is a cancellation.
func TestProbeOwnDeadlineIsNotACancellation(t *testing.T) {
	lab := labtest.New(t)
	nw := lab.Network()
	nw.DialTimeout = 10 * time.Second // longer than the probe: its deadline decides
	nw.DNSTimeout = 10 * time.Second
	lab.Filter("dropped.example.it", 587)
	lab.DNSFail("mute-dns.example.it", labtest.Timeout)
	cases := []struct {
		host  string
		reach Reachability
		code  string
	}{
		{"dropped.example.it", Filtered, "filtered"},
		{"mute-dns.example.it", Unresolved, "dns-timeout"},
	}
	for _, c := range cases {
		t.Run(c.host, func(t *testing.T) {
			opts := noLogin()
			opts.Timeout = 400 * time.Millisecond
			res := probeOnce(t, nw, mail.Server{Protocol: mail.SMTP, Host: c.host, Port: 587, Security: mail.STARTTLS}, opts)
			if res.Reachability != c.reach || !hasProblem(res, c.code) || res.Status != StatusFailed {
				t.Errorf("reachability %q problems %v status %s, want %s and %s", res.Reachability, codes(res), res.Status, c.reach, c.code)
			}
		})
	}
	// The network's own DNS timeout, shorter than the probe's, says the
	// same.
	nw.DNSTimeout = 200 * time.Millisecond
	opts := noLogin()
	opts.Timeout = 3 * time.Second
	res := probeOnce(t, nw, mail.Server{Protocol: mail.IMAP, Host: "mute-dns.example.it", Port: 993, Security: mail.TLS}, opts)
	if res.Reachability != Unresolved || !hasProblem(res, "dns-timeout") {
		t.Errorf("with a short DNS timeout: reachability %q problems %v", res.Reachability, codes(res))
	}
}

// A name server that answers SERVFAIL or REFUSED, or cannot be reached,
// has not said the name does not exist: the verdict must send the person
// to their DNS settings, not to a spelling mistake.
func TestProbeTellsABrokenNameServerFromAMissingName(t *testing.T) {
	lab := labtest.New(t)
	nw := lab.Network()
	lab.DNSFail("servfail.example.it", labtest.ServFail)
	lab.DNSFail("refused.example.it", labtest.Refused)
	for _, host := range []string{"servfail.example.it", "refused.example.it"} {
		t.Run(host, func(t *testing.T) {
			res := probeOnce(t, nw, mail.Server{Protocol: mail.IMAP, Host: host, Port: 993, Security: mail.TLS}, noLogin())
			if res.Reachability != Unresolved || !hasProblem(res, "dns-failed") || hasProblem(res, "unresolved") || res.Status != StatusFailed {
				t.Errorf("reachability %q problems %v status %s, want unresolved with dns-failed", res.Reachability, codes(res), res.Status)
			}
		})
	}
	t.Run("no name server listening", func(t *testing.T) {
		dead := *nw
		dead.DNSServers = []string{"127.0.0.1:9"} // discard port: nothing answers DNS there
		res := probeOnce(t, &dead, mail.Server{Protocol: mail.SMTP, Host: "smtp.example.it", Port: 465, Security: mail.TLS}, noLogin())
		if res.Reachability != Unresolved || !(hasProblem(res, "dns-failed") || hasProblem(res, "dns-timeout")) {
			t.Errorf("reachability %q problems %v, want a DNS failure, not a missing name", res.Reachability, codes(res))
		}
	})
}
