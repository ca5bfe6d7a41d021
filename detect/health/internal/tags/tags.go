// Package tags parses the "tag=value; tag=value" lists that DKIM (RFC 6376
// §3.2), DMARC (RFC 7489 §6.4), MTA-STS (RFC 8461 §3.1) and TLS-RPT
// (RFC 8460 §3) records share.
package tags

import (
	"fmt"
	"strings"
)

// Tag is one name=value pair, in record order.
type Tag struct {
	Name  string // lower-cased
	Value string // trimmed, case kept
}

// List is a parsed tag list.
type List []Tag

// Parse splits s on ";" and each part on the first "=". Surrounding
// whitespace is ignored and a trailing ";" is allowed (RFC 6376 §3.2).
// A part without "=", an empty name or a repeated name is an error:
// RFC 6376 §3.2 says duplicate tags make the whole list invalid.
func Parse(s string) (List, error) {
	var out List
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok || name == "" {
			return nil, fmt.Errorf("%q is not a tag=value pair", part)
		}
		if strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("tag name %q contains spaces", name)
		}
		if seen[name] {
			return nil, fmt.Errorf("tag %q appears twice", name)
		}
		seen[name] = true
		out = append(out, Tag{Name: name, Value: strings.TrimSpace(value)})
	}
	return out, nil
}

// Get returns the value of name and whether it is present.
func (l List) Get(name string) (string, bool) {
	for _, t := range l {
		if t.Name == name {
			return t.Value, true
		}
	}
	return "", false
}

// First returns the first tag, or a zero Tag for an empty list.
func (l List) First() Tag {
	if len(l) == 0 {
		return Tag{}
	}
	return l[0]
}

// HasVersion reports whether txt starts with the tag "v=want" (the
// version tag must come first in every one of these record types),
// comparing the value case-insensitively.
func HasVersion(txt, want string) bool {
	name, rest, ok := strings.Cut(strings.TrimSpace(txt), "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(name), "v") {
		return false
	}
	value, _, _ := strings.Cut(rest, ";")
	return strings.EqualFold(strings.TrimSpace(value), want)
}

// SplitURIs splits a comma-separated URI list (rua=, ruf=), trimming
// spaces and dropping empty items.
func SplitURIs(v string) []string {
	var out []string
	for _, u := range strings.Split(v, ",") {
		if u = strings.TrimSpace(u); u != "" {
			out = append(out, u)
		}
	}
	return out
}
