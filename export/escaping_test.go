package export

import (
	"encoding/json"
	"encoding/xml"
	"html"
	"strings"
	"testing"
)

const (
	hostileName = `Tom & "Jerry" <IT>`
	accentName  = "Niccolò Università"
)

// mdUnescape undoes CommonMark backslash escapes of ASCII punctuation.
func mdUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// TestNamesSurviveEveryFormatIntact puts a name full of markup
// characters and an Italian name with accents in the person's name and
// in the provider's name (then the other way round), and checks that
// each format, decoded the way its reader decodes it, gives them back
// exactly, and that no raw markup leaked into HTML or Markdown.
func TestNamesSurviveEveryFormatIntact(t *testing.T) {
	for _, names := range [][2]string{{hostileName, accentName}, {accentName, hostileName}} {
		s := fixtures()["libero"]
		s.DisplayName, s.ProviderName = names[0], names[1]
		person, provider := names[0], names[1]
		for _, lng := range []string{"en", "it"} {
			opts := Options{Lang: lng}
			t.Run(lng+" person "+person, func(t *testing.T) {
				t.Run("thunderbird", func(t *testing.T) {
					var doc tbConfig
					if err := xml.Unmarshal(must(Thunderbird(s, opts)), &doc); err != nil {
						t.Fatal(err)
					}
					if doc.Provider.DisplayName != provider || doc.Provider.ShortName != provider {
						t.Errorf("displayName %q", doc.Provider.DisplayName)
					}
				})
				t.Run("mobileconfig", func(t *testing.T) {
					p := decodeProfile(t, must(MobileConfig(s, opts)))
					if p.PayloadContent[0].EmailAccountName != person || p.PayloadOrganization != provider ||
						!strings.Contains(p.PayloadDescription, provider) {
						t.Errorf("name %q organization %q description %q", p.PayloadContent[0].EmailAccountName, p.PayloadOrganization, p.PayloadDescription)
					}
				})
				t.Run("autodiscover", func(t *testing.T) {
					var doc adRoot
					if err := xml.Unmarshal(must(Autodiscover(s, opts)), &doc); err != nil {
						t.Fatal(err)
					}
					if doc.Response.User == nil || doc.Response.User.DisplayName != person {
						t.Errorf("user %+v", doc.Response.User)
					}
				})
				t.Run("json", func(t *testing.T) {
					var doc struct{ Settings Settings }
					if err := json.Unmarshal(must(JSON(s, opts)), &doc); err != nil {
						t.Fatal(err)
					}
					if doc.Settings.DisplayName != person || doc.Settings.ProviderName != provider {
						t.Errorf("names %q %q", doc.Settings.DisplayName, doc.Settings.ProviderName)
					}
				})
				t.Run("dns", func(t *testing.T) {
					if out := string(must(DNS(s, opts))); !strings.Contains(out, "("+provider+")") {
						t.Errorf("provider name missing from the header:\n%s", out)
					}
				})
				t.Run("text", func(t *testing.T) {
					out := string(must(Text(s, opts)))
					if !strings.Contains(out, "  "+person+"\n") || !strings.Contains(out, "  "+provider+"\n") {
						t.Errorf("names not intact:\n%s", out)
					}
				})
				t.Run("markdown", func(t *testing.T) {
					out := string(must(Markdown(s, opts)))
					if strings.Contains(out, "<IT>") || strings.Contains(out, " & ") {
						t.Errorf("raw markup in Markdown:\n%s", out)
					}
					plain := mdUnescape(out)
					if !strings.Contains(plain, " "+person+"\n") || !strings.Contains(plain, " "+provider+"\n") {
						t.Errorf("names not intact after unescaping:\n%s", plain)
					}
				})
				t.Run("html", func(t *testing.T) {
					out := string(must(HTML(s, opts)))
					if strings.Contains(out, "<IT>") || strings.Contains(out, `"Jerry"`) {
						t.Errorf("raw markup in HTML:\n%s", out)
					}
					if !strings.Contains(out, `<html lang="`+lng+`">`) {
						t.Errorf("no lang=%q attribute", lng)
					}
					plain := html.UnescapeString(out)
					if !strings.Contains(plain, "<td>"+person+"</td>") || !strings.Contains(plain, "<td>"+provider+"</td>") {
						t.Errorf("names not intact after unescaping:\n%s", plain)
					}
				})
			})
		}
	}
}

func TestMarkdownEscapesEveryMarkupCharacter(t *testing.T) {
	for in, want := range map[string]string{
		`Tom & "Jerry" <IT>`: `Tom \& "Jerry" \<IT\>`,
		"*bold* _it_ `code`": "\\*bold\\* \\_it\\_ \\`code\\`",
		"[link](x) a|b ~s~":  `\[link\](x) a\|b \~s\~`,
		`back\slash #1`:      `back\\slash \#1`,
		"Niccolò Università": "Niccolò Università",
	} {
		if got := mdEscape(in); got != want {
			t.Errorf("mdEscape(%q) = %q, want %q", in, got, want)
		}
		if got := mdUnescape(mdEscape(in)); got != in {
			t.Errorf("round trip of %q gave %q", in, got)
		}
	}
}
