// Package spf parses Sender Policy Framework records (RFC 7208) to the
// letter of the grammar in its §4.6.1, §5, §6, §7.1 and §12: every
// condition that makes a receiver answer "permerror" for the record
// itself comes back as a *SyntaxError with its own Code. It only parses:
// following include and redirect through DNS, and counting the lookups,
// is the health check's job.
package spf

import (
	"fmt"
	"net"
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
	// Unknown lists other modifiers, which receivers ignore (§6) once
	// their syntax is right.
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

// The permerror conditions of a record's own text, one code each. The
// health check publishes them prefixed with "spf-"; docs/json.md lists
// them.
const (
	// CodeNotSPF: the text does not start with "v=spf1" and a space.
	CodeNotSPF = "syntax"
	// CodeBadCharacter: a byte outside visible ASCII and the space
	// (non-ASCII, a control character): RFC 7208 §3.1 and the §12 grammar.
	CodeBadCharacter = "bad-character"
	// CodeBadSeparator: terms separated by a tab, a line break or other
	// whitespace; only spaces separate terms (§4.6.1, §12).
	CodeBadSeparator = "bad-separator"
	// CodeUnknownTerm: neither a mechanism of §5 nor a modifier whose
	// name is a letter followed by letters, digits, "-", "_" or "."
	// (§4.6.1, §12 "name").
	CodeUnknownTerm = "unknown-term"
	// CodeBadArgument: a mechanism with an argument it cannot take
	// ("all:x", "ptr/24", "include/24") or without one it needs
	// ("include", "ip4").
	CodeBadArgument = "bad-argument"
	// CodeBadDomain: a domain-spec that is empty, or does not end in a
	// "." and a valid top label or in a macro (§7.1).
	CodeBadDomain = "bad-domain"
	// CodeBadMacro: "%" not followed by "{", "%", "_" or "-"; a macro
	// that is not "%{" letter digits ["r"] delimiters "}"; an unknown
	// letter; c, r or t outside an explanation; a zero digit (§7.1).
	CodeBadMacro = "bad-macro"
	// CodeBadCIDR: a prefix length that is not a plain decimal number
	// ("/032", "/+24") or is above 32 (IPv4) or 128 (IPv6) (§5.6).
	CodeBadCIDR = "bad-cidr"
	// CodeBadIP: an ip4 or ip6 value that is not an address of that
	// family (§5.6).
	CodeBadIP = "bad-ip"
	// CodeDuplicateModifier: redirect= or exp= more than once (§6).
	CodeDuplicateModifier = "duplicate-modifier"
)

// SyntaxCodes lists every Code a *SyntaxError can carry.
func SyntaxCodes() []string {
	return []string{CodeNotSPF, CodeBadCharacter, CodeBadSeparator, CodeUnknownTerm, CodeBadArgument,
		CodeBadDomain, CodeBadMacro, CodeBadCIDR, CodeBadIP, CodeDuplicateModifier}
}

// SyntaxError is a permerror in the record's own text.
type SyntaxError struct {
	// Code is one of the Code constants.
	Code string
	// Term is the term at fault, as published (it may hold the very
	// bytes that are wrong: quote it before showing it).
	Term string
	// Reason says what is wrong, in English, for logs and Error.
	Reason string
}

func (e *SyntaxError) Error() string {
	if e.Term == "" {
		return e.Reason
	}
	return fmt.Sprintf("%q: %s", e.Term, e.Reason)
}

func syntaxErr(code, term, format string, args ...any) *SyntaxError {
	return &SyntaxError{Code: code, Term: term, Reason: fmt.Sprintf(format, args...)}
}

// Parse parses one SPF record. Any error is a *SyntaxError: what RFC 7208
// calls a permerror, after which receivers treat the whole record as
// broken, wherever in the record the error is (§4.6).
func Parse(txt string) (*Record, error) {
	if !IsSPF(txt) {
		return nil, syntaxErr(CodeNotSPF, "", "not an SPF record (must start with \"v=spf1\")")
	}
	body := txt[6:]
	// Characters first: a tab or a line break between two terms would
	// otherwise make the terms around it look merely unknown.
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == ' ' || (c > ' ' && c < 0x7f) {
			continue
		}
		term := termAt(body, i)
		switch c {
		case '\t', '\n', '\r', '\v', '\f':
			return nil, syntaxErr(CodeBadSeparator, term, "terms are separated by spaces only, not by byte 0x%02x", c)
		}
		if c >= 0x80 {
			return nil, syntaxErr(CodeBadCharacter, term, "byte 0x%02x is not ASCII: SPF records are plain ASCII", c)
		}
		return nil, syntaxErr(CodeBadCharacter, term, "control character 0x%02x", c)
	}
	r := &Record{}
	for _, term := range strings.Split(body, " ") {
		if term == "" {
			continue // several spaces in a row, or trailing spaces: allowed
		}
		if err := r.addTerm(term); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// termAt returns the space-delimited stretch of s around index i.
func termAt(s string, i int) string {
	start := strings.LastIndexByte(s[:i], ' ') + 1
	end := strings.IndexByte(s[i:], ' ')
	if end < 0 {
		return s[start:]
	}
	return s[start : i+end]
}

// modifierName returns the name of a modifier term ("redirect" for
// "redirect=x") and whether term is a modifier at all: a name made of a
// letter and then letters, digits, "-", "_" or ".", directly followed by
// "=" (RFC 7208 §12). "1up=x" and "a:x=y" are not modifiers.
func modifierName(term string) (string, bool) {
	i := strings.IndexByte(term, '=')
	if i <= 0 || !isAlpha(term[0]) {
		return "", false
	}
	for j := 1; j < i; j++ {
		c := term[j]
		if !isAlpha(c) && !isDigit(c) && c != '-' && c != '_' && c != '.' {
			return "", false
		}
	}
	return strings.ToLower(term[:i]), true
}

func (r *Record) addTerm(term string) error {
	if name, ok := modifierName(term); ok {
		return r.addModifier(term, name, term[len(name)+1:])
	}
	m := Mechanism{Qualifier: Pass}
	rest := term
	switch rest[0] {
	case '+', '-', '~', '?':
		m.Qualifier = Qualifier(rest[0])
		rest = rest[1:]
	}
	name, arg := rest, ""
	if i := strings.IndexAny(rest, ":/"); i >= 0 {
		name, arg = rest[:i], rest[i:]
	}
	m.Name = strings.ToLower(name)
	switch m.Name {
	case "all":
		if arg != "" {
			return syntaxErr(CodeBadArgument, term, "all takes no argument")
		}
	case "include", "exists":
		if !strings.HasPrefix(arg, ":") {
			return syntaxErr(CodeBadArgument, term, "%s needs \":\" and a domain", m.Name)
		}
		if err := checkDomainSpec(term, arg[1:]); err != nil {
			return err
		}
		m.Domain = arg[1:]
	case "a", "mx", "ptr":
		domain, cidr := "", arg
		if strings.HasPrefix(arg, ":") {
			domain, cidr = splitCIDR(arg[1:])
			if err := checkDomainSpec(term, domain); err != nil {
				return err
			}
		}
		if m.Name == "ptr" && cidr != "" {
			return syntaxErr(CodeBadArgument, term, "ptr takes no prefix length")
		}
		if err := checkDualCIDR(term, cidr); err != nil {
			return err
		}
		m.Domain, m.Net = domain, cidr
	case "ip4", "ip6":
		if !strings.HasPrefix(arg, ":") || len(arg) == 1 {
			return syntaxErr(CodeBadArgument, term, "%s needs \":\" and an address", m.Name)
		}
		if err := checkIP(term, m.Name, arg[1:]); err != nil {
			return err
		}
		m.Net = arg[1:]
	default:
		return syntaxErr(CodeUnknownTerm, term, "not a mechanism or a modifier")
	}
	r.Mechanisms = append(r.Mechanisms, m)
	return nil
}

func (r *Record) addModifier(term, name, value string) error {
	switch name {
	case "redirect", "exp":
		if (name == "redirect" && r.Redirect != "") || (name == "exp" && r.Exp != "") {
			return syntaxErr(CodeDuplicateModifier, term, "%s= may appear only once", name)
		}
		if err := checkDomainSpec(term, value); err != nil {
			return err
		}
		if name == "redirect" {
			r.Redirect = value
		} else {
			r.Exp = value
		}
	default:
		// Receivers ignore modifiers they do not know, but only once
		// the value is a valid macro-string (§6, §12).
		if _, err := scanMacros(term, value, true); err != nil {
			return err
		}
		r.Unknown = append(r.Unknown, term)
	}
	return nil
}

// splitCIDR splits the argument of a: or mx: into the domain-spec and the
// prefix lengths. A domain-spec may itself hold "/" (§7.1: any visible
// character), but it ends in a top label or a macro, so the prefix
// lengths are what follows the first "/" after the last "." or "}".
func splitCIDR(s string) (domain, cidr string) {
	from := max(strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, '}')) + 1
	if i := strings.IndexByte(s[from:], '/'); i >= 0 {
		return s[:from+i], s[from+i:]
	}
	return s, ""
}

// checkDomainSpec checks a domain-spec (RFC 7208 §7.1): visible ASCII
// characters, macros of the right form with letters allowed outside
// explanations, ending in a macro or in "." and a top label (letters,
// digits and "-", not all digits, not starting or ending with "-"), with
// an optional final ".".
func checkDomainSpec(term, s string) error {
	if s == "" {
		return syntaxErr(CodeBadDomain, term, "the domain is empty")
	}
	endsInMacro, err := scanMacros(term, s, false)
	if err != nil {
		return err
	}
	if endsInMacro {
		return nil
	}
	name := strings.TrimSuffix(s, ".")
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 {
		return syntaxErr(CodeBadDomain, term, "%q is a single label: a domain needs a dot and a top-level label", s)
	}
	if top := name[dot+1:]; !validTopLabel(top) {
		return syntaxErr(CodeBadDomain, term, "%q is not a valid top-level label (letters, digits and \"-\", not only digits, not starting or ending with \"-\")", top)
	}
	return nil
}

func validTopLabel(l string) bool {
	if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	letterOrDash := false
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case isAlpha(c), c == '-':
			letterOrDash = true
		case isDigit(c):
		default:
			return false
		}
	}
	return letterOrDash
}

// scanMacros checks the macro-string s (RFC 7208 §7.1) and reports
// whether it ends in a macro-expand (which ends a domain-spec). The
// letters c, r and t are allowed only in explanation text (the TXT
// record exp= points at), never in the record itself, except in the
// value of an unknown modifier, which receivers do not expand.
func scanMacros(term, s string, unknownModifier bool) (endsInMacro bool, err error) {
	for i := 0; i < len(s); {
		c := s[i]
		if c <= ' ' || c >= 0x7f {
			return false, syntaxErr(CodeBadCharacter, term, "byte 0x%02x is not a visible ASCII character", c)
		}
		if c != '%' {
			i++
			endsInMacro = false
			continue
		}
		if i+1 == len(s) {
			return false, syntaxErr(CodeBadMacro, term, "\"%%\" at the end: write \"%%%%\" for a percent sign")
		}
		switch s[i+1] {
		case '%', '_', '-':
			i += 2
			endsInMacro = true
			continue
		case '{':
		default:
			return false, syntaxErr(CodeBadMacro, term, "\"%%\" followed by %q: only \"%%{\", \"%%%%\", \"%%_\" and \"%%-\" are allowed", s[i+1])
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return false, syntaxErr(CodeBadMacro, term, "\"%%{\" without a closing \"}\"")
		}
		if err := checkMacroBody(term, s[i+2:i+end], unknownModifier); err != nil {
			return false, err
		}
		i += end + 1
		endsInMacro = true
	}
	return endsInMacro, nil
}

// checkMacroBody checks what is between "%{" and "}": a macro letter,
// an optional nonzero number of parts, an optional "r" (reverse) and
// delimiters from ".-+,/_=".
func checkMacroBody(term, body string, unknownModifier bool) error {
	if body == "" {
		return syntaxErr(CodeBadMacro, term, "empty macro \"%%{}\"")
	}
	letter := body[0] | 0x20 // upper case asks for URL escaping, same letter
	switch letter {
	case 's', 'l', 'o', 'd', 'i', 'p', 'h', 'v':
	case 'c', 'r', 't':
		if !unknownModifier {
			return syntaxErr(CodeBadMacro, term, "macro letter %q is allowed only in explanation text", body[0])
		}
	default:
		return syntaxErr(CodeBadMacro, term, "%q is not a macro letter (s, l, o, d, i, p, h, v)", body[0])
	}
	rest := body[1:]
	digits := 0
	for digits < len(rest) && isDigit(rest[digits]) {
		digits++
	}
	if digits > 0 && strings.Trim(rest[:digits], "0") == "" {
		return syntaxErr(CodeBadMacro, term, "the number of parts in a macro must not be zero")
	}
	rest = rest[digits:]
	if rest != "" && (rest[0] == 'r' || rest[0] == 'R') {
		rest = rest[1:]
	}
	for i := 0; i < len(rest); i++ {
		if !strings.ContainsRune(".-+,/_=", rune(rest[i])) {
			return syntaxErr(CodeBadMacro, term, "%q is not a macro delimiter (. - + , / _ =)", rest[i])
		}
	}
	return nil
}

// checkDualCIDR checks "", "/n", "//m" and "/n//m" (RFC 7208 §5.6): plain
// decimal numbers without leading zeros, n at most 32, m at most 128.
func checkDualCIDR(term, s string) error {
	if s == "" {
		return nil
	}
	v4, v6, dual := strings.Cut(s[1:], "//")
	if strings.HasPrefix(s, "//") {
		v4, v6, dual = "", s[2:], true
	}
	if !dual && v4 == "" {
		return syntaxErr(CodeBadCIDR, term, "\"/\" without a prefix length")
	}
	if v4 != "" {
		if err := checkPrefix(term, v4, 32); err != nil {
			return err
		}
	}
	if dual {
		return checkPrefix(term, v6, 128)
	}
	return nil
}

// checkPrefix checks one prefix length: "0", or 1 to 3 digits without a
// leading zero, at most limit.
func checkPrefix(term, s string, limit int) error {
	if s == "" || len(s) > 3 || (len(s) > 1 && s[0] == '0') {
		return syntaxErr(CodeBadCIDR, term, "prefix length %q is not a plain number from 0 to %d", s, limit)
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return syntaxErr(CodeBadCIDR, term, "prefix length %q is not a plain number from 0 to %d", s, limit)
		}
		n = n*10 + int(s[i]-'0')
	}
	if n > limit {
		return syntaxErr(CodeBadCIDR, term, "prefix length %d is above %d", n, limit)
	}
	return nil
}

// checkIP checks the value of ip4: or ip6:, an address of that family
// with an optional single prefix length.
func checkIP(term, kind, s string) error {
	addr, prefix, hasPrefix := strings.Cut(s, "/")
	ip := net.ParseIP(addr)
	isV4 := ip != nil && !strings.Contains(addr, ":")
	switch {
	case ip == nil:
		return syntaxErr(CodeBadIP, term, "%q is not an IP address", addr)
	case kind == "ip4" && !isV4:
		return syntaxErr(CodeBadIP, term, "%q is not an IPv4 address", addr)
	case kind == "ip6" && isV4:
		return syntaxErr(CodeBadIP, term, "%q is not an IPv6 address", addr)
	}
	if !hasPrefix {
		return nil
	}
	limit := 32
	if kind == "ip6" {
		limit = 128
	}
	return checkPrefix(term, prefix, limit)
}

// ValidDNSName reports whether a domain without macros can be asked in
// DNS at all: no empty label (but a final dot), no label over 63 bytes,
// at most 253 bytes. A domain-spec may be grammatical and still fail this
// ("a:mail.example...com"); RFC 7208 leaves what receivers then do open.
func ValidDNSName(name string) bool {
	name = strings.TrimSuffix(name, ".")
	if name == "" || len(name) > 253 {
		return false
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
