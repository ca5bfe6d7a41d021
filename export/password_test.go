package export

import (
	"bytes"
	"html"
	"strings"
	"testing"
)

// TestPasswordAppearsInNoExportUnlessIncluded renders every format with
// a recognisable password, with and without IncludePassword: only the
// Apple profile may carry it, and only when asked.
func TestPasswordAppearsInNoExportUnlessIncluded(t *testing.T) {
	const secret = `Zq9&"secret"<pw>`
	forms := [][]byte{
		[]byte(secret),
		[]byte(html.EscapeString(secret)),
		[]byte(strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(secret)),
		[]byte(mdEscape(secret)),
		[]byte("Zq9"),
	}
	for name, s := range fixtures() {
		s.Password = secret
		for _, f := range Formats() {
			for _, include := range []bool{false, true} {
				out, err := f.Export(s, Options{IncludePassword: include, Lang: "en"})
				if err != nil {
					t.Fatalf("%s %s: %v", name, f.Name, err)
				}
				leaked := false
				for _, form := range forms {
					leaked = leaked || bytes.Contains(out, form)
				}
				if want := include && f.Password; leaked != want {
					t.Errorf("%s %s include=%v: password present %v, want %v", name, f.Name, include, leaked, want)
				}
			}
		}
	}
}

func TestPasswordWarningIsTranslated(t *testing.T) {
	en, it := PasswordWarning("en"), PasswordWarning("it")
	if en == "" || it == "" || en == it || en == "export.warn.password" {
		t.Errorf("warnings %q / %q", en, it)
	}
}
