package detect

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/probe"
)

// probeGrace is how much longer than its own deadline a probe may take
// before Check gives up on it: the probe owns its deadline, this is only
// a backstop so a stuck probe cannot hold the whole check.
const probeGrace = 2 * time.Second

// maxEndpoints bounds how many endpoints one check probes. A real
// provider needs a few hosts × 8 ports; a hostile or broken source that
// lists hundreds of hosts must not turn a check into an hour of probing.
const maxEndpoints = 256

// scheduler turns candidates into probes: each candidate host is
// expanded to every standard port of its protocol, endpoints are
// de-duplicated by mail.Server.Key, and at most opts.Parallel probes
// run at once.
// probeFunc is the signature of probe.Run.
type probeFunc = func(context.Context, *network.Network, mail.Server, []string, probe.Options, event.Sink) probe.Result

type scheduler struct {
	ctx  context.Context
	opts CheckOptions
	addr address.Address
	sink event.Sink
	// probe probes one endpoint (probe.Run, or a test's script).
	probe probeFunc
	sem   chan struct{}
	wg    sync.WaitGroup

	mu        sync.Mutex
	closed    bool
	endpoints map[string]*slot // by Server.Key()
	order     []string         // keys in scheduling order
	hostOrder map[string]int   // lowercase host → first-seen index
	skipped   map[string]bool  // endpoints dropped by maxEndpoints
	// Where the password may go, and in which order (see loginGate):
	// per lowercase host whether a trusted source named it, which
	// sources named it and the best rank among them.
	hostTrusted map[string]bool
	hostSources map[string][]string
	hostRank    map[string]int
	gate        *loginGate // nil without a password
}

// slot is one endpoint to probe and, once done, its result.
type slot struct {
	endpoint mail.Server
	sources  []string
	result   probe.Result
}

func newScheduler(ctx context.Context, opts CheckOptions, addr address.Address, sink event.Sink, probeFn probeFunc) *scheduler {
	s := &scheduler{
		ctx: ctx, opts: opts, addr: addr, sink: sink, probe: probeFn,
		sem:         make(chan struct{}, opts.Parallel),
		endpoints:   map[string]*slot{},
		hostOrder:   map[string]int{},
		skipped:     map[string]bool{},
		hostTrusted: map[string]bool{},
		hostSources: map[string][]string{},
		hostRank:    map[string]int{},
	}
	if opts.Password != "" {
		s.gate = newLoginGate(addr.Domain, opts.TrustHosts, s.trustOf)
	}
	return s
}

// trustOf reports whether a trusted source named host, and which
// sources named it.
func (s *scheduler) trustOf(host string) (bool, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := strings.ToLower(host)
	return s.hostTrusted[h], append([]string(nil), s.hostSources[h]...)
}

// rankOf is the order in which endpoints get the first login.
func (s *scheduler) rankOf(sl *slot) endpointRank {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := strings.ToLower(sl.endpoint.Host)
	named := 1
	if len(sl.sources) > 0 {
		named = 0
	}
	port := 100
	for i, sp := range mail.StandardPorts(sl.endpoint.Protocol) {
		if sp.Port == sl.endpoint.Port && sp.Security == sl.endpoint.Security {
			port = i
		}
	}
	return endpointRank{s.hostRank[h], named, port, s.hostOrder[h]}
}

// add schedules a probe of every standard port of c's host, plus c's own
// endpoint when it is not a standard one. Calling it again for an
// endpoint already scheduled only records the extra sources.
func (s *scheduler) add(c mail.Candidate) {
	host := strings.TrimSuffix(strings.TrimSpace(c.Host), ".")
	if host == "" || !c.Protocol.Valid() || c.Port < 1 || c.Port > 65535 || !c.Security.Valid() {
		return
	}
	user := username(s.opts, s.addr, c)
	own := c.Server
	own.Host, own.Username = host, user
	endpoints := []mail.Server{own}
	for _, sp := range mail.StandardPorts(c.Protocol) {
		sp.Host, sp.Username = host, user
		endpoints = append(endpoints, sp)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	lh := strings.ToLower(host)
	if _, ok := s.hostOrder[lh]; !ok {
		s.hostOrder[lh] = len(s.hostOrder)
		s.hostRank[lh] = c.Rank
	}
	s.hostTrusted[lh] = s.hostTrusted[lh] || c.Trusted
	s.hostSources[lh] = union(s.hostSources[lh], c.Sources)
	if c.Rank < s.hostRank[lh] {
		s.hostRank[lh] = c.Rank
	}
	for i, ep := range endpoints {
		key := ep.Key()
		var sources []string
		if i == 0 {
			sources = c.Sources
		}
		if sl, ok := s.endpoints[key]; ok {
			// Results carry the sources known when the probe started;
			// the report gets the full list at the end. The latest list
			// leads: Check adds the merged, rank-ordered candidates last.
			sl.sources = union(sources, sl.sources)
			continue
		}
		if len(s.order) >= maxEndpoints {
			s.skipped[key] = true
			continue
		}
		sl := &slot{endpoint: ep, sources: append([]string{}, sources...)}
		s.endpoints[key] = sl
		s.order = append(s.order, key)
		s.wg.Add(1)
		go s.run(sl, append([]string{}, sources...))
	}
}

// run waits for a free slot, then probes one endpoint.
func (s *scheduler) run(sl *slot, sources []string) {
	defer s.wg.Done()
	queued := probe.Result{ID: sl.endpoint.Key(), Endpoint: sl.endpoint, Sources: sources, Phase: probe.PhaseQueued}
	s.sink.Emit(probe.Update{Result: queued})
	select {
	case s.sem <- struct{}{}:
	case <-s.ctx.Done():
		s.finish(sl, queued)
		return
	}
	defer func() { <-s.sem }()
	if s.ctx.Err() != nil {
		s.finish(sl, queued)
		return
	}
	popts := probe.Options{
		Username:         sl.endpoint.Username,
		Password:         s.opts.Password,
		AllowPlaintext:   s.opts.AllowPlaintext,
		AllowInsecureTLS: s.opts.AllowInsecureTLS,
		Timeout:          s.opts.ProbeTimeout,
		LoginTimeout:     s.opts.LoginTimeout,
		ClientName:       s.opts.ClientName,
	}
	backstop := s.opts.ProbeTimeout + probeGrace
	if s.gate != nil {
		popts.Gate = s.gate
		s.gate.started(sl.endpoint, s.rankOf(sl))
		defer s.gate.ended(sl.endpoint)
		// Waiting for the first login (at most two login budgets) and
		// the login itself are not the server's time.
		backstop += 3 * s.loginTimeout()
	}
	ctx, cancel := context.WithTimeout(s.ctx, backstop)
	defer cancel()
	r := s.probe(ctx, s.opts.Network, sl.endpoint, sources, popts, s.sink)
	s.finish(sl, r)
}

func (s *scheduler) loginTimeout() time.Duration {
	if s.opts.LoginTimeout > 0 {
		return s.opts.LoginTimeout
	}
	return probe.DefaultLoginTimeout
}

func (s *scheduler) finish(sl *slot, r probe.Result) {
	s.mu.Lock()
	sl.result = r
	s.mu.Unlock()
}

// wait stops accepting candidates, waits for every probe and returns the
// results in display order, each with every source that proposed it.
func (s *scheduler) wait() []probe.Result {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.wg.Wait()

	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]probe.Result, 0, len(s.order))
	for _, key := range s.order {
		sl := s.endpoints[key]
		r := sl.result
		r.ID, r.Endpoint = key, sl.endpoint
		r.Sources = union(sl.sources, r.Sources)
		if r.Sources == nil {
			r.Sources = []string{}
		}
		out = append(out, r)
	}
	sortResults(out, s.hostOrder)
	return out
}

// expandedCandidates returns the candidates with the login name the
// probes used, for the recommendation.
func (s *scheduler) expandedCandidates(cands []mail.Candidate) []mail.Candidate {
	out := make([]mail.Candidate, len(cands))
	for i, c := range cands {
		c.Username = username(s.opts, s.addr, c)
		c.Host = strings.TrimSuffix(strings.TrimSpace(c.Host), ".")
		out[i] = c
	}
	return out
}

func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, x := range b {
		found := false
		for _, y := range out {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}

func (s *scheduler) skippedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.skipped)
}
