package batch

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/postino-mail/postino/assets/i18n"
)

func parse(t *testing.T, text string) *List {
	t.Helper()
	l, err := Parse(strings.NewReader(text))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return l
}

func addresses(l *List) []string {
	var out []string
	for _, u := range l.Users {
		out = append(out, u.Address.String())
	}
	return out
}

func TestParseCommaHeaderWithOptionalColumns(t *testing.T) {
	l := parse(t, "email,name,username,language,department\n"+
		"anna@example.org,Anna Rossi,,it,Sales\n"+
		"bob@example.com,Bob,bob,en,IT\n")
	if !l.Header || l.Separator != ',' || l.Encoding != "utf-8" {
		t.Errorf("header %v sep %q enc %s", l.Header, l.Separator, l.Encoding)
	}
	if len(l.Users) != 2 || len(l.Rejected) != 0 {
		t.Fatalf("users %v rejected %+v", addresses(l), l.Rejected)
	}
	a, b := l.Users[0], l.Users[1]
	if a.Name != "Anna Rossi" || a.Language != "it" || a.Username != "" || a.Line != 2 {
		t.Errorf("first user %+v", a)
	}
	if b.Username != "bob" || b.Language != "en" || b.Line != 3 {
		t.Errorf("second user %+v", b)
	}
}

// Excel in Italy separates with ";" and, on Windows, writes
// Windows-1252 with CRLF line ends.
func TestParseItalianExcelSemicolonWindows1252(t *testing.T) {
	text := "Nome;Cognome;E-mail;Lingua\r\nNiccolò;Città;niccolo@example.it;Italiano\r\nJosé;Núñez;jose@example.es;en\r\n"
	raw, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	l := parse(t, raw)
	if l.Separator != ';' || l.Encoding != "windows-1252" {
		t.Errorf("sep %q enc %s", l.Separator, l.Encoding)
	}
	if len(l.Users) != 2 || l.Users[0].Language != "it" {
		t.Fatalf("users %+v rejected %+v", l.Users, l.Rejected)
	}
	// Only one name column is used: the first ("Nome").
	if l.Users[0].Name != "Niccolò" || l.Users[1].Name != "José" {
		t.Errorf("names %q %q: not decoded from Windows-1252", l.Users[0].Name, l.Users[1].Name)
	}
}

// Excel for Mac's "CSV (Macintosh)" ends lines with CR alone.
func TestParseCROnlyLineEnds(t *testing.T) {
	l := parse(t, "email;name\ranna@example.org;Anna\rbob@example.com;Bob\r")
	if got := strings.Join(addresses(l), " "); got != "anna@example.org bob@example.com" || l.Users[1].Line != 3 {
		t.Errorf("addresses %q, lines %+v", got, l.Users)
	}
}

func TestParseUTF8BOMAndUTF16(t *testing.T) {
	l := parse(t, "\ufeffemail;name\nanna@example.org;Anna Nöel\n")
	if len(l.Users) != 1 || l.Users[0].Name != "Anna Nöel" || !l.Header {
		t.Fatalf("BOM: %+v %+v", l.Users, l.Rejected)
	}
	// Excel's "Unicode text": UTF-16 LE with BOM, tab separated.
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String("email\tname\r\nanna@example.org\tAnna Nöel\r\n")
	if err != nil {
		t.Fatal(err)
	}
	l = parse(t, u16)
	if l.Encoding != "utf-16" || l.Separator != '\t' || len(l.Users) != 1 || l.Users[0].Name != "Anna Nöel" {
		t.Fatalf("UTF-16: enc %s sep %q %+v %+v", l.Encoding, l.Separator, l.Users, l.Rejected)
	}
}

func TestParsePlainListWithBlankLines(t *testing.T) {
	l := parse(t, "\n  anna@example.org  \n\n\nbob@example.com\r\n;;;\n\ncarla@example.net")
	if got := strings.Join(addresses(l), " "); got != "anna@example.org bob@example.com carla@example.net" {
		t.Errorf("addresses %q", got)
	}
	if l.Header || len(l.Rejected) != 0 {
		t.Errorf("header %v rejected %+v", l.Header, l.Rejected)
	}
	if l.Users[1].Line != 5 || l.Users[2].Line != 8 {
		t.Errorf("lines %d %d, want 5 and 8", l.Users[1].Line, l.Users[2].Line)
	}
}

func TestParseQuotedFieldsWithCommasAndNewlines(t *testing.T) {
	l := parse(t, "email,name,notes\n"+
		"anna@example.org,\"Rossi, Anna\",\"first line\nsecond line, still notes\"\n"+
		"bob@example.com,\"Bob \"\"the builder\"\"\nSmith\",x\n"+
		"bad-address,x,y\n")
	if len(l.Users) != 2 {
		t.Fatalf("users %+v rejected %+v", l.Users, l.Rejected)
	}
	if l.Users[0].Name != "Rossi, Anna" {
		t.Errorf("name %q", l.Users[0].Name)
	}
	if l.Users[1].Name != `Bob "the builder" Smith` || l.Users[1].Line != 4 {
		t.Errorf("name %q line %d: a line break in a name becomes a space", l.Users[1].Name, l.Users[1].Line)
	}
	// The bad row's line counts the lines inside the quoted fields.
	if len(l.Rejected) != 1 || l.Rejected[0].Line != 6 || l.Rejected[0].Code != RowBadAddress {
		t.Errorf("rejected %+v, want line 6 bad-address", l.Rejected)
	}
}

func TestParseRejectsBadRowsWithLineAndGoesOn(t *testing.T) {
	l := parse(t, "email;language;username\n"+
		"anna@example.org;it;\n"+
		"not an address;;\n"+
		"ANNA@Example.org;;\n"+
		"bob@example.com;klingon;\n"+
		";it;\n"+
		"carla@example.net;;carla rossi\n"+
		"dario@example.net;EN;\n")
	want := map[int]string{3: RowBadAddress, 4: RowDuplicate, 5: RowLanguage, 6: RowNoAddress, 7: RowBadUsername}
	if len(l.Rejected) != len(want) {
		t.Fatalf("rejected %+v", l.Rejected)
	}
	for _, r := range l.Rejected {
		if want[r.Line] != r.Code {
			t.Errorf("line %d: code %s, want %s", r.Line, r.Code, want[r.Line])
		}
		if text := r.In(i18n.For("en")); text == "" || !strings.Contains(text, fmt.Sprint(r.Line)) {
			t.Errorf("line %d: text %q does not name the line", r.Line, text)
		}
		if r.Code == RowDuplicate && r.DuplicateOf != 2 {
			t.Errorf("duplicate of %d, want 2", r.DuplicateOf)
		}
	}
	if got := strings.Join(addresses(l), " "); got != "anna@example.org dario@example.net" {
		t.Errorf("users %q", got)
	}
}

// A password column is named, never read: nothing of it reaches a User.
func TestParseIgnoresPasswordColumn(t *testing.T) {
	l := parse(t, "email,Password,name\nanna@example.org,hunter2-secret,Anna\n")
	if l.IgnoredPasswordColumn != "Password" {
		t.Errorf("IgnoredPasswordColumn %q", l.IgnoredPasswordColumn)
	}
	if got := fmt.Sprintf("%+v", l); strings.Contains(got, "hunter2") {
		t.Errorf("the password is kept: %s", got)
	}
}

func TestParseUnusableInput(t *testing.T) {
	for name, text := range map[string]string{
		"empty":           "",
		"only blanks":     "\n\n ;; \n",
		"header only":     "email;name\n",
		"no email column": "nome;cognome\nAnna;Rossi\n",
	} {
		_, err := Parse(strings.NewReader(text))
		var ie *InputError
		if !errors.As(err, &ie) || ie.Error() == "" {
			t.Errorf("%s: error %v, want an *InputError with a text", name, err)
		}
	}
	_, err := Parse(strings.NewReader("nome;cognome\nAnna;Rossi\n"))
	if ie := (*InputError)(nil); errors.As(err, &ie) && !strings.Contains(ie.Error(), "nome, cognome") {
		t.Errorf("the error does not list the columns found: %v", err)
	}
}

func TestParseTenThousandRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("email;name\n")
	for i := 0; i < 10_000; i++ {
		fmt.Fprintf(&b, "user%d@domain%d.example;Utente %d\n", i, i%100, i)
	}
	l := parse(t, b.String())
	if len(l.Users) != 10_000 || len(l.Rejected) != 0 {
		t.Fatalf("%d users, %d rejected", len(l.Users), len(l.Rejected))
	}
	if l.Users[9999].Line != 10_001 {
		t.Errorf("last line %d", l.Users[9999].Line)
	}
}

func TestParseTooLarge(t *testing.T) {
	_, err := Parse(strings.NewReader(strings.Repeat("a", MaxInputSize+1)))
	var ie *InputError
	if !errors.As(err, &ie) || ie.Code != "too_large" {
		t.Errorf("err %v", err)
	}
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"anna@example.org":          "anna@example.org",
		"Anna.Rossi@Example.IT":     "anna.rossi@example.it",
		`a/b\c:d*e?f"g<h>i|j@x.org`: "a%2Fb%5Cc%3Ad%2Ae%3Ff%22g%3Ch%3Ei%7Cj@x.org",
		".hidden@x.org":             "%2Ehidden@x.org",
	} {
		if got := SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("x", 64) + "@" + strings.Repeat("%", 150) + ".org"
	a, b := SafeName(long), SafeName(long+"x")
	if len(a) > maxNameBytes || a == b {
		t.Errorf("long names: %d bytes, distinct %v", len(a), a != b)
	}
}

// A rejected row says the address's own error in the report's language,
// not in English or the language of the process that parsed the list.
func TestRejectedRowSaysTheAddressErrorInTheReportsLanguage(t *testing.T) {
	l := parse(t, "email\nmario.rossi.libero.it\n")
	if len(l.Rejected) != 1 || l.Rejected[0].Code != RowBadAddress {
		t.Fatalf("rejected %+v", l.Rejected)
	}
	got := l.Rejected[0].In(i18n.For("it"))
	if !strings.Contains(got, "non è un indirizzo valido") || !strings.Contains(got, "ha bisogno di una @") {
		t.Errorf("row text %q is not all in Italian", got)
	}
}
