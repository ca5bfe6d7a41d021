package recommend

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
)

// ok builds a finished, working probe result over verified TLS; the
// modifiers turn it into the case under test.
func ok(p mail.Protocol, host string, port int, sec mail.Security, mods ...func(*probe.Result)) probe.Result {
	ep := mail.Server{Protocol: p, Host: host, Port: port, Security: sec}
	r := probe.Result{
		ID: ep.Key(), Endpoint: ep, Phase: probe.PhaseDone, Reachability: probe.Open,
		TLS: &probe.TLSInfo{Version: "TLS 1.3", Verified: true}, Status: probe.StatusOK,
	}
	for _, m := range mods {
		m(&r)
	}
	return r
}

func certWarning(r *probe.Result) {
	r.TLS.Verified, r.TLS.Error, r.Status = false, "self-signed", probe.StatusWarning
}
func warning(r *probe.Result)  { r.Status = probe.StatusWarning }
func loginOK(r *probe.Result)  { r.Login = probe.LoginOK }
func failed(r *probe.Result)   { r.Status = probe.StatusFailed }
func loginBad(r *probe.Result) { r.Login = probe.LoginFailed }
func noTLS(r *probe.Result)    { r.TLS = nil }
func slow(ms int64) func(*probe.Result) {
	return func(r *probe.Result) { r.ElapsedMS = ms }
}
func refused(r *probe.Result) { r.Reachability, r.Status = probe.Refused, probe.StatusFailed }

func listed(rs ...probe.Result) []mail.Candidate {
	var out []mail.Candidate
	for _, r := range rs {
		out = append(out, mail.Candidate{Server: r.Endpoint, Sources: []string{"autoconfig"}, Trusted: true, Rank: 2})
	}
	return out
}

// Each rule, alone, decides between two otherwise equal endpoints; the
// winner must be chosen whichever order the results arrive in, and the
// reason must carry the rule's code.
func TestChooseAppliesEachRule(t *testing.T) {
	const h = "mail.example.org"
	cases := []struct {
		name       string
		win, lose  probe.Result
		cands      []mail.Candidate
		incoming   bool
		wantReason string
	}{
		{"verified certificate beats a warning",
			ok(mail.IMAP, h, 143, mail.STARTTLS), ok(mail.IMAP, h, 993, mail.TLS, certWarning), nil, true, "verified-tls"},
		{"no warning beats a warning",
			ok(mail.IMAP, h, 143, mail.STARTTLS), ok(mail.IMAP, h, 993, mail.TLS, warning), nil, true, "no-warnings"},
		{"successful login beats untested",
			ok(mail.IMAP, h, 143, mail.STARTTLS, loginOK), ok(mail.IMAP, h, 993, mail.TLS), nil, true, "login-ok"},
		{"IMAP beats POP3",
			ok(mail.IMAP, h, 143, mail.STARTTLS), ok(mail.POP3, h, 995, mail.TLS), nil, true, "imap-over-pop3"},
		{"provider-listed port beats an expanded one",
			ok(mail.SMTP, h, 587, mail.STARTTLS), ok(mail.SMTP, h, 465, mail.TLS),
			listed(ok(mail.SMTP, h, 587, mail.STARTTLS)), false, "provider-listed"},
		{"implicit TLS beats STARTTLS",
			ok(mail.SMTP, h, 465, mail.TLS), ok(mail.SMTP, h, 587, mail.STARTTLS), nil, false, "implicit-tls"},
		{"implicit TLS beats STARTTLS for IMAP",
			ok(mail.IMAP, h, 993, mail.TLS), ok(mail.IMAP, h, 143, mail.STARTTLS), nil, true, "implicit-tls"},
		{"submission port beats 25",
			ok(mail.SMTP, h, 587, mail.STARTTLS), ok(mail.SMTP, h, 25, mail.STARTTLS), nil, false, "submission-port"},
		{"port 25 beats the unofficial 2525",
			ok(mail.SMTP, h, 25, mail.STARTTLS), ok(mail.SMTP, h, 2525, mail.STARTTLS), nil, false, "submission-port"},
	}
	for _, tc := range cases {
		for _, order := range [][]probe.Result{{tc.win, tc.lose}, {tc.lose, tc.win}} {
			rec := Choose(order, tc.cands)
			got := rec.Outgoing
			if tc.incoming {
				got = rec.Incoming
			}
			if got == nil || got.Result != tc.win.ID {
				t.Errorf("%s: chose %+v, want %s", tc.name, got, tc.win.ID)
				continue
			}
			if len(rec.Alternatives) != 1 || rec.Alternatives[0].Result != tc.lose.ID {
				t.Errorf("%s: alternatives %+v, want only %s", tc.name, rec.Alternatives, tc.lose.ID)
			}
			if !hasReason(rec, tc.wantReason) {
				t.Errorf("%s: reasons %v lack %q", tc.name, codes(rec), tc.wantReason)
			}
		}
	}
}

// When two rules disagree, the more important one wins.
func TestChooseOrdersRulesByImportance(t *testing.T) {
	const h = "mail.example.org"
	cases := []struct {
		name      string
		win, lose probe.Result
		cands     []mail.Candidate
		reason    string
	}{
		{"verified STARTTLS beats implicit TLS with a bad certificate",
			ok(mail.SMTP, h, 587, mail.STARTTLS), ok(mail.SMTP, h, 465, mail.TLS, certWarning), nil, "verified-tls"},
		{"verified POP3 beats IMAP with a bad certificate",
			ok(mail.POP3, h, 995, mail.TLS), ok(mail.IMAP, h, 993, mail.TLS, certWarning), nil, "verified-tls"},
		{"warning-free POP3 beats IMAP with a warning",
			ok(mail.POP3, h, 995, mail.TLS), ok(mail.IMAP, h, 993, mail.TLS, warning), nil, "no-warnings"},
		{"POP3 with a successful login beats untested IMAP",
			ok(mail.POP3, h, 995, mail.TLS, loginOK), ok(mail.IMAP, h, 993, mail.TLS), nil, "login-ok"},
		{"unlisted IMAP beats listed POP3",
			ok(mail.IMAP, h, 143, mail.STARTTLS), ok(mail.POP3, h, 995, mail.TLS),
			listed(ok(mail.POP3, h, 995, mail.TLS)), "imap-over-pop3"},
		{"listed STARTTLS beats unlisted implicit TLS",
			ok(mail.IMAP, h, 143, mail.STARTTLS), ok(mail.IMAP, h, 993, mail.TLS),
			listed(ok(mail.IMAP, h, 143, mail.STARTTLS)), "provider-listed"},
		{"implicit TLS beats the submission port",
			ok(mail.SMTP, h, 465, mail.TLS), ok(mail.SMTP, h, 587, mail.STARTTLS), nil, "implicit-tls"},
	}
	for _, tc := range cases {
		rec := Choose([]probe.Result{tc.lose, tc.win}, tc.cands)
		got := rec.Incoming
		if tc.win.Endpoint.Protocol == mail.SMTP {
			got = rec.Outgoing
		}
		if got == nil || got.Result != tc.win.ID {
			t.Errorf("%s: chose %+v, want %s", tc.name, got, tc.win.ID)
			continue
		}
		if !hasReason(rec, tc.reason) {
			t.Errorf("%s: reasons %v lack %q", tc.name, codes(rec), tc.reason)
		}
	}
}

// Failed, plaintext, TLS-less and wrong-password endpoints are never
// recommended, not even as alternatives, however good they look otherwise.
func TestChooseNeverRecommendsUnsafeOrFailedEndpoints(t *testing.T) {
	const h = "mail.example.org"
	plain := ok(mail.IMAP, h, 143, mail.Plain, noTLS, loginOK)
	bad := []probe.Result{
		ok(mail.IMAP, h, 993, mail.TLS, failed),
		ok(mail.IMAP, h, 143, mail.STARTTLS, noTLS),
		plain,
		ok(mail.POP3, h, 995, mail.TLS, loginBad),
		ok(mail.SMTP, h, 465, mail.TLS, refused),
		ok(mail.SMTP, h, 587, mail.STARTTLS, func(r *probe.Result) { r.Status = "" }), // never finished
	}
	rec := Choose(bad, listed(bad...))
	if rec.Incoming != nil || rec.Outgoing != nil || len(rec.Alternatives) != 0 {
		t.Fatalf("recommended something unsafe: %+v", rec)
	}
	for _, want := range []string{"no-incoming", "no-outgoing", "plaintext-excluded"} {
		if !hasReason(rec, want) {
			t.Errorf("reasons %v lack %q", codes(rec), want)
		}
	}
}

func TestChooseWarnsWhenOnlyABadCertificateWorks(t *testing.T) {
	r := ok(mail.IMAP, "mail.example.org", 993, mail.TLS, certWarning)
	rec := Choose([]probe.Result{r}, nil)
	if rec.Incoming == nil || rec.Incoming.Verified {
		t.Fatalf("incoming = %+v, want the unverified endpoint", rec.Incoming)
	}
	for _, want := range []string{"only-working", "cert-warning", "login-untested"} {
		if !hasReason(rec, want) {
			t.Errorf("reasons %v lack %q", codes(rec), want)
		}
	}
}

// The choice carries the login name and methods the source published,
// even for a port Postino added itself, and the sources that listed it.
func TestChooseCarriesUserNameAndSources(t *testing.T) {
	const h = "imap.example.org"
	cand := mail.Candidate{
		Server:  mail.Server{Protocol: mail.IMAP, Host: h, Port: 143, Security: mail.STARTTLS, Username: "anna", Auth: []mail.Auth{mail.AuthPasswordCleartext}},
		Sources: []string{"ispdb"}, Trusted: true, Rank: 3,
	}
	rec := Choose([]probe.Result{ok(mail.IMAP, h, 993, mail.TLS, loginOK)}, []mail.Candidate{cand})
	if rec.Incoming == nil || rec.Incoming.Username != "anna" || len(rec.Incoming.Auth) != 1 {
		t.Fatalf("incoming = %+v, want user anna and the source's auth", rec.Incoming)
	}
	if len(rec.Incoming.Sources) != 0 {
		t.Errorf("sources = %v, want none: 993 was added by port expansion", rec.Incoming.Sources)
	}
	rec = Choose([]probe.Result{ok(mail.IMAP, h, 143, mail.STARTTLS)}, []mail.Candidate{cand})
	if rec.Incoming == nil || strings.Join(rec.Incoming.Sources, ",") != "ispdb" {
		t.Fatalf("incoming = %+v, want sources [ispdb]", rec.Incoming)
	}
}

// Ties the rules cannot break go to the better-ranked source, then to the
// faster probe, so the same results always give the same answer.
func TestChooseBreaksTiesDeterministically(t *testing.T) {
	a := ok(mail.IMAP, "a.example.org", 993, mail.TLS, slow(90))
	b := ok(mail.IMAP, "b.example.org", 993, mail.TLS, slow(10))
	if got := Choose([]probe.Result{a, b}, nil).Incoming.Result; got != b.ID {
		t.Errorf("chose %s, want the faster %s", got, b.ID)
	}
	ca := mail.Candidate{Server: a.Endpoint, Trusted: true, Rank: 1}
	cb := mail.Candidate{Server: b.Endpoint, Trusted: true, Rank: 5}
	if got := Choose([]probe.Result{b, a}, []mail.Candidate{cb, ca}).Incoming.Result; got != a.ID {
		t.Errorf("chose %s, want %s from the better-ranked source", got, a.ID)
	}
}

// Reasons render in both languages from their code and survive a JSON
// round trip (a saved report is read back by export --from).
func TestReasonsAreTranslatedAndRoundTrip(t *testing.T) {
	rec := Choose([]probe.Result{
		ok(mail.SMTP, "smtp.example.org", 465, mail.TLS),
		ok(mail.SMTP, "smtp.example.org", 587, mail.STARTTLS),
		ok(mail.IMAP, "imap.example.org", 993, mail.TLS),
	}, nil)
	for _, r := range rec.Reasons {
		for _, lang := range i18n.Languages {
			txt := r.TextIn(lang)
			if strings.HasPrefix(txt, "recommend.") || strings.Contains(txt, "<no value>") {
				t.Errorf("%s in %s: untranslated or missing data: %q", r.Code, lang, txt)
			}
		}
	}
	if !strings.Contains(reasonText(rec, "implicit-tls", "it"), "RFC 8314") {
		t.Errorf("the Italian implicit-TLS reason does not cite RFC 8314")
	}
	data, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	var back Recommendation
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Outgoing == nil || back.Outgoing.Port != 465 || back.Incoming.Host != "imap.example.org" {
		t.Fatalf("round trip lost the choice: %s", data)
	}
	if len(back.Reasons) != len(rec.Reasons) || back.Reasons[0].Text() != rec.Reasons[0].Text() {
		t.Fatalf("round trip changed the reasons: %s", data)
	}
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	for _, k := range []string{"incoming", "outgoing", "alternatives", "reasons"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, data)
		}
	}
}

func hasReason(rec Recommendation, code string) bool {
	for _, r := range rec.Reasons {
		if r.Code == code {
			return true
		}
	}
	return false
}

func reasonText(rec Recommendation, code, lang string) string {
	for _, r := range rec.Reasons {
		if r.Code == code {
			return r.TextIn(lang)
		}
	}
	return ""
}

func codes(rec Recommendation) []string {
	var out []string
	for _, r := range rec.Reasons {
		out = append(out, r.For+":"+r.Code)
	}
	return out
}

// A chosen endpoint whose login is unproven says why: no password was
// given, or one was given but withheld there (a certificate problem,
// OAuth only); "give a password" would be wrong advice for the second.
func TestChooseSaysWhyTheLoginIsUnproven(t *testing.T) {
	skipped := func(r *probe.Result) { r.Login = probe.LoginSkipped }
	cases := []struct {
		name      string
		mod       func(*probe.Result)
		want, not string
	}{
		{"no password", func(*probe.Result) {}, "login-untested", "login-not-sent"},
		{"password withheld", skipped, "login-not-sent", "login-untested"},
		{"login proven", loginOK, "", "login-untested"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ok(mail.IMAP, "mail.example.org", 993, mail.TLS, certWarning, c.mod)
			rec := Choose([]probe.Result{r}, nil)
			if rec.Incoming == nil || rec.Incoming.Login != r.Login {
				t.Fatalf("incoming %+v, want the endpoint with login %q", rec.Incoming, r.Login)
			}
			if c.want != "" && !hasReason(rec, c.want) {
				t.Errorf("reasons %v lack %q", codes(rec), c.want)
			}
			if hasReason(rec, c.not) || (c.want == "" && hasReason(rec, "login-not-sent")) {
				t.Errorf("reasons %v should not hold %q", codes(rec), c.not)
			}
		})
	}
	skippedText := reasonText(Choose([]probe.Result{ok(mail.IMAP, "mail.example.org", 993, mail.TLS, skipped)}, nil), "login-not-sent", "it")
	if !strings.Contains(skippedText, "mail.example.org:993") || !strings.Contains(skippedText, "non è stata inviata") {
		t.Errorf("Italian login-not-sent reason: %q", skippedText)
	}
}

// A wrong password does not make the servers wrong (issue 16): when
// every endpoint of a kind answered over TLS and refused only the
// password, the one that passed everything up to the login is still
// recommended, with Login "failed", a reason naming the password, and
// the servers that refused it listed. A temporary refusal (454) says
// nothing about the password and stays ineligible.
func TestChooseRecommendsServersThatRefusedOnlyThePassword(t *testing.T) {
	const h = "mail.example.org"
	because := func(code, text string) func(*probe.Result) {
		return func(r *probe.Result) {
			r.Problems = []problem.Problem{{Code: code, ServerText: text}}
		}
	}
	results := []probe.Result{
		ok(mail.IMAP, h, 993, mail.TLS, loginBad, failed, because("imap-authenticationfailed", "NO [AUTHENTICATIONFAILED] Authentication failed.")),
		ok(mail.POP3, h, 995, mail.TLS, loginBad, failed, because("pop3-auth", "-ERR [AUTH] Authentication failed.")),
		// A temporary refusal says nothing about the password.
		ok(mail.SMTP, h, 587, mail.STARTTLS, loginBad, failed, because("smtp-454", "454 4.7.0 Try again later")),
		ok(mail.SMTP, h, 465, mail.TLS, refused),
		ok(mail.SMTP, h, 25, mail.STARTTLS, noTLS, failed),
	}
	rec := Choose(results, listed(results...))
	if rec.Incoming == nil || rec.Incoming.Protocol != mail.IMAP || rec.Incoming.Login != probe.LoginFailed {
		t.Fatalf("incoming %+v, want IMAP 993 with the login marked refused", rec.Incoming)
	}
	if rec.Outgoing != nil {
		t.Fatalf("outgoing %+v: a temporary refusal must not be recommended", rec.Outgoing)
	}
	want := []string{"incoming:imap-over-pop3", "incoming:password-refused", "outgoing:no-outgoing"}
	if got := codes(rec); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("reasons %v, want %v", got, want)
	}
	if len(rec.PasswordRefusedBy) != 2 || rec.PasswordRefusedBy[0].Port != 993 || rec.PasswordRefusedBy[1].Port != 995 ||
		!strings.Contains(rec.PasswordRefusedBy[0].ServerText, "AUTHENTICATIONFAILED") {
		t.Errorf("password refused by %+v, want IMAP 993 and POP3 995 with their words", rec.PasswordRefusedBy)
	}
	for _, lang := range i18n.Languages {
		if txt := reasonText(rec, "password-refused", lang); !strings.Contains(txt, h+":993") || strings.Contains(txt, "<no value>") {
			t.Errorf("%s: password-refused renders as %q", lang, txt)
		}
	}
	// A server that accepted the password wins over one that refused it.
	accepted := ok(mail.POP3, h, 995, mail.TLS, loginOK)
	if got := Choose([]probe.Result{results[0], accepted}, nil).Incoming; got == nil || got.Login == probe.LoginFailed {
		t.Errorf("chose %+v over a server that accepted the login", got)
	}
}

// An IMAP ALERT is a message for the person, not a fault: it must not
// make POP3 win over IMAP. A real warning (old TLS) still does.
func TestChooseIgnoresInformationalWarnings(t *testing.T) {
	const h = "mail.example.org"
	with := func(code string) func(*probe.Result) {
		return func(r *probe.Result) {
			r.Status = probe.StatusWarning
			r.Problems = []problem.Problem{problem.New(code, nil)}
		}
	}
	pop := ok(mail.POP3, h, 995, mail.TLS)
	if got := Choose([]probe.Result{pop, ok(mail.IMAP, h, 993, mail.TLS, with("imap-alert"))}, nil).Incoming; got == nil || got.Protocol != mail.IMAP {
		t.Errorf("with an ALERT: chose %+v, want IMAP", got)
	}
	if got := Choose([]probe.Result{pop, ok(mail.IMAP, h, 993, mail.TLS, with("old-tls"))}, nil).Incoming; got == nil || got.Protocol != mail.POP3 {
		t.Errorf("with old TLS: chose %+v, want POP3", got)
	}
}

// ReasonCodes is the one list front ends and docs rely on: it must name
// exactly the codes the translation files explain, and every code a
// Reason literal in this package uses.
func TestReasonCodesMatchTranslationsAndSource(t *testing.T) {
	listed := map[string]bool{}
	for _, c := range ReasonCodes() {
		if listed[c] {
			t.Errorf("%s listed twice", c)
		}
		listed[c] = true
	}
	for _, lang := range i18n.Languages {
		msgs, err := i18n.Messages(lang)
		if err != nil {
			t.Fatal(err)
		}
		translated := map[string]bool{}
		for k := range msgs {
			if c, ok := strings.CutPrefix(k, "recommend.reason."); ok {
				translated[c] = true
				if !listed[c] {
					t.Errorf("%s: recommend.reason.%s is translated but not in ReasonCodes", lang, c)
				}
			}
		}
		for c := range listed {
			if !translated[c] {
				t.Errorf("%s: reason %s has no translation", lang, c)
			}
		}
	}
	src, err := os.ReadFile("recommend.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`Reason\{Code: "([a-z0-9-]+)"[,}]`).FindAllStringSubmatch(string(src), -1) {
		if !listed[m[1]] {
			t.Errorf("recommend.go emits %q, which ReasonCodes does not list", m[1])
		}
	}
}
