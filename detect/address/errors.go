package address

import (
	"github.com/postino-mail/postino/assets/i18n"
)

// Error codes. Each is stable (scripts and tests match on it) and names
// the translation key "address.err.<code>".
const (
	CodeEmpty          = "empty"
	CodeEncoding       = "encoding" // not valid UTF-8
	CodeNoAt           = "no-at"
	CodeTwoAt          = "two-at"
	CodeSpace          = "space"
	CodeCRLF           = "crlf"
	CodeControl        = "control"
	CodeEmptyLocal     = "empty-local"
	CodeEmptyDomain    = "empty-domain"
	CodeLocalTooLong   = "local-too-long"
	CodeLabelTooLong   = "label-too-long"
	CodeDomainTooLong  = "domain-too-long"
	CodeAddressTooLong = "address-too-long"
	CodeBadDomain      = "bad-domain"
	CodeDomainLiteral  = "domain-literal"
	CodeBadLocal       = "bad-local"
	CodeSingleLabel    = "single-label"
)

// Codes lists every error code, for tests and documentation.
var Codes = []string{
	CodeEmpty, CodeEncoding, CodeNoAt, CodeTwoAt, CodeSpace, CodeCRLF, CodeControl,
	CodeEmptyLocal, CodeEmptyDomain, CodeLocalTooLong, CodeLabelTooLong,
	CodeDomainTooLong, CodeAddressTooLong, CodeBadDomain, CodeDomainLiteral,
	CodeBadLocal, CodeSingleLabel,
}

// Error says why an address was refused.
type Error struct {
	// Code is one of the Code constants.
	Code string
	// Input is the address as given.
	Input string
	// Part is the offending piece (a character, a label, the domain), if any.
	Part string
	// Length and Limit are set for the *-too-long codes, in octets.
	Length, Limit int
	// Err is the underlying IDNA error for bad-domain, if any.
	Err error
}

// Error says it in English, for logs; front ends show In (or
// i18n.ErrorText) in the person's language.
func (e *Error) Error() string { return e.In(i18n.For("en")) }

// In returns a specific sentence in l's language.
func (e *Error) In(l i18n.Localizer) string {
	return l.T("address.err."+e.Code, map[string]any{
		"Input":  e.Input,
		"Part":   e.Part,
		"Length": e.Length,
		"Limit":  e.Limit,
	})
}

// Unwrap returns the IDNA error behind a bad-domain, if any.
func (e *Error) Unwrap() error { return e.Err }
