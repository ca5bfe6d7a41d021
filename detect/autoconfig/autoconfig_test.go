package autoconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/autoconfig/xmltree"
	"github.com/postino-mail/postino/detect/mail"
)

// describe renders a server on one line so expectations read like the file.
func describe(s mail.Server) string {
	auth := make([]string, len(s.Auth))
	for i, a := range s.Auth {
		auth[i] = string(a)
	}
	return fmt.Sprintf("%s %s:%d %s user=%s auth=%s", s.Protocol, s.Host, s.Port, s.Security, s.Username, strings.Join(auth, ","))
}

func describeAll(list []mail.Server) []string {
	out := []string{}
	for _, s := range list {
		out = append(out, describe(s))
	}
	return out
}

type want struct {
	id, name, short string
	domains         []string
	incoming        []string
	outgoing        []string
	docs            []string
	notes           []mail.Note
	warnings        int
}

// Each fixture reproduces a quirk met in real ISPDB files (see the
// comments); the expectations are the whole useful content of the file.
func TestParseReadsQuirkyRealWorldFiles(t *testing.T) {
	cases := map[string]want{
		// IONOS's files have no XML declaration; domains in mixed case
		// and with a trailing dot; a top-level <webMail> to ignore.
		"no-declaration.xml": {
			id: "example-hosting.it", name: "Example Hosting", short: "Example",
			domains:  []string{"example-hosting.it", "cliente.example-hosting.it"},
			incoming: []string{"imap imap.example-hosting.it:993 tls user=%EMAILADDRESS% auth=password-cleartext"},
			outgoing: []string{"smtp smtp.example-hosting.it:587 starttls user=%EMAILADDRESS% auth=password-cleartext"},
			docs:     []string{"https://www.example-hosting.it/aiuto/posta"},
		},
		// ISO-8859-1 declaration with Latin-1 bytes (à = 0xE0).
		"latin1.xml": {
			id: "posta.example", name: "Posta Città di Pisà", short: "Città",
			domains:  []string{"posta.example.it"},
			incoming: []string{"pop3 pop.posta.example.it:995 tls user=%EMAILLOCALPART% auth=password-cleartext"},
			outgoing: []string{"smtp smtp.posta.example.it:465 tls user=%EMAILLOCALPART% auth=password-cleartext"},
		},
		// Byte-order mark, CRLF line ends (Apple's file), Windows-1252
		// (€ = 0x80, – = 0x96), lower/mixed-case socket types, and the
		// deprecated "plain"/"secure" authentication names.
		"windows-1252-bom-crlf.xml": {
			id: "euro.example", name: "€uro Mail – Business",
			domains:  []string{"euro.example.com"},
			incoming: []string{"imap mail.euro.example.com:143 starttls user=%EMAILADDRESS% auth=password-cleartext"},
			outgoing: []string{"smtp mail.euro.example.com:587 starttls user=%EMAILADDRESS% auth=password-encrypted"},
		},
		// Google's file: several <authentication> per server, <oAuth2>,
		// <enable> outside <emailProvider>, <webMail>; plus an unknown
		// method, a duplicate in another case, a <password> that must
		// never be read, a javascript: link and an unknown element.
		"multi-auth.xml": {
			id: "bigmail.example", name: "Big Mail", short: "Big",
			domains: []string{"bigmail.example", "bigmail-hosted.example"},
			incoming: []string{
				"imap imap.bigmail.example:993 tls user=%EMAILADDRESS% auth=OAuth2,password-cleartext",
				"pop3 pop.bigmail.example:995 tls user=%EMAILADDRESS% auth=OAuth2,password-cleartext",
			},
			outgoing: []string{"smtp smtp.bigmail.example:465 tls user=%EMAILADDRESS% auth=OAuth2,password-cleartext"},
			docs:     []string{"http://help.bigmail.example/imap"},
			notes: []mail.Note{{Code: "enable-imap", Text: "You need to enable IMAP access",
				URL: "https://mail.bigmail.example/settings?tab=pop&x=1"}},
			warnings: 2, // magic-token, javascript:
		},
		// Microsoft's file: ews/owa/graph/exchange sections (URL-only or
		// not IMAP/POP/SMTP) and the "%EMAILADDRESS" typo.
		"url-only-types.xml": {
			id: "cloud365.example", name: "Cloud 365",
			domains:  []string{"cloud365.example"},
			incoming: []string{"imap outlook.cloud365.example:993 tls user=%EMAILADDRESS% auth=OAuth2"},
			outgoing: []string{"smtp smtp.cloud365.example:587 starttls user=%EMAILADDRESS% auth=OAuth2"},
			warnings: 4,
		},
		// Every way a section can be unusable; the two good ones survive,
		// the first known of several socket types wins, and a duplicate
		// (same endpoint, host in another case) is dropped.
		"bad-sections.xml": {
			id: "broken.example", name: "Broken Example",
			domains:  []string{"broken.example"},
			incoming: []string{"imap mail.broken.example:143 starttls user=%EMAILLOCALPART% auth=password-encrypted"},
			outgoing: []string{"smtp mail.broken.example:25 plain user= auth=client-IP-address,none"},
			// bad domain, 3 bad ports, no hostname, URL as hostname, unknown
			// socket type + no usable one, no socket type, unknown socket
			// type before STARTTLS, imap as outgoing
			warnings: 11,
		},
		// Ports that contradict the security (arubapec.it POP3 on 993,
		// charter.net SSL on 587, pdx.edu IMAP on 587, rediffmail 586) are
		// kept; nili.ca's <displayNameShort>; tiscali.it's <restriction>;
		// FastMail's <instruction url>.
		"wrong-ports.xml": {
			id: "oddports.example", name: "Odd Ports", short: "Odd",
			domains: []string{"oddports.example"},
			incoming: []string{
				"pop3 pop3s.oddports.example:993 tls user=%EMAILADDRESS% auth=password-cleartext",
				"imap imap.oddports.example:587 starttls user=%EMAILADDRESS% auth=password-cleartext",
			},
			outgoing: []string{
				"smtp smtp.oddports.example:587 tls user=%EMAILADDRESS% auth=password-cleartext",
				"smtp smtp.oddports.example:586 tls user=%EMAILADDRESS% auth=password-cleartext",
			},
			docs: []string{"https://help.oddports.example/ports"},
			notes: []mail.Note{
				{Code: "client-ip-only", Text: "smtp.oddports.example"},
				{Code: "instruction", Text: "Server names and ports", URL: "https://help.oddports.example/ports"},
			},
		},
		// An outgoing-only service is still a usable file.
		"outgoing-only.xml": {
			id: "relay.example", name: "Relay",
			domains:  []string{"relay.example"},
			outgoing: []string{"smtp smtp.relay.example:587 starttls user=%EMAILADDRESS% auth=password-cleartext"},
		},
		// Hosting control panels serve one template for every customer
		// domain: placeholders stay, in canonical case, even in host names.
		"hosting-template.xml": {
			id: "%EMAILDOMAIN%", name: "%EMAILDOMAIN% Mail",
			incoming: []string{"imap mail.%EMAILDOMAIN%:993 tls user=%EMAILLOCALPART%@%EMAILDOMAIN% auth=password-cleartext"},
			outgoing: []string{"smtp mail.%EMAILDOMAIN%:465 tls user=%EMAILADDRESS% auth=password-cleartext"},
			warnings: 1, // "%EMAILDOMAIN%" is not a domain to list
		},
	}
	for file, w := range cases {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			p, warnings, err := Parse(data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			check := func(what string, got, want any) {
				t.Helper()
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s:\n got  %#v\n want %#v", what, got, want)
				}
			}
			check("id", p.ID, w.id)
			check("display name", p.DisplayName, w.name)
			check("short name", p.ShortName, w.short)
			check("domains", p.Domains, w.domains)
			check("incoming", describeAll(p.Incoming), orEmpty(w.incoming))
			check("outgoing", describeAll(p.Outgoing), orEmpty(w.outgoing))
			check("documentation", p.Documentation, w.docs)
			check("notes", p.Notes, w.notes)
			if len(warnings) != w.warnings {
				t.Errorf("%d warnings, want %d:\n%s", len(warnings), w.warnings, strings.Join(warningTexts(warnings), "\n"))
			}
			for _, s := range append(p.Incoming, p.Outgoing...) {
				if strings.Contains(describe(s), "never-read-this") {
					t.Error("a <password> from the file was kept")
				}
			}
		})
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestParseWarningsNameTheSkippedSection(t *testing.T) {
	data, _ := os.ReadFile("testdata/bad-sections.xml")
	_, warnings, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(warningTexts(warnings), "\n")
	for _, want := range []string{"nine-nine-three", "70000", "quantum", "https://imap.broken.example/", "Line 8:", "must be SMTP"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings do not mention %q:\n%s", want, all)
		}
	}
}

func TestParseRefusesUnusableDocuments(t *testing.T) {
	server := `<incomingServer type="imap"><hostname>imap.x.example</hostname><port>993</port><socketType>SSL</socketType></incomingServer>`
	cases := []struct {
		name, doc string
		code      string // autoconfig code, or xmltree code inside "xml"
	}{
		{"empty", "", xmltree.CodeEmpty},
		{"only whitespace", " \n\t", xmltree.CodeEmpty},
		{"not xml", "this is an HTML error page", xmltree.CodeMalformed},
		{"html page", "<html><body>Not found</body></html>", CodeNotClientConfig},
		{"truncated", `<clientConfig><emailProvider id="x">` + server, xmltree.CodeMalformed},
		{"no provider", `<clientConfig version="1.1"></clientConfig>`, CodeNoProvider},
		{"no usable server", `<clientConfig><emailProvider id="x"><incomingServer type="exchange"/></emailProvider></clientConfig>`, CodeNoServer},
		{"billion laughs", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><clientConfig>&lol2;</clientConfig>`, xmltree.CodeDoctype},
		{"external entity", `<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><clientConfig><emailProvider id="&xxe;">` + server + `</emailProvider></clientConfig>`, xmltree.CodeDoctype},
		{"undeclared entity", `<clientConfig><emailProvider id="&xxe;">` + server + `</emailProvider></clientConfig>`, xmltree.CodeMalformed},
		{"unknown charset", `<?xml version="1.0" encoding="x-klingon"?><clientConfig/>`, xmltree.CodeCharset},
		{"too deep", strings.Repeat("<a>", 40) + strings.Repeat("</a>", 40), xmltree.CodeTooDeep},
		{"too many elements", "<clientConfig>" + strings.Repeat("<x/>", 10001) + "</clientConfig>", xmltree.CodeTooMany},
		{"too large", "<clientConfig><!--" + strings.Repeat("x", MaxSize) + "--></clientConfig>", xmltree.CodeTooLarge},
		{"two roots", `<clientConfig/><clientConfig/>`, xmltree.CodeMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, _, err := Parse([]byte(c.doc))
			if err == nil {
				t.Fatalf("no error; provider %+v", p)
			}
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an *autoconfig.Error", err)
			}
			code := ae.Code
			var xe *xmltree.Error
			if errors.As(err, &xe) {
				code = xe.Code
			}
			if code != c.code {
				t.Errorf("code %q (%v); want %q", code, err, c.code)
			}
			if msg := err.Error(); msg == "" || strings.Contains(msg, "autoconfig.err.") || strings.Contains(msg, "xml.err.") {
				t.Errorf("untranslated message %q", msg)
			}
		})
	}
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
	f.Add([]byte(`<clientConfig><emailProvider id="a"><incomingServer type="imap"><hostname>a.b</hostname><port>1</port><socketType>plain</socketType></incomingServer></emailProvider></clientConfig>`))
	f.Add([]byte(`<!DOCTYPE a><a/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, _, err := Parse(data)
		if err != nil {
			if p != nil {
				t.Fatal("provider returned with an error")
			}
			return
		}
		if len(p.Incoming)+len(p.Outgoing) == 0 {
			t.Fatal("success without a server")
		}
		for _, s := range append(append([]mail.Server{}, p.Incoming...), p.Outgoing...) {
			if !s.Protocol.Valid() || !s.Security.Valid() || s.Port < 1 || s.Port > 65535 || s.Host == "" {
				t.Fatalf("invalid server %+v", s)
			}
			if s.Protocol.Incoming() != containsServer(p.Incoming, s) {
				t.Fatalf("server %+v in the wrong list", s)
			}
		}
		for _, u := range p.Documentation {
			if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				t.Fatalf("non-web documentation link %q", u)
			}
		}
	})
}

func containsServer(list []mail.Server, s mail.Server) bool {
	for _, x := range list {
		if x.Key() == s.Key() {
			return true
		}
	}
	return false
}

// warningTexts says the warnings in English.
func warningTexts(ws []Warning) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.In(i18n.For("en"))
	}
	return out
}
