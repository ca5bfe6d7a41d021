package gui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/health"
)

// cannedHealth reports a fixed set of checks for any domain.
type cannedHealth struct {
	domains chan string
	// selectors, when set, receives the DKIM selectors of each run.
	selectors chan []string
}

func (c cannedHealth) Health(ctx context.Context, req HealthRequest, sink event.Sink) {
	domain := req.Domain
	c.domains <- domain
	if c.selectors != nil {
		c.selectors <- req.DKIMSelectors
	}
	sink(health.Started{Domain: domain, Checks: health.Names})
	mx := health.Check{Name: health.NameMX, Verdict: health.OK,
		Summary: health.Text{Literal: "10 mx.example.com"}, Records: []string{"example.com. MX 10 mx.example.com."}}
	spf := health.Check{Name: health.NameSPF, Verdict: health.Problem,
		Explanation: health.Text{Literal: "Anyone may send as this domain."},
		Remedy:      health.Text{Literal: "Replace +all with -all."}}
	sink(health.CheckDone{Domain: domain, Check: mx})
	sink(health.CheckDone{Domain: domain, Check: spf})
	sink(health.Finished{Report: &health.Report{Domain: domain, Checks: []health.Check{mx, spf}}})
}

func TestHealthTabRendersEveryCheckWithVerdictWordAndRemedy(t *testing.T) {
	eng := cannedHealth{domains: make(chan string, 1)}
	h := newHarnessWith(t, eng)
	v := h.ui.health
	test.Type(v.domain, "mario@Example.COM")
	test.Tap(v.run)
	if got := <-eng.domains; got != "example.com" {
		t.Fatalf("domain = %q", got)
	}
	h.ui.hrun.wait()
	h.pump()
	for _, want := range []string{"MX", "OK", "10 mx.example.com", "example.com. MX 10 mx.example.com.",
		"SPF", "Problem", "Anyone may send as this domain.", "What to do: Replace +all with -all.", "Results for example.com"} {
		h.requireText(v.obj, want)
	}
	// Checks the engine has not reported yet are listed, not hidden.
	h.requireText(v.obj, "DMARC")
}

func TestHealthRefusesSomethingThatIsNotADomain(t *testing.T) {
	eng := cannedHealth{domains: make(chan string, 1)}
	h := newHarnessWith(t, eng)
	test.Type(h.ui.health.domain, "not a domain")
	test.Tap(h.ui.health.run)
	h.requireText(h.ui.health.obj, "Write a domain")
	select {
	case d := <-eng.domains:
		t.Fatalf("health ran for %q", d)
	default:
	}
}

func TestHealthDomainIsFilledFromTheCheckedAddress(t *testing.T) {
	h := newHarnessWith(t, cannedHealth{domains: make(chan string, 1)})
	h.start("mario@example.com", "")
	if got := h.ui.health.domain.Text; got != "example.com" {
		t.Fatalf("health domain = %q", got)
	}
	h.finish()
}

func TestHealthTriesTheDKIMSelectorsTypedAndRefusesMalformedOnes(t *testing.T) {
	eng := cannedHealth{domains: make(chan string, 2), selectors: make(chan []string, 2)}
	h := newHarnessWith(t, eng)
	v := h.ui.health
	test.Type(v.domain, "example.com")
	test.Type(v.selector, "s1 ; bad selector!")
	test.Tap(v.run)
	h.requireText(v.obj, "is not a DKIM selector")
	select {
	case d := <-eng.domains:
		t.Fatalf("health ran for %q with a malformed selector", d)
	default:
	}
	v.selector.SetText("")
	test.Type(v.selector, "s1, mail.2024")
	test.Tap(v.run)
	<-eng.domains
	if got := <-eng.selectors; strings.Join(got, " ") != "s1 mail.2024" {
		t.Fatalf("selectors = %q", got)
	}
	h.ui.hrun.wait()
	h.pump()
}

// TestHealthRemediesInTheWindowNameNoCommandLineFlag: the window points
// at its own controls where the CLI's remedy names --dns or
// --dkim-selector.
func TestHealthRemediesInTheWindowNameNoCommandLineFlag(t *testing.T) {
	defer i18n.SetLanguage("")
	for _, lang := range []string{"en", "it"} {
		i18n.SetLanguage(lang)
		msgs, err := i18n.Messages(lang)
		if err != nil {
			t.Fatal(err)
		}
		for key := range msgs {
			if !strings.HasPrefix(key, "health.") || !strings.HasSuffix(key, ".remedy") {
				continue
			}
			if got := healthRemedy(health.Text{Key: key}); strings.Contains(got, "--") {
				t.Errorf("%s %s: %q", lang, key, got)
			}
		}
	}
}
