package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
)

// TestEveryFormatRejectsBadInput feeds each kind of bad settings to every
// format: each must refuse with an error wrapping ErrInvalid, never
// write a file with a broken line or host.
func TestEveryFormatRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*Settings)
	}{
		{"line break in display name", func(s *Settings) { s.DisplayName = "Mario\r\nBcc: x@evil.example" }},
		{"line feed in provider name", func(s *Settings) { s.ProviderName = "Libero\n; evil" }},
		{"NUL in username", func(s *Settings) { s.Incoming.Username = "mario\x00" }},
		{"line break in note", func(s *Settings) { s.Notes = []mail.Note{{Code: "x", Text: "a\nb"}} }},
		{"line break in password", func(s *Settings) { s.Password = "a\nb" }},
		{"Unicode line separator", func(s *Settings) { s.DisplayName = "Mario\u2028Rossi" }},
		{"character XML forbids", func(s *Settings) { s.ProviderName = "Libero\uffff" }},
		{"invalid UTF-8", func(s *Settings) { s.DisplayName = "Mario \xff" }},
		{"address without @", func(s *Settings) { s.Address = "mario.rossi" }},
		{"address with empty local part", func(s *Settings) { s.Address = "@libero.it" }},
		{"non-ASCII address", func(s *Settings) { s.Address = "niccolò@libero.it" }},
		{"non-ASCII domain", func(s *Settings) { s.Domain = "università.it" }},
		{"non-ASCII host", func(s *Settings) { s.Incoming.Host = "posta.università.it" }},
		{"host with a space", func(s *Settings) { s.Outgoing.Host = "smtp libero.it" }},
		{"empty host", func(s *Settings) { s.Outgoing.Host = "" }},
		{"port 0", func(s *Settings) { s.Incoming.Port = 0 }},
		{"port 65536", func(s *Settings) { s.Outgoing.Port = 65536 }},
		{"SMTP as incoming", func(s *Settings) { s.Incoming.Protocol = mail.SMTP }},
		{"IMAP as outgoing", func(s *Settings) { s.Outgoing.Protocol = mail.IMAP }},
		{"unknown security", func(s *Settings) { s.Incoming.Security = "ssl" }},
		{"bad alternative", func(s *Settings) {
			s.AlternativesOut = []mail.Server{{Protocol: mail.SMTP, Host: "x", Port: -1, Security: mail.TLS}}
		}},
		{"script note link", func(s *Settings) { s.Notes = []mail.Note{{Code: "x", URL: "javascript:alert(1)"}} }},
		{"note link closing markup", func(s *Settings) { s.Notes = []mail.Note{{Code: "x", URL: `https://a.example/"><script>`}} }},
	} {
		s := fixtures()["libero"]
		tc.mutate(&s)
		for _, f := range Formats() {
			out, err := f.Export(s, Options{})
			if !errors.Is(err, ErrInvalid) || out != nil {
				t.Errorf("%s, %s: got %d bytes and error %v, want ErrInvalid", tc.name, f.Name, len(out), err)
			}
		}
	}
}

func TestValidSettingsAreAccepted(t *testing.T) {
	for name, s := range fixtures() {
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	s := fixtures()["libero"]
	s.Incoming.Host = "127.0.0.1" // IP literals are fine for a client
	s.Outgoing.Host = "smtp.libero.it."
	if err := s.Validate(); err != nil {
		t.Error(err)
	}
}

func TestFormatsAreListedOnceAndFoundByName(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Formats() {
		if seen[f.Name] || f.Export == nil || f.Ext == "" || f.MediaType == "" {
			t.Errorf("format %+v", f)
		}
		seen[f.Name] = true
		if g, ok := Lookup(f.Name); !ok || g.Name != f.Name {
			t.Errorf("Lookup(%q) failed", f.Name)
		}
	}
	for _, want := range []string{"thunderbird", "mobileconfig", "text", "markdown", "html", "autodiscover", "dns", "json"} {
		if !seen[want] {
			t.Errorf("format %s missing", want)
		}
	}
	if _, ok := Lookup("pdf"); ok {
		t.Error("Lookup found an unknown format")
	}
}

// TestValidationErrorsSpeakTheUsersLanguage: the message is a code and
// data the front end renders in its language, only the translation (no
// English prefix in an Italian sentence), and it still matches
// ErrInvalid.
func TestValidationErrorsSpeakTheUsersLanguage(t *testing.T) {
	it := i18n.For("it")
	s := fixtures()["libero"]
	s.Outgoing.Port = 0
	err := s.Validate()
	want := it.T("export.err.port", map[string]any{"Server": s.Outgoing.String()})
	if got := i18n.ErrorText(err, it); !errors.Is(err, ErrInvalid) || got != want {
		t.Errorf("got %q, want %q matching ErrInvalid", got, want)
	}
	// A caller's prefix stays; the export's words change language.
	if got := i18n.ErrorText(fmt.Errorf("libero: %w", err), it); got != "libero: "+want {
		t.Errorf("wrapped: got %q", got)
	}
	_, err = JSON(fixtures()["libero"], Options{Report: json.RawMessage(`{`)})
	if !errors.Is(err, ErrInvalid) || i18n.ErrorText(err, it) != it.T("export.err.report_json") {
		t.Errorf("broken report: %q", err)
	}
}
