package health

import (
	"context"
	"strconv"
	"strings"

	"github.com/postino-mail/postino/detect/health/dmarc"
	"github.com/postino-mail/postino/detect/network"
)

// checkDMARC finds the DMARC policy at _dmarc.DOMAIN or, failing that, at
// the organisational domain (RFC 7489 §6.6.3), and explains it.
func checkDMARC(ctx context.Context, nw *network.Network, domain, org string) Check {
	b := newBuilder(NameDMARC)
	where := domain
	recs, err := dmarcRecords(ctx, nw, domain)
	if err == nil && len(recs) == 0 && org != domain {
		where = org
		recs, err = dmarcRecords(ctx, nw, org)
	}
	if err != nil {
		b.lookupFailed("_dmarc."+where+" TXT", err)
		return b.check()
	}
	if !b.single(recs, "dmarc", domain) {
		return b.check()
	}
	rec, err := dmarc.Parse(recs[0])
	if err != nil {
		b.add(Problem, "dmarc-invalid", map[string]any{"Error": err.Error()})
		return b.check()
	}
	fallback := where != domain
	if fallback {
		b.detail("health.dmarc.detail.fallback", map[string]any{"Org": org, "Domain": domain})
	}
	policy := rec.EffectivePolicy(fallback)
	b.detail("health.dmarc.detail.policy", map[string]any{"Policy": policy, "Meaning": msg("health.dmarc.policy."+policy, nil)})
	if rec.SubdomainPolicy != "" {
		b.detail("health.dmarc.detail.sp", map[string]any{"Policy": rec.SubdomainPolicy})
	}
	b.detail("health.dmarc.detail.pct", map[string]any{"Pct": rec.Pct})
	b.detail("health.dmarc.detail.alignment", map[string]any{
		"ADKIM": msg("health.dmarc.alignment."+rec.ADKIM, nil),
		"ASPF":  msg("health.dmarc.alignment."+rec.ASPF, nil),
	})
	if len(rec.RUA) > 0 {
		b.detail("health.dmarc.detail.rua", map[string]any{"URIs": strings.Join(rec.RUA, ", ")})
	}
	if len(rec.RUF) > 0 {
		b.detail("health.dmarc.detail.ruf", map[string]any{"URIs": strings.Join(rec.RUF, ", ")})
	}

	data := map[string]any{"Policy": policy, "Pct": rec.Pct, "Domain": domain}
	switch {
	case rec.PolicyMissing:
		b.add(Warning, "dmarc-p-missing", data)
	case policy == "none":
		b.add(Warning, "dmarc-p-none", data)
	case rec.Pct < 100:
		b.add(Warning, "dmarc-pct", data)
	}
	if len(rec.RUA) == 0 {
		b.add(Warning, "dmarc-no-rua", data)
	}
	for _, bad := range rec.Invalid {
		b.add(Warning, "dmarc-tag-invalid", map[string]any{"Tag": bad.Name, "Value": strconv.Quote(bad.Value), "Default": bad.Default})
	}
	for _, u := range append(append([]string{}, rec.RUA...), rec.RUF...) {
		if !dmarc.IsMailto(u) {
			b.add(Warning, "dmarc-rua-not-mailto", map[string]any{"URI": u})
		}
	}
	checkReportAuthorization(ctx, nw, b, where, append(append([]string{}, rec.RUA...), rec.RUF...))
	b.add(OK, "dmarc-ok", data)
	return b.check()
}

// dmarcRecords returns the DMARC records at _dmarc.domain.
func dmarcRecords(ctx context.Context, nw *network.Network, domain string) ([]string, error) {
	return txtRecords(ctx, nw, "_dmarc."+domain, dmarc.IsRecord)
}

// maxReportTargets bounds the consent lookups one record can cause: real
// records name one to three report services, and a hostile one must not
// turn a health check into hundreds of DNS queries.
const maxReportTargets = 10

// checkReportAuthorization checks that every report address outside the
// domain's organisation has agreed to receive its reports: RFC 7489 §7.1
// wants a "v=DMARC1" TXT record at DOMAIN._report._dmarc.RECEIVER, and
// receivers send no reports to a destination without it.
func checkReportAuthorization(ctx context.Context, nw *network.Network, b *builder, domain string, uris []string) {
	var targets []string
	seen := map[string]bool{}
	for _, u := range uris {
		target, ok := dmarc.MailtoDomain(u)
		if !ok || seen[target] || orgDomain(target) == orgDomain(domain) {
			continue
		}
		seen[target] = true
		if len(targets) < maxReportTargets {
			targets = append(targets, target)
		}
	}
	agreed := make([]bool, len(targets))
	failed := make([]bool, len(targets))
	forEach(len(targets), func(i int) {
		consent, err := txtRecords(ctx, nw, domain+"._report._dmarc."+targets[i], dmarc.IsRecord)
		// A failing lookup proves nothing either way.
		agreed[i], failed[i] = len(consent) > 0, err != nil
	})
	for i, target := range targets {
		if !agreed[i] && !failed[i] {
			b.add(Warning, "dmarc-rua-unauthorized", map[string]any{"Target": target, "Name": domain + "._report._dmarc." + target})
		}
	}
}
