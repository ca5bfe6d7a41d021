package health

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/idna"
)

// ErrBadDomain is returned by Domain for input that is neither a domain
// nor an address.
var ErrBadDomain = errors.New("not a domain name or email address")

// Domain turns what a person typed (a domain or an email address, in
// Unicode or ASCII) into the ASCII domain to check, the way mail clients
// do: IDNA 2008 lookup rules (RFC 5891), lower case, no trailing dot.
func Domain(input string) (string, error) {
	s := strings.TrimSpace(input)
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return "", ErrBadDomain
	}
	ascii, err := idna.Lookup.ToASCII(s)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %v", ErrBadDomain, input, err)
	}
	ascii = strings.ToLower(ascii)
	if !strings.Contains(ascii, ".") || len(ascii) > 253 {
		return "", fmt.Errorf("%w: %q", ErrBadDomain, input)
	}
	return ascii, nil
}
