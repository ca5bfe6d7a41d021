package health

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/postino-mail/postino/detect/health/spf"
	"github.com/postino-mail/postino/detect/network"
)

// RFC 7208 §4.6.4 limits: at most 10 mechanisms and modifiers that cause
// DNS lookups, and at most 2 of those lookups may come back empty.
const (
	spfLookupLimit = 10
	spfVoidLimit   = 2
	// spfMXLimit is the most MX records an mx mechanism may find
	// (§4.6.4).
	spfMXLimit = 10
	// spfMaxQueries bounds our own work on a hostile chain of includes,
	// whatever the record says.
	spfMaxQueries = 40
)

// spfWalker follows include and redirect through DNS, counting lookups
// the way a receiver evaluating the record would.
type spfWalker struct {
	ctx     context.Context
	nw      *network.Network
	b       *builder
	lookups int
	voids   int
	queries int
	// path holds the domains being evaluated, outermost first: a target
	// already on it is a loop. (A domain included twice side by side is
	// not a loop, just two more lookups.)
	path map[string]bool
	ptr  bool
	// partial is set when an include or redirect was not followed (past
	// the limit, or a macro that needs the sender to expand): the lookups
	// counted are then a lower bound.
	partial bool
	// redirectLost is set when a redirect could not be evaluated (not
	// followed, or its target missing or broken): the final "all" is then
	// unknown rather than missing, and the reason is reported already.
	redirectLost bool
}

// checkSPF finds the domain's SPF record and judges it (RFC 7208).
func checkSPF(ctx context.Context, nw *network.Network, domain string) Check {
	b := newBuilder(NameSPF)
	raw, err := fetchSPF(ctx, nw, domain)
	switch {
	case notFound(err):
		b.add(NotFound, "spf-none", map[string]any{"Domain": domain})
		return b.check()
	case err != nil:
		var m *multipleError
		if errors.As(err, &m) {
			b.record(m.records...)
			b.add(Problem, "spf-multiple", map[string]any{"Count": len(m.records)})
		} else {
			b.lookupFailed(domain+" TXT", err)
		}
		return b.check()
	}
	b.record(raw)
	rec, err := spf.Parse(raw)
	if err != nil {
		addSyntaxError(b, err)
		return b.check()
	}
	b.detail("health.spf.detail.terms", map[string]any{"Terms": spfTerms(rec)})
	w := &spfWalker{ctx: ctx, nw: nw, b: b, path: map[string]bool{canonical(domain): true}}
	all, found := w.walk(domain, rec, 0)

	if w.lookups > spfLookupLimit {
		b.add(Problem, "spf-too-many-lookups", map[string]any{"Count": w.lookups, "Limit": spfLookupLimit, "AtLeast": w.partial})
	}
	if w.voids > spfVoidLimit {
		b.add(Problem, "spf-void-lookups", map[string]any{"Count": w.voids, "Limit": spfVoidLimit})
	}
	if w.ptr {
		b.add(Warning, "spf-ptr", nil)
	}
	switch {
	case !found && !w.redirectLost:
		b.add(Warning, "spf-no-all", nil)
	case all.Qualifier == spf.Pass:
		b.add(Problem, "spf-plus-all", nil)
	case all.Qualifier == spf.Neutral:
		b.add(Warning, "spf-neutral-all", nil)
	}
	if rec.Redirect != "" {
		if _, has := rec.All(); has {
			// RFC 7208 §6.1: redirect is ignored when the record has "all".
			b.add(Warning, "spf-redirect-ignored", map[string]any{"Domain": rec.Redirect})
		}
	}
	allText := "-"
	if found {
		// With its qualifier always written: a bare "all" is "+all".
		allText = string(all.Qualifier) + all.Name
	}
	// The same count as the summary, so the two never disagree.
	b.detail("health.spf.detail.lookups", map[string]any{"Count": w.lookups, "Limit": spfLookupLimit, "AtLeast": w.partial})
	b.detail("health.spf.detail.all", map[string]any{"All": allText})
	b.add(OK, "spf-ok", map[string]any{"All": allText, "Count": w.lookups})
	return b.check()
}

// addSyntaxError reports a permerror in the domain's own record under
// the code of its condition ("spf-bad-domain", "spf-bad-macro"...), so
// scripts can tell them apart and the person reads what to change.
func addSyntaxError(b *builder, err error) {
	se := asSyntaxError(err)
	b.add(Problem, "spf-"+se.Code, map[string]any{"Term": showTerm(se.Term), "Error": syntaxReason(se)})
}

// asSyntaxError is err's syntax error, or "not an SPF record" for any
// other parse failure.
func asSyntaxError(err error) *spf.SyntaxError {
	var se *spf.SyntaxError
	if !errors.As(err, &se) {
		se = &spf.SyntaxError{Code: spf.CodeNotSPF}
	}
	return se
}

// syntaxReason is a one-line translated reason for a syntax error, used
// where the error is not the check's main finding (a broken include).
func syntaxReason(se *spf.SyntaxError) Text {
	return msg("health.spf.why."+se.Code, map[string]any{"Term": showTerm(se.Term)})
}

// showTerm quotes a term for people: the bytes that make it wrong (a
// tab, a non-ASCII letter) are exactly the ones that must stay visible.
func showTerm(term string) string { return strconv.QuoteToASCII(term) }

// spfTerms lists the record's mechanisms in evaluation order, each with
// what its qualifier makes of a matching server (RFC 7208 §4.6.2), and
// its redirect last.
func spfTerms(rec *spf.Record) []Text {
	var out []Text
	for _, m := range rec.Mechanisms {
		out = append(out, msg("health.spf.term", map[string]any{
			"Term": m.String(), "Result": msg("health.spf.qualifier."+qualifierName(m.Qualifier), nil),
		}))
	}
	if rec.Redirect != "" {
		out = append(out, msg("health.spf.term.redirect", map[string]any{"Domain": rec.Redirect}))
	}
	return out
}

func qualifierName(q spf.Qualifier) string {
	switch q {
	case spf.Fail:
		return "fail"
	case spf.SoftFail:
		return "softfail"
	case spf.Neutral:
		return "neutral"
	}
	return "pass"
}

// multipleError means more than one SPF record was published, which is a
// permerror (RFC 7208 §4.5).
type multipleError struct{ records []string }

func (e *multipleError) Error() string {
	return fmt.Sprintf("%d SPF records published, there must be one", len(e.records))
}

// fetchSPF returns the single SPF record of domain, ErrNotFound when there
// is none, or *multipleError.
func fetchSPF(ctx context.Context, nw *network.Network, domain string) (string, error) {
	txts, err := nw.LookupTXT(ctx, domain)
	if err != nil {
		return "", err
	}
	var recs []string
	for _, t := range txts {
		if spf.IsSPF(t) {
			recs = append(recs, t)
		}
	}
	switch len(recs) {
	case 0:
		return "", network.ErrNotFound
	case 1:
		return recs[0], nil
	}
	return "", &multipleError{records: recs}
}

// walk evaluates rec (published at domain) and returns the "all"
// mechanism that decides the result for mail matching nothing: the
// record's own, or the one reached through redirect=.
func (w *spfWalker) walk(domain string, rec *spf.Record, depth int) (spf.Mechanism, bool) {
	for _, m := range rec.Mechanisms {
		if m.Name == "all" {
			// "all" matches every sender: receivers never get past it,
			// so what follows costs no lookup and cannot fail.
			return m, true
		}
		if !m.CountsLookup() {
			continue
		}
		w.lookups++
		if depth == 0 && m.Name == "ptr" {
			w.ptr = true
		}
		target := m.Domain
		if target == "" {
			target = domain
		}
		// Over the limit a receiver stops with permerror; so do we, and
		// macros need the sender's IP to expand, so they cannot be
		// followed here.
		if w.lookups > spfLookupLimit || spf.HasMacro(target) || w.queries >= spfMaxQueries {
			if m.Name == "include" {
				w.partial = true
			}
			continue
		}
		if !spf.ValidDNSName(target) {
			// RFC 7208 leaves the result open: some receivers skip the
			// term, others reject the whole record. No query is sent:
			// the name cannot be put in one.
			w.b.add(Warning, "spf-domain-unusable", map[string]any{"Term": m.String()})
			continue
		}
		switch m.Name {
		case "include":
			if inc := w.fetch(m.String(), target); inc != nil {
				w.enter(target, inc, depth)
			}
		case "a", "exists":
			w.queries++
			if _, err := w.nw.LookupHost(w.ctx, target); notFound(err) {
				w.voids++
			}
		case "mx":
			w.queries++
			mxs, err := w.nw.LookupMX(w.ctx, target)
			if notFound(err) {
				w.voids++
			}
			if len(mxs) > spfMXLimit {
				// RFC 7208 §4.6.4: more than 10 MX records make the mx
				// mechanism a permerror, not merely slow.
				w.b.add(Problem, "spf-mx-too-many", map[string]any{"Term": m.String(), "Domain": target, "Count": len(mxs), "Limit": spfMXLimit})
			}
		}
	}
	if all, ok := rec.All(); ok || rec.Redirect == "" {
		return all, ok
	}
	w.lookups++
	if w.lookups > spfLookupLimit || spf.HasMacro(rec.Redirect) || w.queries >= spfMaxQueries {
		w.partial, w.redirectLost = true, true
		return spf.Mechanism{}, false
	}
	target := rec.Redirect
	if !spf.ValidDNSName(target) {
		w.b.add(Warning, "spf-domain-unusable", map[string]any{"Term": "redirect=" + target})
		w.redirectLost = true
		return spf.Mechanism{}, false
	}
	next := w.fetch("redirect="+target, target)
	if next == nil {
		w.redirectLost = true
		return spf.Mechanism{}, false
	}
	return w.enter(target, next, depth)
}

// enter walks the record of an include or redirect target with the
// target on the path.
func (w *spfWalker) enter(target string, rec *spf.Record, depth int) (spf.Mechanism, bool) {
	key := canonical(target)
	w.path[key] = true
	defer delete(w.path, key)
	return w.walk(target, rec, depth+1)
}

func canonical(domain string) string { return strings.ToLower(strings.TrimSuffix(domain, ".")) }

// fetch gets and parses the record an include or redirect points at.
// Problems found on the way become findings: RFC 7208 §5.2 and §6.1 make
// a missing or broken target a permerror for the whole record.
func (w *spfWalker) fetch(term, target string) *spf.Record {
	if w.path[canonical(target)] {
		w.b.add(Problem, "spf-loop", map[string]any{"Domain": target})
		return nil
	}
	w.queries++
	raw, err := fetchSPF(w.ctx, w.nw, target)
	if notFound(err) {
		w.voids++
		w.b.add(Problem, "spf-target-missing", map[string]any{"Term": term, "Domain": target})
		return nil
	}
	if err != nil {
		var m *multipleError
		if errors.As(err, &m) {
			w.b.add(Problem, "spf-target-broken", map[string]any{"Term": term, "Error": msg("health.spf.why.multiple", map[string]any{"Count": len(m.records)})})
		} else {
			w.b.lookupFailed(target+" TXT", err)
		}
		return nil
	}
	w.b.detail("health.spf.detail.followed", map[string]any{"Term": term, "Record": raw})
	rec, err := spf.Parse(raw)
	if err != nil {
		se := asSyntaxError(err)
		w.b.add(Problem, "spf-target-broken", map[string]any{"Term": term, "Error": syntaxReason(se)})
		return nil
	}
	return rec
}
