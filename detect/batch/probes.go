package batch

import (
	"context"
	"strings"
	"sync"

	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/probe"
)

// probeCache probes each endpoint (protocol, host, port, security) once
// per batch, whichever domains' checks ask for it: hundreds of domains
// hosted at one provider share its servers, and asking them hundreds of
// times would be slow and look like an attack. It also holds at most
// perHost probes at once against the same server host.
//
// Batch never logs in, so a probe's result does not depend on the user
// name and can be shared as it is.
type probeCache struct {
	ctx     context.Context // the batch's: probes run under it
	perHost int
	onDone  func(probe.Result) // called once per endpoint actually probed

	mu      sync.Mutex
	entries map[string]*probeEntry // by mail.Server.Key
	hosts   map[string]chan struct{}
}

type probeEntry struct {
	done   chan struct{}
	result probe.Result
}

func newProbeCache(ctx context.Context, perHost int, onDone func(probe.Result)) *probeCache {
	return &probeCache{ctx: ctx, perHost: perHost, onDone: onDone,
		entries: map[string]*probeEntry{}, hosts: map[string]chan struct{}{}}
}

// probe is a detect.ProbeFunc. The first check to ask for an endpoint
// probes it; the others wait for its result. The probe runs under the
// batch's context rather than the asking check's backstop deadline: it
// may have to wait for its host's turn, which says nothing about the
// endpoint. probe.Run's own timeout (opts.Timeout) still bounds it.
func (c *probeCache) probe(_ context.Context, nw *network.Network, ep mail.Server, sources []string, opts probe.Options, _ event.Sink) probe.Result {
	key := ep.Key()
	c.mu.Lock()
	e, found := c.entries[key]
	if !found {
		e = &probeEntry{done: make(chan struct{})}
		c.entries[key] = e
	}
	c.mu.Unlock()

	if !found {
		opts.Password = "" // batch prepares profiles, it never logs in
		e.result = c.run(nw, ep, opts)
		close(e.done)
		if e.result.Phase == probe.PhaseDone && c.onDone != nil {
			c.onDone(e.result)
		}
	} else {
		select {
		case <-e.done:
		case <-c.ctx.Done():
			return probe.Result{ID: key, Endpoint: ep, Sources: append([]string{}, sources...), Phase: probe.PhaseQueued}
		}
	}
	r := e.result
	r.ID, r.Endpoint = key, ep
	r.Sources = append([]string{}, sources...)
	return r
}

// run waits for a free connection to the endpoint's host, then probes.
func (c *probeCache) run(nw *network.Network, ep mail.Server, opts probe.Options) probe.Result {
	slot := c.hostSlot(ep.Host)
	select {
	case slot <- struct{}{}:
	case <-c.ctx.Done():
		return probe.Result{ID: ep.Key(), Endpoint: ep, Sources: []string{}, Phase: probe.PhaseQueued}
	}
	defer func() { <-slot }()
	return probe.Run(c.ctx, nw, ep, nil, opts, nil)
}

func (c *probeCache) hostSlot(host string) chan struct{} {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.hosts[h]
	if !ok {
		s = make(chan struct{}, c.perHost)
		c.hosts[h] = s
	}
	return s
}

// probed counts the endpoints probed so far (or being probed).
func (c *probeCache) probed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
