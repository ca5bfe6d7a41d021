// Package xmltree reads small, untrusted XML documents (autoconfig and
// Autodiscover files fetched from the internet) into a tree, with every
// defence such input needs: a size cap, a depth cap, an element-count
// cap, no DTD at all (so no entity expansion, no external entities, no
// "billion laughs"), and only the character sets real files declare.
//
// Element and attribute names are matched without their namespace and
// case-insensitively, because the formats it serves are written by hand
// and consumers (Thunderbird, Outlook) are lenient in the same way.
package xmltree

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"

	"github.com/postino-mail/postino/assets/i18n"
)

// Limits bound the work done on one document.
type Limits struct {
	MaxBytes    int // refuse larger documents
	MaxDepth    int // refuse deeper nesting
	MaxElements int // refuse more elements
}

// DefaultLimits fit every real autoconfig and Autodiscover file with a
// wide margin (the largest ISPDB file is under 10 KiB and 300 elements).
var DefaultLimits = Limits{MaxBytes: 1 << 20, MaxDepth: 32, MaxElements: 10000}

// Error codes.
const (
	CodeEmpty     = "empty"
	CodeTooLarge  = "too-large"
	CodeTooDeep   = "too-deep"
	CodeTooMany   = "too-many"
	CodeDoctype   = "doctype"
	CodeCharset   = "charset"
	CodeMalformed = "malformed"
)

// Error says why a document was refused.
type Error struct {
	Code   string
	Limit  int    // for too-large, too-deep, too-many
	Detail string // the underlying syntax error or charset name
	Err    error
}

// In says why, in l's language.
func (e *Error) In(l i18n.Localizer) string {
	return l.T("xml.err."+e.Code, map[string]any{"Limit": e.Limit, "Detail": e.Detail})
}

// Error says it in English, for logs; front ends show In.
func (e *Error) Error() string { return e.In(i18n.For("en")) }

func (e *Error) Unwrap() error { return e.Err }

// Node is one element.
type Node struct {
	Name     string            // local name, as written
	Attr     map[string]string // local name (lowercase) → value
	Text     string            // character data directly inside, trimmed
	Children []*Node
	Line     int // where the element starts, for warnings
}

// Parse reads data into a tree and returns its root element.
func Parse(data []byte, lim Limits) (*Node, error) {
	if len(data) > lim.MaxBytes {
		return nil, &Error{Code: CodeTooLarge, Limit: lim.MaxBytes}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // UTF-8 byte-order mark
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{Code: CodeEmpty}
	}
	dec := xml.NewDecoder(bytes.NewReader(bytes.TrimLeft(data, " \t\r\n")))
	dec.Strict = true
	dec.Entity = nil // only the five predefined entities
	var charsetErr *Error
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			charsetErr = &Error{Code: CodeCharset, Detail: label, Err: err}
			return nil, err
		}
		return enc.NewDecoder().Reader(r), nil
	}
	b := &treeBuilder{lim: lim, dec: dec}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if charsetErr != nil {
				return nil, charsetErr
			}
			line, _ := dec.InputPos()
			return nil, &Error{Code: CodeMalformed, Detail: fmt.Sprintf("line %d: %v", line, trimSyntax(err)), Err: err}
		}
		if err := b.add(tok); err != nil {
			return nil, err
		}
	}
	if b.root == nil {
		return nil, &Error{Code: CodeEmpty}
	}
	return b.root, nil
}

// treeBuilder grows the tree one token at a time, within the limits.
type treeBuilder struct {
	lim      Limits
	dec      *xml.Decoder // for line numbers
	root     *Node
	stack    []*Node  // open elements, innermost last
	text     [][]byte // their text so far
	elements int
}

func (b *treeBuilder) add(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		return b.start(t)
	case xml.EndElement:
		n := b.stack[len(b.stack)-1]
		n.Text = strings.TrimSpace(string(b.text[len(b.text)-1]))
		b.stack = b.stack[:len(b.stack)-1]
		b.text = b.text[:len(b.text)-1]
	case xml.CharData:
		if len(b.text) > 0 {
			b.text[len(b.text)-1] = append(b.text[len(b.text)-1], t...)
		} else if len(bytes.TrimSpace(t)) > 0 {
			// Text outside any element: an error page, not XML.
			return &Error{Code: CodeMalformed, Detail: "text outside the root element"}
		}
	case xml.Directive:
		// A DTD is the door to every entity attack (expansion, external
		// entities, "billion laughs"); no legitimate mail configuration
		// has one. encoding/xml does not expand it, but refusing makes
		// the verdict explicit.
		return &Error{Code: CodeDoctype}
	}
	return nil
}

func (b *treeBuilder) start(t xml.StartElement) error {
	b.elements++
	if b.elements > b.lim.MaxElements {
		return &Error{Code: CodeTooMany, Limit: b.lim.MaxElements}
	}
	if len(b.stack) >= b.lim.MaxDepth {
		return &Error{Code: CodeTooDeep, Limit: b.lim.MaxDepth}
	}
	line, _ := b.dec.InputPos()
	n := &Node{Name: t.Name.Local, Line: line}
	for _, a := range t.Attr {
		if n.Attr == nil {
			n.Attr = map[string]string{}
		}
		n.Attr[strings.ToLower(a.Name.Local)] = a.Value
	}
	if len(b.stack) == 0 {
		if b.root != nil {
			return &Error{Code: CodeMalformed, Detail: "more than one root element"}
		}
		b.root = n
	} else {
		p := b.stack[len(b.stack)-1]
		p.Children = append(p.Children, n)
	}
	b.stack = append(b.stack, n)
	b.text = append(b.text, nil)
	return nil
}

func trimSyntax(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return se.Msg
	}
	return err.Error()
}

// Is reports whether the element is named name (case-insensitive).
func (n *Node) Is(name string) bool { return n != nil && strings.EqualFold(n.Name, name) }

// Child returns the first child named name, or nil.
func (n *Node) Child(name string) *Node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if c.Is(name) {
			return c
		}
	}
	return nil
}

// All returns every child named name.
func (n *Node) All(name string) []*Node {
	if n == nil {
		return nil
	}
	var out []*Node
	for _, c := range n.Children {
		if c.Is(name) {
			out = append(out, c)
		}
	}
	return out
}

// ChildText returns the text of the first child named name, or "".
func (n *Node) ChildText(name string) string {
	if c := n.Child(name); c != nil {
		return c.Text
	}
	return ""
}

// AttrValue returns an attribute by local name (case-insensitive).
func (n *Node) AttrValue(name string) string {
	if n == nil {
		return ""
	}
	return strings.TrimSpace(n.Attr[strings.ToLower(name)])
}
