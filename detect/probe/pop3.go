package probe

import (
	"errors"
	"net"
	"slices"
	"strings"

	"github.com/emersion/go-sasl"

	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/pop3"
	"github.com/postino-mail/postino/detect/problem"
)

// errRecorded means a step failed and its problem is already recorded.
var errRecorded = errors.New("probe: failure already recorded")

// pop3 probes a POP3 endpoint with detect/pop3: greeting, CAPA (RFC
// 2449), STLS (RFC 2595), USER/PASS (RFC 1939) or AUTH PLAIN (RFC 5034)
// and QUIT.
func (r *run) pop3() {
	conn := r.session()
	if conn == nil {
		return
	}
	r.setPhase(PhaseGreeting)
	c, _, err := pop3.NewClient(newRecordConn(conn, r.tr))
	if err != nil {
		r.failed(err, false)
		return
	}
	defer c.Close()

	r.setPhase(PhaseCapabilities)
	caps, known, ok := r.pop3Capa(c)
	if !ok {
		return
	}
	if r.ep.Security != config.TLS {
		offered := slices.Contains(caps, "STLS")
		if known {
			r.setStartTLSOffered(offered)
		}
		// A server without CAPA may still know STLS: try it, as mail
		// clients do.
		if r.ep.Security == config.STARTTLS && (offered || !known) {
			err := c.StartTLS(func(net.Conn) (net.Conn, error) {
				tc := r.handshake(r.raw)
				if tc == nil {
					return nil, errRecorded
				}
				return newRecordConn(tc, r.tr), nil
			})
			var perr *pop3.Error
			switch {
			case errors.Is(err, errRecorded):
				return
			case err == nil:
				r.setStartTLSOffered(true)
				r.setPhase(PhaseCapabilities)
				if caps, known, ok = r.pop3Capa(c); !ok {
					return
				}
			case !known && errors.As(err, &perr):
				offered = false
				r.setStartTLSOffered(false)
			case errors.As(err, &perr):
				r.fail(problem.New(problem.StartTLSFailed, r.dataWith("Detail", oneLine(perr.Text))))
				return
			default:
				if strings.Contains(err.Error(), "after STLS") {
					r.fail(problem.New(problem.StartTLSFailed, r.dataWith("Detail", problem.Msg("probe.detail.injection"))))
				} else {
					r.failed(err, false)
				}
				return
			}
		}
		if !r.encrypted {
			r.pop3Capabilities(caps)
			if !r.stayInPlaintext(func() { c.Quit() }) {
				return
			}
		}
	}
	if r.encrypted {
		r.pop3Capabilities(caps)
	}
	r.pop3Login(c, caps, known)
	r.goodbye()
	c.Quit()
}

// pop3Capa asks for CAPA. known is false when the server does not
// implement it (-ERR), which old servers are allowed to do; ok is false
// when the conversation broke.
func (r *run) pop3Capa(c *pop3.Client) (caps []string, known, ok bool) {
	lines, err := c.Capa()
	var perr *pop3.Error
	switch {
	case err == nil:
		for _, l := range lines {
			caps = append(caps, strings.ToUpper(strings.TrimSpace(l)))
		}
		return caps, true, true
	case errors.As(err, &perr):
		return nil, false, true
	}
	r.failed(err, false)
	return nil, false, false
}

// pop3Capabilities records the CAPA lines and the ways to log in: USER
// (RFC 1939 USER/PASS) and the SASL mechanisms (RFC 5034).
func (r *run) pop3Capabilities(caps []string) {
	r.res.Capabilities = append(r.res.Capabilities[:0], caps...)
	r.res.AuthMechanisms = r.res.AuthMechanisms[:0]
	for _, c := range caps {
		f := strings.Fields(c)
		switch {
		case len(f) == 1 && f[0] == "USER":
			r.res.AuthMechanisms = append(r.res.AuthMechanisms, "USER")
		case len(f) > 1 && f[0] == "SASL":
			r.res.AuthMechanisms = append(r.res.AuthMechanisms, f[1:]...)
		}
	}
}

// pop3Login logs in with USER/PASS (RFC 1939 §7) or, on a server whose
// CAPA offers SASL PLAIN but not USER, with AUTH PLAIN (RFC 5034).
func (r *run) pop3Login(c *pop3.Client, caps []string, known bool) {
	mechs := r.res.AuthMechanisms
	// Without CAPA nothing says USER is missing, so it is tried.
	userWorks := !known || slices.Contains(caps, "USER")
	if oauthOnly(mechs, userWorks) {
		r.oauthOnlyProblem(mechs)
		return
	}
	r.login(func() error {
		if !userWorks && hasMech(mechs, "PLAIN") {
			return c.Auth(sasl.NewPlainClient("", r.opts.Username, r.opts.Password))
		}
		// Some old servers list capabilities without USER and still
		// take it: trying is better than saying nothing.
		return c.Login(r.opts.Username, r.opts.Password)
	})
}
