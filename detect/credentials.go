package detect

import (
	"errors"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
)

// ErrControlInCredentials means a user name or password holds a CR, LF
// or NUL. Mail protocols are line based (RFC 5321 §2.3.8, RFC 9051 §4,
// RFC 1939 §3): such a character could end a command early and inject
// another, so it is refused before any connection.
var ErrControlInCredentials = errors.New("a user name or password contains CR, LF or NUL")

// CheckCredentials returns an error (said in a language with
// i18n.ErrorText) wrapping
// ErrControlInCredentials when user or password holds a CR, LF or NUL.
// Check itself never sends such credentials (it probes without logging
// in); front ends call this first to tell the person why.
func CheckCredentials(user, password string) error {
	switch {
	case strings.ContainsAny(user, "\r\n\x00"):
		return &credentialError{"check.error.user_control"}
	case strings.ContainsAny(password, "\r\n\x00"):
		return &credentialError{"check.error.password_control"}
	}
	return nil
}

// credentialError is the key of the message saying which credential
// holds a control character.
type credentialError struct{ key string }

// In says it in l's language.
func (e *credentialError) In(l i18n.Localizer) string { return l.T(e.key) }

// Error says it in English, for logs; front ends show i18n.ErrorText.
func (e *credentialError) Error() string { return e.In(i18n.For("en")) }
func (e *credentialError) Unwrap() error { return ErrControlInCredentials }
