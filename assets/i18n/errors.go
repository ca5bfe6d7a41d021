package i18n

import (
	"errors"
	"strings"
)

// Sayer is a value that can put itself into words in a language: the
// engine's typed errors (address, input, autoconfig, ...) keep a code and
// data and say themselves with In, their Error being the English text
// for logs.
type Sayer interface {
	In(l Localizer) string
}

// ErrorText is err's message with the first error in its chain that is
// a Sayer said in l's language, in place of its English text, so a
// prefix a caller added ("reading x: …") stays. An error with no Sayer
// is err.Error() unchanged.
func ErrorText(err error, l Localizer) string {
	if err == nil {
		return ""
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if s, ok := e.(Sayer); ok {
			return strings.Replace(err.Error(), e.Error(), s.In(l), 1)
		}
	}
	// A multi-error (fmt.Errorf with several %w) has no single Unwrap:
	// let errors.As search the tree.
	var s interface {
		error
		Sayer
	}
	if errors.As(err, &s) {
		return strings.Replace(err.Error(), s.Error(), s.In(l), 1)
	}
	return err.Error()
}
