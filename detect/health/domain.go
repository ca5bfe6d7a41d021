package health

import (
	"errors"
	"strings"

	"github.com/postino-mail/postino/detect/address"
)

// Domain turns what a person typed (a domain or an email address, in
// Unicode or ASCII) into the ASCII domain to check, with the same rules
// as the rest of Postino (detect/address: IDNA 2008 per RFC 5891, lower
// case, no single-label or literal domains). A trailing dot is allowed.
// Errors are *address.Error, whose message is already translated.
func Domain(input string) (string, error) {
	s := strings.TrimSpace(input)
	if !strings.Contains(s, "@") {
		// A bare domain goes through the address parser with a stand-in
		// local part, so both forms are validated the same way.
		s = "postmaster@" + strings.TrimSuffix(s, ".")
	}
	a, err := address.Parse(s)
	if err != nil {
		var ae *address.Error
		if errors.As(err, &ae) {
			ae.Input = input
		}
		return "", err
	}
	return a.Domain, nil
}
