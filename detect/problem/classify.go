package problem

import (
	"fmt"
	"strings"
)

// FromSMTP turns an SMTP reply into a problem. code is the three-digit
// reply code (RFC 5321 §4.2), enhanced the RFC 3463 status code
// ("5.7.8", may be empty) and text the server's words.
//
// Known codes map to their own entry; others fall back to a generic
// temporary (4yz) or permanent (5yz) entry. Some replies say more in
// their enhanced code than in the basic one, so that is checked first:
// 5.7.9 ("authentication mechanism is too weak / app password
// required", RFC 4954 §6) reads as 534 whatever the basic code, and 5.7.8
// (invalid credentials) as 535.
func FromSMTP(code int, enhanced string, text string) Problem {
	data := map[string]any{"Code": code, "Enhanced": enhanced}
	p := Problem{Data: data, ServerText: text}
	switch enhanced {
	case "5.7.9":
		p.Code = "smtp-534"
		return p
	case "5.7.8":
		p.Code = "smtp-535"
		return p
	}
	c := fmt.Sprintf("smtp-%d", code)
	switch {
	case known[c]:
		p.Code = c
	case code >= 400 && code < 500:
		p.Code = "smtp-4xx"
	default:
		p.Code = "smtp-5xx"
	}
	return p
}

// FromIMAP turns an IMAP status response into a problem. typ is the
// status ("NO", "BAD", "BYE"), code the response code inside brackets
// (RFC 3501 §7.1, RFC 5530: "AUTHENTICATIONFAILED", "UNAVAILABLE", ...)
// and text the human-readable part. A response code we do not explain
// falls back to the status.
//
// loginStep says the reply answered LOGIN or AUTHENTICATE: a plain NO
// there means the credentials were refused, and saying so is more useful
// than "the server refused the request".
func FromIMAP(typ, code, text string, loginStep bool) Problem {
	p := Problem{ServerText: text}
	c := "imap-" + strings.ToLower(strings.TrimSpace(code))
	switch {
	case code != "" && known[c]:
		p.Code = c
	case loginStep && strings.EqualFold(typ, "NO"):
		p.Code = LoginFailed
	case strings.EqualFold(typ, "BAD"):
		p.Code = "imap-bad"
	case strings.EqualFold(typ, "BYE"):
		p.Code = "imap-bye"
	default:
		p.Code = "imap-no"
	}
	return p
}

// FromPOP3 turns a POP3 -ERR reply into a problem. code is the extended
// response code (RFC 2449 §8, RFC 3206: "AUTH", "IN-USE", "SYS/TEMP",
// "SYS/PERM", "LOGIN-DELAY"), empty when the server sent none. loginStep
// has the same meaning as in FromIMAP.
func FromPOP3(code, text string, loginStep bool) Problem {
	p := Problem{ServerText: text}
	c := "pop3-" + strings.ToLower(strings.ReplaceAll(strings.TrimSpace(code), "/", "-"))
	switch {
	case code != "" && known[c]:
		p.Code = c
	case loginStep:
		p.Code = LoginFailed
	default:
		p.Code = "pop3-err"
	}
	return p
}

// CredentialsRefused reports whether code means the server refused the
// user name or the password themselves (RFC 4954 §6 535 and 534, RFC
// 5530 AUTHENTICATIONFAILED, RFC 3206 [AUTH], or a plain refusal of
// LOGIN/PASS), as opposed to a temporary or policy problem at login
// (454, UNAVAILABLE, [IN-USE], ...) that another attempt may get past.
func CredentialsRefused(code string) bool {
	switch code {
	case LoginFailed, "smtp-535", "smtp-534", "imap-authenticationfailed", "pop3-auth":
		return true
	}
	return false
}
