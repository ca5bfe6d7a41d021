package health

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/postino-mail/postino/detect/health/dkim"
	"github.com/postino-mail/postino/detect/input"
	"github.com/postino-mail/postino/detect/network"
)

// CommonSelectors are DKIM selectors that big providers and mail
// software use by default. DKIM has no way to list a domain's selectors
// (RFC 6376 §3.1: the signer picks any name), so guessing is all a
// checker can do.
var CommonSelectors = []string{
	"default", "google", "selector1", "selector2", "dkim", "mail",
	"k1", "k2", "k3", "s1", "s2", "smtp", "mx", "key1", "key2",
	"dkim1", "sig1", "s1024", "s2048", "zoho", "protonmail",
	"fm1", "fm2", "fm3", "mailjet", "mandrill", "everlytic", "20230601",
}

// MaxUserSelectors caps the selectors a person may add.
const MaxUserSelectors = input.MaxDKIMSelectors

type dkimResult struct {
	selector string
	records  []string
	key      *dkim.Key
	err      error // parse error
	dnsErr   error // lookup error other than not found
}

// checkDKIM looks up SELECTOR._domainkey.DOMAIN for the given and the
// common selectors, at most maxParallel at a time, and judges each key:
// RSA shorter than 1024 bits is refused by verifiers (RFC 8301 §3.2), an
// empty p= is a revoked key (RFC 6376 §3.6.1).
func checkDKIM(ctx context.Context, nw *network.Network, domain string, given []string) Check {
	b := newBuilder(NameDKIM)
	selectors, userGiven := selectorList(given)
	results := lookupSelectors(ctx, nw, domain, selectors)

	failed := 0
	var firstErr error
	for _, r := range results {
		if r.dnsErr != nil {
			failed++
			if firstErr == nil || errors.Is(firstErr, context.Canceled) {
				firstErr = r.dnsErr
			}
		}
	}
	if failed == len(selectors) {
		// One sentence says it; a line per selector would repeat the same
		// error dozens of times.
		b.lookupFailed("_domainkey."+domain+" TXT", firstErr)
		return b.check()
	}
	found, valid := 0, 0
	var revoked []string
	for _, r := range results {
		data := map[string]any{"Selector": r.selector}
		switch {
		case r.dnsErr != nil:
			data["Error"] = r.dnsErr.Error()
			b.detail("health.dkim.detail.failed", data)
			continue
		case len(r.records) == 0:
			if userGiven[r.selector] {
				b.add(Warning, "dkim-selector-missing", data)
			}
			continue
		}
		found++
		for _, rec := range r.records {
			b.record(r.selector + "._domainkey." + domain + ": " + rec)
		}
		switch {
		case r.err != nil:
			data["Error"] = r.err.Error()
			b.add(Problem, "dkim-invalid", data)
		case r.key.Revoked:
			revoked = append(revoked, r.selector)
			b.detail("health.dkim.detail.revoked", data)
		default:
			data["Type"], data["Bits"] = r.key.Type, r.key.Bits
			b.detail("health.dkim.detail.key", data)
			if r.key.Type == "rsa" && r.key.Bits < dkim.MinRSABits {
				b.add(Problem, "dkim-weak-key", data)
				continue
			}
			if r.key.Testing {
				b.add(Warning, "dkim-testing", data)
			}
			valid++
		}
	}
	switch {
	case found == 0:
		b.add(NotFound, "dkim-none", map[string]any{"Count": len(selectors), "Domain": domain})
	case valid == 0 && len(revoked) == found:
		// Only when every key found is revoked: a weak or broken key next
		// to a revoked one is already a problem of its own.
		b.add(Warning, "dkim-only-revoked", map[string]any{"Selectors": strings.Join(revoked, ", ")})
	case valid > 0:
		b.add(OK, "dkim-ok", map[string]any{"Count": valid})
	}
	return b.check()
}

// lookupSelectors looks up every selector, at most maxParallel at a
// time. When the first maxParallel lookups have all failed and none has
// had an answer, the DNS server is not answering this domain at all: the
// rest are called off, so that a dead server costs one timeout instead of
// one per wave of selectors.
func lookupSelectors(ctx context.Context, nw *network.Network, domain string, selectors []string) []dkimResult {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]dkimResult, len(selectors))
	var mu sync.Mutex
	failed, answered := 0, false
	forEach(len(selectors), func(i int) {
		r := lookupDKIM(ctx, nw, selectors[i], domain)
		results[i] = r
		mu.Lock()
		defer mu.Unlock()
		if r.dnsErr == nil {
			answered = true
		} else if failed++; failed >= maxParallel && !answered {
			cancel()
		}
	})
	return results
}

// selectorList puts the person's selectors first, then the common ones,
// without duplicates.
func selectorList(given []string) ([]string, map[string]bool) {
	user := map[string]bool{}
	var out []string
	seen := map[string]bool{}
	for _, s := range given {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "" || seen[s] || len(user) >= MaxUserSelectors {
			continue
		}
		seen[s], user[s] = true, true
		out = append(out, s)
	}
	for _, s := range CommonSelectors {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out, user
}

func lookupDKIM(ctx context.Context, nw *network.Network, selector, domain string) dkimResult {
	r := dkimResult{selector: selector}
	txts, err := nw.LookupTXT(ctx, selector+"._domainkey."+domain)
	if notFound(err) {
		return r
	}
	if err != nil {
		r.dnsErr = err
		return r
	}
	for _, t := range txts {
		if dkim.IsRecord(t) {
			r.records = append(r.records, t)
		}
	}
	if len(r.records) > 0 {
		// With several records at one name verifiers may pick any
		// (RFC 6376 §3.6.2.2); judge the first, show them all.
		r.key, r.err = dkim.Parse(r.records[0])
	}
	return r
}
