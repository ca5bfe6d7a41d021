package gui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/health"
)

// cannedHealth reports a fixed set of checks for any domain.
type cannedHealth struct{ domains chan string }

func (c cannedHealth) Health(ctx context.Context, domain string, _ Settings, sink event.Sink) {
	c.domains <- domain
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
	<-h.ui.hdone
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
