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
	recs, err := txtRecords(ctx, nw, name, tlsrpt.IsRecord)
	if err != nil {
		b.lookupFailed(name+" TXT", err)
		return b.check()
	}
	if !b.single(recs, "tlsrpt", domain) {
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
