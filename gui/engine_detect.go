package gui

import (
	"context"
	"os"

	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/health"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/roundtrip"
)

// DetectEngine is the real Engine: detect.Check through a network built
// from the settings (DNS server, else $POSTINO_DNS, else the system's).
type DetectEngine struct {
	// Network, when set, replaces that network (tests hand in the
	// loopback lab's).
	Network func() *network.Network
}

// Check implements Engine.
func (d DetectEngine) Check(ctx context.Context, req Request, sink event.Sink) {
	nw, err := d.network(req.Settings)
	if err != nil {
		sink(EngineError{Err: err})
		return
	}
	addr, err := address.Parse(req.Address)
	if err != nil {
		sink(EngineError{Err: err})
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
func (d DetectEngine) RetryInsecure(ctx context.Context, req Request, ep config.Server, sources []string, sink event.Sink) {
	nw, err := d.network(req.Settings)
	if err != nil {
		sink(EngineError{Err: err})
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
func (d DetectEngine) RoundTrip(ctx context.Context, s Settings, opts roundtrip.Options, sink event.Sink) (roundtrip.Result, error) {
	nw, err := d.network(s)
	if err != nil {
		return roundtrip.Result{}, err
	}
	return roundtrip.Run(ctx, nw, opts, sink), nil
}

// DeleteTestMessage implements RoundTripper with roundtrip.Delete.
func (d DetectEngine) DeleteTestMessage(ctx context.Context, s Settings, opts roundtrip.Options, token string) (roundtrip.DeleteResult, error) {
	nw, err := d.network(s)
	if err != nil {
		return roundtrip.DeleteResult{}, err
	}
	return roundtrip.Delete(ctx, nw, opts, token)
}

func (d DetectEngine) network(s Settings) (*network.Network, error) {
	if d.Network != nil {
		return d.Network(), nil
	}
	return networkFor(s)
}

// networkFor builds the network the settings ask for: their DNS server
// (else $POSTINO_DNS, else the system's) and their extra CA file (else
// $POSTINO_CA_FILE, as for the command line).
func networkFor(s Settings) (*network.Network, error) {
	nw, err := network.FromEnv(s.DNSServer)
	if err != nil {
		return nil, err
	}
	caFile := s.CAFile
	if caFile == "" {
		caFile = os.Getenv(network.EnvCAFile)
	}
	if err := nw.TrustCAFile(caFile); err != nil {
		return nil, err
	}
	return nw, nil
}

// DetectHealth is the real HealthEngine: health.Run through the same
// kind of network.
type DetectHealth struct{}

// Health implements HealthEngine.
func (DetectHealth) Health(ctx context.Context, req HealthRequest, sink event.Sink) {
	nw, err := networkFor(req.Settings)
	if err != nil {
		sink(EngineError{Err: err})
		return
	}
	health.Run(ctx, nw, req.Domain, health.Options{DKIMSelectors: req.DKIMSelectors}, sink)
}
