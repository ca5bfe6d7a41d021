package detect

import (
	"strings"

	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/recommend"
)

// WithRetried returns a copy of the report in which the probe of res's
// endpoint is replaced by res (an endpoint probed again on its own, for
// example with the login allowed despite its certificate) and the
// recommendation is chosen again from the new set of results, by the same
// rules as Check. A retry that was refused must not leave the endpoint
// recommended as it was before.
func (r *Report) WithRetried(res probe.Result) *Report {
	out := *r
	out.Probes = append([]ProbeReport(nil), r.Probes...)
	replaced := false
	for i := range out.Probes {
		if out.Probes[i].ID == res.ID {
			out.Probes[i] = newProbeReport(res)
			if len(r.Probes[i].Sources) > len(res.Sources) {
				out.Probes[i].Sources = r.Probes[i].Sources
				out.Probes[i].Result.Sources = r.Probes[i].Sources
			}
			replaced = true
		}
	}
	if !replaced {
		out.Probes = append(out.Probes, newProbeReport(res))
	}
	out.Recommended = recommend.Choose(out.Results(), r.expandedCandidates())
	return &out
}

// expandedCandidates are the report's candidates with the login names
// the probes used (or the address's, expanded from the template).
func (r *Report) expandedCandidates() []mail.Candidate {
	local, domain, _ := strings.Cut(r.Address, "@")
	if r.Domain != "" {
		domain = r.Domain
	}
	used := map[string]string{}
	for _, p := range r.Probes {
		if p.Endpoint.Username != "" {
			used[p.Endpoint.Key()] = p.Endpoint.Username
		}
	}
	out := make([]mail.Candidate, len(r.Candidates))
	for i, c := range r.Candidates {
		if u, ok := used[c.Server.Key()]; ok {
			c.Username = u
		} else {
			c.Username = mail.ExpandUsername(c.Username, local, domain)
		}
		c.Host = strings.TrimSuffix(strings.TrimSpace(c.Host), ".")
		out[i] = c
	}
	return out
}
