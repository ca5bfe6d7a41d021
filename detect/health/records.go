package health

import (
	"context"

	"github.com/postino-mail/postino/detect/network"
)

// txtRecords returns the TXT records at name that is accepts (the ones
// starting with the right "v=" tag); a name that does not exist simply
// has none.
func txtRecords(ctx context.Context, nw *network.Network, name string, is func(string) bool) ([]string, error) {
	txts, err := nw.LookupTXT(ctx, name)
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range txts {
		if is(t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// single records recs and reports whether there is exactly one. With
// none it adds the NotFound finding PREFIX-none; with several the Problem
// PREFIX-multiple, because DMARC (RFC 7489 §6.6.3), MTA-STS (RFC 8461
// §3.1) and TLS-RPT (RFC 8460 §3) all tell receivers to act as if there
// were no record at all.
func (b *builder) single(recs []string, prefix, domain string) bool {
	b.record(recs...)
	switch len(recs) {
	case 0:
		b.add(NotFound, prefix+"-none", map[string]any{"Domain": domain})
		return false
	case 1:
		return true
	}
	b.add(Problem, prefix+"-multiple", map[string]any{"Count": len(recs)})
	return false
}
