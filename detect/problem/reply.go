package problem

import (
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-smtp"

	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/pop3"
)

// maxServerText bounds the server's words kept in a problem: enough for
// any real refusal, short enough for a line on screen.
const maxServerText = 300

// FromReply turns a server's refusal carried by err into its catalogue
// problem, the one way the probe and the round trip read them:
// go-smtp's *smtp.SMTPError, a bare *textproto.Error (an SMTP reply read
// without go-smtp, whose RFC 3463 enhanced code is still at the start of
// the text), go-imap's *imap.Error and detect/pop3's *pop3.Error.
// loginStep says the reply answered the credentials (see FromIMAP). ok is
// false when err holds no server reply: a network or TLS failure, for
// the caller to explain.
func FromReply(err error, loginStep bool) (p Problem, ok bool) {
	var se *smtp.SMTPError
	var te *textproto.Error
	var ie *imap.Error
	var pe *pop3.Error
	switch {
	case errors.As(err, &se):
		enh := ""
		if se.EnhancedCode != smtp.NoEnhancedCode && se.EnhancedCode != (smtp.EnhancedCode{}) {
			enh = fmt.Sprintf("%d.%d.%d", se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
		}
		return FromSMTP(se.Code, enh, ServerLine(se.Message)), true
	case errors.As(err, &te):
		enh, text := SplitEnhanced(te.Msg)
		return FromSMTP(te.Code, enh, ServerLine(text)), true
	case errors.As(err, &ie):
		return FromIMAP(string(ie.Type), string(ie.Code), ServerLine(ie.Text), loginStep), true
	case errors.As(err, &pe):
		return FromPOP3(pe.Code, ServerLine(pe.Text), loginStep), true
	}
	return Problem{}, false
}

// SplitEnhanced separates an RFC 3463 enhanced status code ("5.7.8")
// from the start of an SMTP reply text (RFC 2034 §3 puts it there); the
// code is "" when the text does not start with one.
func SplitEnhanced(msg string) (code, text string) {
	first, rest, _ := strings.Cut(msg, " ")
	parts := strings.Split(first, ".")
	if len(parts) != 3 {
		return "", msg
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return "", msg
		}
	}
	return first, rest
}

// ServerLine keeps a server's words on one line (a multi-line reply is
// joined) and bounded, for display.
func ServerLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxServerText {
		cut := maxServerText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// FromDial turns a failed connect into its catalogue problem. kind is
// the network layer's verdict and err the error it came with; dnsTimeout
// says the name server never answered. An unresolved host is one of three
// different things to a person: the name does not exist (NXDOMAIN or no
// address: check the spelling), the name server never answered (check the
// connection), or it answered with a failure such as SERVFAIL or REFUSED,
// or could not be reached at all (check the DNS settings). data fills the
// templates (Host, Port, Protocol; Detail is added for a DNS failure).
func FromDial(kind network.DialFailure, err error, dnsTimeout bool, data map[string]any) Problem {
	switch kind {
	case network.Unresolved:
		var dnsErr *network.DNSError
		switch {
		case dnsTimeout:
			return New(DNSTimeout, data)
		case errors.As(err, &dnsErr):
			d := make(map[string]any, len(data)+1)
			for k, v := range data {
				d[k] = v
			}
			d["Detail"] = dnsFailureDetail(dnsErr)
			return New(DNSFailed, d)
		}
		return New(Unresolved, data)
	case network.Refused:
		return New(Refused, data)
	case network.Filtered:
		return New(Filtered, data)
	case network.Canceled:
		return New(Canceled, data)
	}
	return New(Unreachable, data)
}

// dnsFailureDetail names what the name server did, in words that need no
// translation: the response code (SERVFAIL, REFUSED) or the transport
// error.
func dnsFailureDetail(e *network.DNSError) string {
	switch {
	case e.Rcode != "":
		return e.Rcode
	case e.Err != nil:
		return e.Err.Error()
	}
	return "failure"
}
