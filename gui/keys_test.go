package gui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
	"github.com/postino-mail/postino/detect/recommend"
	"github.com/postino-mail/postino/detect/roundtrip"
	"github.com/postino-mail/postino/export"
)

// TestEveryTranslationKeyTheWindowUsesExists catches a mistyped key,
// which would otherwise show up on screen as "gui.something".
func TestEveryTranslationKeyTheWindowUsesExists(t *testing.T) {
	en, err := i18n.Messages("en")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.go")
	literal := regexp.MustCompile(`"(gui\.[A-Za-z0-9_.-]+[A-Za-z0-9_-])"`)
	for _, f := range files {
		if f == "keys_test.go" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			if _, ok := en[m[1]]; !ok && !isPrefixKey(m[1]) {
				t.Errorf("%s: no translation for %q", f, m[1])
			}
		}
	}
	// Keys built from engine values.
	var dynamic []string
	for _, s := range discover.Sources {
		dynamic = append(dynamic, "gui.source."+string(s))
	}
	for _, tr := range []discover.Trust{discover.TrustLocal, discover.TrustBuiltin, discover.TrustHTTPS, discover.TrustDNS,
		discover.TrustHTTPUntrusted, discover.TrustDNSUntrusted, discover.TrustRedirectUntrusted, discover.TrustGuess} {
		dynamic = append(dynamic, "gui.trust."+string(tr))
	}
	for _, ph := range probe.Phases() {
		dynamic = append(dynamic, "gui.phase."+string(ph))
	}
	for _, r := range []probe.Reachability{probe.Open, probe.Refused, probe.Filtered, probe.Unresolved, probe.Unreachable, probe.NoGreeting} {
		dynamic = append(dynamic, "gui.reach."+string(r))
	}
	for _, s := range []mail.Security{mail.TLS, mail.STARTTLS, mail.Plain} {
		dynamic = append(dynamic, "gui.security."+string(s), "gui.security.short."+string(s))
	}
	for _, a := range []mail.Auth{mail.AuthPasswordCleartext, mail.AuthPasswordEncrypted, mail.AuthOAuth2, mail.AuthNTLM,
		mail.AuthGSSAPI, mail.AuthClientIP, mail.AuthTLSClientCert, mail.AuthNone} {
		dynamic = append(dynamic, "gui.auth."+string(a))
	}
	for _, f := range export.Formats() {
		dynamic = append(dynamic, "gui.export.format."+f.Name, "gui.export.format."+f.Name+".desc")
	}
	for _, topic := range helpTopics {
		dynamic = append(dynamic, "gui.help."+topic+".title", "gui.help."+topic+".text")
	}
	for _, s := range []discover.Status{discover.StatusFound, discover.StatusNotFound, discover.StatusError} {
		dynamic = append(dynamic, "gui.source.state."+string(s))
	}
	for _, st := range roundtrip.Steps() {
		dynamic = append(dynamic, "gui.sendtest.step."+string(st))
	}
	// Every reason detect.Report.RoundTripOptions gives, and the window's own.
	for _, code := range []string{"check-canceled", "no-working-settings", "no-password", "login-unverified", blockedPasswordChanged} {
		dynamic = append(dynamic, "gui.sendtest.blocked."+code)
	}
	it, err := i18n.Messages("it")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range dynamic {
		if _, ok := en[k]; !ok {
			t.Errorf("no translation for %q", k)
		}
		if _, ok := it[k]; !ok {
			t.Errorf("no Italian for %q", k)
		}
	}
}

// rawKey matches a translation key that reached the screen untranslated.
var rawKey = regexp.MustCompile(`\b(gui|problem|recommend|probe|discover)\.[a-z0-9_.-]+`)

// TestEveryEngineValueRendersInBothLanguages renders what the grid and
// Details show for every phase, status, reachability, source state,
// reason and problem code the engine can report, in English and
// Italian, and fails on an empty text or a raw key.
func TestEveryEngineValueRendersInBothLanguages(t *testing.T) {
	defer i18n.SetLanguage("")
	srv := mail.Server{Protocol: mail.IMAP, Host: "imap.example.com", Port: 993, Security: mail.TLS}
	for _, lang := range []string{"en", "it"} {
		i18n.SetLanguage(lang)
		check := func(what, text string) {
			t.Helper()
			if strings.TrimSpace(text) == "" || rawKey.MatchString(text) {
				t.Errorf("%s: %s renders as %q", lang, what, text)
			}
		}
		for _, ph := range probe.Phases() {
			r := probe.Result{Endpoint: srv, Phase: ph}
			if ph == probe.PhaseDone {
				continue
			}
			word, _ := statusWord(r, true)
			check("phase "+string(ph), word)
			if word == string(ph) {
				t.Errorf("%s: phase %q shows the engine's own word", lang, ph)
			}
			check("row of phase "+string(ph), rowSummary(r))
		}
		for _, st := range probe.Statuses() {
			for _, reach := range []probe.Reachability{probe.Open, probe.Refused, probe.Filtered, probe.Unresolved, probe.Unreachable, probe.NoGreeting} {
				word, _ := statusWord(probe.Result{Endpoint: srv, Phase: probe.PhaseDone, Status: st, Reachability: reach}, false)
				check("status "+string(st)+"/"+string(reach), word)
				check("reachability "+string(reach), translated("gui.reach."+string(reach), ""))
			}
		}
		for _, st := range []string{stateSearching, stateFound, stateNotFound, stateError} {
			check("source state "+st, sourceState(sourceLine{State: st, Candidates: 2}, true))
		}
		for _, code := range recommend.ReasonCodes() {
			check("reason "+code, recommend.Reason{Code: code, Data: map[string]any{"Host": "imap.example.com", "Port": 993}}.Text())
		}
		for _, code := range problem.Codes {
			p := problem.Problem{Code: code, Data: map[string]any{"Host": "imap.example.com", "Port": 993}}
			check("problem "+code, p.ExplanationIn(""))
			rem := remedyText(p)
			check("remedy "+code, rem)
			if strings.Contains(rem, "--") {
				t.Errorf("%s: the window's remedy for %s names a command-line flag: %q", lang, code, rem)
			}
		}
	}
}

// isPrefixKey tells the prefixes that code completes ("gui.source." +
// name) from whole keys.
func isPrefixKey(k string) bool {
	switch k {
	case "gui.auth", "gui.source", "gui.trust", "gui.phase", "gui.reach", "gui.security", "gui.security.short",
		"gui.help", "gui.export.format":
		return true
	}
	return false
}
