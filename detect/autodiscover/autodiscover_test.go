package autodiscover

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/postino-mail/postino/detect/autoconfig/xmltree"
	"github.com/postino-mail/postino/detect/mail"
)

func describe(list []mail.Server) []string {
	out := []string{}
	for _, s := range list {
		auth := make([]string, len(s.Auth))
		for i, a := range s.Auth {
			auth[i] = string(a)
		}
		out = append(out, fmt.Sprintf("%s %s:%d %s user=%s auth=%s", s.Protocol, s.Host, s.Port, s.Security, s.Username, strings.Join(auth, ",")))
	}
	return out
}

func TestRequestBodyAsksForTheOutlookSchemaAndCarriesOnlyTheAddress(t *testing.T) {
	body := RequestBody("mario.rossi@example.it")
	var got struct {
		XMLName xml.Name
		Request struct {
			EMailAddress             string
			AcceptableResponseSchema string
		}
	}
	if err := xml.Unmarshal(body, &got); err != nil {
		t.Fatalf("request is not XML: %v\n%s", err, body)
	}
	if got.XMLName.Local != "Autodiscover" || got.XMLName.Space != RequestSchema {
		t.Errorf("root %v; want Autodiscover in %s", got.XMLName, RequestSchema)
	}
	if got.Request.EMailAddress != "mario.rossi@example.it" || got.Request.AcceptableResponseSchema != ResponseSchema {
		t.Errorf("request %+v", got.Request)
	}
	if !bytes.HasPrefix(body, []byte("<?xml")) {
		t.Error("request lacks the XML declaration")
	}
	if bytes.Contains(bytes.ToLower(body), []byte("password")) {
		t.Error("request mentions a password")
	}
}

func TestRequestBodyEscapesHostileAddresses(t *testing.T) {
	body := RequestBody(`"</EMailAddress><x>"@example.it`)
	if bytes.Contains(body, []byte("<x>")) {
		t.Fatalf("address was not escaped:\n%s", body)
	}
}

func TestParseReadsSettings(t *testing.T) {
	cases := map[string]struct {
		name    string
		servers []string
	}{
		// The shape hosting control panels (cPanel, Plesk) serve: SSL=on
		// on every entry, no <Encryption>, so the port decides.
		"settings-imap-smtp.xml": {
			name: "Mario Rossi",
			servers: []string{
				"imap imap.example-hosting.it:993 tls user=mario.rossi@example-hosting.it auth=password-cleartext",
				"imap imap.example-hosting.it:143 starttls user=mario.rossi@example-hosting.it auth=password-cleartext",
				"pop3 pop.example-hosting.it:995 tls user=mario.rossi@example-hosting.it auth=password-cleartext",
				"smtp smtp.example-hosting.it:465 tls user=mario.rossi@example-hosting.it auth=password-cleartext",
				"smtp smtp.example-hosting.it:587 starttls user=mario.rossi@example-hosting.it auth=password-cleartext",
			},
		},
		// Exchange-style: EXCH and WEB entries skipped; <Encryption>
		// overrides <SSL>; SPA means NTLM; AuthRequired=off; a missing
		// port takes the standard one; broken entries are dropped.
		"settings-encryption.xml": {
			servers: []string{
				`imap mail.corp.example:143 starttls user=CORP\mrossi auth=password-encrypted,NTLM`,
				"pop3 mail.corp.example:110 starttls user= auth=password-cleartext",
				"pop3 legacy.corp.example:110 plain user= auth=password-cleartext",
				"smtp mail.corp.example:587 tls user= auth=password-cleartext",
				"smtp relay.corp.example:25 plain user= auth=none",
				"smtp smtp.corp.example:465 tls user= auth=password-cleartext",
			},
		},
	}
	for file, want := range cases {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Parse(data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if r.DisplayName != want.name {
				t.Errorf("display name %q; want %q", r.DisplayName, want.name)
			}
			if got := describe(r.Servers); !reflect.DeepEqual(got, want.servers) {
				t.Errorf("servers:\n got  %q\n want %q", got, want.servers)
			}
			if r.RedirectAddr != "" || r.RedirectURL != "" {
				t.Errorf("unexpected redirect %+v", r)
			}
		})
	}
}

func TestSecurityRuleWithoutEncryptionElement(t *testing.T) {
	cases := []struct {
		proto     mail.Protocol
		port      int
		ssl, enc  string
		want      mail.Security
		wantPort0 bool
	}{
		{mail.IMAP, 993, "on", "", mail.TLS, false},
		{mail.IMAP, 143, "on", "", mail.STARTTLS, false},
		{mail.IMAP, 143, "", "", mail.STARTTLS, false}, // SSL defaults to on
		{mail.IMAP, 143, "off", "", mail.Plain, false},
		{mail.POP3, 995, "on", "", mail.TLS, false},
		{mail.POP3, 110, "ON", "", mail.STARTTLS, false},
		{mail.SMTP, 465, "on", "", mail.TLS, false},
		{mail.SMTP, 587, "on", "", mail.STARTTLS, false},
		{mail.SMTP, 25, "on", "", mail.STARTTLS, false},
		{mail.SMTP, 993, "on", "", mail.STARTTLS, false}, // 993 is not implicit TLS for SMTP
		{mail.SMTP, 587, "off", "ssl", mail.TLS, false},
		{mail.IMAP, 993, "on", "None", mail.Plain, false},
		{mail.IMAP, 993, "off", "Auto", mail.TLS, false},
		{mail.IMAP, 143, "off", "tls", mail.STARTTLS, false},
	}
	for _, c := range cases {
		if got := security(c.proto, c.port, c.ssl, c.enc); got != c.want {
			t.Errorf("security(%s, %d, SSL=%q, Encryption=%q) = %s; want %s", c.proto, c.port, c.ssl, c.enc, got, c.want)
		}
	}
}

func TestParseReadsRedirects(t *testing.T) {
	r, err := Parse(mustRead(t, "redirect-addr.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if r.RedirectAddr != "mario.rossi@tenant.onmicrosoft.example" || len(r.Servers) != 0 {
		t.Errorf("redirectAddr: %+v", r)
	}
	r, err = Parse(mustRead(t, "redirect-url.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if r.RedirectURL != "https://autodiscover-s.outlook.example/autodiscover/autodiscover.xml" || len(r.Servers) != 0 {
		t.Errorf("redirectUrl: %+v", r)
	}
}

func TestParseReportsServerErrors(t *testing.T) {
	for file, want := range map[string][2]string{
		"error-600.xml":         {"600", "Invalid Request"},
		"error-500-account.xml": {"500", "The e-mail address cannot be found."},
	} {
		_, err := Parse(mustRead(t, file))
		var ae *Error
		if !errors.As(err, &ae) || ae.Code != CodeServerError {
			t.Fatalf("%s: error %v; want a server-error", file, err)
		}
		if ae.ServerCode != want[0] || ae.Message != want[1] {
			t.Errorf("%s: code %q message %q; want %q %q", file, ae.ServerCode, ae.Message, want[0], want[1])
		}
		if !strings.Contains(err.Error(), want[0]) || !strings.Contains(err.Error(), want[1]) {
			t.Errorf("%s: message %q should quote the server", file, err)
		}
	}
}

func TestParseRefusesUnusableResponses(t *testing.T) {
	wrap := func(account string) string {
		return `<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="` + ResponseSchema + `"><Account>` + account + `</Account></Response></Autodiscover>`
	}
	cases := []struct{ name, doc, code string }{
		{"empty body", "", xmltree.CodeEmpty},
		{"html login page", "<html><head><title>Sign in</title></head><body/></html>", CodeNotAutodiscover},
		{"billion laughs", `<!DOCTYPE a [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Autodiscover>&b;</Autodiscover>`, xmltree.CodeDoctype},
		{"too large", "<Autodiscover>" + strings.Repeat(" ", MaxSize) + "</Autodiscover>", xmltree.CodeTooLarge},
		{"malformed", "<Autodiscover><Response></Autodiscover>", xmltree.CodeMalformed},
		{"unknown action", wrap("<Action>mobileSync</Action>"), CodeNoAction},
		{"no action, no protocol", wrap(""), CodeNoAction},
		{"redirect to http", wrap("<Action>redirectUrl</Action><RedirectUrl>http://evil.example/a.xml</RedirectUrl>"), CodeBadRedirect},
		{"redirect to javascript", wrap("<Action>redirectUrl</Action><RedirectUrl>javascript:alert(1)</RedirectUrl>"), CodeBadRedirect},
		{"redirect with credentials", wrap("<Action>redirectUrl</Action><RedirectUrl>https://u:p@evil.example/</RedirectUrl>"), CodeBadRedirect},
		{"redirect to a bad address", wrap("<Action>redirectAddr</Action><RedirectAddr>not an address</RedirectAddr>"), CodeBadRedirect},
		{"only exchange settings", wrap("<Action>settings</Action><Protocol><Type>EXCH</Type><Server>x@y</Server></Protocol>"), CodeNoServer},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Parse([]byte(c.doc))
			if err == nil {
				t.Fatalf("no error; response %+v", r)
			}
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an *autodiscover.Error", err)
			}
			code := ae.Code
			var xe *xmltree.Error
			if errors.As(err, &xe) {
				code = xe.Code
			}
			if code != c.code {
				t.Errorf("code %q (%v); want %q", code, err, c.code)
			}
			if strings.Contains(err.Error(), "autodiscover.err.") {
				t.Errorf("untranslated message %q", err)
			}
		})
	}
}

func TestParseAcceptsSettingsWithoutAction(t *testing.T) {
	doc := `<Autodiscover><Response><Account><Protocol><Type>IMAP</Type><Server>imap.example.it</Server><Port>993</Port></Protocol></Account></Response></Autodiscover>`
	r, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(r.Servers); len(got) != 1 || got[0] != "imap imap.example.it:993 tls user= auth=password-cleartext" {
		t.Errorf("servers %q", got)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err != nil {
			if r != nil {
				t.Fatal("response returned with an error")
			}
			_ = err.Error()
			return
		}
		redirects := 0
		if r.RedirectAddr != "" {
			redirects++
		}
		if r.RedirectURL != "" {
			redirects++
			if !strings.HasPrefix(r.RedirectURL, "https://") {
				t.Fatalf("non-https redirect %q", r.RedirectURL)
			}
		}
		if redirects > 1 || (redirects == 1) == (len(r.Servers) > 0) {
			t.Fatalf("a response is either settings or one redirect: %+v", r)
		}
		for _, s := range r.Servers {
			if !s.Protocol.Valid() || !s.Security.Valid() || s.Port < 1 || s.Port > 65535 || s.Host == "" || len(s.Auth) == 0 {
				t.Fatalf("invalid server %+v", s)
			}
		}
	})
}
