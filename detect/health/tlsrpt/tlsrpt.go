// Package tlsrpt parses SMTP TLS Reporting records (RFC 8460 §3), the TXT
// records at _smtp._tls.DOMAIN.
package tlsrpt

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/postino-mail/postino/detect/health/internal/tags"
)

// Record is a parsed TLS-RPT record.
type Record struct {
	// RUA lists where reports go: mailto: or https: URIs.
	RUA []string
}

// IsRecord reports whether a TXT record starts with v=TLSRPTv1.
func IsRecord(txt string) bool { return tags.HasVersion(txt, "TLSRPTv1") }

// Parse parses a record; rua= is required (RFC 8460 §3).
func Parse(txt string) (*Record, error) {
	if !IsRecord(txt) {
		return nil, fmt.Errorf("not a TLS-RPT record (must start with \"v=TLSRPTv1\")")
	}
	l, err := tags.Parse(txt)
	if err != nil {
		return nil, err
	}
	rua, ok := l.Get("rua")
	if !ok || strings.TrimSpace(rua) == "" {
		return nil, fmt.Errorf("no rua= tag (where to send reports)")
	}
	r := &Record{}
	for _, u := range tags.SplitURIs(rua) {
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "mailto" && pu.Scheme != "https") || (pu.Opaque == "" && pu.Host == "") {
			return nil, fmt.Errorf("report address %q must be a mailto: or https: URI", u)
		}
		r.RUA = append(r.RUA, u)
	}
	return r, nil
}
