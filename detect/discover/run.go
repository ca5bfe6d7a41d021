// Package discover asks every source mail clients use for the settings
// of an address's domain, all at once under one deadline, and merges what
// they propose into one ranked, de-duplicated list of candidate endpoints
// with the provenance of each. Sources, best first: a local override file,
// the built-in table, the domain's autoconfig over HTTPS, the Thunderbird
// ISPDB, SRV records (RFC 6186, RFC 8314), the MX records' provider,
// Outlook Autodiscover, autoconfig over plain HTTP, and guesses.
//
// Ranking, not arrival order, decides the order of candidates: a better
// source that answers later still comes first.
package discover

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
)

// Defaults.
const (
	DefaultISPDBURL = "https://autoconfig.thunderbird.net/v1.1/"
	DefaultTimeout  = 15 * time.Second
	// EnvISPDB names the environment variable that overrides the ISPDB
	// base URL, like --ispdb.
	EnvISPDB = "POSTINO_ISPDB"
)

// Options configure Run.
type Options struct {
	// Network is the only way the sources reach DNS and HTTP. Required.
	Network *network.Network
	// ISPDBURL is the ISPDB base; the domain is appended
	// (DefaultISPDBURL when empty).
	ISPDBURL string
	// NoHTTP turns off the plain-HTTP autoconfig source (--no-http).
	NoHTTP bool
	// Timeout bounds the whole run (DefaultTimeout when zero).
	Timeout time.Duration
	// OverrideDir holds local override files named DOMAIN.xml
	// (DefaultOverrideDir when empty; "-" turns the source off).
	OverrideDir string
}

// DefaultOverrideDir is the user's configuration directory + postino/isp
// ("" when the system has none).
func DefaultOverrideDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "postino", "isp")
}

func (o Options) withDefaults() Options {
	if o.ISPDBURL == "" {
		o.ISPDBURL = DefaultISPDBURL
	}
	if !strings.HasSuffix(o.ISPDBURL, "/") {
		o.ISPDBURL += "/"
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.OverrideDir == "" {
		o.OverrideDir = DefaultOverrideDir()
	}
	return o
}

// runner is one run's shared state.
type runner struct {
	opts   Options
	net    *network.Network
	addr   address.Address
	domain string
	email  string

	emitMu sync.Mutex
	sink   event.Sink
	live   *merger // merge state for CandidateFound events

	// SRV → guesses: services an SRV "." target declares not offered.
	srvDone    chan struct{}
	notOffered map[serviceKey]bool
}

type serviceKey struct {
	proto mail.Protocol
	sec   mail.Security
}

// source is one discovery source ready to run.
type source struct {
	name SourceName
	url  string // what it asks first
	run  func(ctx context.Context) outcome
}

// Run asks every source about addr's domain and returns the merged
// result. It emits SourceStarted, SourceFinished and CandidateFound on
// sink (which may be nil) and returns within opts.Timeout (or ctx's
// deadline, if earlier): sources still busy then are reported as errors.
// No goroutine it started outlives it, and no event is emitted after it
// returns.
func Run(ctx context.Context, opts Options, addr address.Address, sink event.Sink) *Result {
	opts = opts.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	if addr.Domain == "" {
		// Not an address.Parse result: there is nothing to ask about.
		return &Result{Address: addr.String(), Sources: []SourceReport{}, Candidates: []mail.Candidate{}}
	}
	if opts.Network == nil {
		// The program builds its one network in main and hands it
		// over; there is no hidden default to fall back on.
		panic("discover.Run: Options.Network is nil")
	}

	r := &runner{
		opts:       opts,
		net:        opts.Network,
		addr:       addr,
		domain:     addr.Domain,
		email:      addr.String(),
		sink:       sink,
		live:       newMerger(),
		srvDone:    make(chan struct{}),
		notOffered: map[serviceKey]bool{},
	}
	sources := r.sources()
	for _, s := range sources {
		r.emit(SourceStarted{Source: s.name, URL: s.url})
	}
	outcomes := make([]outcome, len(sources))
	var wg sync.WaitGroup
	for i, s := range sources {
		wg.Add(1)
		go func(i int, s source) {
			defer wg.Done()
			start := time.Now()
			o := s.run(ctx)
			o.source = s.name
			if o.url == "" {
				o.url = s.url
			}
			if o.status == StatusError && o.err == nil {
				o.err = ctx.Err()
			}
			o.elapsedMS = time.Since(start).Milliseconds()
			outcomes[i] = o
			r.finish(o)
		}(i, s)
	}
	wg.Wait()
	return r.result(outcomes)
}

func (r *runner) sources() []source {
	list := []source{}
	if r.opts.OverrideDir != "-" && r.opts.OverrideDir != "" {
		list = append(list, source{SourceOverride, r.overridePath(), r.override})
	}
	list = append(list,
		source{SourceBuiltin, "builtin:" + r.domain, r.builtin},
		source{SourceAutoconfig, r.autoconfigURLs("https")[0], func(ctx context.Context) outcome { return r.autoconfig(ctx, "https") }},
		source{SourceISPDB, r.opts.ISPDBURL + r.domain, r.ispdb},
		source{SourceSRV, "dns:" + r.domain + "?type=SRV", r.srv},
		source{SourceMX, "dns:" + r.domain + "?type=MX", r.mx},
		source{SourceAutodiscover, autodiscoverURLs(r.domain)[0], r.autodiscover},
	)
	if !r.opts.NoHTTP {
		list = append(list, source{SourceAutoconfigHTTP, r.autoconfigURLs("http")[0], func(ctx context.Context) outcome { return r.autoconfig(ctx, "http") }})
	}
	list = append(list, source{SourceGuess, "dns:" + r.domain + "?type=A", r.guess})
	return list
}

// emit sends an event, one at a time, so a front end sees a consistent
// sequence.
func (r *runner) emit(e event.Event) {
	r.emitMu.Lock()
	defer r.emitMu.Unlock()
	r.sink.Emit(e)
}

// finish reports a source's outcome and the candidates it adds.
func (r *runner) finish(o outcome) {
	r.emitMu.Lock()
	defer r.emitMu.Unlock()
	provider := ""
	if o.provider != nil {
		provider = providerName(o.provider)
	}
	r.sink.Emit(SourceFinished{
		Source: o.source, URL: o.url, Trust: o.trust, Status: o.status, Err: o.err,
		Candidates: len(o.proposals), Provider: provider,
	})
	for _, p := range o.proposals {
		c, isNew := r.live.add(o.source, p)
		r.sink.Emit(CandidateFound{Candidate: c, Update: !isNew})
	}
}

func (r *runner) result(outcomes []outcome) *Result {
	res := &Result{
		Address:       r.email,
		Domain:        r.domain,
		DomainUnicode: r.addr.DomainUnicode,
		Sources:       make([]SourceReport, 0, len(outcomes)),
		Candidates:    rankCandidates(outcomes),
	}
	best := len(Sources) + 1
	for _, o := range outcomes {
		rep := SourceReport{
			Name: o.source, URL: o.url, Trust: o.trust, Trusted: o.trust.Trusted(),
			Status: o.status, Candidates: len(o.proposals), ElapsedMS: o.elapsedMS,
		}
		if o.err != nil {
			rep.Error = o.err.Error()
			rep.ErrorCode = ErrorCode(o.err)
		}
		if o.provider != nil {
			rep.Provider = providerName(o.provider)
			if o.status == StatusFound && o.source.Rank() < best {
				best = o.source.Rank()
				p := *o.provider
				if !o.trust.Trusted() {
					// Anyone on the path could have written these.
					p.Notes = markNotes(p.Notes, false)
					p.Documentation = nil
				}
				res.Provider = &p
			}
		}
		res.Sources = append(res.Sources, rep)
	}
	return res
}

func providerName(p *mail.Provider) string {
	switch {
	case p.DisplayName != "":
		return p.DisplayName
	case p.ShortName != "":
		return p.ShortName
	}
	return p.ID
}

// inDomain reports whether host is domain or a name below it.
func inDomain(host, domain string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	return host == domain || strings.HasSuffix(host, "."+domain)
}
