// Package engine is the window's real engine: it adapts detect.Check,
// probe.Run, roundtrip and health to the contract in gui/backend,
// building the network from the person's settings. main.go hands it to
// gui.Options; the window itself holds no network code.
package engine

import (
	"context"
	"errors"
	"os"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/health"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/roundtrip"
	"github.com/postino-mail/postino/gui/backend"
)

// Detect is the real Engine, Retrier, TrustRetrier and RoundTripper:
// detect.Check through the network main built, asking the DNS server of
// the settings, else $POSTINO_DNS, else the system's.
type Detect struct {
	// Network is the one network of the program (tests hand in the
	// loopback lab's). Without one every run ends in an EngineError.
	Network *network.Network
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
func (d Detect) RetryInsecure(ctx context.Context, req backend.Request, ep mail.Server, sources []string, sink event.Sink) {
	d.probeOnce(ctx, req, ep, sources, probe.Options{AllowInsecureTLS: true, PinSHA256: req.PinSHA256}, sink)
}

// RetryTrusted implements TrustRetrier: one probe of ep with the
// person's permission to send the password to this host, which only an
// untrusted source named. Everything else still holds: TLS 1.2 or newer
// and a certificate that verifies.
func (d Detect) RetryTrusted(ctx context.Context, req backend.Request, ep mail.Server, sources []string, sink event.Sink) {
	d.probeOnce(ctx, req, ep, sources, probe.Options{}, sink)
}

// probeOnce probes ep with the request's password and settings, and
// with what the person allowed for this one host in opts.
func (d Detect) probeOnce(ctx context.Context, req backend.Request, ep mail.Server, sources []string, opts probe.Options, sink event.Sink) {
	nw, err := d.network(req.Settings)
	if err != nil {
		sink(backend.EngineError{Err: err})
		return
	}
	if detect.CheckCredentials(ep.Username, req.Password) != nil {
		req.Password = "" // never a line break in a protocol command
	}
	opts.Username, opts.Password = ep.Username, req.Password
	opts.AllowPlaintext = req.Settings.AllowPlaintextLogin
	opts.Timeout = req.Settings.ProbeTimeout
	if opts.Timeout <= 0 {
		opts.Timeout = detect.DefaultProbeTimeout
	}
	probe.Run(ctx, nw, ep, sources, opts, sink)
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
	return withDNSSetting(d.Network, s)
}

// withDNSSetting applies the DNS server of the settings (else
// $POSTINO_DNS) to nw, the network main built.
func withDNSSetting(nw *network.Network, s backend.Settings) (*network.Network, error) {
	if nw == nil {
		return nil, errors.New(i18n.T("input.err.no-network"))
	}
	dns := s.DNSServer
	if dns == "" {
		dns = os.Getenv(network.EnvDNS)
	}
	nw, err := nw.WithDNS(dns)
	if err != nil {
		return nil, err
	}
	caFile := s.CAFile
	if caFile == "" {
		caFile = os.Getenv(network.EnvCAFile)
	}
	c := *nw // the CA pool is this run's, never main's shared network
	if err := c.TrustCAFile(caFile); err != nil {
		return nil, err
	}
	return &c, nil
}

// Health is the real HealthEngine: health.Run through the same
// kind of network.
type Health struct {
	// Network is the one network of the program.
	Network *network.Network
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
