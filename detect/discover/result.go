package discover

import (
	"sort"
	"strings"

	"github.com/postino-mail/postino/detect/mail"
)

// Result is what a discovery run found. Its JSON form is the document
// `postino detect --json` prints (docs/json.md); `postino check --json`
// extends it.
type Result struct {
	// Address is the address as sent to servers (local@ASCII-domain).
	Address string `json:"address"`
	// Domain is the ASCII (A-label) domain every source asked about.
	Domain string `json:"domain"`
	// DomainUnicode is the domain as people write it.
	DomainUnicode string `json:"domain_unicode,omitempty"`
	// Sources has one report per source that ran, in rank order.
	Sources []SourceReport `json:"sources"`
	// Candidates are the merged endpoints, best-ranked source first.
	// Username is a template as published (%EMAILADDRESS%, ...); see
	// Login for the expanded form.
	Candidates []mail.Candidate `json:"candidates"`
	// Provider is the configuration of the best-ranked source that
	// recognised a provider (display name, notes, documentation).
	Provider *mail.Provider `json:"provider,omitempty"`
}

// SourceReport is one source's outcome.
type SourceReport struct {
	Name    SourceName `json:"name"`
	URL     string     `json:"url"`
	Trusted bool       `json:"trusted"`
	Trust   Trust      `json:"trust"`
	Status  Status     `json:"status"`
	// Error is the technical reason (English, for logs and scripts); it
	// may be set with status not-found to say why nothing was there.
	Error string `json:"error"`
	// ErrorCode classifies Error (see docs/json.md); front ends
	// translate it.
	ErrorCode  string `json:"error_code,omitempty"`
	Candidates int    `json:"candidates"`
	Provider   string `json:"provider,omitempty"`
	ElapsedMS  int64  `json:"elapsed_ms"`
}

// HasIncoming reports whether some candidate reads mail (IMAP or POP3).
func (r *Result) HasIncoming() bool {
	for _, c := range r.Candidates {
		if c.Protocol.Incoming() {
			return true
		}
	}
	return false
}

// HasOutgoing reports whether some candidate sends mail (SMTP).
func (r *Result) HasOutgoing() bool {
	for _, c := range r.Candidates {
		if c.Protocol == mail.SMTP {
			return true
		}
	}
	return false
}

// Login expands a candidate's username template for this address.
func (r *Result) Login(c mail.Candidate) string {
	local, domain := r.Address, r.Domain
	if i := strings.LastIndexByte(r.Address, '@'); i >= 0 {
		local = r.Address[:i]
	}
	return mail.ExpandUsername(c.Username, local, domain)
}

// proposal is one server a source proposes.
type proposal struct {
	server     mail.Server
	trusted    bool
	providerID string
	notes      []mail.Note
}

// outcome is what one source returns.
type outcome struct {
	source    SourceName
	url       string
	trust     Trust
	status    Status
	err       error
	provider  *mail.Provider
	proposals []proposal
	elapsedMS int64
}

// merger de-duplicates proposals by mail.Server.Key, remembering the
// order in which keys first appeared.
type merger struct {
	byKey map[string]*mail.Candidate
	order []string
}

func newMerger() *merger { return &merger{byKey: map[string]*mail.Candidate{}} }

// add merges one proposal from src and returns the merged candidate and
// whether it is new. A better-ranked source's username and auth win over
// a worse one's, whatever the arrival order.
func (m *merger) add(src SourceName, p proposal) (mail.Candidate, bool) {
	key := p.server.Key()
	rank := src.Rank()
	c, ok := m.byKey[key]
	if !ok {
		c = &mail.Candidate{
			Server:     p.server,
			Sources:    []string{string(src)},
			Trusted:    p.trusted,
			Rank:       rank,
			ProviderID: p.providerID,
			Notes:      append([]mail.Note(nil), p.notes...),
		}
		m.byKey[key] = c
		m.order = append(m.order, key)
		return cloneCandidate(*c), true
	}
	if !containsString(c.Sources, string(src)) {
		c.Sources = append(c.Sources, string(src))
		sort.SliceStable(c.Sources, func(i, j int) bool {
			return SourceName(c.Sources[i]).Rank() < SourceName(c.Sources[j]).Rank()
		})
	}
	c.Trusted = c.Trusted || p.trusted
	if rank < c.Rank {
		c.Rank = rank
		if p.server.Username != "" {
			c.Username = p.server.Username
		}
		if len(p.server.Auth) > 0 {
			c.Auth = p.server.Auth
		}
		if p.providerID != "" {
			c.ProviderID = p.providerID
		}
	} else {
		if c.Username == "" {
			c.Username = p.server.Username
		}
		if len(c.Auth) == 0 {
			c.Auth = p.server.Auth
		}
		if c.ProviderID == "" {
			c.ProviderID = p.providerID
		}
	}
	for _, n := range p.notes {
		if !hasNote(c.Notes, n.Code) {
			c.Notes = append(c.Notes, n)
		}
	}
	return cloneCandidate(*c), false
}

// candidates returns the merged list in first-appearance order.
func (m *merger) candidates() []mail.Candidate {
	out := make([]mail.Candidate, 0, len(m.order))
	for _, k := range m.order {
		out = append(out, cloneCandidate(*m.byKey[k]))
	}
	return out
}

// rankCandidates merges outcomes in rank order, so the final order is
// decided by source rank and, within a source, by the source's own
// order, never by which answer arrived first.
func rankCandidates(outcomes []outcome) []mail.Candidate {
	sorted := append([]outcome(nil), outcomes...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].source.Rank() < sorted[j].source.Rank() })
	m := newMerger()
	for _, o := range sorted {
		for _, p := range o.proposals {
			m.add(o.source, p)
		}
	}
	return m.candidates()
}

// cloneCandidate copies a merged candidate for the outside world. A
// source that published no user name means the whole address (what
// mail.ExpandUsername does with ""), so the copy says so explicitly:
// every candidate then carries a username, as docs/json.md promises.
// The merge state keeps "", so a worse source that does name a login can
// still fill it in.
func cloneCandidate(c mail.Candidate) mail.Candidate {
	if c.Username == "" {
		c.Username = mail.PlaceholderAddress
	}
	c.Sources = append([]string(nil), c.Sources...)
	c.Auth = append([]mail.Auth(nil), c.Auth...)
	c.Notes = append([]mail.Note(nil), c.Notes...)
	return c
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hasNote(notes []mail.Note, code string) bool {
	for _, n := range notes {
		if n.Code == code {
			return true
		}
	}
	return false
}

// markNotes returns notes as a source of this trust gives them: an
// untrusted source's notes are marked so (anyone on the path could have
// written them, links included).
func markNotes(notes []mail.Note, trusted bool) []mail.Note {
	if trusted || len(notes) == 0 {
		return notes
	}
	out := append([]mail.Note(nil), notes...)
	for i := range out {
		out[i].Untrusted = true
	}
	return out
}

// proposalsFrom turns a provider's servers into proposals.
func proposalsFrom(p *mail.Provider, trusted bool) []proposal {
	if p == nil {
		return nil
	}
	var out []proposal
	for _, list := range [][]mail.Server{p.Incoming, p.Outgoing} {
		for _, s := range list {
			if !s.Protocol.Valid() || s.Host == "" || s.Port <= 0 || s.Port > 65535 {
				continue
			}
			s.Host = strings.ToLower(strings.TrimSuffix(s.Host, "."))
			out = append(out, proposal{server: s, trusted: trusted, providerID: p.ID, notes: markNotes(p.Notes, trusted)})
		}
	}
	return out
}
