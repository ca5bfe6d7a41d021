package cli

import (
	"fmt"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/recommend"
	"github.com/postino-mail/postino/export"
)

// settingsFromReport turns a check report's recommendation into what the
// export package writes. ok is false when the report has no working
// incoming and outgoing pair to export.
func settingsFromReport(rep *detect.Report, displayName string) (s export.Settings, ok bool) {
	rec := rep.Recommended
	if rec.Incoming == nil || rec.Outgoing == nil {
		return export.Settings{}, false
	}
	s = export.Settings{
		Address:     rep.Address,
		DisplayName: displayName,
		Domain:      rep.Domain,
		Incoming:    withAuth(rep, rec.Incoming.Server),
		Outgoing:    withAuth(rep, rec.Outgoing.Server),
	}
	if rep.Provider != nil {
		s.ProviderName = rep.Provider.DisplayName
	}
	for _, alt := range rec.Alternatives {
		if !exportable(alt, rec) {
			continue
		}
		srv := withAuth(rep, alt.Server)
		if srv.Protocol.Incoming() {
			s.AlternativesIn = append(s.AlternativesIn, srv)
		} else {
			s.AlternativesOut = append(s.AlternativesOut, srv)
		}
	}
	s.Notes = reportNotes(rep, s.Incoming, s.Outgoing)
	return s, true
}

// exportable reports whether an alternative belongs in the exported
// files. The recommendation lists every endpoint that answered, including
// one whose certificate failed verification (shown with a warning); an
// export must not tell a mail client or a person to use it while a
// verified server exists for the same direction, since the client would
// warn or refuse. When the chosen server itself did not verify (a
// self-signed server of one's own), alternatives in the same state stay.
func exportable(alt recommend.Choice, rec recommend.Recommendation) bool {
	chosen := rec.Outgoing
	if alt.Protocol.Incoming() {
		chosen = rec.Incoming
	}
	return alt.Verified || !chosen.Verified
}

// withAuth fills in the authentication methods of srv when the probe
// endpoint does not carry them: first what the provider published for
// the same endpoint (it knows best, e.g. OAuth2 only), then what the
// server announced when probed.
func withAuth(rep *detect.Report, srv config.Server) config.Server {
	if len(srv.Auth) > 0 {
		return srv
	}
	key := srv.Key()
	for _, c := range rep.Candidates {
		if c.Key() == key && len(c.Auth) > 0 {
			srv.Auth = c.Auth
			return srv
		}
	}
	for _, p := range rep.Probes {
		ep := config.Server{Protocol: p.Protocol, Host: p.Host, Port: p.Port, Security: p.Security}
		if ep.Key() == key {
			srv.Auth = authFromMechanisms(p.AuthMechanisms)
			break
		}
	}
	return srv
}

// authFromMechanisms maps SASL mechanism names (RFC 4422; POP3's USER
// command counts as a plain password) to autoconfig methods, the plain
// password first because every client supports it.
func authFromMechanisms(mechs []string) []config.Auth {
	has := map[config.Auth]bool{}
	for _, m := range mechs {
		switch m = strings.ToUpper(m); {
		case m == "PLAIN" || m == "LOGIN" || m == "USER":
			has[config.AuthPasswordCleartext] = true
		case m == "CRAM-MD5" || m == "DIGEST-MD5" || strings.HasPrefix(m, "SCRAM-"):
			has[config.AuthPasswordEncrypted] = true
		case m == "XOAUTH2" || m == "OAUTHBEARER":
			has[config.AuthOAuth2] = true
		case m == "NTLM":
			has[config.AuthNTLM] = true
		case m == "GSSAPI":
			has[config.AuthGSSAPI] = true
		}
	}
	var out []config.Auth
	for _, a := range []config.Auth{config.AuthPasswordCleartext, config.AuthPasswordEncrypted, config.AuthOAuth2, config.AuthNTLM, config.AuthGSSAPI} {
		if has[a] {
			out = append(out, a)
		}
	}
	return out
}

// reportNotes gathers the provider's notes and those attached to the
// chosen endpoints' candidates, once per code.
func reportNotes(rep *detect.Report, chosen ...config.Server) []config.Note {
	var notes []config.Note
	seen := map[string]bool{}
	add := func(ns []config.Note) {
		for _, n := range ns {
			if n.Code != "" && !seen[n.Code] {
				seen[n.Code] = true
				notes = append(notes, n)
			}
		}
	}
	if rep.Provider != nil {
		add(rep.Provider.Notes)
	}
	for _, c := range rep.Candidates {
		for _, srv := range chosen {
			if c.Key() == srv.Key() {
				add(c.Notes)
			}
		}
	}
	return notes
}

// nothingToExport explains exit code 1: which direction has no working
// server, the login refusals behind it (the usual cause when a password
// was given: the server answered but said no), and where to see every
// test.
func nothingToExport(rep *detect.Report) string {
	why := "export.cli.err.no_servers"
	switch {
	case len(rep.Probes) == 0:
		why = "export.cli.err.no_candidates"
	case rep.Recommended.Incoming != nil:
		why = "export.cli.err.no_outgoing"
	case rep.Recommended.Outgoing != nil:
		why = "export.cli.err.no_incoming"
	}
	var b strings.Builder
	b.WriteString(i18n.T("export.cli.err.nothing", map[string]any{"Address": rep.Address, "Why": i18n.T(why)}))
	seen := map[string]bool{}
	for _, p := range rep.Probes {
		if p.Login != probe.LoginFailed {
			continue
		}
		for _, pr := range p.Problems {
			if seen[pr.Code+pr.Explanation] {
				continue
			}
			seen[pr.Code+pr.Explanation] = true
			fmt.Fprintf(&b, "\n  %s %s: %s", protoName(p.Protocol), p.Endpoint.Address(), printable(pr.Explanation))
			if pr.Remedy != "" {
				fmt.Fprintf(&b, "\n    → %s", printable(pr.Remedy))
			}
		}
	}
	b.WriteString("\n" + i18n.T("export.cli.err.see_check", map[string]any{"Address": rep.Address}))
	return b.String()
}

// unverifiedWarnings are said when the exported choice is a server whose
// certificate did not verify (the only one that answered, for example a
// self-signed server of one's own): every mail program set up from the
// file will warn about it, so the person exporting should know first.
func unverifiedWarnings(rep *detect.Report) []string {
	var out []string
	for _, c := range []*recommend.Choice{rep.Recommended.Incoming, rep.Recommended.Outgoing} {
		if c != nil && !c.Verified {
			out = append(out, i18n.T("export.cli.warn.unverified", map[string]any{
				"Server": fmt.Sprintf("%s %s", protoName(c.Protocol), c.Address()),
			}))
		}
	}
	return out
}
