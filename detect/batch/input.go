package batch

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/address"
)

// Limits on the user list. A school or a company is thousands of rows;
// far more is a mistake (the wrong file), not a batch.
const (
	MaxInputSize = 32 << 20
	MaxUsers     = 100_000
)

// Row problem codes (RowError.Code), stable for scripts; the text is the
// translation "batch.row.<code>".
const (
	RowBadAddress  = "bad-address"
	RowDuplicate   = "duplicate"
	RowLanguage    = "unknown-language"
	RowBadUsername = "bad-username"
	RowNoAddress   = "no-address"
)

// RowCodes lists every row problem code.
var RowCodes = []string{RowBadAddress, RowDuplicate, RowLanguage, RowBadUsername, RowNoAddress}

// User is one valid row of the list.
type User struct {
	// Line is the row's first line in the file (1-based), for messages.
	Line    int
	Address address.Address
	// Name is the person's name for the From line (optional).
	Name string
	// Username is the login when it is not what the provider's template
	// gives (optional).
	Username string
	// Language is "en" or "it" for this person's instructions ("" = the
	// batch's language).
	Language string
}

// RowError is a row that was skipped, and why.
type RowError struct {
	Line int    `json:"line"`
	Code string `json:"code"`
	// Value is the offending cell as written.
	Value string `json:"value"`
	// Text says what is wrong in the report's language: empty from
	// Parse, which keeps the code and Data; the batch's report fills it
	// (In).
	Text string `json:"text"`
	// Data fills the message of Code.
	Data map[string]any `json:"-"`
	// DuplicateOf is the line of the first row with the same address
	// (code "duplicate" only).
	DuplicateOf int `json:"duplicate_of,omitempty"`
}

// List is a parsed user list.
type List struct {
	Users    []User
	Rejected []RowError
	// Separator is the field separator found (',', ';' or '\t'); the
	// CSV report uses the same, so a spreadsheet opens it as it opened
	// the list.
	Separator rune
	// Encoding is "utf-8", "utf-16" or "windows-1252".
	Encoding string
	// Header is true when the first row named the columns.
	Header bool
	// IgnoredPasswordColumn is the name of a password column, which is
	// never read: batch prepares profiles, it does not log in.
	IgnoredPasswordColumn string
}

// In says what is wrong with the row, in l's language.
func (e RowError) In(l i18n.Localizer) string {
	if e.Text != "" {
		return e.Text
	}
	return l.T("batch.row."+e.Code, e.Data)
}

// InputError is a list that cannot be used at all (exit code 2): a code
// and its data, which a front end puts into words with In.
type InputError struct {
	Code string
	Data map[string]any
}

// In says what is wrong with the list, in l's language.
func (e *InputError) In(l i18n.Localizer) string { return l.T("batch.input."+e.Code, e.Data) }

// Error is the English text, for logs; front ends show In.
func (e *InputError) Error() string { return e.In(i18n.For("en")) }

func inputError(code string, data map[string]any) error {
	return &InputError{Code: code, Data: data}
}

// Column names people use, lowercase, without spaces, dashes or dots.
var (
	emailColumns    = []string{"email", "emailaddress", "mail", "address", "indirizzo", "indirizzoemail", "postaelettronica", "posta"}
	nameColumns     = []string{"name", "fullname", "displayname", "nome", "nomecompleto", "nominativo"}
	usernameColumns = []string{"username", "login", "user", "utente", "nomeutente"}
	languageColumns = []string{"language", "lang", "lingua"}
	passwordColumns = []string{"password", "pass", "passwd", "pwd", "parolachiave", "parolad'ordine"}
)

func columnKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "", "-", "", "_", "", ".", "").Replace(s)
}

func isOneOf(s string, list []string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

// Parse reads a user list: a CSV file with a header naming at least the
// email column (name, username and language are optional, other columns
// are ignored), separated by commas, semicolons or tabs, in UTF-8 (with
// or without BOM), UTF-16 with BOM or Windows-1252; or a plain list of
// addresses, one per line. Bad rows are returned in Rejected with their
// line; an unusable file is an *InputError.
func Parse(r io.Reader) (*List, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxInputSize+1))
	if err != nil {
		return nil, inputError("read", map[string]any{"Error": err.Error()})
	}
	if len(raw) > MaxInputSize {
		return nil, inputError("too_large", map[string]any{"Max": MaxInputSize >> 20})
	}
	text, enc, err := decode(raw)
	if err != nil {
		return nil, inputError("encoding", nil)
	}
	if !strings.Contains(text, "\n") && strings.Contains(text, "\r") {
		// Old Mac line ends (Excel for Mac's "CSV (Macintosh)"): CR only.
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	l := &List{Encoding: enc, Separator: detectSeparator(text)}

	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = l.Separator
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true

	col := columns{email: 0, name: -1, username: -1, language: -1}
	first := true
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, inputError("csv", map[string]any{"Line": pe.StartLine, "Error": pe.Err.Error()})
			}
			return nil, inputError("read", map[string]any{"Error": err.Error()})
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue // Excel writes empty rows as ";;;"
		}
		if first {
			first = false
			if h, ok := headerColumns(rec); ok {
				if h.email < 0 {
					return nil, inputError("no_email_column", map[string]any{"Columns": strings.Join(trimAll(rec), ", ")})
				}
				col, l.Header, l.IgnoredPasswordColumn = h, true, h.password
				continue
			}
		}
		if len(l.Users)+len(l.Rejected) >= MaxUsers {
			return nil, inputError("too_many", map[string]any{"Max": MaxUsers})
		}
		l.addRow(rec, line, col, seen)
	}
	if len(l.Users) == 0 && len(l.Rejected) == 0 {
		return nil, inputError("empty", nil)
	}
	return l, nil
}

type columns struct {
	email, name, username, language int
	password                        string
}

// headerColumns recognises a header row: one naming the email column,
// or one where no cell looks like an address (a header with other
// names, which is then refused for lacking the email column).
func headerColumns(rec []string) (columns, bool) {
	c := columns{email: -1, name: -1, username: -1, language: -1}
	hasAt := false
	for i, cell := range rec {
		k := columnKey(strings.TrimPrefix(cell, "\ufeff"))
		switch {
		case strings.Contains(cell, "@"):
			hasAt = true
		case c.email < 0 && isOneOf(k, emailColumns):
			c.email = i
		case c.name < 0 && isOneOf(k, nameColumns):
			c.name = i
		case c.username < 0 && isOneOf(k, usernameColumns):
			c.username = i
		case c.language < 0 && isOneOf(k, languageColumns):
			c.language = i
		case c.password == "" && isOneOf(k, passwordColumns):
			c.password = strings.TrimSpace(cell)
		}
	}
	if c.email >= 0 {
		return c, true
	}
	return c, !hasAt
}

func (l *List) addRow(rec []string, line int, col columns, seen map[string]int) {
	cell := func(i int) string {
		if i < 0 || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	reject := func(code, value string, data map[string]any) {
		if data == nil {
			data = map[string]any{}
		}
		data["Value"] = value
		data["Line"] = line
		l.Rejected = append(l.Rejected, RowError{Line: line, Code: code, Value: value, Data: data})
	}
	raw := strings.TrimPrefix(strings.TrimPrefix(cell(col.email), "mailto:"), "MAILTO:")
	if raw == "" {
		reject(RowNoAddress, "", nil)
		return
	}
	addr, err := address.Parse(raw)
	if err != nil {
		reject(RowBadAddress, raw, map[string]any{"Error": err}) // said in the report's language
		return
	}
	key := strings.ToLower(addr.String())
	if first, dup := seen[key]; dup {
		reject(RowDuplicate, raw, map[string]any{"First": first})
		l.Rejected[len(l.Rejected)-1].DuplicateOf = first
		return
	}
	u := User{Line: line, Address: addr, Name: oneLine(cell(col.name)), Username: cell(col.username)}
	if strings.ContainsAny(u.Username, "\r\n\x00") || strings.ContainsFunc(u.Username, unicode.IsSpace) {
		reject(RowBadUsername, u.Username, nil)
		return
	}
	if lang := cell(col.language); lang != "" {
		if u.Language = i18n.Normalize(lang); u.Language == "" {
			reject(RowLanguage, lang, map[string]any{"Languages": strings.Join(i18n.Languages, ", ")})
			return
		}
	}
	seen[key] = line
	l.Users = append(l.Users, u)
}

// oneLine turns a cell that spans lines (a quoted field with line
// breaks) or holds control characters into one line of text.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// blank reports whether a record holds nothing but spaces and
// separators (a plain list read with another separator than the one
// of an empty row, ";;;").
func blank(rec []string) bool {
	for _, c := range rec {
		if strings.Trim(c, " \t\r\n,;") != "" {
			return false
		}
	}
	return true
}

func trimAll(rec []string) []string {
	out := make([]string, len(rec))
	for i, c := range rec {
		out[i] = strings.TrimSpace(c)
	}
	return out
}

// decode returns the file as UTF-8 text without a byte order mark.
// Without a BOM, text that is not valid UTF-8 is Windows-1252, what
// Excel on Windows writes for "CSV (delimitato dal separatore di
// elenco)".
func decode(raw []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		raw = raw[3:]
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}), bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		// Excel's "Unicode text" (tab-separated).
		out, err := xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM).NewDecoder().Bytes(raw)
		return string(out), "utf-16", err
	}
	if utf8.Valid(raw) {
		return string(raw), "utf-8", nil
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	return string(out), "windows-1252", err
}

// detectSeparator picks the separator of the first non-blank line:
// whichever of ';', ',' and tab occurs most often outside quotes (','
// when none does: a plain list of addresses).
func detectSeparator(text string) rune {
	counts := map[rune]int{}
	inQuote, started := false, false
	for _, r := range text {
		if r == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		if r == '\n' {
			if started {
				break
			}
			continue
		}
		if !unicode.IsSpace(r) || r == '\t' {
			started = true
		}
		if r == ',' || r == ';' || r == '\t' {
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}
