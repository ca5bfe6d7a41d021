package roundtrip

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/internal/mailconn"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/pop3"
	"github.com/postino-mail/postino/detect/problem"
)

// dial connects to srv through the network layer and, for implicit TLS,
// completes the handshake before returning. The connection is closed
// when the run's context ends, and also when step ends before the caller
// calls endStep: closing is the one way to unblock a client library
// waiting on a silent server.
func (s *session) dial(step context.Context, srv config.Server) (conn net.Conn, release, endStep func(), err error) {
	conn, err = s.nw.DialContext(step, "tcp", srv.Address())
	if err != nil {
		return nil, nil, nil, err
	}
	raw := conn
	if dl, ok := s.life.Deadline(); ok {
		// The libraries' own deadlines (go-smtp's minutes) stay inside
		// the run's.
		conn = mailconn.NewGuard(conn, dl)
	}
	// What the server sends is held to the probe's bounds, before and
	// after TLS (mailconn.Upgrade keeps the byte budget).
	budget := mailconn.NewBudget(mailconn.MaxRead)
	s.mu.Lock()
	s.budgets = append(s.budgets, budget)
	s.mu.Unlock()
	conn = mailconn.Bound(conn, budget)
	stopLife := context.AfterFunc(s.life, func() { raw.Close() })
	stopStep := context.AfterFunc(step, func() { raw.Close() })
	release = func() {
		stopLife()
		stopStep()
		raw.Close()
	}
	endStep = func() { stopStep() }
	if srv.Security == config.TLS {
		tc, err := mailconn.Upgrade(conn, func(under net.Conn) (net.Conn, error) {
			tc := tls.Client(under, s.tlsConfig(srv.Host))
			return tc, tc.HandshakeContext(step)
		})
		if err != nil {
			release()
			return nil, nil, nil, &tlsError{err}
		}
		conn = tc
	}
	return conn, release, endStep, nil
}

// tlsConfig verifies the server's certificate against the Network's
// roots unless the person explicitly allowed a bad certificate.
func (s *session) tlsConfig(host string) *tls.Config {
	cfg := s.nw.TLSConfig(host)
	cfg.MinVersion = tls.VersionTLS12
	if s.opts.AllowInsecureTLS {
		cfg.InsecureSkipVerify = true
	}
	return cfg
}

// tlsError marks a failed TLS handshake (implicit TLS or after STARTTLS).
type tlsError struct{ err error }

func (e *tlsError) Error() string { return "TLS: " + e.err.Error() }
func (e *tlsError) Unwrap() error { return e.err }

// errStartTLSMissing means the server does not offer STARTTLS.
var errStartTLSMissing = errors.New("the server does not offer STARTTLS")

// explain is explain for this session: a connection that hit a read
// limit says so, whatever the library made of the error (go-imap and
// detect/pop3 turn it into text).
func (s *session) explain(ctx context.Context, srv config.Server, err error, loginStep bool) problem.Problem {
	s.mu.Lock()
	for _, b := range s.budgets {
		if lerr := b.Err(); lerr != nil {
			err = lerr
		}
	}
	s.mu.Unlock()
	return explain(ctx, srv, err, loginStep)
}

// explain turns an error from talking to srv into a catalogue problem:
// a server reply becomes its own entry, everything else is about the
// connection or the certificate.
func explain(ctx context.Context, srv config.Server, err error, loginStep bool) problem.Problem {
	data := map[string]any{"Host": srv.Host, "Port": srv.Port, "Protocol": strings.ToUpper(string(srv.Protocol))}
	var de *network.DialError
	var dnsErr *network.DNSError
	var cv *tls.CertificateVerificationError
	switch {
	case errors.As(err, &de):
		dnsTimeout := errors.As(err, &dnsErr) && dnsErr.Timeout
		return problem.FromDial(de.Kind, err, dnsTimeout, data)
	case errors.Is(err, errStartTLSMissing):
		return problem.New(problem.StartTLSMissing, data)
	case errors.As(err, &cv):
		return certProblem(srv, cv.Err)
	case errors.Is(err, mailconn.ErrLineTooLong), errors.Is(err, pop3.ErrLineTooLong):
		return problem.New(problem.LineTooLong, map[string]any{"Limit": mailconn.MaxLine})
	case errors.Is(err, mailconn.ErrTooMuchData), errors.Is(err, pop3.ErrTooManyLines):
		return problem.New(problem.TooMuchData, map[string]any{"Limit": mailconn.MaxRead})
	}
	if p, ok := problem.FromReply(err, loginStep); ok {
		return p
	}
	var tle *tlsError
	if errors.As(err, &tle) {
		data["Detail"] = oneLine(tle.err.Error())
		return problem.New(problem.TLSFailed, data)
	}
	if ctx.Err() != nil || mailconn.IsTimeout(err) {
		if errors.Is(ctx.Err(), context.Canceled) {
			return problem.New(problem.Canceled, data)
		}
		return problem.New(problem.Timeout, data)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed) {
		return problem.New(problem.Closed, data)
	}
	data["Detail"] = oneLine(err.Error())
	return problem.New(problem.NotThisProtocol, data)
}

// scrubbed returns p with the password removed from the server's words
// (mailconn.Scrub), whatever the password's length.
func scrubbed(p *problem.Problem, password string) *problem.Problem {
	if p == nil {
		return nil
	}
	withheld := problem.Withheld
	out := *p
	out.ServerText = mailconn.Scrub(out.ServerText, password, withheld)
	if len(p.Data) > 0 {
		out.Data = make(map[string]any, len(p.Data))
		for k, v := range p.Data {
			if text, ok := v.(string); ok {
				v = mailconn.Scrub(text, password, withheld)
			}
			out.Data[k] = v
		}
	}
	return &out
}

// certProblem names what is wrong with a certificate that failed
// verification.
func certProblem(srv config.Server, err error) problem.Problem {
	var he x509.HostnameError
	var ua x509.UnknownAuthorityError
	var inv x509.CertificateInvalidError
	switch {
	case errors.As(err, &he):
		names := he.Certificate.DNSNames
		if len(names) == 0 {
			names = []string{he.Certificate.Subject.CommonName}
		}
		return problem.New(problem.CertWrongHost, map[string]any{"Host": srv.Host, "Names": strings.Join(names, ", ")})
	case errors.As(err, &ua):
		if ua.Cert != nil && string(ua.Cert.RawIssuer) == string(ua.Cert.RawSubject) {
			return problem.New(problem.CertSelfSigned, nil)
		}
		issuer := ""
		if ua.Cert != nil {
			issuer = ua.Cert.Issuer.CommonName
		}
		return problem.New(problem.CertUnknownIssuer, map[string]any{"Issuer": issuer})
	case errors.As(err, &inv) && inv.Reason == x509.Expired:
		return problem.New(problem.CertExpired, map[string]any{"Date": inv.Cert.NotAfter.UTC().Format("2006-01-02")})
	}
	return problem.New(problem.CertInvalid, map[string]any{"Detail": oneLine(err.Error())})
}

// oneLine keeps a server's words on one line and bounded.
func oneLine(s string) string { return problem.ServerLine(s) }
