package health

import (
	"context"
	"strings"

	"github.com/postino-mail/postino/detect/health/tlsrpt"
	"github.com/postino-mail/postino/detect/network"
)

// checkTLSRPT reads the _smtp._tls TXT record (RFC 8460 §3).
func checkTLSRPT(ctx context.Context, nw *network.Network, domain string) Check {
	b := newBuilder(NameTLSRPT)
	name := "_smtp._tls." + domain
	txts, err := nw.LookupTXT(ctx, name)
	if err != nil && !notFound(err) {
		b.lookupFailed(name+" TXT", err)
		return b.check()
	}
	var recs []string
	for _, t := range txts {
		if tlsrpt.IsRecord(t) {
			recs = append(recs, t)
		}
	}
	b.record(recs...)
	switch len(recs) {
	case 0:
		b.add(NotFound, "tlsrpt-none", map[string]any{"Domain": domain})
		return b.check()
	case 1:
	default:
		// RFC 8460 §3: unless exactly one record remains, senders assume
		// the domain does not want reports.
		b.add(Problem, "tlsrpt-multiple", map[string]any{"Count": len(recs)})
		return b.check()
	}
	rec, err := tlsrpt.Parse(recs[0])
	if err != nil {
		b.add(Problem, "tlsrpt-invalid", map[string]any{"Error": err.Error()})
		return b.check()
	}
	b.add(OK, "tlsrpt-ok", map[string]any{"URIs": strings.Join(rec.RUA, ", ")})
	return b.check()
}
