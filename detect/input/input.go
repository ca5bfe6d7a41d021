// Package input holds the rules for the settings a person types that are
// not an address: the DNS server to ask, the base URL of the Thunderbird
// ISPDB and the DKIM selectors of a health check. Both front ends (the
// window's fields, the command line's flags and environment variables)
// check what they are given with these functions, so a value the window
// accepts the command line accepts too, and the other way round.
//
// Each function returns the value in its normal form, or an *Error whose
// Code says which rule failed; the front end chooses the words.
package input

import (
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/address"
)

// Error codes, stable; each names the translation key "input.err.CODE".
const (
	CodeDNSServer    = "dns-server"
	CodeISPDBURL     = "ispdb-url"
	CodeDKIMSelector = "dkim-selector"
	CodeDKIMTooMany  = "dkim-too-many"
)

// Codes lists every error code (the tests check each has a message).
var Codes = []string{CodeDNSServer, CodeISPDBURL, CodeDKIMSelector, CodeDKIMTooMany}

// MaxDKIMSelectors caps the DKIM selectors a person may add to the common
// ones: each is one DNS query, and a provider has a handful at most.
const MaxDKIMSelectors = 20

// Error is a value that breaks one of the rules.
type Error struct {
	Code  string
	Value string // what was given (for dkim-too-many: how many)
}

// Data is the template data of the message.
func (e *Error) Data() map[string]any {
	return map[string]any{"Value": e.Value, "Max": MaxDKIMSelectors}
}

// In says what is wrong and how to write it, in l's language.
func (e *Error) In(l i18n.Localizer) string { return l.T("input.err."+e.Code, e.Data()) }

// Error says it in English, for logs; front ends show In (or
// i18n.ErrorText) in the person's language.
func (e *Error) Error() string { return e.In(i18n.For("en")) }

// DefaultDNSPort is the port of a DNS server written without one.
const DefaultDNSPort = "53"

// DNSServer checks a DNS server written as HOST or HOST:PORT, where HOST
// is an IP address (an IPv6 one in brackets when a port follows) or a
// host name, and returns it as HOST:PORT (port 53 when omitted). An empty
// value is not an error: it returns "" (ask the system's resolvers).
func DNSServer(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	bad := &Error{Code: CodeDNSServer, Value: s}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		// No port: a bare host, an IPv6 address, or a bracketed one.
		host, port = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"), DefaultDNSPort
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return "", bad
	}
	if ip := net.ParseIP(host); ip != nil {
		return net.JoinHostPort(ip.String(), port), nil
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if !address.IsServerHost(host) {
		return "", bad
	}
	return net.JoinHostPort(host, port), nil
}

// ISPDBURL checks the base URL of a Thunderbird ISPDB: an https:// (or
// http://, which discovery then marks untrusted) address with a host. An
// empty value returns "" (the public ISPDB).
func ISPDBURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return "", &Error{Code: CodeISPDBURL, Value: s}
	}
	return s, nil
}

// selectorPattern is a DKIM selector (RFC 6376 §3.1: sub-domain labels).
var selectorPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?)*$`)

// DKIMSelectors reads DKIM selectors from one or more values, each
// holding names separated by commas, semicolons or spaces (a repeated
// flag, a text field), and returns them in order, lower-cased and without
// repeats. A name that is not a selector, or more than MaxDKIMSelectors
// different ones, is an error: none is dropped silently.
func DKIMSelectors(values ...string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, v := range values {
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' }) {
			if len(f) > address.MaxLabel || !selectorPattern.MatchString(f) {
				return nil, &Error{Code: CodeDKIMSelector, Value: f}
			}
			f = strings.ToLower(f)
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	if len(out) > MaxDKIMSelectors {
		return nil, &Error{Code: CodeDKIMTooMany, Value: strconv.Itoa(len(out))}
	}
	return out, nil
}
