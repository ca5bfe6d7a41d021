package batch

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
)

// FuzzParse: any bytes give a list or an *InputError, never a panic;
// every user kept has a valid, unique address and a line in the file,
// and every skipped row says why.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"email;name\nanna@example.org;Anna\n",
		"\ufeffemail,name,language\n\"a@b.example\",\"x,\ny\",it\n",
		"anna@example.org\n\n;;;\nbob@example.org\n",
		"email\tname\r\na@b.example\tB\r\n",
		"\xff\xfee\x00m\x00a\x00i\x00l\x00\n\x00",
		"email;lingua\n\"unterminated;it\n",
		"nome;cognome\nAnna;Rossi\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse(bytes.NewReader(data))
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Error() == "" {
				t.Fatalf("error %v is not an *InputError with a text", err)
			}
			return
		}
		text := string(data)
		if !strings.Contains(text, "\n") {
			// Old Mac line ends (CR only), which Parse reads as lines.
			text = strings.ReplaceAll(text, "\r", "\n")
		}
		lines := strings.Count(text, "\n") + 1
		seen := map[string]bool{}
		for _, u := range l.Users {
			key := strings.ToLower(u.Address.String())
			if u.Address.Domain == "" || seen[key] {
				t.Fatalf("user %+v: no domain or a duplicate", u)
			}
			seen[key] = true
			if u.Line < 1 || u.Line > lines {
				t.Fatalf("user %s on line %d of %d", key, u.Line, lines)
			}
			if strings.ContainsAny(u.Name, "\r\n\x00") || strings.ContainsAny(u.Username, "\r\n\x00 ") {
				t.Fatalf("control characters kept: %+v", u)
			}
		}
		for _, r := range l.Rejected {
			if r.Line < 1 || r.Code == "" || r.In(i18n.For("en")) == "" {
				t.Fatalf("rejected row without line, code or text: %+v", r)
			}
		}
	})
}
