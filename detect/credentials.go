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

// CheckCredentials returns a translated error wrapping
// ErrControlInCredentials when user or password holds a CR, LF or NUL.
// Check itself never sends such credentials (it probes without logging
// in); front ends call this first to tell the person why.
func CheckCredentials(user, password string) error {
	switch {
	case strings.ContainsAny(user, "\r\n\x00"):
		return &credentialError{i18n.T("check.error.user_control")}
	case strings.ContainsAny(password, "\r\n\x00"):
		return &credentialError{i18n.T("check.error.password_control")}
	}
	return nil
}

type credentialError struct{ msg string }

func (e *credentialError) Error() string { return e.msg }
func (e *credentialError) Unwrap() error { return ErrControlInCredentials }
