package xmltree

import (
	"errors"
	"strings"
	"testing"
)

func TestParseMatchesNamesWithoutNamespaceOrCase(t *testing.T) {
	doc := `<?xml version="1.0"?>
<a:Autodiscover xmlns:a="urn:x" xmlns="urn:y">
  <Response xmlns="urn:z"><account ACTION="x"><Protocol>one</Protocol><PROTOCOL> two </PROTOCOL></account></Response>
</a:Autodiscover>`
	root, err := Parse([]byte(doc), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if !root.Is("autodiscover") {
		t.Errorf("root %q", root.Name)
	}
	acc := root.Child("RESPONSE").Child("Account")
	if acc == nil {
		t.Fatal("Account not found")
	}
	if got := acc.AttrValue("action"); got != "x" {
		t.Errorf("attribute %q", got)
	}
	all := acc.All("protocol")
	if len(all) != 2 || all[0].Text != "one" || all[1].Text != "two" {
		t.Errorf("children %+v", all)
	}
	if acc.Line != 3 {
		t.Errorf("line %d; want 3", acc.Line)
	}
}

func TestNilNodesAreSafeToQuery(t *testing.T) {
	var n *Node
	if n.Child("x") != nil || n.All("x") != nil || n.ChildText("x") != "" || n.AttrValue("x") != "" || n.Is("x") {
		t.Error("a nil node should answer with zero values")
	}
}

func TestParseDecodesDeclaredCharsets(t *testing.T) {
	cases := map[string]string{
		"ISO-8859-1":   "Citt\xe0",
		"latin1":       "Citt\xe0",
		"windows-1252": "Citt\xe0 \x80",
		"UTF-8":        "Città",
		"us-ascii":     "Citta",
	}
	want := map[string]string{"windows-1252": "Città €", "us-ascii": "Citta"}
	for cs, body := range cases {
		root, err := Parse([]byte(`<?xml version="1.0" encoding="`+cs+`"?><x>`+body+`</x>`), DefaultLimits)
		if err != nil {
			t.Errorf("%s: %v", cs, err)
			continue
		}
		w := want[cs]
		if w == "" {
			w = "Città"
		}
		if root.Text != w {
			t.Errorf("%s: text %q; want %q", cs, root.Text, w)
		}
	}
}

func TestParseEnforcesEveryLimit(t *testing.T) {
	lim := Limits{MaxBytes: 100, MaxDepth: 3, MaxElements: 5}
	cases := map[string]string{
		CodeTooLarge:  "<a>" + strings.Repeat("x", 100) + "</a>",
		CodeTooDeep:   "<a><b><c><d/></c></b></a>",
		CodeTooMany:   "<a><b/><b/><b/><b/><b/></a>",
		CodeDoctype:   `<!DOCTYPE a SYSTEM "http://evil.example/a.dtd"><a/>`,
		CodeMalformed: "<a><b></a>",
		CodeEmpty:     "<!-- only a comment -->",
	}
	for code, doc := range cases {
		_, err := Parse([]byte(doc), lim)
		var xe *Error
		if !errors.As(err, &xe) || xe.Code != code {
			t.Errorf("%s: got %v", code, err)
			continue
		}
		if msg := err.Error(); msg == "" || strings.HasPrefix(msg, "xml.err.") {
			t.Errorf("%s: untranslated message %q", code, msg)
		}
	}
	if _, err := Parse([]byte("<a><b><c/></b></a>"), lim); err != nil {
		t.Errorf("a document exactly at the limits was refused: %v", err)
	}
}

func TestParseSkipsByteOrderMarkAndLeadingBlankLines(t *testing.T) {
	root, err := Parse([]byte("\xef\xbb\xbf\r\n\n  <?xml version=\"1.0\"?><a/>"), DefaultLimits)
	if err != nil || !root.Is("a") {
		t.Fatalf("root %v, %v", root, err)
	}
}
