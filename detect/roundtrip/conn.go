package roundtrip

import (
	"context"
	"crypto/tls"
	"errors"
	"net"

	"github.com/postino-mail/postino/detect/internal/mailconn"
	"github.com/postino-mail/postino/detect/internal/mailerr"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/problem"
)

// dial connects to srv through the network layer and, for implicit TLS,
// completes the handshake before returning. The connection is closed
// when the run's context ends, and also when step ends before the caller
// calls endStep: closing is the one way to unblock a client library
// waiting on a silent server.
func (s *session) dial(step context.Context, srv mail.Server) (conn net.Conn, release, endStep func(), err error) {
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
	if s.latest == nil {
		s.latest = map[string]*mailconn.Budget{}
	}
	s.latest[srv.Address()] = budget
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
	if srv.Security == mail.TLS {
		tc, err := mailconn.Upgrade(conn, func(under net.Conn) (net.Conn, error) {
			tc := tls.Client(under, s.tlsConfig(srv.Host))
			return tc, tc.HandshakeContext(step)
		})
		if err != nil {
			release()
			return nil, nil, nil, &mailerr.HandshakeError{Err: err}
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

// errStartTLSMissing means the server does not offer STARTTLS.
var errStartTLSMissing = errors.New("the server does not offer STARTTLS")

// explain is explain for this session: a connection that hit a read
// limit says so, whatever the library made of the error (go-imap and
// detect/pop3 turn it into text), a server that accepted the connection
// and never sent a byte is silent (no-greeting, as in the probe) rather
// than slow or closed, and a refused certificate is judged against the
// Network's roots.
func (s *session) explain(ctx context.Context, srv mail.Server, err error, loginStep bool) problem.Problem {
	s.mu.Lock()
	for _, b := range s.budgets {
		if lerr := b.Err(); lerr != nil {
			err = lerr
		}
	}
	latest := s.latest[srv.Address()]
	s.mu.Unlock()
	f := facts(ctx, srv, loginStep)
	f.Roots = s.nw.RootCAs
	f.Silent = latest != nil && latest.Used() == 0
	return classify(err, f)
}

// explain turns an error from talking to srv into a catalogue problem
// (mailerr.Classify, the probe's classifier).
func explain(ctx context.Context, srv mail.Server, err error, loginStep bool) problem.Problem {
	return classify(err, facts(ctx, srv, loginStep))
}

// facts is what the round trip knows beyond the error: whether the run
// was canceled or ran out of time. It keeps no transcript, and its login
// has no budget of its own.
func facts(ctx context.Context, srv mail.Server, loginStep bool) mailerr.Facts {
	canceled := errors.Is(ctx.Err(), context.Canceled)
	return mailerr.Facts{Server: srv, LoginStep: loginStep, Canceled: canceled, Expired: ctx.Err() != nil && !canceled}
}

func classify(err error, f mailerr.Facts) problem.Problem {
	if errors.Is(err, errStartTLSMissing) {
		return problem.New(problem.StartTLSMissing, f.Data())
	}
	return mailerr.Classify(err, f)
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
