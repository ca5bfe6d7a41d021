// Package engine is the window's real engine: it adapts detect.Check,
// probe.Run, roundtrip and health to the contract in gui/backend,
// building the network from the person's settings. main.go hands it to
// gui.Options; the window itself holds no network code.
package engine

import (
	"context"

	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/health"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/roundtrip"
	"github.com/postino-mail/postino/gui/backend"
)

// Detect is the real Engine, Retrier and RoundTripper: detect.Check through a network built
// from the settings (DNS server, else $POSTINO_DNS, else the system's).
type Detect struct {
	// Network, when set, replaces that network (tests hand in the
	// loopback lab's).
	Network func() *network.Network
}

// Check implements backend.Engine.
func (d Detect) Check(ctx context.Context, req backend.Request, sink event.Sink) {
	nw, err := d.network(req.Settings)
	if err != nil {
		sink(backend.EngineError{Err: err})
		return
	}
	addr, err := address.Parse(req.Address)
	if err != nil {
		sink(backend.EngineError{Err: err})
		return
	}
	detect.Check(ctx, detect.CheckOptions{
		Network:        nw,
		ISPDBURL:       req.Settings.ISPDBURL,
		NoHTTP:         !req.Settings.AllowHTTPAutoconfig,
		ProbeTimeout:   req.Settings.ProbeTimeout,
		Password:       req.Password,
		AllowPlaintext: req.Settings.AllowPlaintextLogin,
	}, addr, sink)
}

// RetryInsecure implements Retrier: one probe of ep with the person's
// permission to log in although the certificate failed verification.
func (d Detect) RetryInsecure(ctx context.Context, req backend.Request, ep config.Server, sources []string, sink event.Sink) {
	nw, err := d.network(req.Settings)
	if err != nil {
		sink(backend.EngineError{Err: err})
		return
	}
	if detect.CheckCredentials(ep.Username, req.Password) != nil {
		req.Password = "" // never a line break in a protocol command
	}
	timeout := req.Settings.ProbeTimeout
	if timeout <= 0 {
		timeout = detect.DefaultProbeTimeout
	}
	probe.Run(ctx, nw, ep, sources, probe.Options{
		Username:         ep.Username,
		Password:         req.Password,
		AllowPlaintext:   req.Settings.AllowPlaintextLogin,
		AllowInsecureTLS: true,
		Timeout:          timeout,
	}, sink)
}

// RoundTrip implements RoundTripper with roundtrip.Run.
func (d Detect) RoundTrip(ctx context.Context, s backend.Settings, opts roundtrip.Options, sink event.Sink) (roundtrip.Result, error) {
	nw, err := d.network(s)
	if err != nil {
		return roundtrip.Result{}, err
	}
	return roundtrip.Run(ctx, nw, opts, sink), nil
}

// DeleteTestMessage implements RoundTripper with roundtrip.Delete.
func (d Detect) DeleteTestMessage(ctx context.Context, s backend.Settings, opts roundtrip.Options, token string) (roundtrip.DeleteResult, error) {
	nw, err := d.network(s)
	if err != nil {
		return roundtrip.DeleteResult{}, err
	}
	return roundtrip.Delete(ctx, nw, opts, token)
}

func (d Detect) network(s backend.Settings) (*network.Network, error) {
	if d.Network != nil {
		return d.Network(), nil
	}
	return network.FromEnv(s.DNSServer)
}

// Health is the real HealthEngine: health.Run through the same
// kind of network.
type Health struct {
	// Network, when set, replaces the network built from the settings.
	Network func() *network.Network
}

// Health implements HealthEngine.
func (h Health) Health(ctx context.Context, req backend.HealthRequest, sink event.Sink) {
	nw, err := Detect{Network: h.Network}.network(req.Settings)
	if err != nil {
		sink(backend.EngineError{Err: err})
		return
	}
	health.Run(ctx, nw, req.Domain, health.Options{DKIMSelectors: req.DKIMSelectors}, sink)
}

// The real adapter plays every role the window names in gui.Options.
var (
	_ backend.Engine       = Detect{}
	_ backend.Retrier      = Detect{}
	_ backend.RoundTripper = Detect{}
	_ backend.HealthEngine = Health{}
)
