package probe

import (
	"context"
	"net"
	"time"

	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/internal/mailerr"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/problem"
)

// DefaultTimeout bounds one probe when Options.Timeout is zero.
const DefaultTimeout = 8 * time.Second

// DefaultClientName is the name the probe gives in EHLO unless
// Options.ClientName says otherwise: mail.EHLOName, an RFC 5321
// address literal.
const DefaultClientName = mail.EHLOName

// goodbyeTime bounds QUIT and LOGOUT: the verdict is known by then, and
// a server slow to say goodbye must not hold the result back.
const goodbyeTime = time.Second

// Options configure one probe.
type Options struct {
	// Username and Password log in; with an empty password no login is
	// attempted.
	Username, Password string
	// AllowPlaintext allows sending credentials over an unencrypted
	// connection, for this run only.
	AllowPlaintext bool
	// AllowInsecureTLS allows sending credentials to a server whose
	// certificate failed verification.
	AllowInsecureTLS bool
	// Timeout bounds the whole probe (default DefaultTimeout).
	Timeout time.Duration
	// ClientName is the EHLO name (default DefaultClientName).
	ClientName string
	// PinSHA256, with AllowInsecureTLS, narrows that permission to the
	// one certificate whose fingerprint (CertFingerprint) the person saw:
	// a different certificate on the retry gets no password.
	PinSHA256 string
	// LoginTimeout is the login step's own budget (DefaultLoginTimeout
	// when zero); it starts when the credentials are sent and does not
	// depend on Timeout.
	LoginTimeout time.Duration
	// Gate, when set, decides whether and when the password is sent (see
	// LoginGate); nil sends it as soon as the session allows.
	Gate LoginGate
}

// run is the state of one probe. Only the goroutine running Run touches
// it; the protocol libraries' goroutines only write the transcript, which
// has its own lock.
type run struct {
	parent context.Context // the caller's: its end means canceled
	ctx    context.Context // the probe's, ended by clock
	clock  *clock          // the probe's deadline, moved for the login
	nw     *network.Network
	ep     mail.Server
	opts   Options
	sink   event.Sink

	res        Result
	start      time.Time
	phaseStart time.Time
	tr         *transcript
	raw        *guardConn // the TCP connection, under any TLS
	encrypted  bool       // the session is now under TLS
	certOK     bool       // the certificate verified
	tlsVersion uint16     // the negotiated TLS version (0: no TLS)
	gated      bool       // the gate let this probe's login through
	failures   []problem.Problem
	warnings   []problem.Problem
}

// Run probes one endpoint: connect, TLS (implicit or STARTTLS), greeting,
// capabilities and, with a password, a login; then it says goodbye. It
// emits an Update at every phase change and returns the final Result.
// Everything is bounded by opts.Timeout and ctx; Run leaves no goroutine
// behind.
func Run(ctx context.Context, nw *network.Network, ep mail.Server, sources []string, opts Options, sink event.Sink) Result {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.ClientName == "" {
		opts.ClientName = DefaultClientName
	}
	pctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	r := &run{
		parent: ctx, ctx: pctx, nw: nw, ep: ep, opts: opts, sink: sink,
		start: time.Now(), tr: &transcript{password: opts.Password},
		clock: newClock(opts.Timeout, func() { cancel(context.DeadlineExceeded) }),
	}
	defer r.clock.stop()
	defer r.gateDone(LoginBroken) // a login the probe could not finish
	r.phaseStart = r.start
	r.res = Result{
		ID: ep.Key(), Endpoint: ep, Sources: append([]string{}, sources...),
		Phase: PhaseConnecting, AuthMechanisms: []string{},
	}
	r.emit()
	r.probe()
	return r.finish()
}

func (r *run) probe() {
	if r.nw == nil {
		r.res.Reachability = Unreachable
		r.fail(problem.New(problem.Unreachable, r.data()))
		return
	}
	if !r.ep.Protocol.Valid() || r.ep.Host == "" || r.ep.Port <= 0 || r.ep.Port > 65535 {
		r.res.Reachability = Unresolved
		r.fail(problem.New(problem.Unresolved, r.data()))
		return
	}
	deadline := r.clock.at()
	dctx, dcancel := context.WithDeadline(r.ctx, deadline)
	conn, err := r.nw.DialContext(dctx, "tcp", r.ep.Address())
	dcancel()
	if err != nil {
		r.dialFailed(err)
		return
	}
	r.raw = newGuardConn(conn, deadline)
	// Closing the connection when the context ends unblocks whatever is
	// waiting on it, including the protocol libraries' reader goroutines.
	stop := context.AfterFunc(r.ctx, func() { conn.Close() })
	defer func() {
		stop()
		conn.Close()
	}()
	r.res.Reachability = Open
	if addr, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		r.res.IP = addr.IP.String()
	}
	// Front ends show "connected" at once, so a server that then stays
	// silent is told apart from one that does not accept the connection.
	r.setPhase(PhaseConnected)
	switch r.ep.Protocol {
	case mail.SMTP:
		r.smtp()
	case mail.IMAP:
		r.imap()
	case mail.POP3:
		r.pop3()
	}
}

// dialFailed records a failed connect and what it says about the
// endpoint's reachability.
func (r *run) dialFailed(err error) {
	kind, p := mailerr.Dial(err, r.facts(false))
	switch kind {
	case network.Unresolved:
		r.res.Reachability = Unresolved
	case network.Refused:
		r.res.Reachability = Refused
	case network.Filtered:
		r.res.Reachability = Filtered
	case network.Canceled:
		// Nothing was learnt about the endpoint.
	default:
		r.res.Reachability = Unreachable
	}
	r.fail(p)
}

// data is the template data every network problem can use.
func (r *run) data() map[string]any { return mailerr.Facts{Server: r.ep}.Data() }

// goodbye shortens the deadline before QUIT or LOGOUT.
func (r *run) goodbye() { r.raw.Shorten(time.Now().Add(goodbyeTime)) }

func (r *run) fail(p problem.Problem) { r.failures = append(r.failures, p) }
func (r *run) warn(p problem.Problem) { r.warnings = append(r.warnings, p) }

// setPhase records how long the previous phase took and publishes the
// new one.
func (r *run) setPhase(p Phase) {
	if r.res.Phase == p {
		return
	}
	r.enterPhase(p)
	r.emit()
}

func (r *run) enterPhase(p Phase) {
	now := time.Now()
	r.res.Phases = append(r.res.Phases, PhaseTime{Phase: r.res.Phase, ElapsedMS: now.Sub(r.phaseStart).Milliseconds()})
	r.phaseStart = now
	r.res.Phase = p
}

// snapshot returns a copy of the result that shares no slice with the
// running probe, so a front end may keep it.
func (r *run) snapshot() Result {
	res := r.res.Clone()
	res.Problems = append(append([]problem.Problem(nil), r.failures...), r.warnings...)
	res.Transcript, res.Greeting = r.tr.snapshot()
	res.LoginMessage = clean(scrub(res.LoginMessage, r.opts.Password))
	for i := range res.Problems {
		res.Problems[i].ServerText = clean(scrub(res.Problems[i].ServerText, r.opts.Password))
	}
	res.ElapsedMS = time.Since(r.start).Milliseconds()
	return res
}

func (r *run) emit() { r.sink.Emit(Update{Result: r.snapshot()}) }

// finish closes the last phase, decides the status and
// publishes the final result.
//
// The status follows from what was recorded: failed when anything makes
// the endpoint unusable (unreachable, no greeting, TLS impossible,
// STARTTLS missing or failing on a port where mail clients log in,
// login refused, a server error); warning when it works with a caveat a
// person should know (old TLS, a certificate that does not verify,
// OAuth-only, STARTTLS missing on port 25, no encryption at all, a
// password not sent or sent in the clear); ok otherwise.
func (r *run) finish() Result {
	r.enterPhase(PhaseDone)
	switch {
	case len(r.failures) > 0:
		r.res.Status = StatusFailed
	case len(r.warnings) > 0:
		r.res.Status = StatusWarning
	default:
		r.res.Status = StatusOK
	}
	final := r.snapshot()
	r.sink.Emit(Update{Result: final.Clone()})
	return final
}
