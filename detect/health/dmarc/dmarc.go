// Package dmarc parses DMARC policy records (RFC 7489 §6.3), the TXT
// records at _dmarc.DOMAIN.
package dmarc

import (
	"fmt"
	"slices"
	"strings"

	"github.com/postino-mail/postino/detect/health/internal/digits"
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
	// Invalid lists tags whose value is not valid (pct, adkim, aspf, fo,
	// rf, ri). RFC 7489 §6.6.3 tells receivers to ignore such a tag and
	// use its default, which Record holds; stricter receivers discard
	// the whole record.
	Invalid []InvalidTag
}

// InvalidTag is a tag with a value receivers cannot use.
type InvalidTag struct {
	Name, Value string
	// Default is the value receivers use instead.
	Default string
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
			if n, ok := digits.Parse(t.Value); ok && n <= 100 {
				r.Pct = n
			} else {
				r.Invalid = append(r.Invalid, InvalidTag{t.Name, t.Value, "100"})
			}
		case "rua":
			r.RUA = tags.SplitURIs(t.Value)
		case "ruf":
			r.RUF = tags.SplitURIs(t.Value)
		case "adkim", "aspf":
			if v != "r" && v != "s" {
				r.Invalid = append(r.Invalid, InvalidTag{t.Name, t.Value, "r"})
				continue
			}
			if t.Name == "adkim" {
				r.ADKIM = v
			} else {
				r.ASPF = v
			}
		case "fo":
			// Colon-separated 0, 1, d, s (§6.3).
			if !allOf(v, ":", "0", "1", "d", "s") {
				r.Invalid = append(r.Invalid, InvalidTag{t.Name, t.Value, "0"})
			}
		case "rf":
			// Colon-separated report formats; afrf is the only one
			// registered (§6.3, §11).
			if !allOf(v, ":", "afrf") {
				r.Invalid = append(r.Invalid, InvalidTag{t.Name, t.Value, "afrf"})
			}
		case "ri":
			// Seconds between aggregate reports, a 32-bit unsigned number.
			if n, ok := digits.Parse(t.Value); !ok || n > 1<<32-1 {
				r.Invalid = append(r.Invalid, InvalidTag{t.Name, t.Value, "86400"})
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

// allOf reports whether s is a non-empty sep-separated list of allowed
// values (surrounding spaces ignored).
func allOf(s, sep string, allowed ...string) bool {
	for _, part := range strings.Split(s, sep) {
		if !slices.Contains(allowed, strings.TrimSpace(part)) {
			return false
		}
	}
	return true
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
