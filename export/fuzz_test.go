package export

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"html"
	"strings"
	"testing"

	"howett.net/plist"
)

// FuzzExportsKeepNamesAndStayWellFormed feeds arbitrary names and logins
// to the structured formats: each must either refuse the input as
// invalid or produce a file that parses and gives the values back.
func FuzzExportsKeepNamesAndStayWellFormed(f *testing.F) {
	f.Add(hostileName, accentName, "mario.rossi")
	f.Add("]]><x>", "&amp;", "a\\b")
	f.Add("\u2028", "\ufeff", "")
	f.Fuzz(func(t *testing.T, person, provider, login string) {
		s := fixtures()["libero"]
		s.DisplayName, s.ProviderName, s.Incoming.Username = person, provider, login
		tb, err := Thunderbird(s, Options{})
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not ErrInvalid: %v", err)
			}
			return
		}
		var doc tbConfig
		if err := xml.Unmarshal(tb, &doc); err != nil {
			t.Fatalf("Thunderbird file does not parse: %v", err)
		}
		if provider != "" && doc.Provider.DisplayName != provider {
			t.Errorf("displayName %q, want %q", doc.Provider.DisplayName, provider)
		}
		var p profile
		if _, err := plist.Unmarshal(must(MobileConfig(s, Options{})), &p); err != nil {
			t.Fatalf("profile does not parse: %v", err)
		}
		if p.PayloadContent[0].EmailAccountName != person || p.PayloadContent[0].IncomingMailServerUsername != s.username(s.Incoming) {
			t.Errorf("profile name %q user %q", p.PayloadContent[0].EmailAccountName, p.PayloadContent[0].IncomingMailServerUsername)
		}
		var ad adRoot
		if err := xml.Unmarshal(must(Autodiscover(s, Options{})), &ad); err != nil {
			t.Fatalf("Autodiscover does not parse: %v", err)
		}
		var js struct{ Settings Settings }
		if err := json.Unmarshal(must(JSON(s, Options{})), &js); err != nil || js.Settings.DisplayName != person {
			t.Errorf("JSON: %v %q", err, js.Settings.DisplayName)
		}
		page := string(must(HTML(s, Options{Lang: "en"})))
		if person != "" && !strings.Contains(html.UnescapeString(page), "<td>"+person+"</td>") {
			t.Errorf("HTML lost the name %q", person)
		}
		if md := mdUnescape(string(must(Markdown(s, Options{Lang: "en"})))); person != "" && !strings.Contains(md, person) {
			t.Errorf("Markdown lost the name %q", person)
		}
	})
}
