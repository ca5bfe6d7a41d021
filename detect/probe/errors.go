package probe

import (
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"os"

	"github.com/emersion/go-smtp"

	"github.com/postino-mail/postino/detect/internal/mailconn"
	"github.com/postino-mail/postino/detect/pop3"
	"github.com/postino-mail/postino/detect/problem"
)

// errNotProtocol means the server's words do not follow the protocol we
// speak (an HTTP server on a mail port, an SMTP greeting on the IMAP
// port, binary data).
type errNotProtocol struct{ line string }

func (e *errNotProtocol) Error() string { return fmt.Sprintf("unexpected server line %q", e.line) }

func notProtocol(line string) error {
	return &errNotProtocol{line: truncate(line, 80)}
}

// failed records why a step failed. A server's reply becomes the
// matching catalogue entry (problem.FromReply, shared with the round
// trip); anything else is about the connection. loginStep says the
// error answered our credentials.
func (r *run) failed(err error, loginStep bool) {
	var tpe textproto.ProtocolError
	var ppe *pop3.ProtocolError
	var npe *errNotProtocol
	if loginStep && r.noAnswerInTime(err) {
		// A late reply to the credentials is not a foreign protocol nor
		// a stalled server: servers delay refusals on purpose.
		r.fail(problem.New(problem.LoginTimeout, map[string]any{"Seconds": int(r.loginTimeout().Seconds())}))
		return
	}
	if r.ctx.Err() != nil {
		r.connFailed(err)
		return
	}
	if p, ok := problem.FromReply(err, loginStep); ok {
		r.fail(p)
		return
	}
	switch {
	case r.tr.lineCutOff():
		// The server's last line was cut off by the deadline ("22" and
		// then silence): whatever the parser made of the fragment, the
		// server did not answer in time. This is a timeout, as for a
		// greeting dribbled too slowly to finish ("220 mx rea..."), and
		// not no-greeting: bytes came, so the server is not silent, and
		// the verdict must not depend on how many of them arrived. Only
		// complete lines (an "HTTP/1.1 400", binary data) or an untimed
		// end are judged as words of a foreign protocol.
		r.connFailed(os.ErrDeadlineExceeded)
	case errors.As(err, &tpe), errors.As(err, &ppe), errors.As(err, &npe):
		r.notThisProtocol()
	default:
		r.connFailed(err)
	}
}

// notThisProtocol records a server that does not speak the protocol; its
// last words show what it is instead.
func (r *run) notThisProtocol() {
	p := problem.New(problem.NotThisProtocol, r.data())
	p.ServerText = r.tr.lastServerLine()
	r.fail(p)
}

// connFailed records a failure of the connection itself: time ran out,
// the server closed it, or it sent more than any mail server would.
func (r *run) connFailed(err error) {
	silent := r.tr.bytesReceived() == 0
	switch {
	case r.parentDone():
		r.fail(problem.New(problem.Canceled, nil))
	case errors.Is(err, errLineTooLong), errors.Is(err, pop3.ErrLineTooLong), errors.Is(err, smtp.ErrTooLongLine):
		r.fail(problem.New(problem.LineTooLong, map[string]any{"Limit": MaxLine}))
	case errors.Is(err, errTooMuchData), errors.Is(err, pop3.ErrTooManyLines):
		r.fail(problem.New(problem.TooMuchData, map[string]any{"Limit": MaxRead}))
	case silent && (r.ctx.Err() != nil || mailconn.IsTimeout(err) || errors.Is(err, io.EOF) || mailconn.IsReset(err)):
		// TCP was accepted but not a single byte came back.
		r.res.Reachability = NoGreeting
		r.fail(problem.New(problem.NoGreeting, r.data()))
	case r.ctx.Err() != nil || mailconn.IsTimeout(err):
		r.fail(problem.New(problem.Timeout, nil))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), mailconn.IsReset(err):
		r.fail(problem.New(problem.Closed, nil))
	default:
		// The libraries' parse errors are untyped: the server said
		// something that is not the protocol.
		r.notThisProtocol()
	}
}

// noAnswerInTime reports whether err means the deadline ran out: the
// context ended, a read timed out, a line was cut off by the deadline, or
// the library closed the session after its reader hit the deadline (its
// error then says only "closed").
func (r *run) noAnswerInTime(err error) bool {
	if r.parentDone() {
		return false
	}
	return r.ctx.Err() != nil || mailconn.IsTimeout(err) || r.tr.lineCutOff() || r.clock.expired()
}

func (r *run) parentDone() bool { return r.parent.Err() != nil }

// oneLine joins a multi-line reply for display.
func oneLine(s string) string { return problem.ServerLine(s) }
