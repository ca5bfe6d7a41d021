package export

import (
	"bytes"
	"html"
	"strings"
	"testing"

	"github.com/yuin/goldmark"

	"github.com/postino-mail/postino/detect/mail"
)

// renderCommonMark renders with goldmark's CommonMark core (no GitHub
// extensions), the way any CommonMark reader sees the file.
func renderCommonMark(t *testing.T, md []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := goldmark.New().Convert(md, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestMarkdownIsCommonMarkAndTextStaysText: the instructions render the
// same in any CommonMark reader (no pipe tables, which only GitHub's
// dialect has), names come out exactly as typed, and notes or
// alternatives that begin like a list item, a quote or a heading stay
// one item of text.
func TestMarkdownIsCommonMarkAndTextStaysText(t *testing.T) {
	s := fixtures()["libero"]
	s.DisplayName = `Tom & "Jerry" <IT>`
	s.Notes = []mail.Note{
		{Code: "x-plus", Text: "+ use the webmail"},
		{Code: "x-num", Text: "1. open the settings"},
		{Code: "x-paren", Text: "2) then save"},
		{Code: "x-quote", Text: "> not a quote"},
		{Code: "x-head", Text: "# not a heading"},
		{Code: "x-dash", Text: "- not a list"},
		{Code: "x-eq", Text: "=== not a heading"},
		{Code: "x-code", Text: "    not code"},
	}
	for _, lng := range []string{"en", "it"} {
		md := must(Markdown(s, Options{Lang: lng}))
		if bytes.Contains(md, []byte("| --- |")) {
			t.Errorf("%s: GitHub pipe table in a CommonMark file", lng)
		}
		out := renderCommonMark(t, md)
		for _, bad := range []string{"<table", "<ol", "<blockquote", "<pre", "<h1>not", "<h2>not"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s: rendered %s:\n%s", lng, bad, out)
			}
		}
		if strings.Count(out, "<ul>") != strings.Count(out, "</ul>") || strings.Contains(out, "<li>\n<ul>") || strings.Contains(out, "<li><ul>") {
			t.Errorf("%s: a note became a nested list:\n%s", lng, out)
		}
		plain := html.UnescapeString(out)
		for _, n := range s.Notes {
			if want := "<li>" + strings.TrimLeft(n.Text, " ") + "</li>"; !strings.Contains(plain, want) {
				t.Errorf("%s: note %q not one item of text:\n%s", lng, n.Text, out)
			}
		}
		if !strings.Contains(plain, s.DisplayName) {
			t.Errorf("%s: name not intact:\n%s", lng, out)
		}
	}
}
