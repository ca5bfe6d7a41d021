// Package backend is the contract between the window and the engines it
// drives: the requests it makes and the interfaces an engine implements.
// It holds no network code, so the window (gui) depends only on this
// contract, and the real adapter (gui/engine) or a test's scripted
// engine plugs in through gui.Options.
package backend

import (
	"context"
	"time"

	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/roundtrip"
)

// Settings are the person's settings an engine needs (the window keeps
// the rest: language, recent addresses).
type Settings struct {
	// ProbeTimeout bounds each endpoint probe (0: the engine's default).
	ProbeTimeout time.Duration
	// DNSServer is "host:port" of the resolver to ask, or "" for
	// $POSTINO_DNS or the system's.
	DNSServer string
	// ISPDBURL is the base URL of the Thunderbird ISPDB, or "" for the
	// default.
	ISPDBURL string
	// AllowHTTPAutoconfig lets discovery read autoconfig over plain HTTP
	// (the results are marked untrusted either way).
	AllowHTTPAutoconfig bool
	// AllowPlaintextLogin lets a probe send the password on a connection
	// without TLS, to hosts a trusted source named. Off by default: a
	// password in clear can be read by anyone on the path. The window
	// keeps it for the next check only and never stores it
	// (docs/security.md).
	AllowPlaintextLogin bool
	// CAFile names extra CA certificates to trust (else $POSTINO_CA_FILE).
	CAFile string
}

// Request is one check the person asked for.
type Request struct {
	// Address is the email address as typed (already validated).
	Address string
	// Password is optional; it lives only in memory for the run.
	Password string
	Settings Settings
	// PinSHA256 is, for Retrier.RetryInsecure, the fingerprint of the
	// certificate the person accepted: another one gets no password.
	PinSHA256 string
}

// Engine runs checks. The window only renders the events an Engine
// emits; it holds no probing logic.
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

// Retrier probes one endpoint again on its own. The window offers it for
// a row whose login was held back because the certificate failed
// verification: the person may explicitly allow the login for that one
// test (never for a whole check), after being told the risk.
type Retrier interface {
	// RetryInsecure probes ep again, sending the password even though
	// its certificate does not verify, and reports through sink as Check
	// does. It returns when the probe is over or ctx is done.
	RetryInsecure(ctx context.Context, req Request, ep mail.Server, sources []string, sink event.Sink)
}

// RoundTripper proves the recommended settings with a real message: it
// sends a short message from the address to itself and watches the
// mailbox until it arrives.
// TrustRetrier is implemented by engines that can probe one endpoint
// again with the person's permission to send the password to a host that
// only an untrusted source named ("Try the login on this server…").
type TrustRetrier interface {
	// RetryTrusted probes ep again with the password; the certificate
	// must still verify. It returns when the probe is over or ctx is done.
	RetryTrusted(ctx context.Context, req Request, ep mail.Server, sources []string, sink event.Sink)
}

type RoundTripper interface {
	// RoundTrip runs roundtrip.Run with opts, reporting roundtrip.Progress
	// (and Finished) through sink from any goroutine, and returns the
	// result when it is over or ctx is done. The error says why it could
	// not start (a bad DNS server in the settings).
	RoundTrip(ctx context.Context, s Settings, opts roundtrip.Options, sink event.Sink) (roundtrip.Result, error)
	// DeleteTestMessage removes the test message with this token
	// (roundtrip.Delete, which refuses any other message).
	DeleteTestMessage(ctx context.Context, s Settings, opts roundtrip.Options, token string) (roundtrip.DeleteResult, error)
}

// HealthRequest is one domain health run the person asked for.
type HealthRequest struct {
	// Domain is the ASCII domain (health.Domain's result).
	Domain string
	// DKIMSelectors are tried before the common ones.
	DKIMSelectors []string
	Settings      Settings
}

// HealthEngine runs the domain health checks (MX, SPF, DKIM, DMARC,
// MTA-STS, TLS-RPT), emitting health.Started, health.CheckDone and
// health.Finished; it returns when done or when ctx is cancelled.
type HealthEngine interface {
	Health(ctx context.Context, req HealthRequest, sink event.Sink)
}
