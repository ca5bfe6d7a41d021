// Package mtasts parses MTA-STS records and policies (RFC 8461): the TXT
// record at _mta-sts.DOMAIN and the policy file served at
// https://mta-sts.DOMAIN/.well-known/mta-sts.txt.
package mtasts

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/postino-mail/postino/detect/health/internal/digits"
	"github.com/postino-mail/postino/detect/health/internal/tags"
)

// MaxPolicySize caps the policy file: RFC 8461 §3.3 lets senders limit
// it, and a real policy is a few hundred bytes.
const MaxPolicySize = 64 << 10

// MaxAge is the largest max_age allowed (RFC 8461 §3.2: about one year).
const MaxAge = 31557600

// PolicyPath is where the policy lives on the mta-sts host.
const PolicyPath = "/.well-known/mta-sts.txt"

// ErrNoID means the TXT record has no id= tag, without which senders
// ignore the record (RFC 8461 §3.1).
var ErrNoID = errors.New("no id= tag")

// ErrBadID means the id= tag is not 1 to 32 letters and digits.
var ErrBadID = errors.New("must be 1 to 32 letters and digits")

// PolicyError is a policy file senders reject. Field names what is wrong:
// "version", "mode", "max_age", "mx", "repeated" (a key other than mx
// given twice; Value is the key) or "" (a line that is not "key: value";
// Value is the line).
type PolicyError struct {
	Field string
	// Value is the value found ("" when the field is missing).
	Value  string
	Reason string
}

func (e *PolicyError) Error() string { return e.Reason }

func policyErr(field, value, format string, args ...any) *PolicyError {
	return &PolicyError{Field: field, Value: value, Reason: fmt.Sprintf(format, args...)}
}

// Record is the _mta-sts TXT record.
type Record struct {
	// ID changes whenever the policy changes (1 to 32 letters/digits).
	ID string
}

// IsRecord reports whether a TXT record starts with v=STSv1.
func IsRecord(txt string) bool { return tags.HasVersion(txt, "STSv1") }

// ParseRecord parses the TXT record (RFC 8461 §3.1).
func ParseRecord(txt string) (*Record, error) {
	if !IsRecord(txt) {
		return nil, fmt.Errorf("not an MTA-STS record (must start with \"v=STSv1\")")
	}
	l, err := tags.Parse(txt)
	if err != nil {
		return nil, err
	}
	id, ok := l.Get("id")
	if !ok {
		return nil, ErrNoID
	}
	if len(id) < 1 || len(id) > 32 || !alnum(id) {
		return nil, fmt.Errorf("id=%s: %w", id, ErrBadID)
	}
	return &Record{ID: id}, nil
}

func alnum(s string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// Policy is a parsed policy file (RFC 8461 §3.2).
type Policy struct {
	Version string
	// Mode is enforce, testing or none.
	Mode string
	// MX lists the allowed MX host patterns; "*.example.com" matches one
	// extra leftmost label.
	MX []string
	// MaxAge is how long senders cache the policy, in seconds.
	MaxAge int
}

// ParsePolicy parses a policy body: "key: value" lines separated by CRLF
// (LF accepted, as senders do in practice). Errors are *PolicyError.
func ParsePolicy(body []byte) (*Policy, error) {
	p := &Policy{MaxAge: -1}
	seen := map[string]bool{}
	maxAge := ""
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 4096), MaxPolicySize)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, policyErr("", line, "line %q is not \"key: value\"", line)
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if key != "mx" && seen[key] {
			// RFC 8461 §3.2: only mx may repeat; for other keys the first
			// wins, but a repeat is a sign of a broken file.
			return nil, policyErr("repeated", key, "%s appears more than once", key)
		}
		seen[key] = true
		switch key {
		case "version":
			p.Version = value
		case "mode":
			p.Mode = value
		case "mx":
			p.MX = append(p.MX, strings.ToLower(strings.TrimSuffix(value, ".")))
		case "max_age":
			maxAge = value
		}
	}
	if err := sc.Err(); err != nil {
		return nil, policyErr("", "", "%v", err)
	}
	if p.Version != "STSv1" {
		return nil, policyErr("version", p.Version, "version must be STSv1, got %q", p.Version)
	}
	if p.Mode != "enforce" && p.Mode != "testing" && p.Mode != "none" {
		return nil, policyErr("mode", p.Mode, "mode must be enforce, testing or none, got %q", p.Mode)
	}
	n, ok := parseMaxAge(maxAge)
	if !ok {
		return nil, policyErr("max_age", maxAge, "max_age %q must be a number of seconds from 0 to %d", maxAge, MaxAge)
	}
	p.MaxAge = n
	if len(p.MX) == 0 && p.Mode != "none" {
		return nil, policyErr("mx", "", "no mx lines: at least one is required unless mode is none")
	}
	return p, nil
}

// parseMaxAge reads max_age: 1 to 10 decimal digits (no sign), at most
// MaxAge (RFC 8461 §3.2).
func parseMaxAge(s string) (int, bool) {
	n, ok := digits.Parse(s)
	return n, ok && n <= MaxAge
}

// Matches reports whether an MX host name is allowed by the policy
// (RFC 8461 §4.1: a "*." pattern matches exactly one extra label).
func (p *Policy) Matches(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, pat := range p.MX {
		if rest, ok := strings.CutPrefix(pat, "*."); ok {
			label, parent, found := strings.Cut(host, ".")
			if found && label != "" && parent == rest {
				return true
			}
			continue
		}
		if host == pat {
			return true
		}
	}
	return false
}
