package export

import "strings"

// Markdown returns the written instructions as CommonMark, with every
// piece of user data escaped so a name like Tom & "Jerry" <IT> is shown
// as typed rather than read as HTML or emphasis.
func Markdown(s Settings, opts Options) ([]byte, error) {
	in, err := buildInstructions(s, opts)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("# " + mdEscape(in.Title) + "\n\n")
	b.WriteString(mdEscape(in.Intro) + "\n\n")
	for _, r := range in.Identity {
		b.WriteString("- **" + mdEscape(r.Label) + ":** " + mdValue(r) + "\n")
	}
	if len(in.Notes) > 0 {
		b.WriteString("\n## " + mdEscape(in.NotesTitle) + "\n\n")
		for _, n := range in.Notes {
			b.WriteString("- " + mdEscape(n.Text))
			if n.URL != "" {
				b.WriteString(" <" + n.URL + ">")
			}
			b.WriteString("\n")
		}
	}
	for _, sec := range in.Sections {
		b.WriteString("\n## " + mdEscape(sec.Title) + "\n\n")
		b.WriteString("| | |\n| --- | --- |\n")
		for _, r := range sec.Rows {
			b.WriteString("| " + mdEscape(r.Label) + " | " + mdValue(r) + " |\n")
		}
	}
	if len(in.Alternatives) > 0 {
		b.WriteString("\n## " + mdEscape(in.AltTitle) + "\n\n")
		for _, a := range in.Alternatives {
			b.WriteString("- " + mdEscape(a) + "\n")
		}
	}
	b.WriteString("\n" + mdEscape(in.Footer) + "\n")
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
// Values never start a line, so list markers (- + 1.) need no escape.
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
