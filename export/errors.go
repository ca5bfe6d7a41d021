package export

import (
	"errors"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
)

// Error is an export failure as a message key and its data, put into
// words by the front end in the language it writes in (In, ErrorText):
// the package does not guess a language for an error it returns.
type Error struct {
	Key  string
	Data map[string]any
	// Err is the cause, written after the message ("…: cause").
	Err error
	// invalid makes the error match ErrInvalid (bad input, exit code 2).
	invalid bool
}

// In says what went wrong in l's language.
func (e *Error) In(l i18n.Localizer) string {
	s := l.T(e.Key, e.Data)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Error is the English text, for logs and for callers that do not render
// (ErrorText gives the person's language).
func (e *Error) Error() string { return e.In(i18n.For("en")) }

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Is(target error) bool { return e.invalid && target == ErrInvalid }

// ErrorText is err's message with the export's own words in l's
// language, also when a caller wrapped the *Error with a prefix.
func ErrorText(err error, l i18n.Localizer) string {
	var e *Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	return strings.Replace(err.Error(), e.Error(), e.In(l), 1)
}

// failure is an *Error caused by err.
func failure(key string, data map[string]any, err error) error {
	return &Error{Key: key, Data: data, Err: err}
}
