// Package dmarc parses DMARC policy records (RFC 7489 §6.3), the TXT
// records at _dmarc.DOMAIN.
package dmarc

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/postino-mail/postino/detect/health/internal/tags"
)

// Record is a parsed DMARC record with RFC 7489 defaults applied.
type Record struct {
	// Policy is p= (none, quarantine, reject).
	Policy string
	// SubdomainPolicy is sp=; "" means subdomains follow Policy.
	SubdomainPolicy string
	// Pct is the percentage of failing mail the policy applies to
	// (default 100, RFC 7489 §6.3).
	Pct int
	RUA []string
	RUF []string
	// ADKIM and ASPF are the alignment modes: "r" relaxed (default) or
	// "s" strict.
	ADKIM, ASPF string
	// PolicyMissing is true when p= was absent or invalid but rua= was
	// given, which RFC 7489 §6.6.3 step 6 says to treat as p=none.
	PolicyMissing bool
}

// IsRecord reports whether a TXT record is a DMARC record (first tag
// v=DMARC1, RFC 7489 §6.6.3 step 2).
func IsRecord(txt string) bool { return tags.HasVersion(txt, "DMARC1") }

func validPolicy(p string) bool { return p == "none" || p == "quarantine" || p == "reject" }

// Parse parses a record.
func Parse(txt string) (*Record, error) {
	if !IsRecord(txt) {
		return nil, fmt.Errorf("not a DMARC record (must start with \"v=DMARC1\")")
	}
	l, err := tags.Parse(txt)
	if err != nil {
		return nil, err
	}
	r := &Record{Pct: 100, ADKIM: "r", ASPF: "r"}
	for _, t := range l {
		v := strings.ToLower(t.Value)
		switch t.Name {
		case "p":
			r.Policy = v
		case "sp":
			if !validPolicy(v) {
				return nil, fmt.Errorf("sp=%s: must be none, quarantine or reject", t.Value)
			}
			r.SubdomainPolicy = v
		case "pct":
			n, err := strconv.Atoi(t.Value)
			if err != nil || n < 0 || n > 100 {
				return nil, fmt.Errorf("pct=%s: must be a number from 0 to 100", t.Value)
			}
			r.Pct = n
		case "rua":
			r.RUA = tags.SplitURIs(t.Value)
		case "ruf":
			r.RUF = tags.SplitURIs(t.Value)
		case "adkim", "aspf":
			if v != "r" && v != "s" {
				return nil, fmt.Errorf("%s=%s: must be r or s", t.Name, t.Value)
			}
			if t.Name == "adkim" {
				r.ADKIM = v
			} else {
				r.ASPF = v
			}
		}
	}
	if !validPolicy(r.Policy) {
		if len(r.RUA) == 0 {
			if r.Policy == "" {
				return nil, fmt.Errorf("no p= tag (policy)")
			}
			return nil, fmt.Errorf("p=%s: must be none, quarantine or reject", r.Policy)
		}
		r.Policy, r.PolicyMissing = "none", true
	}
	return r, nil
}

// IsMailto reports whether a report URI is a mailto: URI. RFC 7489 §6.2
// makes mailto the only scheme receivers must support; any other URI
// keeps the record valid, but most receivers send nothing there.
func IsMailto(uri string) bool { return strings.HasPrefix(strings.ToLower(uri), "mailto:") }

// MailtoDomain returns the domain of a mailto: report URI, without the
// size limit that may follow it ("mailto:d@example.com!10m", §6.2), and
// false for other URIs or one without a domain.
func MailtoDomain(uri string) (string, bool) {
	if !IsMailto(uri) {
		return "", false
	}
	addr, _, _ := strings.Cut(uri[len("mailto:"):], "!")
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || at == len(addr)-1 {
		return "", false
	}
	return strings.ToLower(strings.TrimSuffix(addr[at+1:], ".")), true
}

// EffectivePolicy returns the policy for the queried domain: sp= applies
// when the record was found at the organisational domain of a subdomain
// (RFC 7489 §6.3).
func (r *Record) EffectivePolicy(subdomain bool) string {
	if subdomain && r.SubdomainPolicy != "" {
		return r.SubdomainPolicy
	}
	return r.Policy
}
