package detect

import (
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/pop3/pop3test"
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
}

func newMailHost(t testing.TB, lab *labtest.Lab, host, user, password string) *mailHost {
	cert := lab.Cert(host)
	return &mailHost{lab: lab, host: host, user: user, password: password,
		tls: &tls.Config{Certificates: []tls.Certificate{cert}}}
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
			return mem.NewSession(), nil, nil
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
	srv := &pop3test.Server{
		Capa:        []string{"USER", "UIDL", "TOP"},
		TLSConfig:   m.tls,
		ImplicitTLS: implicit,
		Users:       map[string]string{m.user: m.password},
	}
	srv.Serve(m.lab.Listen(m.host, port))
	t.Cleanup(srv.Close)
}

// SMTP serves submission on port (implicit TLS on 465, STARTTLS
// otherwise) with AUTH PLAIN after TLS.
func (m *mailHost) SMTP(t testing.TB, port int, implicit bool) {
	srv := smtp.NewServer(&smtpBackend{user: m.user, password: m.password})
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

type smtpBackend struct{ user, password string }

func (b *smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{b: b}, nil }

type smtpSession struct{ b *smtpBackend }

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != s.b.user || pass != s.b.password {
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
