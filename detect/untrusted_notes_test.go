package detect

import (
	"testing"

	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/recommend"
)

// A note from an untrusted source (plain-HTTP autoconfig: anyone on the
// path could have written it, link included) is not written into the
// settings exports are made from; a trusted one is.
func TestUntrustedNotesAreNotExported(t *testing.T) {
	imap := mail.Server{Protocol: mail.IMAP, Host: "imap.example.org", Port: 993, Security: mail.TLS, Username: "anna@example.org"}
	smtp := mail.Server{Protocol: mail.SMTP, Host: "smtp.example.org", Port: 465, Security: mail.TLS, Username: "anna@example.org"}
	rep := &Report{}
	rep.Address, rep.Domain = "anna@example.org", "example.org"
	rep.Provider = &mail.Provider{ID: "example.org", Notes: []mail.Note{
		{Code: "app-password", URL: "https://example.org/help"},
		{Code: "enable-imap", URL: "https://phish.example.net/login", Untrusted: true},
	}}
	rep.Candidates = []mail.Candidate{{Server: imap, Trusted: true}, {Server: smtp, Trusted: true}}
	rep.Recommended = recommend.Recommendation{
		Incoming: &recommend.Choice{Server: imap, Verified: true, Login: probe.LoginOK},
		Outgoing: &recommend.Choice{Server: smtp, Verified: true, Login: probe.LoginOK},
	}
	s, err := rep.ExportSettings("Example")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Notes) != 1 || s.Notes[0].Code != "app-password" {
		t.Fatalf("exported notes %+v, want only the trusted one", s.Notes)
	}
}
