package detect

import (
	"crypto/tls"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-smtp"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
)

// mailHost runs the lab's in-process mail servers for one lab host, with
// a certificate the lab's CA issued for that host, on the standard ports
// asked for. Every server is stopped when the test ends, and every
// server logs the logins it receives in one log.
type mailHost struct {
	lab      *labtest.Lab
	host     string
	cert     tls.Certificate
	user     string
	password string
	// seen is every login attempt the host's servers received. Set its
	// refuse delay to delay each refusal, as Dovecot's
	// auth_failure_delay does.
	seen *mailserver.Logins
}

// Attempts returns the login attempts this host received per protocol,
// and how many of them were refused.
func (m *mailHost) Attempts() (map[string]int, int) {
	out := map[string]int{}
	for _, a := range m.seen.All() {
		out[a.Proto]++
	}
	return out, m.seen.Refused()
}

// Total is every login attempt this host received, all protocols.
func (m *mailHost) Total() int {
	n, _ := m.seen.Count("")
	return n
}

func newMailHost(t testing.TB, lab *labtest.Lab, host, user, password string) *mailHost {
	return &mailHost{lab: lab, host: host, user: user, password: password,
		cert: lab.Cert(host), seen: &mailserver.Logins{}}
}

func tlsMode(implicit bool) mailserver.TLSMode {
	if implicit {
		return mailserver.Implicit
	}
	return mailserver.StartTLS
}

// IMAP serves IMAP4rev1 and IMAP4rev2 on port; implicit selects implicit
// TLS (993) rather than STARTTLS (143).
func (m *mailHost) IMAP(t testing.TB, port int, implicit bool) {
	mailserver.ServeIMAPWith(t, m.lab.Listen(m.host, port), mailserver.IMAPOptions{
		User: mailserver.NewUser(t, m.user, m.password),
		Caps: imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		Cert: m.cert, TLS: tlsMode(implicit), Logins: m.seen,
	})
}

// POP3 serves POP3 on port (implicit TLS on 995, STLS otherwise).
func (m *mailHost) POP3(t testing.TB, port int, implicit bool) {
	mailserver.ServePOP3(t, m.lab.Listen(m.host, port), &mailserver.POP3{
		Capa:        []string{"USER", "UIDL", "TOP"},
		TLSConfig:   &tls.Config{Certificates: []tls.Certificate{m.cert}},
		ImplicitTLS: implicit,
		Users:       map[string]string{m.user: m.password},
		Logins:      m.seen,
	})
}

// SMTP serves submission on port (implicit TLS on 465, STARTTLS
// otherwise) with AUTH PLAIN after TLS; it takes no mail.
func (m *mailHost) SMTP(t testing.TB, port int, implicit bool) {
	be := mailserver.NewSubmission(nil, m.user, m.password, nil)
	be.SetLogins(m.seen)
	be.RejectData(&smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 0, 0}, Message: "not accepting mail"})
	mailserver.ServeSMTPWith(t, m.lab.Listen(m.host, port), be, mailserver.SMTPOptions{Domain: m.host, Cert: m.cert, TLS: tlsMode(implicit)})
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
