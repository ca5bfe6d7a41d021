package export

import "strings"

// Markdown returns the written instructions as CommonMark (no tables or
// other GitHub extensions: every section is a list of "label: value"
// lines), with every piece of user data escaped so a name like
// Tom & "Jerry" <IT> is shown as typed rather than read as HTML or
// emphasis, and a text that begins like a list item ("+ ", "1. ") stays
// text.
func Markdown(s Settings, opts Options) ([]byte, error) {
	in, err := buildInstructions(s, opts)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("# " + mdEscape(in.Title) + "\n\n")
	b.WriteString(mdEscapeBlock(in.Intro) + "\n\n")
	for _, r := range in.Identity {
		b.WriteString("- **" + mdEscape(r.Label) + ":** " + mdValue(r) + "\n")
	}
	if len(in.Notes) > 0 {
		b.WriteString("\n## " + mdEscape(in.NotesTitle) + "\n\n")
		for _, n := range in.Notes {
			b.WriteString("- " + mdEscapeBlock(n.Text))
			if n.URL != "" {
				b.WriteString(" <" + n.URL + ">")
			}
			b.WriteString("\n")
		}
	}
	for _, sec := range in.Sections {
		b.WriteString("\n## " + mdEscape(sec.Title) + "\n\n")
		for _, r := range sec.Rows {
			b.WriteString("- **" + mdEscape(r.Label) + ":** " + mdValue(r) + "\n")
		}
	}
	if len(in.Alternatives) > 0 {
		b.WriteString("\n## " + mdEscape(in.AltTitle) + "\n\n")
		for _, a := range in.Alternatives {
			b.WriteString("- " + mdEscapeBlock(a) + "\n")
		}
	}
	b.WriteString("\n" + mdEscapeBlock(in.Footer) + "\n")
	return []byte(b.String()), nil
}

// mdValue shows host names and ports as code (validated ASCII, no
// backticks possible) and escapes everything else.
func mdValue(r row) string {
	if r.Literal {
		return "`" + r.Value + "`"
	}
	return mdEscape(r.Value)
}

// mdSpecial are the ASCII punctuation characters that can start markup
// in the middle of a line: emphasis, code, links ("(" only matters after
// "]"), raw HTML and entities, closing heading "#", GFM table cells and
// strikethrough (CommonMark §2.4 allows a backslash before any of them).
// Text that starts a block goes through mdEscapeBlock as well.
const mdSpecial = "\\`*_[]<>#|~&"

func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(mdSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdEscapeBlock escapes s for the start of a paragraph or list item:
// besides mdEscape, a leading list marker ("-", "+", "1." or "1)"),
// block quote (">"), heading ("#"), or thematic break / setext marker
// ("=", "-") is escaped, and leading spaces (an indented code block)
// are dropped, so the text stays the text it is (CommonMark §4, §5).
func mdEscapeBlock(s string) string {
	s = strings.TrimLeft(s, " ")
	out := mdEscape(s)
	if s == "" {
		return out
	}
	switch s[0] {
	case '-', '+', '=': // ">" and "#" are escaped by mdEscape already
		return "\\" + out
	}
	digits := 0
	for digits < len(s) && digits < 10 && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	if digits > 0 && digits < len(s) && (s[digits] == '.' || s[digits] == ')') {
		return out[:digits] + "\\" + out[digits:]
	}
	return out
}
