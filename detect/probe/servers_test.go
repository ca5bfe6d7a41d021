package probe

import (
	"crypto/tls"
	"net"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
	"github.com/postino-mail/postino/detect/mail"
)

// The account every test server knows. The password is a sentinel:
// tests search every result for it.
const (
	testUser     = "mario.rossi@example.it"
	testPassword = "Sentinel-Pa55-7f3k"
)

func serverTLS(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}}
}

// tlsMode is the lab server's way of offering sec (mail.Plain: no
// STARTTLS offered at all).
func tlsMode(sec mail.Security) mailserver.TLSMode {
	switch sec {
	case mail.TLS:
		return mailserver.Implicit
	case mail.STARTTLS:
		return mailserver.StartTLS
	}
	return mailserver.NoTLS
}

// submission is a submission backend for the test account that drops
// every message; mechs, when non-nil, replace the PLAIN it offers (an
// empty list offers no AUTH at all). Its Logins count every AUTH.
func submission(mechs []string) *mailserver.Submission {
	be := mailserver.NewSubmission(nil, testUser, testPassword, nil)
	if mechs != nil {
		be.SetMechanisms(mechs...)
	}
	return be
}

// startSMTP runs the lab's submission server for host:port with implicit
// TLS, STARTTLS or no TLS at all (sec == mail.Plain: STARTTLS not
// offered). AUTH is offered before TLS too, so a missing STARTTLS still
// offers it: the probe must hold back on its own.
func startSMTP(t *testing.T, lab *labtest.Lab, host string, port int, sec mail.Security, cert tls.Certificate, be *mailserver.Submission) {
	t.Helper()
	mailserver.ServeSMTPWith(t, lab.Listen(host, port), be, mailserver.SMTPOptions{
		Domain: host, Cert: cert, TLS: tlsMode(sec), InsecureAuth: true, MaxMessageBytes: 25 << 20,
	})
}

// startIMAP runs the lab's IMAP server for host:port (IMAP4rev1 unless
// caps say otherwise) and returns its login log. With sec ==
// mail.Plain the server offers no STARTTLS and accepts LOGIN in the
// clear.
func startIMAP(t *testing.T, lab *labtest.Lab, host string, port int, sec mail.Security, cert tls.Certificate, caps imap.CapSet) *mailserver.Logins {
	t.Helper()
	if caps == nil {
		caps = imap.CapSet{imap.CapIMAP4rev1: {}}
	}
	log := &mailserver.Logins{}
	mailserver.ServeIMAPWith(t, lab.Listen(host, port), mailserver.IMAPOptions{
		User: imapmemserver.NewUser(testUser, testPassword), Caps: caps, Cert: cert, TLS: tlsMode(sec), Logins: log,
	})
	return log
}

// startPOP3 runs the lab's POP3 server s (a default one when nil) for
// host:port with the test account.
func startPOP3(t *testing.T, lab *labtest.Lab, host string, port int, sec mail.Security, cert tls.Certificate, s *mailserver.POP3) *mailserver.POP3 {
	t.Helper()
	if s == nil {
		s = &mailserver.POP3{}
	}
	if s.Users == nil {
		s.Users = map[string]string{testUser: testPassword}
	}
	if s.Capa == nil {
		s.Capa = []string{"USER", "UIDL", "TOP"}
	}
	switch sec {
	case mail.TLS:
		s.TLSConfig, s.ImplicitTLS = serverTLS(cert), true
	case mail.STARTTLS:
		s.TLSConfig = serverTLS(cert)
	}
	return mailserver.ServePOP3(t, lab.Listen(host, port), s)
}

// --- raw servers for hostile behaviour ---

// startRaw runs handle for every connection to host:port until the test
// ends (labtest.ServeRaw): for replies no real server sends (garbage,
// endless lines, silence), which the lab's servers cannot be made to say.
func startRaw(t *testing.T, lab *labtest.Lab, host string, port int, handle func(net.Conn)) {
	t.Helper()
	labtest.ServeRaw(t, lab.Listen(host, port), handle)
}

// drain reads until the peer goes away.
func drain(c net.Conn) {
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

// startIMAPOn serves IMAP on a TLS listener the test prepared (for TLS
// settings startIMAP does not offer).
func startIMAPOn(t *testing.T, ln net.Listener) {
	t.Helper()
	mailserver.ServeIMAPWith(t, ln, mailserver.IMAPOptions{
		User: imapmemserver.NewUser(testUser, testPassword), Caps: imap.CapSet{imap.CapIMAP4rev1: {}}, TLS: mailserver.ListenerTLS,
	})
}
