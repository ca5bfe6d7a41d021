package roundtrip

import (
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
)

const (
	testAddr     = "anna@example.test"
	testPassword = "Sentinel-Pw-4b1d"
	smtpHost     = "smtp.example.test"
	imapHost     = "imap.example.test"
)

// mailLab is one provider: a submission server whose backend delivers
// into an imapmemserver mailbox (and the POP3 maildrop), all with lab
// certificates.
type mailLab struct {
	lab  *labtest.Lab
	nw   *network.Network
	user *imapmemserver.User
	be   *mailserver.Submission
	drop *mailserver.Maildrop
	// imapCaps are the IMAP servers' capabilities (default IMAP4rev1 and
	// UIDPLUS); set before startIMAP.
	imapCaps imap.CapSet
}

// newMailLab starts SMTP on 465 (TLS) and 587 (STARTTLS), IMAP on 993
// (TLS) and 143 (STARTTLS) and POP3 on 995 (TLS) and 110 (STLS), all
// delivering to one mailbox.
func newMailLab(t *testing.T) *mailLab {
	t.Helper()
	lab := labtest.New(t)
	user := mailserver.NewUser(t, testAddr, testPassword, "INBOX", "Junk", "Sent")
	drop := &mailserver.Maildrop{}
	be := mailserver.NewSubmission(user, testAddr, testPassword, func(box string, msg []byte) {
		if box == "INBOX" {
			drop.Add(msg)
		}
	})
	m := &mailLab{lab: lab, nw: lab.Network(), user: user, drop: drop, be: be}
	t.Cleanup(be.Wait)
	cert := lab.Cert(smtpHost, imapHost)
	m.startSMTP(t, 465, mail.TLS, cert)
	m.startSMTP(t, 587, mail.STARTTLS, cert)
	m.startIMAP(t, 993, mail.TLS, cert)
	m.startIMAP(t, 143, mail.STARTTLS, cert)
	m.startPOP3(t, 995, true, cert)
	m.startPOP3(t, 110, false, cert)
	return m
}

func (m *mailLab) startSMTP(t *testing.T, port int, sec mail.Security, cert tls.Certificate) {
	mailserver.ServeSMTP(t, m.lab.Listen(smtpHost, port), m.be, smtpHost, cert, sec == mail.TLS)
}

// startPOP3 serves the maildrop (STLS offered unless implicit).
func (m *mailLab) startPOP3(t *testing.T, port int, implicit bool, cert tls.Certificate) {
	mailserver.ServePOP3(t, m.lab.Listen(imapHost, port), &mailserver.POP3{
		Greeting: "lab POP3 ready", Capa: []string{"USER", "TOP"},
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}, ImplicitTLS: implicit,
		Users: map[string]string{testAddr: testPassword}, Drop: m.drop,
	})
}

func (m *mailLab) startIMAP(t *testing.T, port int, sec mail.Security, cert tls.Certificate) {
	mailserver.ServeIMAP(t, m.lab.Listen(imapHost, port), m.user, m.imapCaps, cert, sec == mail.TLS)
}

// opts returns options for the lab's servers with a short deadline.
func (m *mailLab) opts() Options {
	return Options{
		Address:      testAddr,
		Password:     testPassword,
		SMTP:         mail.Server{Protocol: mail.SMTP, Host: smtpHost, Port: 465, Security: mail.TLS},
		Incoming:     mail.Server{Protocol: mail.IMAP, Host: imapHost, Port: 993, Security: mail.TLS},
		Deadline:     5 * time.Second,
		PollInterval: 50 * time.Millisecond,
	}
}

// count returns how many messages mailbox holds.
func (m *mailLab) count(t *testing.T, mailbox string) uint32 {
	t.Helper()
	return mailserver.Count(t, m.user, mailbox)
}

func (m *mailLab) sent() (from, rcpts []string, msgs [][]byte, authOnTLS []bool) {
	r := m.be.Recorded()
	return r.From, r.Rcpts, r.Messages, r.AuthOnTLS
}

func contains(hay []byte, needle string) bool { return strings.Contains(string(hay), needle) }
