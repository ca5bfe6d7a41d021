package detect

import (
	"errors"
	"strings"

	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/recommend"
	"github.com/postino-mail/postino/export"
)

// ErrNothingToExport is returned by ExportSettings when the report has no
// working incoming and outgoing pair.
var ErrNothingToExport = errors.New("detect: no working incoming and outgoing servers to export")

// ExportSettings turns the report's recommendation into what the export
// package writes, the one way every front end (CLI and window) does it:
// the chosen servers and the alternatives a mail client may be told
// about (see exportable), each with its authentication methods filled in
// (see withAuth), and the notes of the provider and of the chosen
// servers only. displayName is the person's name for the From line
// (optional).
func (r *Report) ExportSettings(displayName string) (export.Settings, error) {
	rec := r.Recommended
	if rec.Incoming == nil || rec.Outgoing == nil {
		return export.Settings{}, ErrNothingToExport
	}
	s := export.Settings{
		Address:     r.Address,
		DisplayName: displayName,
		Domain:      r.Domain,
		Incoming:    r.withAuth(rec.Incoming.Server),
		Outgoing:    r.withAuth(rec.Outgoing.Server),
	}
	if r.Provider != nil {
		s.ProviderName = r.Provider.DisplayName
	}
	for _, alt := range rec.Alternatives {
		if !exportable(alt, rec) {
			continue
		}
		srv := r.withAuth(alt.Server)
		if srv.Protocol.Incoming() {
			s.AlternativesIn = append(s.AlternativesIn, srv)
		} else {
			s.AlternativesOut = append(s.AlternativesOut, srv)
		}
	}
	s.Notes = r.notes(s.Incoming, s.Outgoing)
	s.Mechanisms = r.mechanisms()
	return s, nil
}

// mechanisms are the SASL mechanisms each probed endpoint announced, by
// mail.Server.Key(), so exports can tell CRAM-MD5 from SCRAM.
func (r *Report) mechanisms() map[string][]string {
	out := map[string][]string{}
	for _, p := range r.Probes {
		if len(p.AuthMechanisms) > 0 {
			ep := mail.Server{Protocol: p.Protocol, Host: p.Host, Port: p.Port, Security: p.Security}
			out[ep.Key()] = p.AuthMechanisms
		}
	}
	return out
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
func (r *Report) withAuth(srv mail.Server) mail.Server {
	if len(srv.Auth) > 0 {
		return srv
	}
	key := srv.Key()
	for _, c := range r.Candidates {
		if c.Key() == key && len(c.Auth) > 0 {
			srv.Auth = c.Auth
			return srv
		}
	}
	for _, p := range r.Probes {
		ep := mail.Server{Protocol: p.Protocol, Host: p.Host, Port: p.Port, Security: p.Security}
		if ep.Key() == key {
			srv.Auth = authFromMechanisms(p.AuthMechanisms)
			break
		}
	}
	return srv
}

// authFromMechanisms maps SASL mechanism names (RFC 4422; POP3's USER
// command, RFC 1939, counts as a plain password) to autoconfig methods,
// the plain password first because every client supports it.
func authFromMechanisms(mechs []string) []mail.Auth {
	has := map[mail.Auth]bool{}
	for _, m := range mechs {
		switch m = strings.ToUpper(m); {
		case m == "PLAIN" || m == "LOGIN" || m == "USER":
			has[mail.AuthPasswordCleartext] = true
		case m == "CRAM-MD5" || m == "DIGEST-MD5" || strings.HasPrefix(m, "SCRAM-"):
			has[mail.AuthPasswordEncrypted] = true
		case m == "XOAUTH2" || m == "OAUTHBEARER":
			has[mail.AuthOAuth2] = true
		case m == "NTLM":
			has[mail.AuthNTLM] = true
		case m == "GSSAPI":
			has[mail.AuthGSSAPI] = true
		}
	}
	var out []mail.Auth
	for _, a := range []mail.Auth{mail.AuthPasswordCleartext, mail.AuthPasswordEncrypted, mail.AuthOAuth2, mail.AuthNTLM, mail.AuthGSSAPI} {
		if has[a] {
			out = append(out, a)
		}
	}
	return out
}

// notes gathers the provider's notes and those attached to the chosen
// endpoints' candidates, once per code: a note about a server the export
// does not name would only confuse.
func (r *Report) notes(chosen ...mail.Server) []mail.Note {
	var notes []mail.Note
	seen := map[string]bool{}
	add := func(ns []mail.Note) {
		for _, n := range ns {
			// An untrusted source's note (and its link) is not written
			// into a file people hand on (docs/security.md).
			if n.Code != "" && !seen[n.Code] && !n.Untrusted {
				seen[n.Code] = true
				notes = append(notes, n)
			}
		}
	}
	if r.Provider != nil {
		add(r.Provider.Notes)
	}
	for _, c := range r.Candidates {
		for _, srv := range chosen {
			if c.Key() == srv.Key() {
				add(c.Notes)
			}
		}
	}
	return notes
}

// ErrNotVerifiedForDomain is returned by DomainSettings when no incoming
// or no outgoing server passed the check with encryption and a
// certificate that verified for its name.
var ErrNotVerifiedForDomain = errors.New("detect: no verified encrypted incoming and outgoing servers to publish for the domain")

// DomainSettings is ExportSettings reduced to what may be published for
// a whole domain: only servers that passed the check with encryption and
// a certificate that verified for their name (a client told to use any
// other would warn or refuse), the best of them chosen in each
// direction; no person's name.
func (r *Report) DomainSettings() (export.Settings, error) {
	s, err := r.ExportSettings("")
	if err != nil {
		return s, err
	}
	verified := map[string]bool{}
	rec := r.Recommended
	for _, c := range append([]recommend.Choice{*rec.Incoming, *rec.Outgoing}, rec.Alternatives...) {
		if c.Verified && c.Security != mail.Plain {
			verified[c.Key()] = true
		}
	}
	keep := func(chosen mail.Server, alts []mail.Server) (mail.Server, []mail.Server, bool) {
		var list []mail.Server
		for _, srv := range append([]mail.Server{chosen}, alts...) {
			if verified[srv.Key()] {
				list = append(list, srv)
			}
		}
		if len(list) == 0 {
			return mail.Server{}, nil, false
		}
		return list[0], list[1:], true
	}
	var okIn, okOut bool
	s.Incoming, s.AlternativesIn, okIn = keep(s.Incoming, s.AlternativesIn)
	s.Outgoing, s.AlternativesOut, okOut = keep(s.Outgoing, s.AlternativesOut)
	if !okIn || !okOut {
		return export.Settings{}, ErrNotVerifiedForDomain
	}
	s.Notes = r.notes(s.Incoming, s.Outgoing)
	return s, nil
}
