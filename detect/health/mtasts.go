package health

import (
	"context"
	"errors"
	"mime"
	"strconv"
	"strings"

	"github.com/postino-mail/postino/detect/health/mtasts"
	"github.com/postino-mail/postino/detect/network"
)

// shortMaxAge is the max_age below which a policy protects little:
// RFC 8461 §3.2 suggests weeks, so senders keep it between visits.
const shortMaxAge = 86400

// checkMTASTS reads the _mta-sts TXT record, fetches the policy over
// HTTPS (RFC 8461 §3.3: verified certificate, no redirects) and checks
// that it covers every MX host (§4.1).
func checkMTASTS(ctx context.Context, nw *network.Network, domain string) Check {
	b := newBuilder(NameMTASTS)
	if !mtastsRecord(ctx, nw, b, domain) {
		return b.check()
	}
	url := "https://mta-sts." + domain + mtasts.PolicyPath
	res := fetchPolicy(ctx, nw, b, url)
	if res == nil {
		return b.check()
	}
	policy := readPolicy(b, url, res, domain)
	if policy == nil {
		return b.check()
	}
	judgePolicy(ctx, nw, b, domain, policy)
	return b.check()
}

// mtastsRecord checks the _mta-sts TXT record; false means there is no
// usable one and the check ends there.
func mtastsRecord(ctx context.Context, nw *network.Network, b *builder, domain string) bool {
	recs, err := txtRecords(ctx, nw, "_mta-sts."+domain, mtasts.IsRecord)
	if err != nil {
		b.lookupFailed("_mta-sts."+domain+" TXT", err)
		return false
	}
	if !b.single(recs, "mtasts", domain) {
		return false
	}
	rec, err := mtasts.ParseRecord(recs[0])
	if err != nil {
		// Receivers ignore a record without a valid id (RFC 8461 §3.1).
		var why any = err.Error()
		switch {
		case errors.Is(err, mtasts.ErrNoID):
			why = msg("health.mtasts.why.no-id", nil)
		case errors.Is(err, mtasts.ErrBadID):
			why = msg("health.mtasts.why.bad-id", nil)
		}
		b.add(Problem, "mtasts-invalid-record", map[string]any{"Error": why, "Domain": domain})
		return false
	}
	b.detail("health.mta-sts.detail.id", map[string]any{"ID": rec.ID})
	return true
}

// fetchPolicy gets the policy file the way senders do: HTTPS with a
// verified certificate and no redirects. nil means it could not be used.
func fetchPolicy(ctx context.Context, nw *network.Network, b *builder, url string) *network.HTTPResult {
	res, err := nw.Get(ctx, url, mtasts.MaxPolicySize)
	var status *network.HTTPStatusError
	switch {
	case errors.As(err, &status):
		b.add(Problem, "mtasts-policy-http", map[string]any{"URL": url, "Status": status.Status})
		return nil
	case err != nil:
		b.add(Problem, "mtasts-policy-fetch", map[string]any{"URL": url, "Error": err.Error()})
		return nil
	case len(res.Redirects) > 0:
		b.add(Problem, "mtasts-redirect", map[string]any{"URL": url, "To": res.URL})
		return nil
	}
	return res
}

// readPolicy records the policy file as published and parses it; nil
// means senders would reject it.
func readPolicy(b *builder, url string, res *network.HTTPResult, domain string) *mtasts.Policy {
	for _, line := range strings.Split(strings.TrimSpace(string(res.Body)), "\n") {
		b.record(strings.TrimRight(line, "\r"))
	}
	if !isTextPlain(res.ContentType) {
		// Senders that check the type discard the policy (RFC 8461
		// §3.2); the rest of the file is still worth checking.
		typ := res.ContentType
		if typ == "" {
			typ = "(none)"
		}
		b.add(Problem, "mtasts-content-type", map[string]any{"URL": url, "Type": typ, "Domain": domain})
	}
	policy, err := mtasts.ParsePolicy(res.Body)
	if err != nil {
		// Senders reject the whole file for any of these (RFC 8461 §3.2),
		// as postfix-mta-sts-resolver does for a bad mode or max_age.
		var why any = err.Error()
		var perr *mtasts.PolicyError
		if errors.As(err, &perr) {
			field := perr.Field
			if field == "" {
				field = "line"
			}
			why = msg("health.mtasts.why."+field, map[string]any{"Value": strconv.Quote(perr.Value)})
		}
		b.add(Problem, "mtasts-policy-invalid", map[string]any{"URL": url, "Error": why})
		return nil
	}
	b.detail("health.mta-sts.detail.policy", map[string]any{
		"Mode": policy.Mode, "MaxAge": policy.MaxAge, "MX": strings.Join(policy.MX, ", "),
	})
	return policy
}

// judgePolicy weighs a valid policy: its mode, whether it covers every
// MX host, and how long senders keep it.
func judgePolicy(ctx context.Context, nw *network.Network, b *builder, domain string, policy *mtasts.Policy) {
	data := map[string]any{"Mode": policy.Mode, "MaxAge": policy.MaxAge, "Domain": domain}
	switch policy.Mode {
	case "testing":
		b.add(Warning, "mtasts-testing", data)
	case "none":
		b.add(Warning, "mtasts-mode-none", data)
	}
	if policy.Mode != "none" {
		checkCoverage(ctx, nw, b, domain, policy)
	}
	if policy.MaxAge < shortMaxAge && policy.Mode != "none" {
		b.add(Warning, "mtasts-short-max-age", data)
	}
	b.add(OK, "mtasts-ok", data)
}

// checkCoverage reports MX hosts the policy does not allow: senders that
// enforce the policy refuse to deliver to them (RFC 8461 §4.1).
func checkCoverage(ctx context.Context, nw *network.Network, b *builder, domain string, p *mtasts.Policy) {
	mxs, err := nw.LookupMX(ctx, domain)
	if err != nil {
		// The MX check reports this in its own words.
		return
	}
	var uncovered []string
	for _, mx := range mxs {
		if mx.Host != "" && !p.Matches(mx.Host) {
			uncovered = append(uncovered, mx.Host)
		}
	}
	if len(uncovered) == 0 {
		return
	}
	v := Problem
	if p.Mode == "testing" {
		v = Warning
	}
	named := 0
	for _, mx := range mxs {
		if mx.Host != "" {
			named++
		}
	}
	b.add(v, "mtasts-mx-uncovered", map[string]any{"Hosts": strings.Join(uncovered, ", "), "Mode": p.Mode, "All": len(uncovered) == named})
}

// isTextPlain reports whether a Content-Type header is text/plain, with
// or without parameters (charset), in any letter case.
func isTextPlain(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == "text/plain"
}
