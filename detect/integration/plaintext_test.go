package integration

import (
	"os"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
)

// plainPassword is the sentinel of the plaintext test.
const plainPassword = "Plain-Sentinel-Pw-93d1"

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
	// Every server logs each login it receives (IMAP LOGIN, SMTP AUTH,
	// POP3 PASS or AUTH) in one log.
	creds := &mailserver.Logins{}
	logins := func(proto string) int { n, _ := creds.Count(proto); return n }
	mailserver.ServeIMAPWith(t, lab.Listen(host, 143), mailserver.IMAPOptions{
		User: imapmemserver.NewUser(user, plainPassword), Caps: imap.CapSet{imap.CapIMAP4rev1: {}},
		TLS: mailserver.NoTLS, Logins: creds,
	})
	be := mailserver.NewSubmission(nil, user, plainPassword, nil)
	be.SetLogins(creds)
	mailserver.ServeSMTPWith(t, lab.Listen(host, 587), be, mailserver.SMTPOptions{Domain: host, TLS: mailserver.NoTLS})
	mailserver.ServePOP3(t, lab.Listen(host, 110), &mailserver.POP3{HideSTLS: true, Users: map[string]string{user: plainPassword}, Logins: creds})
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
		if n := logins(proto); n != 0 {
			t.Errorf("%s: the server received %d logins in the clear", proto, n)
		}
	}
	if n := logins("pop3"); n != 0 {
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
		if n := logins(proto); n != 1 {
			t.Errorf("%s: %d logins with --allow-plaintext, want 1", proto, n)
		}
	}
	if n := logins("pop3"); n != 1 {
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
