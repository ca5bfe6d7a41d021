package export

import (
	"strings"
	"unicode/utf8"
)

// Text returns written setup instructions as plain UTF-8 text, in
// opts.Lang: the values a person types into any mail client's manual
// setup screen.
func Text(s Settings, opts Options) ([]byte, error) {
	in, err := buildInstructions(s, opts)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString(in.Title + "\n")
	b.WriteString(strings.Repeat("=", utf8.RuneCountInString(in.Title)) + "\n\n")
	b.WriteString(in.Intro + "\n\n")
	writeRows(&b, "", in.Identity)
	if len(in.Notes) > 0 {
		b.WriteString("\n" + in.NotesTitle + "\n")
		for _, n := range in.Notes {
			b.WriteString("  - " + n.Text + "\n")
			if n.URL != "" {
				b.WriteString("    " + n.URL + "\n")
			}
		}
	}
	// One value column for every section, so incoming and outgoing
	// read side by side even when their labels differ.
	width := 0
	for _, sec := range in.Sections {
		width = max(width, labelWidth(sec.Rows))
	}
	for _, sec := range in.Sections {
		b.WriteString("\n" + sec.Title + "\n")
		writeRowsWidth(&b, "  ", sec.Rows, width)
	}
	if len(in.Alternatives) > 0 {
		b.WriteString("\n" + in.AltTitle + "\n")
		for _, a := range in.Alternatives {
			b.WriteString("  - " + a + "\n")
		}
	}
	b.WriteString("\n" + in.Footer + "\n")
	return []byte(b.String()), nil
}

// writeRows writes "label: value" lines with the values aligned.
func writeRows(b *strings.Builder, indent string, rows []row) {
	writeRowsWidth(b, indent, rows, labelWidth(rows))
}

// labelWidth is the length of the longest label, in characters.
func labelWidth(rows []row) int {
	width := 0
	for _, r := range rows {
		width = max(width, utf8.RuneCountInString(r.Label))
	}
	return width
}

// writeRowsWidth writes the rows with values starting after width
// characters of label.
func writeRowsWidth(b *strings.Builder, indent string, rows []row, width int) {
	for _, r := range rows {
		pad := width - utf8.RuneCountInString(r.Label)
		b.WriteString(indent + r.Label + ":" + strings.Repeat(" ", pad+2) + r.Value + "\n")
	}
}
