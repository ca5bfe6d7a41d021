package gui

import (
	"crypto/tls"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
)

// countingIMAP serves a minimal IMAP over implicit TLS on host:993 and
// counts every LOGIN or AUTHENTICATE it receives: what the server saw.
func countingIMAP(t *testing.T, lab *labtest.Lab, host string) loginCount {
	return countingIMAPWith(t, lab, host, &tls.Config{Certificates: []tls.Certificate{lab.Cert(host)}})
}

func countingIMAPWith(t *testing.T, lab *labtest.Lab, host string, cfg *tls.Config) loginCount {
	t.Helper()
	logins := &mailserver.Logins{}
	mailserver.ServeIMAPWith(t, tls.NewListener(lab.Listen(host, 993), cfg), mailserver.IMAPOptions{
		User: imapmemserver.NewUser("mario@example.com", "pw"), TLS: mailserver.ListenerTLS, Logins: logins,
	})
	return loginCount{logins}
}

// loginCount counts the IMAP logins the lab's server received, whatever
// their outcome: a password that reached the server is the harm.
type loginCount struct{ logins *mailserver.Logins }

func (c loginCount) Load() int {
	n, _ := c.logins.Count("imap")
	return n
}

// Through the GUI engine: a plain-HTTP autoconfig (anyone on the Wi-Fi
// can answer it) names a host outside the address's domain with a valid
// certificate. The check sends it no password (counted at the server);
// Details offers "Try the login on this server…", whose confirmation
// names the source and the host; only after that does the server see
// one login.
func TestUntrustedHostGetsThePasswordOnlyAfterExplicitConsent(t *testing.T) {
	lab := labtest.New(t)
	lab.HTTP("autoconfig.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.Write([]byte(`<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example.com">
<domain>example.com</domain>
<incomingServer type="imap"><hostname>imap.attacker.example</hostname><port>993</port><socketType>SSL</socketType>
<authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>
</emailProvider></clientConfig>`))
	}))
	logins := countingIMAP(t, lab, "imap.attacker.example")

	u, queue := realWindow(t, lab)
	u.set.AllowHTTPAutoconfig = true
	u.set.AllowPlaintextLogin = true // widens nothing for an untrusted host
	u.top.password.SetText("pw")
	u.AutoCheck("mario@example.com")
	drive(t, u, queue)

	if n := logins.Load(); n != 0 {
		t.Fatalf("the check sent the password to a host only plain HTTP named: %d logins", n)
	}
	ep := mail.Server{Protocol: mail.IMAP, Host: "imap.attacker.example", Port: 993, Security: mail.TLS, Username: "mario@example.com"}
	row, ok := u.state.Row(ep.Key())
	if !ok {
		t.Fatalf("no row for %s: %v", ep.Key(), u.state.Rows(true))
	}
	if !hasProblemCode(row, problem.LoginNotSentUntrusted) {
		t.Fatalf("row problems %v, want login-not-sent-untrusted", row.Problems)
	}
	u.selectRow(row.ID)
	b := findButton(u.details.obj, "Try the login on this server…")
	if b == nil {
		t.Fatalf("no button to trust the host; details:\n%s", strings.Join(texts(u.details.obj), "\n"))
	}
	test.Tap(b)
	top := u.win.Canvas().Overlays().Top()
	if u.retryDialog == nil || !hasText(top, "imap.attacker.example") || !hasText(top, "HTTP") {
		t.Fatal("the confirmation does not name the host and the untrusted source")
	}
	if logins.Load() != 0 || u.run.running() {
		t.Fatal("the probe started before the person confirmed")
	}
	u.retryDialog.Confirm()
	drive(t, u, queue)
	row, _ = u.state.Row(ep.Key())
	if row.Login != probe.LoginOK || logins.Load() != 1 {
		t.Fatalf("after consent: login %q, server saw %d logins; problems %v", row.Login, logins.Load(), row.Problems)
	}
}

// The certificate retry is pinned to the certificate Details showed: if
// the server presents another one when the person confirms, the password
// is not sent (counted at the server) and the row says the certificate
// changed.
func TestInsecureRetryRefusesACertificateThatChanged(t *testing.T) {
	lab := labtest.New(t)
	lab.HTTPS("autoconfig.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.Write([]byte(`<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example.com">
<domain>example.com</domain>
<incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType>
<authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>
</emailProvider></clientConfig>`))
	}))
	first := lab.CertWith(labtest.CertOptions{Names: []string{"imap.example.com"}, SelfSigned: true})
	second := lab.CertWith(labtest.CertOptions{Names: []string{"imap.example.com"}, SelfSigned: true})
	var current atomic.Pointer[tls.Certificate]
	current.Store(&first)
	logins := countingIMAPWith(t, lab, "imap.example.com", &tls.Config{
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return current.Load(), nil },
	})

	u, queue := realWindow(t, lab)
	u.top.password.SetText("pw")
	u.AutoCheck("mario@example.com")
	drive(t, u, queue)

	ep := mail.Server{Protocol: mail.IMAP, Host: "imap.example.com", Port: 993, Security: mail.TLS, Username: "mario@example.com"}
	row, ok := u.state.Row(ep.Key())
	if !ok || !hasProblemCode(row, problem.LoginNotSentInsecure) || logins.Load() != 0 {
		t.Fatalf("row %v (found %v), %d logins: want the password held back", row.Problems, ok, logins.Load())
	}
	u.selectRow(row.ID)
	b := findButton(u.details.obj, "Try the login on this server anyway…")
	if b == nil {
		t.Fatal("no button to try the login")
	}
	test.Tap(b)
	current.Store(&second) // the server changes its certificate meanwhile
	u.retryDialog.Confirm()
	drive(t, u, queue)
	row, _ = u.state.Row(ep.Key())
	if n := logins.Load(); n != 0 {
		t.Fatalf("the server with another certificate received %d logins", n)
	}
	if row.Login == probe.LoginOK || !hasProblemCode(row, problem.CertChanged) {
		t.Fatalf("after the retry: login %q problems %v, want cert-changed", row.Login, row.Problems)
	}
}
