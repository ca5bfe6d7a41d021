package probe

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/problem"
)

// DefaultLoginTimeout is the login step's own budget: how long a probe
// waits for the answer to the credentials, whatever Options.Timeout
// says. Servers delay a refused password on purpose (Dovecot's
// auth_failure_delay, Postfix's smtpd_error_sleep_time, growing with
// every repeat), so a short per-probe timeout would turn a wrong
// password into "the server stopped answering".
const DefaultLoginTimeout = 15 * time.Second

// LoginOutcome is how a login that a LoginGate let through ended.
type LoginOutcome int

const (
	// LoginAccepted: the server took the credentials.
	LoginAccepted LoginOutcome = iota
	// LoginRefused: the server answered the credentials with a refusal.
	LoginRefused
	// LoginNoAnswer: no answer to the credentials within the login
	// budget; servers delay refusals, so this most likely is one.
	LoginNoAnswer
	// LoginBroken: the conversation broke for another reason before an
	// answer (the connection closed, the TLS session failed); it says
	// nothing about the password.
	LoginBroken
)

// LoginGate decides whether and when a probe sends the password, so that
// one check sends it only where trusted sources point and as few times
// as possible (see detect's scheduler). A nil gate lets every probe log
// in (one probe of one endpoint, as the GUI's retry does).
type LoginGate interface {
	// Allowed returns nil when ep's host may receive the password, or
	// the problem saying why not (no trusted source named the host).
	Allowed(ep mail.Server) *problem.Problem
	// Wait blocks until ep may send the password now (nil), or returns
	// the problem saying why the password is not tried there. ctx bounds
	// the wait.
	Wait(ctx context.Context, ep mail.Server) *problem.Problem
	// Done reports how a login that Wait let through ended.
	Done(ep mail.Server, outcome LoginOutcome)
}

// clock is a probe's deadline: one instant that the context, the
// connection and the libraries' own deadlines all follow. Unlike a
// context.WithTimeout it can be moved, because the login step has its
// own budget and waiting for the gate is not the server's time.
type clock struct {
	mu       sync.Mutex
	deadline time.Time
	timer    *time.Timer
	fired    bool
}

func newClock(d time.Duration, expire func()) *clock {
	c := &clock{deadline: time.Now().Add(d)}
	c.timer = time.AfterFunc(d, func() {
		c.mu.Lock()
		c.fired = true
		c.mu.Unlock()
		expire()
	})
	return c
}

// at returns the current deadline.
func (c *clock) at() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.deadline
}

// set moves the deadline to t; it reports false when the old deadline
// has already expired (the probe is over).
func (c *clock) set(t time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fired || !c.timer.Stop() {
		return false
	}
	c.deadline = t
	c.timer.Reset(time.Until(t))
	return true
}

func (c *clock) stop() { c.timer.Stop() }

// expired reports whether the deadline has passed (the timer may not
// have run yet when a read deadline fires at the same instant).
func (c *clock) expired() bool { return !time.Now().Before(c.at()) }

// moveDeadline sets the probe's deadline (context and connection) to t.
func (r *run) moveDeadline(t time.Time) bool {
	if !r.clock.set(t) {
		return false
	}
	r.raw.SetLimit(t)
	return true
}

// loginTimeout is the login budget (Options.LoginTimeout, at least
// DefaultLoginTimeout unless a test asks for less).
func (r *run) loginTimeout() time.Duration {
	if r.opts.LoginTimeout > 0 {
		return r.opts.LoginTimeout
	}
	return DefaultLoginTimeout
}

// gateWait bounds how long a probe waits for its turn to log in: the
// first login may take its whole budget, and a second one if the first
// broke without an answer.
func (r *run) gateWait() time.Duration { return 2 * r.loginTimeout() }

// awaitTurn waits for the gate's permission to send the password and
// then gives the login its own budget. While it waits, the probe's own
// deadline is paused (waiting is not the server's slowness) but the
// connection is kept open for the whole wait. It returns false, with
// the reason recorded, when the password is not to be sent.
func (r *run) awaitTurn() bool {
	if r.opts.Gate != nil {
		wait := r.gateWait()
		if !r.moveDeadline(time.Now().Add(wait + r.loginTimeout())) {
			return false
		}
		ctx, cancel := context.WithTimeout(r.ctx, wait)
		p := r.opts.Gate.Wait(ctx, r.ep)
		waited := ctx.Err() != nil
		cancel()
		if p == nil && waited {
			// Let through just as the wait ended: hand the turn back.
			r.opts.Gate.Done(r.ep, LoginBroken)
		}
		if waited {
			p = &problem.Problem{Code: problem.LoginNotTriedWait}
		}
		if p != nil {
			r.res.Login = LoginSkipped
			switch p.Code {
			case problem.LoginNotTried, problem.LoginNotTriedNoAnswer:
				// The password is known to be refused: the endpoint
				// cannot be used with it, like a refused login.
				r.fail(*p)
			default:
				r.warn(*p)
			}
			// The verdict is known: say goodbye promptly.
			r.moveDeadline(time.Now().Add(goodbyeTime))
			return false
		}
		r.gated = true
	}
	if t := time.Now().Add(r.loginTimeout()); t.After(r.clock.at()) {
		return r.moveDeadline(t)
	}
	return true
}

// gateDone tells the gate how the login it let through ended.
func (r *run) gateDone(o LoginOutcome) {
	if r.gated {
		r.gated = false
		r.opts.Gate.Done(r.ep, o)
	}
}

// CertFingerprint is the SHA-256 of a certificate's DER bytes in
// lower-case hex: what Details shows and what a pinned retry compares.
func CertFingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}
