package problem

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
)

// sample holds a value for every placeholder the catalogue uses.
var sample = map[string]any{
	"Host": "mail.example.it", "Port": 587, "Limit": 8192, "Protocol": "IMAP",
	"Detail": "boom", "Date": "2026-01-02", "Names": "a.example, b.example",
	"Issuer": "Test CA", "Version": "TLS 1.0", "Mechanisms": "XOAUTH2",
	"Code": 499, "Enhanced": "4.0.0",
	"Sources": "http-autoconfig", "By": "imap.example.it:993", "Seconds": 15,
	"Expected": "ab12", "Got": "cd34",
}

func TestEveryCodeIsExplainedInEveryLanguage(t *testing.T) {
	for _, lng := range i18n.Languages {
		msgs, err := i18n.Messages(lng)
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range Codes {
			p := New(code, sample)
			for _, part := range []string{"explanation", "remedy"} {
				key := "problem." + code + "." + part
				if _, ok := msgs[key]; !ok {
					t.Errorf("%s: missing %s", lng, key)
					continue
				}
				var got string
				if part == "explanation" {
					got = p.ExplanationIn(lng)
				} else {
					got = p.RemedyIn(lng)
				}
				if got == key || strings.Contains(got, "<no value>") || strings.Contains(got, "{{") || strings.TrimSpace(got) == "" {
					t.Errorf("%s %s renders badly: %q", lng, key, got)
				}
			}
		}
	}
}

func TestCatalogueFilesHoldOnlyKnownCodes(t *testing.T) {
	msgs, err := i18n.Messages("en")
	if err != nil {
		t.Fatal(err)
	}
	for key := range msgs {
		rest, ok := strings.CutPrefix(key, "problem.")
		if !ok {
			continue
		}
		code := rest[:strings.LastIndex(rest, ".")]
		if !Known(code) {
			t.Errorf("%s is translated but %q is not in Codes", key, code)
		}
	}
}

func TestItalianIsNotEnglish(t *testing.T) {
	for _, code := range Codes {
		p := New(code, sample)
		if p.ExplanationIn("it") == p.ExplanationIn("en") {
			t.Errorf("%s: Italian explanation equals the English one", code)
		}
	}
}

func TestFilteredExplainsPort25Blocking(t *testing.T) {
	p25 := New(Filtered, map[string]any{"Host": "smtp.example.it", "Port": 25})
	p993 := New(Filtered, map[string]any{"Host": "imap.example.it", "Port": 993})
	if r := p25.RemedyIn("en"); !strings.Contains(r, "587") || !strings.Contains(r, "2525") {
		t.Errorf("port 25 remedy should point to 587/2525: %q", r)
	}
	if e := p25.ExplanationIn("it"); !strings.Contains(e, "porta 25") {
		t.Errorf("Italian port 25 explanation should mention porta 25: %q", e)
	}
	if r := p993.RemedyIn("en"); strings.Contains(r, "2525") {
		t.Errorf("port 993 remedy should not talk about port 25: %q", r)
	}
}

func TestFromSMTPClassifiesReplies(t *testing.T) {
	cases := []struct {
		code     int
		enhanced string
		want     string
	}{
		{421, "4.7.0", "smtp-421"},
		{450, "", "smtp-450"},
		{451, "4.3.0", "smtp-451"},
		{452, "", "smtp-452"},
		{454, "4.7.0", "smtp-454"},
		{530, "5.7.0", "smtp-530"},
		{534, "5.7.9", "smtp-534"},
		{535, "5.7.8", "smtp-535"},
		{535, "", "smtp-535"},
		{550, "5.7.1", "smtp-550"},
		{552, "5.3.4", "smtp-552"},
		{553, "5.7.1", "smtp-553"},
		{554, "5.7.1", "smtp-554"},
		// Gmail answers 534 5.7.9 and some servers 535 5.7.9 for "app
		// password required": the enhanced code wins.
		{535, "5.7.9", "smtp-534"},
		{500, "5.7.8", "smtp-535"},
		{441, "", "smtp-4xx"},
		{571, "", "smtp-5xx"},
		{0, "", "smtp-5xx"},
	}
	for _, c := range cases {
		p := FromSMTP(c.code, c.enhanced, "server words")
		if p.Code != c.want {
			t.Errorf("FromSMTP(%d, %q) = %s, want %s", c.code, c.enhanced, p.Code, c.want)
		}
		if p.ServerText != "server words" {
			t.Errorf("FromSMTP lost the server's text: %q", p.ServerText)
		}
		if strings.Contains(p.ExplanationIn("en"), "<no value>") {
			t.Errorf("FromSMTP(%d): template data missing: %q", c.code, p.ExplanationIn("en"))
		}
	}
}

func TestFromIMAPClassifiesResponses(t *testing.T) {
	cases := []struct {
		typ, code string
		login     bool
		want      string
	}{
		{"NO", "AUTHENTICATIONFAILED", true, "imap-authenticationfailed"},
		{"NO", "UNAVAILABLE", true, "imap-unavailable"},
		{"NO", "PRIVACYREQUIRED", true, "imap-privacyrequired"},
		{"NO", "ALERT", false, "imap-alert"},
		{"NO", "authenticationfailed", true, "imap-authenticationfailed"},
		{"NO", "", true, LoginFailed},
		{"NO", "", false, "imap-no"},
		{"NO", "X-UNKNOWN", false, "imap-no"},
		{"BAD", "", true, "imap-bad"},
		{"BYE", "", false, "imap-bye"},
	}
	for _, c := range cases {
		if got := FromIMAP(c.typ, c.code, "words", c.login).Code; got != c.want {
			t.Errorf("FromIMAP(%s [%s], login=%v) = %s, want %s", c.typ, c.code, c.login, got, c.want)
		}
	}
}

func TestFromPOP3ClassifiesResponseCodes(t *testing.T) {
	cases := []struct {
		code  string
		login bool
		want  string
	}{
		{"AUTH", true, "pop3-auth"},
		{"IN-USE", true, "pop3-in-use"},
		{"SYS/TEMP", false, "pop3-sys-temp"},
		{"SYS/PERM", false, "pop3-sys-perm"},
		{"LOGIN-DELAY", true, "pop3-login-delay"},
		{"", true, LoginFailed},
		{"", false, "pop3-err"},
		{"X-WHATEVER", false, "pop3-err"},
	}
	for _, c := range cases {
		if got := FromPOP3(c.code, "words", c.login).Code; got != c.want {
			t.Errorf("FromPOP3(%q, login=%v) = %s, want %s", c.code, c.login, got, c.want)
		}
	}
}

func TestRenderedJSONCarriesTextsAndServerWords(t *testing.T) {
	b, err := json.Marshal(FromSMTP(535, "5.7.8", "Authentication credentials invalid").Render(i18n.For("it")))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["code"] != "smtp-535" || !strings.Contains(got["explanation"], "rifiutato") ||
		got["server_text"] != "Authentication credentials invalid" || got["remedy"] == "" {
		t.Errorf("unexpected JSON: %s", b)
	}
}

// A missing or failed STARTTLS points to the implicit-TLS port of the
// same protocol (RFC 8314): 993, 995 or 465, never another protocol's.
func TestSTARTTLSRemediesNameTheRightImplicitPort(t *testing.T) {
	for _, code := range []string{StartTLSMissing, StartTLSFailed} {
		for proto, port := range map[string]string{"IMAP": "993", "POP3": "995", "SMTP": "465"} {
			for _, lang := range i18n.Languages {
				r := New(code, map[string]any{"Protocol": proto, "Port": 1, "Host": "h", "Detail": "x"}).RemedyIn(lang)
				if !strings.Contains(r, "("+port+")") {
					t.Errorf("%s %s %s: remedy %q does not name port %s alone", code, proto, lang, r, port)
				}
			}
		}
	}
}

// The marker a probe writes for a server text that held the password is
// the English sentence, so English output is what it was, and any other
// language says it in its own words.
func TestWithheldIsTheEnglishNoteAndIsSaidInEveryLanguage(t *testing.T) {
	if got := i18n.For("en").T("security.withheld"); got != Withheld {
		t.Errorf("English note %q, marker %q: they must be the same sentence", got, Withheld)
	}
	it := i18n.For("it")
	p := Problem{Code: Closed, ServerText: Withheld, Data: map[string]any{"Detail": Withheld}}
	if r := p.Render(it); r.ServerText != it.T("security.withheld") {
		t.Errorf("server text %q, want the Italian note", r.ServerText)
	}
	if d := p.DataIn(it)["Detail"]; d != it.T("security.withheld") {
		t.Errorf("data %q, want the Italian note", d)
	}
	if got := ServerWordsIn("NO nope", it); got != "NO nope" {
		t.Errorf("a server's own words changed: %q", got)
	}
}
