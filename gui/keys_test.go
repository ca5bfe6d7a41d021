package gui

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/probe"
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
	for _, ph := range []probe.Phase{probe.PhaseQueued, probe.PhaseConnecting, probe.PhaseTLS, probe.PhaseGreeting, probe.PhaseCapabilities, probe.PhaseLogin, probe.PhaseDone} {
		dynamic = append(dynamic, "gui.phase."+string(ph))
	}
	for _, r := range []probe.Reachability{probe.Open, probe.Refused, probe.Filtered, probe.Unresolved, probe.Unreachable, probe.NoGreeting} {
		dynamic = append(dynamic, "gui.reach."+string(r))
	}
	for _, s := range []config.Security{config.TLS, config.STARTTLS, config.Plain} {
		dynamic = append(dynamic, "gui.security."+string(s), "gui.security.short."+string(s))
	}
	for _, a := range []config.Auth{config.AuthPasswordCleartext, config.AuthPasswordEncrypted, config.AuthOAuth2, config.AuthNTLM,
		config.AuthGSSAPI, config.AuthClientIP, config.AuthTLSClientCert, config.AuthNone} {
		dynamic = append(dynamic, "gui.auth."+string(a))
	}
	for _, f := range export.Formats() {
		dynamic = append(dynamic, "gui.export.format."+f.Name, "gui.export.format."+f.Name+".desc")
	}
	for _, topic := range helpTopics {
		dynamic = append(dynamic, "gui.help."+topic+".title", "gui.help."+topic+".text")
	}
	for _, k := range dynamic {
		if _, ok := en[k]; !ok {
			t.Errorf("no translation for %q", k)
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
