// Package recommend chooses, from finished probe results, the incoming
// and outgoing settings a person should use, lists the other endpoints
// that also work, and says why in translated sentences with stable codes.
//
// The rules, from the most to the least important (the first rule that
// tells two endpoints apart decides):
//
//  1. never an endpoint that failed, that did not negotiate TLS, or whose
//     security is plain (credentials would travel in clear);
//  2. a certificate that verifies beats one with a warning;
//  3. an endpoint with no warning beats one with a warning (old TLS
//     version, OAuth only, ...; an IMAP ALERT is a message, not a fault);
//  4. a successful login beats an endpoint where login was not tried;
//  5. IMAP beats POP3 (mail stays on the server, every device sees it);
//  6. an endpoint the provider's own configuration lists (a trusted
//     source) beats one Postino guessed or added by probing every
//     standard port;
//  7. implicit TLS beats STARTTLS (RFC 8314 §3.3 for submission, §4.1
//     for IMAP/POP3: "MUAs SHOULD use implicit TLS");
//  8. the submission port 587 (RFC 6409) beats 25 (relay) and 2525
//     (an unofficial alternative).
//
// Remaining ties are broken by the best source rank, then by the faster
// probe, then by the endpoint key, so the choice is deterministic.
package recommend

import (
	"slices"
	"sort"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
)

// Choice is one recommended endpoint. The embedded Server carries the
// login name already expanded for the address (as probed).
type Choice struct {
	mail.Server
	// Sources lists the discovery sources that proposed this exact
	// endpoint; empty when Postino added it by probing every standard port.
	Sources []string `json:"sources"`
	// Result is the probe result ID (mail.Server.Key()).
	Result string `json:"result"`
	// Verified is true when the certificate verified for the host name.
	Verified bool `json:"verified"`
	// Login is the login outcome: "ok", "skipped" (a password was given
	// but not sent there, see the probe's problems), "failed" (the server
	// refused the user name or password: everything else about it
	// worked, so the settings are right and only the password is wrong)
	// or "" (none given).
	Login probe.Login `json:"login"`
}

// RefusedLogin is a server that answered over TLS and refused the user
// name or password the person gave.
type RefusedLogin struct {
	Protocol mail.Protocol `json:"protocol"`
	Host     string        `json:"host"`
	Port     int           `json:"port"`
	// ServerText is the server's own words, verbatim.
	ServerText string `json:"server_text,omitempty"`
}

// Recommendation is the outcome of Choose.
type Recommendation struct {
	Incoming *Choice `json:"incoming"`
	Outgoing *Choice `json:"outgoing"`
	// Alternatives are the other endpoints that also work, best first.
	Alternatives []Choice `json:"alternatives"`
	// Reasons say why, in rule order.
	Reasons []Reason `json:"reasons"`
	// PasswordRefusedBy lists the servers that refused the password. The
	// settings recommended can still be right (a wrong password does not
	// make a server wrong): such a choice has Login "failed".
	PasswordRefusedBy []RefusedLogin `json:"password_refused_by,omitempty"`
}

// In returns a copy of the recommendation whose reasons are written in
// l's language, as is a refused login's withheld server text
// (problem.ServerWordsIn).
func (rec Recommendation) In(l i18n.Localizer) Recommendation {
	if rec.Reasons != nil {
		reasons := make([]Reason, len(rec.Reasons))
		for i, r := range rec.Reasons {
			reasons[i] = r.In(l)
		}
		rec.Reasons = reasons
	}
	if rec.PasswordRefusedBy != nil {
		refused := append([]RefusedLogin(nil), rec.PasswordRefusedBy...)
		for i := range refused {
			refused[i].ServerText = problem.ServerWordsIn(refused[i].ServerText, l)
		}
		rec.PasswordRefusedBy = refused
	}
	return rec
}

// rule names a ranking rule; it is also the Reason code used when the
// rule decided between the chosen endpoint and an alternative.
type rule string

const (
	ruleVerified   rule = "verified-tls"
	ruleNoWarning  rule = "no-warnings"
	ruleLoginOK    rule = "login-ok"
	ruleIMAP       rule = "imap-over-pop3"
	ruleListed     rule = "provider-listed"
	ruleImplicit   rule = "implicit-tls"
	ruleSubmission rule = "submission-port"
)

// entry is one eligible endpoint with what the rules look at.
type entry struct {
	res    probe.Result
	server mail.Server
	// sources and listed come from the candidates as well as the result.
	sources []string
	listed  bool
	rank    int
}

// Eligible reports whether a finished probe result may ever be
// recommended: it is open, it negotiated TLS, its security is not plain,
// and it did not fail, or failed only because the server refused the
// password (everything up to the login passed: the settings are right).
func Eligible(r probe.Result) bool {
	if r.Reachability != probe.Open || r.TLS == nil ||
		r.Endpoint.Security == mail.Plain || r.Endpoint.Security == "" {
		return false
	}
	if r.Login == probe.LoginFailed {
		return credentialsRefused(r)
	}
	return r.Status != probe.StatusFailed && r.Status != ""
}

// Choose picks the best incoming and outgoing endpoints from results.
// candidates (from discovery, with user names expanded) say which
// endpoints a trusted source listed and supply the user name and
// authentication method of each endpoint.
func Choose(results []probe.Result, candidates []mail.Candidate) Recommendation {
	byKey := map[string]mail.Candidate{}
	byHost := map[string]mail.Candidate{}
	for _, c := range candidates {
		k := c.Key()
		if old, ok := byKey[k]; !ok || c.Rank < old.Rank {
			byKey[k] = c
		}
		hk := string(c.Protocol) + "|" + strings.ToLower(c.Host)
		if old, ok := byHost[hk]; !ok || c.Rank < old.Rank {
			byHost[hk] = c
		}
	}

	var in, out []entry
	plaintextWorked := false
	refused := map[string][]string{} // direction → protocols that refused the login over TLS
	var refusedBy []RefusedLogin
	for _, r := range results {
		if r.Endpoint.Security == mail.Plain && r.Reachability == probe.Open && r.Status != probe.StatusFailed {
			plaintextWorked = true
		}
		if d, p := direction(r.Endpoint.Protocol), strings.ToUpper(string(r.Endpoint.Protocol)); credentialsRefused(r) && !slices.Contains(refused[d], p) {
			refused[d] = append(refused[d], p)
		}
		if credentialsRefused(r) {
			refusedBy = append(refusedBy, refusedLogin(r))
		}
		if !Eligible(r) {
			continue
		}
		e := entry{res: r, server: r.Endpoint, sources: r.Sources, rank: 1 << 30}
		if c, ok := byKey[r.Endpoint.Key()]; ok {
			e.listed = c.Trusted
			e.rank = c.Rank
			e.sources = mergeSources(e.sources, c.Sources)
			fillLogin(&e.server, c)
		}
		if c, ok := byHost[string(r.Endpoint.Protocol)+"|"+strings.ToLower(r.Endpoint.Host)]; ok {
			fillLogin(&e.server, c)
		}
		if r.Endpoint.Protocol.Incoming() {
			in = append(in, e)
		} else if r.Endpoint.Protocol == mail.SMTP {
			out = append(out, e)
		}
	}
	sortEntries(in)
	sortEntries(out)

	rec := Recommendation{Alternatives: []Choice{}, Reasons: []Reason{}}
	rec.Incoming, rec.Reasons = pick(in, "incoming", refused["incoming"], rec.Reasons)
	rec.Outgoing, rec.Reasons = pick(out, "outgoing", refused["outgoing"], rec.Reasons)
	for _, list := range [][]entry{in, out} {
		for j := 1; j < len(list); j++ {
			rec.Alternatives = append(rec.Alternatives, choiceOf(list[j]))
		}
	}
	if plaintextWorked {
		rec.Reasons = append(rec.Reasons, Reason{Code: "plaintext-excluded"})
	}
	sort.Slice(refusedBy, func(i, j int) bool {
		a, b := refusedBy[i], refusedBy[j]
		if a.Host != b.Host {
			return a.Host < b.Host
		}
		return a.Port < b.Port
	})
	rec.PasswordRefusedBy = refusedBy
	return rec
}

func refusedLogin(r probe.Result) RefusedLogin {
	rl := RefusedLogin{Protocol: r.Endpoint.Protocol, Host: r.Endpoint.Host, Port: r.Endpoint.Port, ServerText: r.LoginMessage}
	for _, p := range r.Problems {
		if problem.CredentialsRefused(p.Code) && rl.ServerText == "" {
			rl.ServerText = p.ServerText
		}
	}
	return rl
}

// credentialsRefused reports whether r answered over TLS and refused the
// user name or password (not a temporary problem at login).
func credentialsRefused(r probe.Result) bool {
	if r.Login != probe.LoginFailed || r.TLS == nil {
		return false
	}
	return slices.ContainsFunc(r.Problems, func(p problem.Problem) bool { return problem.CredentialsRefused(p.Code) })
}

// direction is "incoming" or "outgoing", as in Reason.For.
func direction(p mail.Protocol) string {
	if p.Incoming() {
		return "incoming"
	}
	return "outgoing"
}

// pick returns the best entry of a sorted list and the reasons it won.
// refused lists the protocols of this direction whose servers answered
// over TLS and refused the login: when nothing works, that is the reason
// to give.
func pick(list []entry, dir string, refused []string, reasons []Reason) (*Choice, []Reason) {
	if len(list) == 0 {
		reasons = append(reasons, Reason{Code: "no-" + dir, For: dir})
		if len(refused) > 0 {
			slices.Sort(refused)
			reasons = append(reasons, Reason{Code: "login-refused", For: dir, Data: map[string]any{"Protocols": strings.Join(refused, ", ")}})
		}
		return nil, reasons
	}
	best := list[0]
	c := choiceOf(best)
	data := func(other *entry) map[string]any {
		d := map[string]any{
			"Protocol": strings.ToUpper(string(best.server.Protocol)),
			"Host":     best.server.Host,
			"Port":     best.server.Port,
			"Security": strings.ToUpper(string(best.server.Security)),
		}
		if other != nil {
			d["OtherProtocol"] = strings.ToUpper(string(other.server.Protocol))
			d["OtherHost"] = other.server.Host
			d["OtherPort"] = other.server.Port
			d["OtherSecurity"] = strings.ToUpper(string(other.server.Security))
		}
		return d
	}
	if len(list) == 1 {
		reasons = append(reasons, Reason{Code: "only-working", For: dir, Data: data(nil)})
	}
	// One reason per rule that decided against some alternative, citing
	// the best alternative that rule beat, in rule order.
	decided := map[rule]*entry{}
	for i := 1; i < len(list); i++ {
		if r, _ := compare(best, list[i]); r != "" {
			if _, seen := decided[r]; !seen {
				decided[r] = &list[i]
			}
		}
	}
	for _, r := range rules {
		if other, ok := decided[r]; ok {
			reasons = append(reasons, Reason{Code: string(r), For: dir, Data: data(other)})
		}
	}
	if !best.res.TLS.Verified {
		d := data(nil)
		d["Error"] = best.res.TLS.Error
		reasons = append(reasons, Reason{Code: "cert-warning", For: dir, Data: d})
	}
	switch best.res.Login {
	case probe.LoginOK:
	case probe.LoginFailed:
		// Everything up to the login worked: the settings are right and
		// the password is what to fix.
		reasons = append(reasons, Reason{Code: "password-refused", For: dir, Data: data(nil)})
	case probe.LoginSkipped:
		// A password was given but not sent there (bad certificate,
		// OAuth only, ...): "give a password" would be wrong advice.
		reasons = append(reasons, Reason{Code: "login-not-sent", For: dir, Data: data(nil)})
	default:
		reasons = append(reasons, Reason{Code: "login-untested", For: dir, Data: data(nil)})
	}
	return &c, reasons
}

func choiceOf(e entry) Choice {
	return Choice{
		Server:   e.server,
		Sources:  append([]string{}, e.sources...),
		Result:   e.res.ID,
		Verified: e.res.TLS != nil && e.res.TLS.Verified,
		Login:    e.res.Login,
	}
}

// rules lists the ranking rules in order of importance.
var rules = []rule{ruleVerified, ruleNoWarning, ruleLoginOK, ruleIMAP, ruleListed, ruleImplicit, ruleSubmission}

// compare returns the first rule that tells a and b apart and whether a
// wins it. An empty rule means the rules see them as equal.
func compare(a, b entry) (rule, bool) {
	for _, r := range rules {
		va, vb := score(r, a), score(r, b)
		if va != vb {
			return r, va > vb
		}
	}
	return "", false
}

// score is an entry's value under one rule; higher is better.
func score(r rule, e entry) int {
	switch r {
	case ruleVerified:
		return b2i(e.res.TLS != nil && e.res.TLS.Verified)
	case ruleNoWarning:
		return b2i(!hasWarning(e.res))
	case ruleLoginOK:
		return b2i(e.res.Login == probe.LoginOK)
	case ruleIMAP:
		return b2i(e.server.Protocol == mail.IMAP)
	case ruleListed:
		return b2i(e.listed)
	case ruleImplicit:
		return b2i(e.server.Security == mail.TLS)
	case ruleSubmission:
		switch e.server.Port {
		case 587:
			return 2
		case 25:
			return 1
		}
	}
	return 0
}

// informational codes are shown to the person but say nothing against
// the endpoint: an IMAP ALERT (RFC 3501 §7.1) is a message to read, not
// a reason to prefer POP3.
var informational = map[string]bool{"imap-alert": true}

// hasWarning reports whether a result carries a warning that counts
// against the endpoint.
func hasWarning(r probe.Result) bool {
	if r.Status != probe.StatusWarning {
		return false
	}
	for _, p := range r.Problems {
		if !informational[p.Code] {
			return true
		}
	}
	// A warning with no problem recorded (a hand-edited report) still
	// counts.
	return len(r.Problems) == 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sortEntries(list []entry) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if r, aWins := compare(a, b); r != "" {
			return aWins
		}
		// A server that refused the password is no worse a setting, but
		// one that was not asked (or accepted it) comes first.
		if fa, fb := a.res.Login == probe.LoginFailed, b.res.Login == probe.LoginFailed; fa != fb {
			return fb
		}
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if a.res.ElapsedMS != b.res.ElapsedMS {
			return a.res.ElapsedMS < b.res.ElapsedMS
		}
		return a.res.ID < b.res.ID
	})
}

// fillLogin copies the user name and authentication method a source
// published when the probed endpoint does not carry them.
func fillLogin(s *mail.Server, c mail.Candidate) {
	if s.Username == "" {
		s.Username = c.Username
	}
	if len(s.Auth) == 0 {
		s.Auth = append([]mail.Auth(nil), c.Auth...)
	}
}

func mergeSources(a, b []string) []string {
	out := append([]string{}, a...)
	for _, s := range b {
		found := false
		for _, x := range out {
			if x == s {
				found = true
				break
			}
		}
		if !found {
			out = append(out, s)
		}
	}
	return out
}
