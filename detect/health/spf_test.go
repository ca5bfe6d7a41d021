package health

import (
	"fmt"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/labtest"
)

func TestSPFVerdicts(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(lab *labtest.Lab)
		verdict Verdict
		code    string
	}{
		{"include chain within the limit", func(lab *labtest.Lab) {
			lab.TXT(domain, "google-site-verification=abc")
			lab.TXT(domain, "v=spf1 mx include:_spf.provider.test ip4:192.0.2.1 -all")
			lab.TXT("_spf.provider.test", "v=spf1 include:_netblocks.provider.test ~all")
			lab.TXT("_netblocks.provider.test", "v=spf1 ip4:198.51.100.0/24 ip6:2001:db8::/32 ~all")
		}, OK, "spf-ok"},
		{"no SPF record", func(lab *labtest.Lab) { lab.TXT(domain, "hello") }, NotFound, "spf-none"},
		{"two SPF records", func(lab *labtest.Lab) {
			lab.TXT(domain, "v=spf1 mx -all")
			lab.TXT(domain, "v=spf1 include:other.test -all")
		}, Problem, "spf-multiple"},
		{"bad address", func(lab *labtest.Lab) { lab.TXT(domain, "v=spf1 ip4:300.1.1.1 -all") }, Problem, "spf-bad-ip"},
		{"+all lets anyone send", func(lab *labtest.Lab) { lab.TXT(domain, "v=spf1 mx +all") }, Problem, "spf-plus-all"},
		{"bare all is +all", func(lab *labtest.Lab) { lab.TXT(domain, "v=spf1 mx all") }, Problem, "spf-plus-all"},
		{"?all protects nothing", func(lab *labtest.Lab) { lab.TXT(domain, "v=spf1 mx ?all") }, Warning, "spf-neutral-all"},
		{"missing all", func(lab *labtest.Lab) { lab.TXT(domain, "v=spf1 mx") }, Warning, "spf-no-all"},
		{"ptr is discouraged", func(lab *labtest.Lab) { lab.TXT(domain, "v=spf1 mx ptr -all") }, Warning, "spf-ptr"},
		{"include loop", func(lab *labtest.Lab) {
			lab.TXT(domain, "v=spf1 include:a.loop.test -all")
			lab.TXT("a.loop.test", "v=spf1 include:b.loop.test -all")
			lab.TXT("b.loop.test", "v=spf1 include:a.loop.test -all")
		}, Problem, "spf-loop"},
		{"include of a domain without SPF", func(lab *labtest.Lab) {
			lab.TXT(domain, "v=spf1 include:gone.test -all")
		}, Problem, "spf-target-missing"},
		{"include of a broken record", func(lab *labtest.Lab) {
			lab.TXT(domain, "v=spf1 include:broken.test -all")
			lab.TXT("broken.test", "v=spf1 frobnicate -all")
		}, Problem, "spf-target-broken"},
		{"redirect target decides the all", func(lab *labtest.Lab) {
			lab.TXT(domain, "v=spf1 redirect=_spf.provider.test")
			lab.TXT("_spf.provider.test", "v=spf1 ip4:192.0.2.0/24 ?all")
		}, Warning, "spf-neutral-all"},
		{"redirect next to all is ignored", func(lab *labtest.Lab) {
			lab.TXT(domain, "v=spf1 mx -all redirect=_spf.provider.test")
		}, Warning, "spf-redirect-ignored"},
		{"more than two void lookups", func(lab *labtest.Lab) {
			lab.TXT(domain, "v=spf1 a:n1.test a:n2.test a:n3.test -all")
		}, Problem, "spf-void-lookups"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lab, nw := newLab(t)
			tc.setup(lab)
			assertCheck(t, checkSPF(testCtx(t), nw, domain), tc.verdict, tc.code)
		})
	}
}

func TestSPFCountsLookupsThroughIncludes(t *testing.T) {
	lab, nw := newLab(t)
	// 3 includes at the top, each with 3 more lookups: 3 + 3*3 = 12.
	lab.TXT(domain, "v=spf1 include:i1.test include:i2.test include:i3.test -all")
	for i := 1; i <= 3; i++ {
		lab.Host(fmt.Sprintf("h%d.test", i))
		lab.TXT(fmt.Sprintf("i%d.test", i), fmt.Sprintf("v=spf1 a:h%d.test a:h%d.test a:h%d.test ~all", i, i, i))
	}
	c := checkSPF(testCtx(t), nw, domain)
	assertCheck(t, c, Problem, "spf-too-many-lookups")
	if got := c.Summary.Data["Count"]; got != 12 {
		t.Errorf("counted %v lookups, want 12", got)
	}
}

func TestSPFDiamondIncludeIsNotALoop(t *testing.T) {
	lab, nw := newLab(t)
	lab.TXT(domain, "v=spf1 include:left.test include:right.test -all")
	lab.TXT("left.test", "v=spf1 include:shared.test ~all")
	lab.TXT("right.test", "v=spf1 include:shared.test ~all")
	lab.TXT("shared.test", "v=spf1 ip4:192.0.2.1 ~all")
	c := checkSPF(testCtx(t), nw, domain)
	assertCheck(t, c, OK, "spf-ok")
	if got := c.Summary.Data["Count"]; got != 4 {
		t.Errorf("counted %v lookups, want 4 (shared.test counts twice)", got)
	}
}

func TestSPFStopsFollowingAHostileIncludeChain(t *testing.T) {
	lab, nw := newLab(t)
	// An endless chain of distinct names: the walk must stop at the limit
	// instead of following it.
	lab.TXT(domain, "v=spf1 include:c0.chain.test -all")
	for i := 0; i < 50; i++ {
		lab.TXT(fmt.Sprintf("c%d.chain.test", i), fmt.Sprintf("v=spf1 include:c%d.chain.test -all", i+1))
	}
	c := checkSPF(testCtx(t), nw, domain)
	assertCheck(t, c, Problem, "spf-too-many-lookups")
	if n := len(c.Details); n > 20 {
		t.Errorf("followed %d records, the walk should stop after the limit", n)
	}
}

func TestSPFLookupCountAgreesBetweenSummaryAndDetails(t *testing.T) {
	lab, nw := newLab(t)
	// 1 + 4*3 lookups before the fifth include, which is past the limit
	// and so never followed: the count is a lower bound.
	lab.TXT(domain, "v=spf1 include:i1.test include:i2.test include:i3.test include:i4.test include:i5.test -all")
	for i := 1; i <= 5; i++ {
		lab.Host(fmt.Sprintf("h%d.test", i))
		lab.TXT(fmt.Sprintf("i%d.test", i), fmt.Sprintf("v=spf1 a:h%d.test a:h%d.test ~all", i, i))
	}
	c := checkSPF(testCtx(t), nw, domain)
	assertCheck(t, c, Problem, "spf-too-many-lookups")
	count := c.Summary.Data["Count"]
	if !strings.Contains(c.Summary.In(i18n.For("en")), fmt.Sprintf("at least %v DNS lookups", count)) {
		t.Errorf("summary %q does not say the count is a lower bound", c.Summary.In(i18n.For("en")))
	}
	if !strings.Contains(c.Summary.In(i18n.For("it")), fmt.Sprintf("almeno %v ricerche", count)) {
		t.Errorf("Italian summary %q", c.Summary.In(i18n.For("it")))
	}
	if !hasDetail(c, fmt.Sprintf("DNS lookups: at least %v of at most 10", count)) {
		t.Errorf("details disagree with the summary's %v lookups:\n%s", count, dump(c))
	}
}

func TestSPFShowsTheQualifierOfABareAll(t *testing.T) {
	lab, nw := newLab(t)
	lab.TXT(domain, "v=spf1 mx all")
	c := checkSPF(testCtx(t), nw, domain)
	if !hasDetail(c, "Result for servers not listed: +all") {
		t.Errorf("a bare all is +all:\n%s", dump(c))
	}
	lab2, nw2 := newLab(t)
	lab2.TXT(domain, "v=spf1 mx -all")
	c = checkSPF(testCtx(t), nw2, domain)
	if !hasDetail(c, "DNS lookups: 1 of at most 10") || !strings.Contains(c.Summary.In(i18n.For("en")), "ends in -all") {
		t.Errorf("an exact count is not a lower bound:\n%s", dump(c))
	}
}

func TestSPFBrokenRedirectIsNotAlsoAMissingAll(t *testing.T) {
	lab, nw := newLab(t)
	lab.TXT(domain, "v=spf1 mx redirect=gone.test")
	c := checkSPF(testCtx(t), nw, domain)
	assertCheck(t, c, Problem, "spf-target-missing")
	if hasDetail(c, `no "all" at the end`) {
		t.Errorf("the record ends in a redirect, whose target is the problem:\n%s", dump(c))
	}
}

func TestSPFDetailsListTheRulesWithTheirQualifiers(t *testing.T) {
	lab, nw := newLab(t)
	lab.TXT(domain, "v=spf1 mx ~ip4:192.0.2.1 ?a:web.example.test -all")
	lab.Host("web.example.test")
	c := checkSPF(testCtx(t), nw, domain)
	want := "Rules, in order: mx → allowed, ~ip4:192.0.2.1 → suspicious, ?a:web.example.test → neutral, -all → refused"
	if !hasDetail(c, want) {
		t.Errorf("missing %q:\n%s", want, dump(c))
	}
	it := ""
	for _, d := range c.Details {
		if strings.HasPrefix(d.In(i18n.For("it")), "Regole") {
			it = d.In(i18n.For("it"))
		}
	}
	if it != "Regole, in ordine: mx → autorizzato, ~ip4:192.0.2.1 → sospetto, ?a:web.example.test → neutro, -all → rifiutato" {
		t.Errorf("Italian rules %q", it)
	}

	lab2, nw2 := newLab(t)
	lab2.TXT(domain, "v=spf1 ip4:192.0.2.1 redirect=_spf.provider.test")
	lab2.TXT("_spf.provider.test", "v=spf1 -all")
	if c := checkSPF(testCtx(t), nw2, domain); !hasDetail(c, "ip4:192.0.2.1 → allowed, otherwise the record of _spf.provider.test (redirect)") {
		t.Errorf("redirect not listed:\n%s", dump(c))
	}
}
