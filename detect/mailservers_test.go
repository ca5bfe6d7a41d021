package detect

import (
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
)

// mailHost runs real in-process mail servers for one lab host, with a
// certificate the lab's CA issued for that host, on the standard ports
// asked for. Every server is stopped when the test ends.
type mailHost struct {
	lab      *labtest.Lab
	host     string
	tls      *tls.Config
	user     string
	password string
	seen     *loginLog
	pop3s    []*mailserver.POP3
}

// loginLog counts, at the server, every login attempt it received per
// protocol (IMAP LOGIN/AUTHENTICATE, SMTP AUTH; POP3 is counted from the
// server's command log), and how many were refused. refuseDelay delays
// each refusal, as Dovecot's auth_failure_delay does.
type loginLog struct {
	mu          sync.Mutex
	attempts    map[string]int
	refused     int
	refuseDelay time.Duration
}

func (l *loginLog) add(proto string, ok bool) {
	l.mu.Lock()
	l.attempts[proto]++
	if !ok {
		l.refused++
	}
	d := l.refuseDelay
	l.mu.Unlock()
	if !ok && d > 0 {
		time.Sleep(d)
	}
}

// Attempts returns the login attempts this host received per protocol
// (POP3 included) and how many IMAP/SMTP ones were refused.
func (m *mailHost) Attempts() (map[string]int, int) {
	m.seen.mu.Lock()
	out := map[string]int{}
	for k, v := range m.seen.attempts {
		out[k] = v
	}
	refused := m.seen.refused
	m.seen.mu.Unlock()
	for _, srv := range m.pop3s {
		for _, c := range srv.Commands() {
			if f := strings.Fields(c.Line); len(f) > 0 && (strings.EqualFold(f[0], "PASS") || strings.EqualFold(f[0], "AUTH") || strings.EqualFold(f[0], "APOP")) {
				out["pop3"]++
			}
		}
	}
	return out, refused
}

// Total is every login attempt this host received, all protocols.
func (m *mailHost) Total() int {
	a, _ := m.Attempts()
	n := 0
	for _, v := range a {
		n += v
	}
	return n
}

// countingIMAPSession keeps imapmemserver's IMAP4rev2 methods (the
// server refuses a session without them when it announces IMAP4rev2).
type countingIMAPSession struct {
	imapserver.SessionIMAP4rev2
	log *loginLog
}

func (s *countingIMAPSession) Login(user, pass string) error {
	err := s.SessionIMAP4rev2.Login(user, pass)
	s.log.add("imap", err == nil)
	return err
}

func newMailHost(t testing.TB, lab *labtest.Lab, host, user, password string) *mailHost {
	cert := lab.Cert(host)
	return &mailHost{lab: lab, host: host, user: user, password: password,
		tls:  &tls.Config{Certificates: []tls.Certificate{cert}},
		seen: &loginLog{attempts: map[string]int{}}}
}

// IMAP serves IMAP on port; implicit selects implicit TLS (993) rather
// than STARTTLS (143).
func (m *mailHost) IMAP(t testing.TB, port int, implicit bool) {
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(m.user, m.password)
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &countingIMAPSession{SessionIMAP4rev2: mem.NewSession().(imapserver.SessionIMAP4rev2), log: m.seen}, nil, nil
		},
		Caps:      imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		TLSConfig: m.tls,
		Logger:    log.New(io.Discard, "", 0),
	})
	var ln net.Listener = m.lab.Listen(m.host, port)
	if implicit {
		ln = tls.NewListener(ln, m.tls)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
}

// POP3 serves POP3 on port (implicit TLS on 995, STLS otherwise).
func (m *mailHost) POP3(t testing.TB, port int, implicit bool) {
	srv := &mailserver.POP3{
		Capa:        []string{"USER", "UIDL", "TOP"},
		TLSConfig:   m.tls,
		ImplicitTLS: implicit,
		Users:       map[string]string{m.user: m.password},
	}
	srv.Serve(m.lab.Listen(m.host, port))
	m.pop3s = append(m.pop3s, srv)
	t.Cleanup(srv.Close)
}

// SMTP serves submission on port (implicit TLS on 465, STARTTLS
// otherwise) with AUTH PLAIN after TLS.
func (m *mailHost) SMTP(t testing.TB, port int, implicit bool) {
	srv := smtp.NewServer(&smtpBackend{user: m.user, password: m.password, log: m.seen})
	srv.Domain = m.host
	srv.TLSConfig = m.tls
	srv.ErrorLog = log.New(io.Discard, "", 0)
	var ln net.Listener = m.lab.Listen(m.host, port)
	if implicit {
		ln = tls.NewListener(ln, m.tls)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
}

// All serves every standard port: IMAP 993/143, POP3 995/110, SMTP
// 465/587/25/2525.
func (m *mailHost) All(t testing.TB) {
	m.IMAP(t, 993, true)
	m.IMAP(t, 143, false)
	m.POP3(t, 995, true)
	m.POP3(t, 110, false)
	m.SMTP(t, 465, true)
	for _, p := range []int{587, 25, 2525} {
		m.SMTP(t, p, false)
	}
}

type smtpBackend struct {
	user, password string
	log            *loginLog
}

func (b *smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{b: b}, nil }

type smtpSession struct{ b *smtpBackend }

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		ok := user == s.b.user && pass == s.b.password
		if s.b.log != nil {
			s.b.log.add("smtp", ok)
		}
		if !ok {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		return nil
	}), nil
}
func (s *smtpSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *smtpSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *smtpSession) Data(io.Reader) error                 { return errors.New("not accepting mail") }
func (s *smtpSession) Reset()                               {}
func (s *smtpSession) Logout() error                        { return nil }
