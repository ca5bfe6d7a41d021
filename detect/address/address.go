// Package address parses and validates the email address a person types,
// and converts its domain to the ASCII form DNS needs.
//
// The accepted syntax is the practical subset of RFC 5322 §3.4.1 that
// mail providers hand out: a dot-atom or quoted-string local part, "@",
// and a host name. UTF-8 local parts are allowed (RFC 6531 §3.3); the
// domain may be internationalised and is converted with IDNA 2008
// (RFC 5891) to its A-label form, so "mario@città.it" has the Domain
// "xn--citt-3na.it". Domain literals ("a@[192.0.2.1]") and single-label
// domains are refused: no mail provider publishes settings for them.
//
// Whitespace around the whole address is trimmed silently, because people
// paste addresses from documents and chat windows and the surrounding
// blanks are never meant. Whitespace inside the address, and a line break
// anywhere, is an error: it is either a typo or a header-injection attempt.
package address

import (
	"fmt"
	"net"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// Length limits in octets.
const (
	// MaxLocal is the longest local part (RFC 5321 §4.5.3.1.1).
	MaxLocal = 64
	// MaxLabel is the longest DNS label (RFC 1035 §2.3.4).
	MaxLabel = 63
	// MaxDomain is the longest domain name in its dotted text form
	// (RFC 1035 §2.3.4: 255 octets on the wire, 253 as text).
	MaxDomain = 253
	// MaxAddress is the longest usable address: the 256-octet RFC 5321
	// §4.5.3.1.3 path limit minus the angle brackets (RFC 3696 erratum 1690).
	MaxAddress = 254
	// maxInput bounds the work done on absurd input before any parsing.
	maxInput = 4 * MaxAddress
)

// Address is a parsed, validated email address.
type Address struct {
	// Raw is the input exactly as given, before trimming.
	Raw string
	// Local is the local part as typed (NFC-normalised), including the
	// quotes of a quoted local part.
	Local string
	// Domain is the lowercase ASCII (A-label) form, the one to use in DNS
	// queries and URLs.
	Domain string
	// DomainUnicode is the lowercase display form (U-labels).
	DomainUnicode string
}

// String returns Local@Domain, the form to send to servers.
func (a Address) String() string { return a.Local + "@" + a.Domain }

// Display returns Local@DomainUnicode, the form to show to people.
func (a Address) Display() string { return a.Local + "@" + a.DomainUnicode }

// Parse validates s and returns its parts. Every failure is an *Error with
// a stable Code. Parse never panics, whatever s holds.
func Parse(s string) (Address, error) {
	raw := s
	fail := func(code string) (Address, error) { return Address{}, &Error{Code: code, Input: raw} }
	if len(s) > maxInput {
		return Address{}, &Error{Code: CodeAddressTooLong, Input: raw, Length: len(s), Limit: MaxAddress}
	}
	s = strings.TrimFunc(s, isOuterSpace)
	if s == "" {
		return fail(CodeEmpty)
	}
	if !utf8.ValidString(s) {
		return fail(CodeEncoding)
	}
	if err := checkCharacters(raw, s); err != nil {
		return Address{}, err
	}
	local, domain, err := split(raw, s)
	if err != nil {
		return Address{}, err
	}
	if local == "" {
		return fail(CodeEmptyLocal)
	}
	if domain == "" {
		return fail(CodeEmptyDomain)
	}
	local = norm.NFC.String(local)
	if err := checkLocal(raw, local); err != nil {
		return Address{}, err
	}
	ascii, unicodeForm, err := checkDomain(raw, domain)
	if err != nil {
		return Address{}, err
	}
	if n := len(local) + 1 + len(ascii); n > MaxAddress {
		return Address{}, &Error{Code: CodeAddressTooLong, Input: raw, Length: n, Limit: MaxAddress}
	}
	return Address{Raw: raw, Local: local, Domain: ascii, DomainUnicode: unicodeForm}, nil
}

// isOuterSpace is what trimming removes: blanks, but not line breaks,
// which are always reported.
func isOuterSpace(r rune) bool { return r != '\r' && r != '\n' && unicode.IsSpace(r) }

// checkCharacters reports line breaks, control characters and inner
// whitespace. Inside a quoted local part spaces are legal (RFC 5322
// §3.2.4), so whitespace outside quotes only is reported.
func checkCharacters(raw, s string) error {
	for _, r := range s {
		if r == '\r' || r == '\n' {
			return &Error{Code: CodeCRLF, Input: raw}
		}
	}
	for _, r := range s {
		if isControl(r) {
			return &Error{Code: CodeControl, Input: raw, Part: runeName(r)}
		}
	}
	inQuote, escaped := false, false
	for i, r := range s {
		switch {
		case escaped:
			escaped = false
			continue
		case inQuote && r == '\\':
			escaped = true
			continue
		case r == '"' && (inQuote || i == 0):
			inQuote = !inQuote
			continue
		}
		if unicode.IsSpace(r) && !(inQuote && r == ' ') {
			return &Error{Code: CodeSpace, Input: raw}
		}
	}
	return nil
}

// isControl reports C0/C1 controls, DEL, and the invisible bidirectional
// formatting characters that can make an address display as another one.
func isControl(r rune) bool {
	if r == '\t' || r == ' ' {
		return false
	}
	if unicode.Is(unicode.Cc, r) {
		return true
	}
	switch {
	case r == 0x200E, r == 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0xFEFF:
		return true
	}
	return false
}

// split cuts s at the "@" that separates local part and domain. A quoted
// local part may contain "@"; any other extra "@" is an error.
func split(raw, s string) (local, domain string, err error) {
	if strings.HasPrefix(s, `"`) {
		end := quotedEnd(s)
		if end < 0 {
			return "", "", &Error{Code: CodeBadLocal, Input: raw, Part: `"`}
		}
		rest := s[end+1:]
		if !strings.HasPrefix(rest, "@") {
			if !strings.Contains(rest, "@") {
				return "", "", &Error{Code: CodeNoAt, Input: raw}
			}
			return "", "", &Error{Code: CodeBadLocal, Input: raw, Part: `"`}
		}
		domain = rest[1:]
		if strings.Contains(domain, "@") {
			return "", "", &Error{Code: CodeTwoAt, Input: raw}
		}
		return s[:end+1], domain, nil
	}
	switch strings.Count(s, "@") {
	case 0:
		return "", "", &Error{Code: CodeNoAt, Input: raw}
	case 1:
	default:
		return "", "", &Error{Code: CodeTwoAt, Input: raw}
	}
	at := strings.IndexByte(s, '@')
	return s[:at], s[at+1:], nil
}

// quotedEnd returns the index of the quote closing the quoted string that
// starts s, or -1 when it is not closed.
func quotedEnd(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// checkLocal validates a local part: RFC 5322 §3.2.3 dot-atom with the
// RFC 6531 §3.3 extension of atext to every non-ASCII UTF-8 character, or
// an RFC 5322 §3.2.4 quoted string.
func checkLocal(raw, local string) error {
	if len(local) > MaxLocal {
		return &Error{Code: CodeLocalTooLong, Input: raw, Length: len(local), Limit: MaxLocal}
	}
	if strings.HasPrefix(local, `"`) {
		body := local[1 : len(local)-1]
		for i := 0; i < len(body); i++ {
			c := body[i]
			if c == '\\' {
				i++
				continue
			}
			if c == '"' {
				return &Error{Code: CodeBadLocal, Input: raw, Part: `"`}
			}
		}
		return nil
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return &Error{Code: CodeBadLocal, Input: raw, Part: "."}
	}
	for _, r := range local {
		if r == '.' || isAtext(r) {
			continue
		}
		return &Error{Code: CodeBadLocal, Input: raw, Part: string(r)}
	}
	return nil
}

// isAtext reports RFC 5322 §3.2.3 atext, extended by RFC 6531 §3.3 to
// every non-ASCII character.
func isAtext(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	case r >= utf8.RuneSelf:
		return true
	}
	return strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
}

// checkDomain validates a domain and returns its A-label and U-label
// forms, lowercase.
func checkDomain(raw, domain string) (ascii, display string, err error) {
	if strings.HasPrefix(domain, "[") {
		return "", "", &Error{Code: CodeDomainLiteral, Input: raw, Part: domain}
	}
	if net.ParseIP(domain) != nil {
		return "", "", &Error{Code: CodeDomainLiteral, Input: raw, Part: domain}
	}
	// Empty labels first: IDNA would report them with a vaguer message.
	if labelsEmpty(domain) {
		return "", "", &Error{Code: CodeBadDomain, Input: raw, Part: domain}
	}
	ascii, idnaErr := idna.Lookup.ToASCII(domain)
	// Length limits are checked on the converted form even when IDNA
	// failed on an over-long label, so the person hears the real reason.
	check := ascii
	if check == "" {
		check = domain
	}
	for _, l := range strings.Split(check, ".") {
		if len(l) > MaxLabel {
			return "", "", &Error{Code: CodeLabelTooLong, Input: raw, Part: shorten(l), Length: len(l), Limit: MaxLabel}
		}
	}
	if len(check) > MaxDomain {
		return "", "", &Error{Code: CodeDomainTooLong, Input: raw, Length: len(check), Limit: MaxDomain}
	}
	if idnaErr != nil {
		return "", "", &Error{Code: CodeBadDomain, Input: raw, Part: domain, Err: idnaErr}
	}
	ascii = strings.ToLower(ascii)
	if labelsEmpty(ascii) {
		// A full-width or ideographic dot mapped to "." can create one.
		return "", "", &Error{Code: CodeBadDomain, Input: raw, Part: domain}
	}
	if !strings.Contains(ascii, ".") {
		return "", "", &Error{Code: CodeSingleLabel, Input: raw, Part: domain}
	}
	if net.ParseIP(ascii) != nil {
		return "", "", &Error{Code: CodeDomainLiteral, Input: raw, Part: domain}
	}
	display, err = idna.Display.ToUnicode(ascii)
	if err != nil {
		return "", "", &Error{Code: CodeBadDomain, Input: raw, Part: domain, Err: err}
	}
	return ascii, display, nil
}

// labelsEmpty reports an empty label: a leading, trailing or double dot.
func labelsEmpty(d string) bool {
	return d == "" || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") || strings.Contains(d, "..")
}

// shorten keeps error messages readable when a label is huge.
func shorten(s string) string {
	if len(s) <= 24 {
		return s
	}
	return s[:20] + "…"
}

// runeName shows an invisible character as U+XXXX.
func runeName(r rune) string { return fmt.Sprintf("U+%04X", r) }
