// Package providers is Postino's built-in table of mail providers: the
// published settings of the providers most people use, Italian ones as
// much as international ones, written by us from the providers' own help
// pages and the public Thunderbird ISPDB (facts only: host, port,
// security, user-name form, sign-in notes, documentation, date checked).
//
// Lookup finds an entry by the domain of an address; LookupByMX by the
// host of a domain's MX record, which is how companies hosting their
// mail at Google Workspace, Microsoft 365, IONOS, Aruba or Fastmail are
// recognised.
package providers

import (
	"strings"

	"github.com/postino-mail/postino/detect/mail"
)

// Entry is one provider.
type Entry struct {
	mail.Provider
	// MXDomains are the domains of MX hosts that identify this provider:
	// an MX host equal to one of them, or inside one of them, matches
	// (google.com matches aspmx.l.google.com).
	MXDomains []string `json:"mx_domains,omitempty"`
	// LastVerified is the date (YYYY-MM-DD) the facts were last checked
	// against the provider's own documentation or the ISPDB.
	LastVerified string `json:"last_verified"`
}

var (
	byDomain = map[string]int{}
	byMX     = map[string]int{}
)

func init() {
	for i, e := range table {
		for _, d := range e.Domains {
			byDomain[d] = i
		}
		for _, m := range e.MXDomains {
			byMX[m] = i
		}
	}
}

// Lookup returns the entry whose Domains include domain (an ASCII domain,
// any case, with or without a trailing dot). The entry is a copy.
func Lookup(domain string) (*Entry, bool) {
	i, ok := byDomain[normalize(domain)]
	if !ok {
		return nil, false
	}
	e := table[i].clone()
	return &e, true
}

// LookupByMX returns the entry one of whose MXDomains equals host or is
// a parent of it. When several match, the most specific wins (an MX in
// mail.protection.outlook.com is Microsoft 365, not Outlook.com).
func LookupByMX(host string) (*Entry, bool) {
	h := normalize(host)
	for h != "" {
		if i, ok := byMX[h]; ok {
			e := table[i].clone()
			return &e, true
		}
		dot := strings.IndexByte(h, '.')
		if dot < 0 {
			break
		}
		h = h[dot+1:]
	}
	return nil, false
}

// All returns a copy of every entry, in table order.
func All() []Entry {
	out := make([]Entry, len(table))
	for i, e := range table {
		out[i] = e.clone()
	}
	return out
}

func normalize(s string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
}

// clone copies every slice so callers cannot change the table.
func (e Entry) clone() Entry {
	c := e
	c.Domains = append([]string(nil), e.Domains...)
	c.MXDomains = append([]string(nil), e.MXDomains...)
	c.Documentation = append([]string(nil), e.Documentation...)
	c.Notes = append([]mail.Note(nil), e.Notes...)
	c.Incoming = cloneServers(e.Incoming)
	c.Outgoing = cloneServers(e.Outgoing)
	return c
}

func cloneServers(list []mail.Server) []mail.Server {
	if list == nil {
		return nil
	}
	out := make([]mail.Server, len(list))
	for i, s := range list {
		s.Auth = append([]mail.Auth(nil), s.Auth...)
		out[i] = s
	}
	return out
}
