package gui

import (
	"context"

	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/event"
)

// Request is one check the person asked for.
type Request struct {
	// Address is the email address as typed (already validated).
	Address string
	// Password is optional; it lives only in memory for the run.
	Password string
	// Settings carries the timeouts, DNS server and policy switches.
	Settings Settings
	// PinSHA256 is, for Retrier.RetryInsecure, the fingerprint of the
	// certificate the person accepted: another one gets no password.
	PinSHA256 string
}

// Engine runs checks. The window only renders the events an Engine
// emits; it holds no probing logic. The real Engine wraps detect.Check;
// tests use a scripted one.
type Engine interface {
	// Check runs one check, calling sink from any goroutine as it
	// progresses, and returns when the check is over or ctx is done.
	// It must not call sink after it returns.
	Check(ctx context.Context, req Request, sink event.Sink)
}

// EngineFunc adapts a function to Engine.
type EngineFunc func(ctx context.Context, req Request, sink event.Sink)

// Check implements Engine.
func (f EngineFunc) Check(ctx context.Context, req Request, sink event.Sink) { f(ctx, req, sink) }

// EngineError is emitted by the real engines when a check cannot start
// (a bad DNS server in the settings, an address that no longer parses).
type EngineError struct{ Err error }

// EventKind implements event.Event.
func (EngineError) EventKind() string { return "gui-engine-error" }

// Retrier is an Engine that can probe one endpoint again on its own.
// The window offers it for a row whose login was held back because the
// certificate failed verification: the person may explicitly allow the
// login for that one test (never for a whole check), after being told
// the risk.
type Retrier interface {
	// RetryInsecure probes ep again, sending the password even though
	// its certificate does not verify, and reports through sink as Check
	// does. It returns when the probe is over or ctx is done.
	RetryInsecure(ctx context.Context, req Request, ep config.Server, sources []string, sink event.Sink)
}

// TrustRetrier is implemented by engines that can probe one endpoint
// again with the person's permission to send the password to a host that
// only an untrusted source named ("Try the login on this server…").
type TrustRetrier interface {
	// RetryTrusted probes ep again with the password; the certificate
	// must still verify. It returns when the probe is over or ctx is done.
	RetryTrusted(ctx context.Context, req Request, ep config.Server, sources []string, sink event.Sink)
}
