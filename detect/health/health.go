// Package health checks whether a mail domain is set up so that other
// providers accept and deliver its mail: MX (RFC 5321 §5.1, RFC 7505),
// SPF (RFC 7208), DKIM (RFC 6376), DMARC (RFC 7489), MTA-STS (RFC 8461)
// and TLS-RPT (RFC 8460). Every check ends in a verdict with a plain-words
// explanation and remedy, in English and Italian. The record parsers live
// in sub-packages named after the standards; this package does the DNS
// and HTTPS work through *network.Network and judges the results.
package health

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/network"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// Verdict is the outcome of one check.
type Verdict string

const (
	OK       Verdict = "ok"
	Warning  Verdict = "warning"
	Problem  Verdict = "problem"
	NotFound Verdict = "not-found"
)

// severity orders verdicts from best to worst.
func (v Verdict) severity() int {
	switch v {
	case NotFound:
		return 1
	case Warning:
		return 2
	case Problem:
		return 3
	}
	return 0
}

// Check names, in the order a report lists them.
const (
	NameMX     = "mx"
	NameSPF    = "spf"
	NameDKIM   = "dkim"
	NameDMARC  = "dmarc"
	NameMTASTS = "mta-sts"
	NameTLSRPT = "tls-rpt"
)

// Names lists every check in report order.
var Names = []string{NameMX, NameSPF, NameDKIM, NameDMARC, NameMTASTS, NameTLSRPT}

// Check is the result of one check. The GUI and the CLI render it
// generically: a verdict, three sentences and a list of details.
type Check struct {
	Name    string  `json:"name"`
	Verdict Verdict `json:"verdict"`
	// Code is a stable, public reason ("spf-plus-all", "dmarc-p-none").
	Code        string `json:"code"`
	Summary     Text   `json:"summary"`
	Explanation Text   `json:"explanation"`
	Remedy      Text   `json:"remedy"`
	// Details are parsed values and any further findings, one per line.
	Details []Text `json:"details,omitempty"`
	// Records are the DNS records (or policy lines) the check read,
	// verbatim.
	Records   []string `json:"records,omitempty"`
	ElapsedMS int64    `json:"elapsed_ms"`
}

// Report is the result of Run.
type Report struct {
	Domain string `json:"domain"`
	// DomainUnicode is the domain as people write it, when that differs
	// from the ASCII form (an internationalised domain, RFC 5891).
	DomainUnicode string `json:"domain_unicode,omitempty"`
	// OrgDomain is the organisational domain (public suffix + 1 label),
	// where DMARC falls back to.
	OrgDomain string  `json:"organizational_domain"`
	Checks    []Check `json:"checks"`
	ElapsedMS int64   `json:"elapsed_ms"`
}

// Worst returns the worst verdict of the report.
func (r *Report) Worst() Verdict {
	worst := OK
	for _, c := range r.Checks {
		if c.Verdict.severity() > worst.severity() {
			worst = c.Verdict
		}
	}
	return worst
}

// HasProblem reports whether any check ended in Problem.
func (r *Report) HasProblem() bool { return r.Worst() == Problem }

// Options tune Run.
type Options struct {
	// DKIMSelectors are tried before the common ones (at most
	// MaxUserSelectors are used).
	DKIMSelectors []string
	// Timeout bounds the whole run (default DefaultTimeout).
	Timeout time.Duration
}

// DefaultTimeout bounds a whole health run.
const DefaultTimeout = 30 * time.Second

// Started is emitted once, before any check runs.
type Started struct {
	Domain string
	Checks []string
}

// EventKind implements event.Event.
func (Started) EventKind() string { return "health-started" }

// CheckDone is emitted as soon as one check has finished.
type CheckDone struct {
	Domain string
	Check  Check
}

// EventKind implements event.Event.
func (CheckDone) EventKind() string { return "health-check" }

// Finished is emitted once with the complete report.
type Finished struct{ Report *Report }

// EventKind implements event.Event.
func (Finished) EventKind() string { return "health-finished" }

// Run checks domain (already normalised, see Domain) and returns the
// report with the checks in Names order. The checks run in parallel;
// each emits CheckDone on sink when it finishes, from its own goroutine,
// so sink must be safe for concurrent use. Run returns when every check
// has finished; none of its goroutines outlives it.
func Run(ctx context.Context, nw *network.Network, domain string, opts Options, sink event.Sink) *Report {
	start := time.Now()
	domain = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	r := &Report{Domain: domain, OrgDomain: orgDomain(domain)}
	if u, err := idna.Display.ToUnicode(domain); err == nil && u != domain {
		r.DomainUnicode = u
	}
	sink.Emit(Started{Domain: domain, Checks: append([]string(nil), Names...)})
	runs := []func(context.Context) Check{
		func(ctx context.Context) Check { return checkMX(ctx, nw, domain) },
		func(ctx context.Context) Check { return checkSPF(ctx, nw, domain) },
		func(ctx context.Context) Check { return checkDKIM(ctx, nw, domain, opts.DKIMSelectors) },
		func(ctx context.Context) Check { return checkDMARC(ctx, nw, domain, r.OrgDomain) },
		func(ctx context.Context) Check { return checkMTASTS(ctx, nw, domain) },
		func(ctx context.Context) Check { return checkTLSRPT(ctx, nw, domain) },
	}
	r.Checks = make([]Check, len(runs))
	var wg sync.WaitGroup
	for i, run := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.Now()
			c := run(ctx)
			c.ElapsedMS = time.Since(t).Milliseconds()
			r.Checks[i] = c
			sink.Emit(CheckDone{Domain: domain, Check: c})
		}()
	}
	wg.Wait()
	r.ElapsedMS = time.Since(start).Milliseconds()
	sink.Emit(Finished{Report: r})
	return r
}

// orgDomain returns the organisational domain (RFC 7489 §3.2) from the
// public suffix list, or domain itself when it cannot be computed.
func orgDomain(domain string) string {
	org, err := publicsuffix.EffectiveTLDPlusOne(domain)
	if err != nil {
		return domain
	}
	return org
}

// Title is the check's name for people ("SPF: allowed senders"), in l's
// language.
func Title(l i18n.Localizer, name string) string { return l.T("health.check." + name) }

// Label is the verdict for people ("Warning", "Attenzione"), in l's
// language.
func (v Verdict) Label(l i18n.Localizer) string { return l.T("health.verdict." + string(v)) }

// In returns a copy of the report with every text in words in l's
// language: what a front end writes as JSON (postino health --json).
func (r *Report) In(l i18n.Localizer) *Report {
	c := *r
	c.Checks = make([]Check, len(r.Checks))
	for i, ch := range r.Checks {
		ch.Summary, ch.Explanation, ch.Remedy = ch.Summary.Rendered(l), ch.Explanation.Rendered(l), ch.Remedy.Rendered(l)
		if ch.Details != nil {
			ds := make([]Text, len(ch.Details))
			for j, d := range ch.Details {
				ds[j] = d.Rendered(l)
			}
			ch.Details = ds
		}
		c.Checks[i] = ch
	}
	return &c
}
