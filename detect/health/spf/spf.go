// Package spf parses Sender Policy Framework records (RFC 7208). It only
// parses: following include and redirect through DNS, and counting the
// lookups, is the health check's job.
package spf

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Qualifier is the result a mechanism gives when it matches (RFC 7208
// §4.6.2): + pass, - fail, ~ softfail, ? neutral.
type Qualifier byte

const (
	Pass     Qualifier = '+'
	Fail     Qualifier = '-'
	SoftFail Qualifier = '~'
	Neutral  Qualifier = '?'
)

// Mechanism is one directive of a record (RFC 7208 §5).
type Mechanism struct {
	Qualifier Qualifier
	// Name is one of all, include, a, mx, ptr, ip4, ip6, exists.
	Name string
	// Domain is the domain-spec of include, a, mx, ptr and exists ("" for
	// a, mx and ptr means the current domain).
	Domain string
	// Net is the address or network of ip4 and ip6, and the CIDR suffix
	// of a and mx ("/24", "//64", "/24//64").
	Net string
}

// String writes the mechanism back in record syntax, with the qualifier
// only when it is not the default "+".
func (m Mechanism) String() string {
	var b strings.Builder
	if m.Qualifier != Pass {
		b.WriteByte(byte(m.Qualifier))
	}
	b.WriteString(m.Name)
	switch m.Name {
	case "ip4", "ip6":
		b.WriteString(":" + m.Net)
	default:
		if m.Domain != "" {
			b.WriteString(":" + m.Domain)
		}
		b.WriteString(m.Net)
	}
	return b.String()
}

// CountsLookup reports whether the mechanism costs a DNS lookup against
// the limit of 10 (RFC 7208 §4.6.4).
func (m Mechanism) CountsLookup() bool {
	switch m.Name {
	case "include", "a", "mx", "ptr", "exists":
		return true
	}
	return false
}

// Record is a parsed SPF record.
type Record struct {
	Mechanisms []Mechanism
	// Redirect is the redirect= modifier (RFC 7208 §6.1), "" if absent.
	Redirect string
	// Exp is the exp= modifier (RFC 7208 §6.2), "" if absent.
	Exp string
	// Unknown lists other modifiers, which receivers ignore (§6).
	Unknown []string
}

// All returns the record's "all" mechanism, if any.
func (r *Record) All() (Mechanism, bool) {
	for _, m := range r.Mechanisms {
		if m.Name == "all" {
			return m, true
		}
	}
	return Mechanism{}, false
}

// IsSPF reports whether a TXT record is an SPF record: "v=spf1" followed
// by a space or the end (RFC 7208 §4.5), case-insensitively.
func IsSPF(txt string) bool {
	if len(txt) < 6 || !strings.EqualFold(txt[:6], "v=spf1") {
		return false
	}
	return len(txt) == 6 || txt[6] == ' '
}

// HasMacro reports whether a domain-spec uses macros (RFC 7208 §7), which
// need the connecting IP or the sender to expand.
func HasMacro(domain string) bool { return strings.Contains(domain, "%") }

// Parse parses one SPF record. Any syntax error is what RFC 7208 calls a
// permerror: receivers treat the whole record as broken.
func Parse(txt string) (*Record, error) {
	if !IsSPF(txt) {
		return nil, fmt.Errorf("not an SPF record (must start with \"v=spf1\")")
	}
	r := &Record{}
	for _, term := range strings.Fields(txt[6:]) {
		if err := r.addTerm(term); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *Record) addTerm(term string) error {
	// A modifier is name=value where name starts with a letter and has no
	// ":" or "/" before "=" (RFC 7208 §12 grammar).
	if i := strings.IndexByte(term, '='); i > 0 && !strings.ContainsAny(term[:i], ":/") {
		name, value := strings.ToLower(term[:i]), term[i+1:]
		switch name {
		case "redirect", "exp":
			if value == "" {
				return fmt.Errorf("%s= has no domain", name)
			}
			if (name == "redirect" && r.Redirect != "") || (name == "exp" && r.Exp != "") {
				// RFC 7208 §6: each may appear at most once.
				return fmt.Errorf("%s= appears more than once", name)
			}
			if name == "redirect" {
				r.Redirect = value
			} else {
				r.Exp = value
			}
		default:
			r.Unknown = append(r.Unknown, term)
		}
		return nil
	}
	m := Mechanism{Qualifier: Pass}
	switch term[0] {
	case '+', '-', '~', '?':
		m.Qualifier = Qualifier(term[0])
		term = term[1:]
	}
	name, arg, hasArg := term, "", false
	if i := strings.IndexAny(term, ":/"); i >= 0 {
		name, arg, hasArg = term[:i], term[i:], true
	}
	m.Name = strings.ToLower(name)
	switch m.Name {
	case "all":
		if hasArg {
			return fmt.Errorf("%q: all takes no argument", term)
		}
	case "include", "exists":
		if !strings.HasPrefix(arg, ":") || len(arg) < 2 {
			return fmt.Errorf("%q: %s needs a domain", term, m.Name)
		}
		m.Domain = arg[1:]
	case "a", "mx", "ptr":
		domain, cidr := arg, ""
		if strings.HasPrefix(arg, ":") {
			domain = arg[1:]
		} else {
			domain = ""
			cidr = arg
		}
		if i := strings.IndexByte(domain, '/'); i >= 0 {
			domain, cidr = domain[:i], domain[i:]
		}
		if hasArg && strings.HasPrefix(arg, ":") && domain == "" {
			return fmt.Errorf("%q: empty domain after \":\"", term)
		}
		if m.Name == "ptr" && cidr != "" {
			return fmt.Errorf("%q: ptr takes no prefix length", term)
		}
		if err := checkDualCIDR(cidr); err != nil {
			return fmt.Errorf("%q: %w", term, err)
		}
		m.Domain, m.Net = domain, cidr
	case "ip4", "ip6":
		if !strings.HasPrefix(arg, ":") {
			return fmt.Errorf("%q: %s needs an address", term, m.Name)
		}
		if err := checkIP(m.Name, arg[1:]); err != nil {
			return fmt.Errorf("%q: %w", term, err)
		}
		m.Net = arg[1:]
	default:
		return fmt.Errorf("%q: unknown mechanism %q", term, name)
	}
	r.Mechanisms = append(r.Mechanisms, m)
	return nil
}

// checkDualCIDR validates "", "/n", "//n" and "/n//m" (RFC 7208 §5.6).
func checkDualCIDR(s string) error {
	if s == "" {
		return nil
	}
	v4, v6, _ := strings.Cut(s[1:], "//")
	if strings.HasPrefix(s, "//") {
		v4, v6 = "", s[2:]
	}
	if v4 == "" && !strings.Contains(s, "//") {
		return fmt.Errorf("empty prefix length %q", s)
	}
	if v4 != "" {
		if n, err := strconv.Atoi(v4); err != nil || n < 0 || n > 32 {
			return fmt.Errorf("bad IPv4 prefix length %q", v4)
		}
	}
	if strings.Contains(s, "//") {
		if n, err := strconv.Atoi(v6); err != nil || n < 0 || n > 128 {
			return fmt.Errorf("bad IPv6 prefix length %q", v6)
		}
	}
	return nil
}

func checkIP(kind, s string) error {
	addr := s
	if i := strings.IndexByte(s, '/'); i >= 0 {
		if _, _, err := net.ParseCIDR(s); err != nil {
			return fmt.Errorf("bad network %q", s)
		}
		addr = s[:i]
	}
	ip := net.ParseIP(addr)
	if ip == nil {
		return fmt.Errorf("bad address %q", s)
	}
	if (kind == "ip4") != (ip.To4() != nil && !strings.Contains(addr, ":")) {
		return fmt.Errorf("%q is not an %s address", s, kind)
	}
	return nil
}
