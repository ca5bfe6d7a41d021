package detect

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/recommend"
)

// stages are the two things a check runs: discovery and the probe of one
// endpoint. Check runs the real ones; the tests of the scheduling itself
// (expansion, bounds, cancellation) hand scripted ones to check,
// independent of what real servers do.
type stages struct {
	discover func(context.Context, discover.Options, address.Address, event.Sink) *discover.Result
	probe    probeFunc
}

// Defaults for CheckOptions.
const (
	DefaultProbeTimeout = 8 * time.Second
	DefaultParallel     = 32
)

// CheckOptions configure Check.
type CheckOptions struct {
	Network *network.Network
	// Discovery options (see discover.Options).
	ISPDBURL    string
	NoHTTP      bool
	OverrideDir string
	// DiscoverTimeout bounds discovery (0: discover's default).
	DiscoverTimeout time.Duration

	// ProbeTimeout is each probe's own deadline (default 8 s).
	ProbeTimeout time.Duration
	// Parallel bounds how many probes run at once (default 32).
	Parallel int

	// Username overrides the login name every source publishes; empty
	// means each source's template expanded for the address.
	Username string
	// Password enables a real login (over TLS only, unless AllowPlaintext).
	// The password goes only to hosts a trusted source named, hosts in
	// the address's own domain and TrustHosts (docs/security.md);
	// AllowPlaintext and AllowInsecureTLS widen what is allowed on those
	// hosts only, never on the others.
	Password         string
	AllowPlaintext   bool
	AllowInsecureTLS bool
	// TrustHosts are hosts the person allows the password to go to
	// although no trusted source named them (--trust-host).
	TrustHosts []string
	// LoginTimeout is the login step's own budget (default
	// probe.DefaultLoginTimeout), whatever ProbeTimeout says.
	LoginTimeout time.Duration
	ClientName   string

	// Probe, when set, runs each probe instead of probe.Run: a batch of
	// checks shares one probe per endpoint through it (see ProbeFunc).
	Probe ProbeFunc
}

// Check discovers the settings for addr and probes every candidate host
// on every standard port of its protocol, all in parallel, as the
// candidates arrive: a probe starts as soon as a source proposes its
// host, not when discovery ends. Every discover and probe event is
// forwarded to sink, framed by CheckStarted, RecommendationReady and
// CheckFinished. Cancelling ctx stops everything promptly; no goroutine
// started by Check outlives it. Credentials holding a CR, LF or NUL are
// never sent (see CheckCredentials).
//
// opts.Network is required: the program builds its one network in main
// and hands it over; there is no hidden default.
func Check(ctx context.Context, opts CheckOptions, addr address.Address, sink event.Sink) *Report {
	if opts.Network == nil {
		panic("detect.Check: CheckOptions.Network is nil")
	}
	return check(ctx, opts, addr, sink, stages{discover: discover.Run, probe: probe.Run})
}

func check(ctx context.Context, opts CheckOptions, addr address.Address, sink event.Sink, run stages) *Report {
	if opts.Probe != nil {
		run.probe = opts.Probe // the batch's shared probe cache
	}
	start := time.Now()
	if opts.ProbeTimeout <= 0 {
		opts.ProbeTimeout = DefaultProbeTimeout
	}
	if opts.Parallel <= 0 {
		opts.Parallel = DefaultParallel
	}
	if CheckCredentials(opts.Username, opts.Password) != nil {
		// Never put a line break into a protocol command: probe without
		// logging in (front ends report CheckCredentials' error).
		opts.Username, opts.Password = "", ""
	}
	sink.Emit(CheckStarted{Address: addr.String(), Domain: addr.Domain})

	s := newScheduler(ctx, opts, addr, sink, run.probe)
	res := run.discover(ctx, discover.Options{
		Network:     opts.Network,
		ISPDBURL:    opts.ISPDBURL,
		NoHTTP:      opts.NoHTTP,
		Timeout:     opts.DiscoverTimeout,
		OverrideDir: opts.OverrideDir,
	}, addr, func(e event.Event) {
		// Forward first, so a front end shows the candidate before the
		// probes it starts.
		sink.Emit(e)
		if cf, ok := e.(discover.CandidateFound); ok {
			s.add(cf.Candidate)
		}
	})
	if res == nil {
		res = &discover.Result{}
	}
	if res.Address == "" {
		res.Address, res.Domain, res.DomainUnicode = addr.String(), addr.Domain, addr.DomainUnicode
	}
	// The merged list may hold endpoints whose events we have already
	// seen under fewer sources; add is idempotent per endpoint.
	for _, c := range res.Candidates {
		s.add(c)
	}
	results := s.wait()

	rep := &Report{Result: *res, Canceled: ctx.Err() != nil, SkippedEndpoints: s.skippedCount()}
	rep.gate = s.gate.statistics()
	rep.Probes = make([]ProbeReport, len(results))
	for i, r := range results {
		rep.Probes[i] = newProbeReport(r)
	}
	rep.Recommended = recommend.Choose(results, s.expandedCandidates(res.Candidates))
	sink.Emit(RecommendationReady{Recommendation: rep.Recommended})
	rep.ElapsedMS = time.Since(start).Milliseconds()
	sink.Emit(CheckFinished{Report: rep})
	return rep
}

// username is the login name to use on a candidate's endpoints.
func username(opts CheckOptions, addr address.Address, c mail.Candidate) string {
	if opts.Username != "" {
		return opts.Username
	}
	return mail.ExpandUsername(c.Username, addr.Local, addr.Domain)
}

// sortResults orders results for display: incoming before outgoing, IMAP
// before POP3, hosts in the order they were first proposed, and each
// host's ports in the order of mail.StandardPorts (other ports last).
func sortResults(rs []probe.Result, hostOrder map[string]int) {
	protoRank := map[mail.Protocol]int{mail.IMAP: 0, mail.POP3: 1, mail.SMTP: 2}
	portRank := func(s mail.Server) int {
		for i, sp := range mail.StandardPorts(s.Protocol) {
			if sp.Port == s.Port && sp.Security == s.Security {
				return i
			}
		}
		return 100
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i].Endpoint, rs[j].Endpoint
		if protoRank[a.Protocol] != protoRank[b.Protocol] {
			return protoRank[a.Protocol] < protoRank[b.Protocol]
		}
		ha, hb := hostOrder[strings.ToLower(a.Host)], hostOrder[strings.ToLower(b.Host)]
		if ha != hb {
			return ha < hb
		}
		if pa, pb := portRank(a), portRank(b); pa != pb {
			return pa < pb
		}
		if a.Port != b.Port {
			return a.Port < b.Port
		}
		return a.Security < b.Security
	})
}
