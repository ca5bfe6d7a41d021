package probe

import (
	"errors"
	"net"
	"slices"
	"strings"

	"github.com/emersion/go-sasl"

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
	d := &pop3Dialect{r: r, conn: conn}
	r.drive(d)
	if d.c != nil {
		d.c.Close()
	}
}

// pop3Dialect is POP3's words for drive. One client speaks the whole
// session: it keeps reading after STLS through the TLS connection.
type pop3Dialect struct {
	r     *run
	conn  net.Conn
	c     *pop3.Client
	caps  []string
	known bool // the server answered CAPA
}

func (d *pop3Dialect) greet() bool {
	d.r.setPhase(PhaseGreeting)
	c, _, err := pop3.NewClient(newRecordConn(d.conn, d.r.tr))
	if err != nil {
		d.r.failed(err, false)
		return false
	}
	d.c = c
	return true
}

func (d *pop3Dialect) plainCapabilities() (offered, known, ok bool) {
	if d.caps, d.known, ok = d.r.pop3Capa(d.c); !ok {
		return false, false, false
	}
	return slices.Contains(d.caps, "STLS"), d.known, true
}

func (d *pop3Dialect) startTLS() bool {
	r := d.r
	err := d.c.StartTLS(func(net.Conn) (net.Conn, error) {
		tc := r.handshake(r.raw)
		if tc == nil {
			return nil, errRecorded
		}
		return newRecordConn(tc, r.tr), nil
	})
	var perr *pop3.Error
	switch {
	case errors.Is(err, errRecorded):
		return false
	case err == nil:
		r.setStartTLSOffered(true)
		return true
	case !d.known && errors.As(err, &perr):
		// No CAPA, and STLS refused: the server has no STLS.
		r.setStartTLSOffered(false)
		return true
	case errors.As(err, &perr):
		r.fail(problem.New(problem.StartTLSFailed, r.dataWith("Detail", oneLine(perr.Text))))
		return false
	default:
		// Data sent between +OK and the handshake reads as an
		// injection (pop3.ErrDataAfterSTLS).
		r.failed(err, false)
		return false
	}
}

func (d *pop3Dialect) keepPlainCapabilities() { d.r.pop3Capabilities(d.caps) }

// continuePlain: detect/pop3 reads only what it asks for.
func (d *pop3Dialect) continuePlain() bool { return true }

func (d *pop3Dialect) capabilities() bool {
	if !d.r.encrypted {
		// A plaintext session keeps what CAPA said on it.
		return true
	}
	var ok bool
	if d.caps, d.known, ok = d.r.pop3Capa(d.c); !ok {
		return false
	}
	d.r.pop3Capabilities(d.caps)
	return true
}

func (d *pop3Dialect) login() { d.r.pop3Login(d.c, d.caps, d.known) }

func (d *pop3Dialect) quit() { d.c.Quit() }

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
