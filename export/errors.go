package export

import "github.com/postino-mail/postino/assets/i18n"

// Error is an export failure as a message key and its data, put into
// words by the front end in the language it writes in (In,
// i18n.ErrorText): the package does not guess a language for an error
// it returns.
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
// (i18n.ErrorText gives the person's language).
func (e *Error) Error() string { return e.In(i18n.For("en")) }

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Is(target error) bool { return e.invalid && target == ErrInvalid }

// failure is an *Error caused by err.
func failure(key string, data map[string]any, err error) error {
	return &Error{Key: key, Data: data, Err: err}
}
