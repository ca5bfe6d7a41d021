package detect

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
)

// MaxRefusedLogins bounds the refused (or unanswered) logins one check
// may cause, whatever the candidates: fail2ban's default bans an address
// after 5 failures in 10 minutes, and a person will run a check again.
const MaxRefusedLogins = 3

// rankGrace is how long the first probe ready to log in waits for a
// better-ranked endpoint of the same protocol that is still on its way
// (greeting, TLS): long enough for a healthy server, short enough that a
// filtered port does not hold the login back for its whole timeout.
const rankGrace = time.Second

// loginGate is the check's probe.LoginGate. It sends the password only
// to hosts a trusted source named, to hosts in the address's own domain
// or to hosts the person trusted explicitly; and per protocol and login
// name it lets one login through first (the best-ranked endpoint ready
// for it), then everyone else once that login succeeded, or no one once
// it was refused.
type loginGate struct {
	domain   string
	explicit map[string]bool // hosts the person trusted (lower case)
	// trust reports whether a trusted source named host and which
	// sources named it; the scheduler's view, which grows as discovery
	// goes on.
	trust func(host string) (bool, []string)

	mu      sync.Mutex
	groups  map[string]*gateGroup
	refused int    // refused or unanswered logins so far
	lastBy  string // the endpoint of the last refusal
	changed chan struct{}
	pending map[string]pendingProbe // probes running, not yet at the gate
	stats   gateStats
}

// gateStats say what the gate cost, for the benchmark
// (docs/performance.md): how many logins waited for a first one to
// succeed, the longest such wait, and the longest wait of a first login
// for a better-ranked endpoint.
type gateStats struct {
	Gated       int
	MaxWait     time.Duration
	MaxLeadWait time.Duration
}

// gateGroup is the state of one protocol and login name.
type gateGroup struct {
	busy     string           // key of the endpoint logging in now
	accepted bool             // a login succeeded: everyone may go
	blocked  *problem.Problem // a login was refused: no one else tries
	waiting  map[string]waiter
}

type waiter struct {
	rank  endpointRank
	since time.Time
}

type pendingProbe struct {
	group string
	rank  endpointRank
}

// endpointRank orders endpoints for the first login: the best source's
// rank, then endpoints a source named before the other standard ports,
// then the standard port order (implicit TLS first), then the order
// hosts were proposed.
type endpointRank [4]int

func (a endpointRank) less(b endpointRank) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

func newLoginGate(domain string, explicit []string, trust func(string) (bool, []string)) *loginGate {
	g := &loginGate{
		domain: domain, explicit: map[string]bool{}, trust: trust,
		groups: map[string]*gateGroup{}, changed: make(chan struct{}),
		pending: map[string]pendingProbe{},
	}
	for _, h := range explicit {
		g.explicit[normalHost(h)] = true
	}
	return g
}

func normalHost(h string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(h), "."))
}

func groupKey(ep mail.Server) string { return string(ep.Protocol) + "\x00" + ep.Username }

// hostTrusted reports whether the password may go to host.
func (g *loginGate) hostTrusted(host string) (bool, []string) {
	h := normalHost(host)
	if g.explicit[h] || inDomain(h, g.domain) {
		return true, nil
	}
	return g.trust(h)
}

// inDomain reports whether host is domain or a name below it.
func inDomain(host, domain string) bool {
	domain = normalHost(domain)
	return domain != "" && (host == domain || strings.HasSuffix(host, "."+domain))
}

// Allowed implements probe.LoginGate.
func (g *loginGate) Allowed(ep mail.Server) *problem.Problem {
	ok, sources := g.hostTrusted(ep.Host)
	if ok {
		return nil
	}
	p := problem.New(problem.LoginNotSentUntrusted, map[string]any{
		"Host": ep.Host, "Sources": strings.Join(sources, ", "),
	})
	return &p
}

// started records a probe that is running and may come to the gate.
func (g *loginGate) started(ep mail.Server, rank endpointRank) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pending[ep.Key()] = pendingProbe{group: groupKey(ep), rank: rank}
}

// ended records a probe that finished: it no longer holds back a worse
// ranked one.
func (g *loginGate) ended(ep mail.Server) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.pending, ep.Key())
	g.broadcastLocked()
}

func (g *loginGate) broadcastLocked() {
	close(g.changed)
	g.changed = make(chan struct{})
}

func (g *loginGate) group(key string) *gateGroup {
	gr, ok := g.groups[key]
	if !ok {
		gr = &gateGroup{waiting: map[string]waiter{}}
		g.groups[key] = gr
	}
	return gr
}

// Wait implements probe.LoginGate.
func (g *loginGate) Wait(ctx context.Context, ep mail.Server) *problem.Problem {
	key, gk := ep.Key(), groupKey(ep)
	start := time.Now()
	g.mu.Lock()
	rank := g.pending[key].rank
	delete(g.pending, key)
	gr := g.group(gk)
	gr.waiting[key] = waiter{rank: rank, since: time.Now()}
	defer func() {
		g.mu.Lock()
		delete(gr.waiting, key)
		g.mu.Unlock()
	}()
	for {
		switch {
		case gr.accepted:
			g.stats.Gated++
			g.stats.MaxWait = max(g.stats.MaxWait, time.Since(start))
			g.mu.Unlock()
			return nil
		case gr.blocked != nil:
			p := *gr.blocked
			g.mu.Unlock()
			return &p
		case g.refused >= MaxRefusedLogins:
			p := problem.New(problem.LoginNotTried, map[string]any{"By": g.lastBy})
			g.mu.Unlock()
			return &p
		}
		var wake <-chan time.Time
		if gr.busy == "" {
			turn, retry := g.turnLocked(gr, gk, key)
			if turn {
				gr.busy = key
				g.stats.MaxLeadWait = max(g.stats.MaxLeadWait, time.Since(start))
				g.mu.Unlock()
				return nil
			}
			if retry > 0 {
				t := time.NewTimer(retry)
				defer t.Stop()
				wake = t.C
			}
		}
		ch := g.changed
		g.mu.Unlock()
		select {
		case <-ch:
		case <-wake:
		case <-ctx.Done():
			return nil // the probe sees its own context ended
		}
		g.mu.Lock()
	}
}

// turnLocked decides whether the waiter key logs in first: it must be
// the best-ranked of those waiting, and no better-ranked probe of the
// group may still be on its way, unless it has waited rankGrace. retry
// says when to look again.
func (g *loginGate) turnLocked(gr *gateGroup, gk, key string) (bool, time.Duration) {
	me := gr.waiting[key]
	for k, w := range gr.waiting {
		if k != key && w.rank.less(me.rank) {
			return false, 0
		}
	}
	left := rankGrace - time.Since(me.since)
	if left <= 0 {
		return true, 0
	}
	for _, p := range g.pending {
		if p.group == gk && p.rank.less(me.rank) {
			return false, left
		}
	}
	return true, 0
}

// Done implements probe.LoginGate.
func (g *loginGate) Done(ep mail.Server, outcome probe.LoginOutcome) {
	g.mu.Lock()
	defer g.mu.Unlock()
	gr := g.group(groupKey(ep))
	if gr.busy == ep.Key() {
		gr.busy = ""
	}
	by := net.JoinHostPort(ep.Host, strconv.Itoa(ep.Port))
	switch outcome {
	case probe.LoginAccepted:
		gr.accepted = true
	case probe.LoginRefused:
		p := problem.New(problem.LoginNotTried, map[string]any{"By": by})
		gr.blocked = &p
		g.refused++
		g.lastBy = by
	case probe.LoginNoAnswer:
		p := problem.New(problem.LoginNotTriedNoAnswer, map[string]any{"By": by})
		gr.blocked = &p
		g.refused++
		g.lastBy = by
	}
	g.broadcastLocked()
}

func (g *loginGate) statistics() gateStats {
	if g == nil {
		return gateStats{}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.stats
}
