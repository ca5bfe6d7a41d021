package integration

import (
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
)

// plainPassword is the sentinel of the plaintext test.
const plainPassword = "Plain-Sentinel-Pw-93d1"

// credLog counts the credentials each fake server received.
type credLog struct {
	mu sync.Mutex
	n  map[string]int // protocol → logins received
}

func (c *credLog) add(proto string) {
	c.mu.Lock()
	c.n[proto]++
	c.mu.Unlock()
}

func (c *credLog) get(proto string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[proto]
}

// TestBinarySendsNoPasswordWithoutTLSUnlessAllowed runs the real binary
// against servers that offer no TLS at all (IMAP 143 without STARTTLS,
// POP3 110 without STLS, SMTP 587 without STARTTLS, each happy to take
// a password in the clear, and each counting the logins it receives).
// Without --allow-plaintext not one credential arrives and every probe
// says why; with it, each server receives exactly the login it was
// allowed, and the password is still printed nowhere. It needs root
// (the servers bind the real ports on the lab's loopback addresses), not
// the real servers.
func TestBinarySendsNoPasswordWithoutTLSUnlessAllowed(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("SKIP plaintext servers: not root, so they cannot bind ports 110, 143 and 587 for the binary")
	}
	lab := labtest.NewWith(t, labtest.Options{RealPorts: true})
	host, user := "mail.plain.test", "anna@plain.test"
	creds := &credLog{n: map[string]int{}}
	servePlainIMAP(t, lab, host, user, creds)
	servePlainSMTP(t, lab, host, user, creds)
	pop := &mailserver.POP3{HideSTLS: true, Users: map[string]string{user: plainPassword}}
	pop.Serve(lab.Listen(host, 110))
	t.Cleanup(pop.Close)
	popPasses := func() (n int) {
		for _, c := range pop.Commands() {
			if f := strings.Fields(strings.ToUpper(c.Line)); len(f) > 0 && (f[0] == "PASS" || f[0] == "AUTH") {
				n++
			}
		}
		return n
	}
	lab.SRV("_imap._tcp.plain.test", 0, 1, 143, host)
	lab.SRV("_pop3._tcp.plain.test", 0, 1, 110, host)
	lab.SRV("_submission._tcp.plain.test", 0, 1, 587, host)

	env := servers{}
	for _, kv := range lab.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	env["REALSERVERS_DOMAIN"] = "plain.test"

	r := env.run(t, plainPassword+"\n", "check", "--json", "--password-stdin", user)
	var doc checkDoc
	r.decode(t, &doc)
	if r.code != 1 {
		t.Errorf("exit %d, want 1 (nothing usable without TLS)", r.code)
	}
	for _, proto := range []string{"imap", "smtp"} {
		if n := creds.get(proto); n != 0 {
			t.Errorf("%s: the server received %d logins in the clear", proto, n)
		}
	}
	if n := popPasses(); n != 0 {
		t.Errorf("pop3: the server received %d PASS/AUTH commands in the clear", n)
	}
	plainPorts := map[int]bool{143: true, 110: true, 587: true}
	seen := 0
	for _, p := range doc.Probes {
		if !plainPorts[p.Port] {
			continue
		}
		seen++
		if p.Login != "skipped" || p.StartTLSOffered == nil || *p.StartTLSOffered {
			t.Errorf("%v: login %q starttls_offered %v, want skipped and false", p.endpoint(), p.Login, p.StartTLSOffered)
		}
	}
	if seen != 3 {
		t.Errorf("%d plaintext endpoints probed, want 3", seen)
	}

	r = env.run(t, plainPassword+"\n", "check", "--json", "--password-stdin", "--allow-plaintext", user)
	r.decode(t, &doc)
	if strings.Contains(r.stdout+r.stderr, plainPassword) {
		t.Error("with --allow-plaintext the password was printed")
	}
	for _, proto := range []string{"imap", "smtp"} {
		if n := creds.get(proto); n != 1 {
			t.Errorf("%s: %d logins with --allow-plaintext, want 1", proto, n)
		}
	}
	if n := popPasses(); n != 1 {
		t.Errorf("pop3: %d PASS/AUTH with --allow-plaintext, want 1", n)
	}
	for _, p := range doc.Probes {
		if plainPorts[p.Port] && p.Login != "ok" {
			t.Errorf("%v: login %q with --allow-plaintext, want ok", p.endpoint(), p.Login)
		}
	}
	if rec := doc.Recommended; rec.Incoming != nil || rec.Outgoing != nil {
		t.Errorf("plaintext recommended: %+v / %+v (Postino never recommends it)", rec.Incoming, rec.Outgoing)
	}
}

// servePlainIMAP runs go-imap's server on host:143 with no TLS at all,
// accepting LOGIN in the clear and counting every login.
func servePlainIMAP(t *testing.T, lab *labtest.Lab, host, user string, creds *credLog) {
	mem := imapmemserver.New()
	mem.AddUser(imapmemserver.NewUser(user, plainPassword))
	s := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &countingIMAP{Session: mem.NewSession(), creds: creds}, nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
	})
	ln := lab.Listen(host, 143)
	done := make(chan struct{})
	go func() { s.Serve(ln); close(done) }()
	t.Cleanup(func() { s.Close(); <-done })
}

type countingIMAP struct {
	imapserver.Session
	creds *credLog
}

func (s *countingIMAP) Login(user, pass string) error {
	s.creds.add("imap")
	return s.Session.Login(user, pass)
}

// servePlainSMTP runs go-smtp's server on host:587 with no STARTTLS,
// offering AUTH PLAIN in the clear and counting every AUTH.
func servePlainSMTP(t *testing.T, lab *labtest.Lab, host, user string, creds *credLog) {
	s := smtp.NewServer(plainSMTPBackend{user: user, creds: creds})
	s.Domain = host
	s.AllowInsecureAuth = true
	s.ErrorLog = quiet{}
	ln := lab.Listen(host, 587)
	done := make(chan struct{})
	go func() { s.Serve(ln); close(done) }()
	t.Cleanup(func() { s.Close(); <-done })
}

type plainSMTPBackend struct {
	user  string
	creds *credLog
}

func (b plainSMTPBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return plainSMTPSession(b), nil
}

type plainSMTPSession plainSMTPBackend

func (s plainSMTPSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s plainSMTPSession) Auth(string) (sasl.Server, error) {
	s.creds.add("smtp")
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user == s.user && pass == plainPassword {
			return nil
		}
		return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
	}), nil
}
func (plainSMTPSession) Mail(string, *smtp.MailOptions) error { return nil }
func (plainSMTPSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (plainSMTPSession) Data(r io.Reader) error               { _, err := io.Copy(io.Discard, r); return err }
func (plainSMTPSession) Reset()                               {}
func (plainSMTPSession) Logout() error                        { return nil }

type quiet struct{}

func (quiet) Printf(string, ...any) {}
func (quiet) Println(...any)        {}
