package batch

import (
	"strings"
	"testing"

	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/export"
)

// The settings found for the domain's first user are rewritten for each
// user in the same form: the address, the local part, or the list's
// own login, which belongs to its user alone.
func TestForUserLogins(t *testing.T) {
	ref := export.Settings{
		Address: "anna@alfa.example", Domain: "alfa.example",
		Incoming:        mail.Server{Protocol: mail.IMAP, Host: "imap.alfa.example", Port: 993, Security: mail.TLS, Username: "anna@alfa.example"},
		Outgoing:        mail.Server{Protocol: mail.SMTP, Host: "smtp.alfa.example", Port: 465, Security: mail.TLS, Username: "anna"},
		AlternativesOut: []mail.Server{{Protocol: mail.SMTP, Host: "smtp.alfa.example", Port: 587, Security: mail.STARTTLS}},
	}
	bob, _ := address.Parse("Bob.Rossi@alfa.example")
	s := forUser(ref, User{Address: bob, Name: "Bob Rossi"})
	if s.Address != "Bob.Rossi@alfa.example" || s.DisplayName != "Bob Rossi" {
		t.Errorf("address %q name %q", s.Address, s.DisplayName)
	}
	if s.Incoming.Username != "Bob.Rossi@alfa.example" || s.Outgoing.Username != "Bob.Rossi" || s.AlternativesOut[0].Username != "Bob.Rossi@alfa.example" {
		t.Errorf("logins %q %q %q", s.Incoming.Username, s.Outgoing.Username, s.AlternativesOut[0].Username)
	}
	if ref.Incoming.Username != "anna@alfa.example" {
		t.Errorf("the domain's settings were changed")
	}
	s = forUser(ref, User{Address: bob, Username: "u12345"})
	if s.Incoming.Username != "u12345" || s.Outgoing.Username != "u12345" || s.AlternativesOut[0].Username != "u12345" {
		t.Errorf("the list's login is not used: %+v", s)
	}
}

func TestReportHTMLEscapesAndLinks(t *testing.T) {
	r := &Report{Language: "en", Users: []UserReport{{
		Line: 2, Address: `a/b<script>@x.example`, Status: UserWritten,
		Files: []string{"users/" + SafeName(`a/b<script>@x.example`) + "/f.html"},
	}}, Domains: []DomainReport{}, Rejected: []RowError{{Line: 3, Value: "<img src=x>", Text: "bad"}}}
	page, err := reportHTML(r)
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	if strings.Contains(html, "<script>") || strings.Contains(html, "<img") {
		t.Errorf("not escaped:\n%s", html)
	}
	// The file's name holds %2F; the link must reach that name, not a/b.
	if !strings.Contains(html, `href="users/a%252Fb%253Cscript%253E@x.example/f.html"`) {
		t.Errorf("link not escaped for its name:\n%s", html)
	}
}
