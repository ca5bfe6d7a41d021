// Package mailerr is the one classifier of mail-connection failures:
// the probe and the round trip hand it the error and the facts they
// know about the connection, and get the catalogue problem back, so the
// same failure gets the same code whichever of them met it. A server's
// reply becomes its own entry (problem.FromReply); everything else is
// about the connection, TLS or the certificate.
package mailerr

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/postino-mail/postino/detect/internal/mailconn"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/pop3"
	"github.com/postino-mail/postino/detect/problem"
)

// Facts are what the caller knows beyond the error. Errors lose their
// cause on the way through the protocol libraries (a timeout becomes
// "closed", a cut-off line a parse error), so the verdict rests on
// these as much as on the error.
type Facts struct {
	// Server is the endpoint; it names it in the problem's data.
	Server mail.Server
	// Roots verify a certificate crypto/tls refused (nil: the system's).
	Roots *x509.CertPool
	// LoginStep says the error answered our credentials.
	LoginStep bool
	// LoginWait is the login step's own budget, when it has one: a late
	// answer to the credentials is then LoginTimeout.
	LoginWait time.Duration
	// Canceled: the caller's caller gave up; nothing was learnt.
	Canceled bool
	// Expired: the caller's own deadline ran out.
	Expired bool
	// Silent: the connection was accepted and not one byte came back.
	Silent bool
	// CutOff: the deadline cut a server line short.
	CutOff bool
	// Recorded says the caller records the conversation: the server's
	// last line, LastLine, is then the evidence that it speaks another
	// protocol. Otherwise the error's text is.
	Recorded bool
	LastLine string
}

// Data is the template data every connection problem can use.
func (f Facts) Data() map[string]any {
	return map[string]any{"Host": f.Server.Host, "Port": f.Server.Port, "Protocol": ProtocolName(f.Server.Protocol)}
}

// ProtocolName is the protocol as people write it.
func ProtocolName(p mail.Protocol) string {
	switch p {
	case mail.IMAP:
		return "IMAP"
	case mail.POP3:
		return "POP3"
	}
	return "SMTP"
}

// NotProtocol means the server's words do not follow the protocol we
// speak (an HTTP server on a mail port, an SMTP greeting on the IMAP
// port, binary data).
type NotProtocol struct{ Line string }

func (e *NotProtocol) Error() string { return fmt.Sprintf("unexpected server line %q", e.Line) }

// Classify turns an error from talking to a mail server into its
// catalogue problem.
func Classify(err error, f Facts) problem.Problem {
	var de *network.DialError
	var cv *tls.CertificateVerificationError
	switch {
	case errors.As(err, &de):
		_, p := Dial(err, f)
		return p
	case f.LoginStep && f.LoginWait > 0 && !f.Canceled && (f.Expired || f.CutOff || mailconn.IsTimeout(err)):
		// A late reply to the credentials is not a foreign protocol nor
		// a stalled server: servers delay refusals on purpose.
		return problem.New(problem.LoginTimeout, map[string]any{"Seconds": int(f.LoginWait.Seconds())})
	case f.Canceled || f.Expired:
		// Whatever the error says, it is what closing the connection
		// made of the conversation.
		return connection(err, f)
	case errors.As(err, &cv):
		return certFailure(cv, f)
	}
	if p, ok := problem.FromReply(err, f.LoginStep); ok {
		return p
	}
	var tpe textproto.ProtocolError
	var ppe *pop3.ProtocolError
	var npe *NotProtocol
	var he *HandshakeError
	switch {
	case errors.Is(err, mailconn.ErrDataBeforeTLS), errors.Is(err, pop3.ErrDataAfterSTLS):
		return problem.New(problem.StartTLSFailed, withDetail(f.Data(), problem.Msg("probe.detail.injection")))
	case errors.As(err, &he):
		return handshake(he, f)
	case f.CutOff:
		// The server's last line was cut off by the deadline ("22" and
		// then silence): whatever the parser made of the fragment, the
		// server did not answer in time. This is a timeout, as for a
		// greeting dribbled too slowly to finish ("220 mx rea..."), and
		// not no-greeting: bytes came, so the server is not silent, and
		// the verdict must not depend on how many of them arrived. Only
		// complete lines (an "HTTP/1.1 400", binary data) or an untimed
		// end are judged as words of a foreign protocol.
		return problem.New(problem.Timeout, f.Data())
	case errors.As(err, &tpe), errors.As(err, &ppe), errors.As(err, &npe):
		return notThisProtocol(err, f)
	}
	return connection(err, f)
}

// connection explains a failure of the connection itself: time ran
// out, the server closed it, or it sent more than any mail server would.
func connection(err error, f Facts) problem.Problem {
	data := f.Data()
	switch {
	case f.Canceled:
		return problem.New(problem.Canceled, data)
	case LineTooLong(err):
		return problem.New(problem.LineTooLong, map[string]any{"Limit": mailconn.MaxLine})
	case TooMuchData(err):
		return problem.New(problem.TooMuchData, map[string]any{"Limit": mailconn.MaxRead})
	case f.Silent && (f.Expired || mailconn.IsTimeout(err) || Closed(err)):
		// TCP was accepted but not a single byte came back.
		return problem.New(problem.NoGreeting, data)
	case f.Expired || mailconn.IsTimeout(err):
		return problem.New(problem.Timeout, data)
	case Closed(err):
		return problem.New(problem.Closed, data)
	}
	// The libraries' parse errors are untyped: the server said
	// something that is not the protocol.
	return notThisProtocol(err, f)
}

// notThisProtocol explains a server that does not speak the protocol;
// its last words show what it is instead.
func notThisProtocol(err error, f Facts) problem.Problem {
	p := problem.New(problem.NotThisProtocol, f.Data())
	if f.Recorded {
		p.ServerText = f.LastLine
	} else if err != nil {
		p.Data["Detail"] = problem.ServerLine(err.Error())
	}
	return p
}

// LineTooLong reports whether err is a line cap of any layer: ours, the
// POP3 client's or go-smtp's.
func LineTooLong(err error) bool {
	return errors.Is(err, mailconn.ErrLineTooLong) || errors.Is(err, pop3.ErrLineTooLong) || errors.Is(err, smtp.ErrTooLongLine)
}

// TooMuchData reports whether err is a volume cap (bytes or lines).
func TooMuchData(err error) bool {
	return errors.Is(err, mailconn.ErrTooMuchData) || errors.Is(err, pop3.ErrTooManyLines)
}

// Closed reports whether err means the server ended the connection.
func Closed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || mailconn.IsReset(err)
}

// Dial explains a failed connect and returns the network layer's verdict
// as corrected by the facts: a connect or lookup that the caller's own
// deadline ended is a server (or name server) that did not answer in
// time, not a cancellation.
func Dial(err error, f Facts) (network.DialFailure, problem.Problem) {
	var de *network.DialError
	var dnsErr *network.DNSError
	kind := network.Unreachable
	if errors.As(err, &de) {
		kind = de.Kind
	}
	isDNS := errors.As(err, &dnsErr)
	switch {
	case f.Canceled:
		kind = network.Canceled
	case kind == network.Canceled && isDNS:
		// The deadline ran out while resolving: the name server is too
		// slow, nobody canceled anything.
		kind = network.Unresolved
	case kind == network.Canceled:
		// ... or while connecting: nothing answered in time.
		kind = network.Filtered
	}
	dnsTimeout := isDNS && (dnsErr.Timeout || f.Expired)
	return kind, problem.FromDial(kind, err, dnsTimeout, f.Data())
}

// HandshakeError marks a failed TLS handshake, implicit or after
// STARTTLS.
type HandshakeError struct {
	Err      error
	StartTLS bool // the server had agreed to STARTTLS
}

func (e *HandshakeError) Error() string { return "TLS: " + e.Err.Error() }
func (e *HandshakeError) Unwrap() error { return e.Err }

// handshake explains a failed handshake. crypto/tls does not export its
// alert type for alerts the server sends, so the alert is recognised by
// its description (RFC 8446 §6.2).
func handshake(he *HandshakeError, f Facts) problem.Problem {
	var rh tls.RecordHeaderError
	msg := he.Err.Error()
	data := f.Data()
	switch {
	case mailconn.IsTimeout(he.Err):
		return connection(he.Err, f)
	case he.StartTLS && !errors.As(he.Err, &rh) && isNoCommonTLS(msg):
		return problem.New(problem.NoCommonTLS, nil)
	case he.StartTLS:
		// The server agreed to STARTTLS and then could not do TLS.
		data["Detail"] = msg
		return problem.New(problem.StartTLSFailed, data)
	case errors.As(he.Err, &rh):
		// Not TLS at all: most often a plaintext service on a TLS port.
		data["Detail"] = problem.Msg("probe.detail.not_tls")
		return problem.New(problem.NotThisProtocol, data)
	case isNoCommonTLS(msg):
		return problem.New(problem.NoCommonTLS, nil)
	case Closed(he.Err):
		data["Detail"] = problem.Msg("probe.detail.closed_in_tls")
		return problem.New(problem.TLSFailed, data)
	}
	data["Detail"] = msg
	return problem.New(problem.TLSFailed, data)
}

// isNoCommonTLS recognises the alerts and local errors that mean the two
// sides share no TLS version or cipher suite.
func isNoCommonTLS(msg string) bool {
	for _, s := range []string{"protocol version", "no cipher suite", "handshake failure", "insufficient security"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func withDetail(data map[string]any, detail any) map[string]any {
	data["Detail"] = detail
	return data
}
