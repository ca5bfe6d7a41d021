package health

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/labtest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func healthyLab(t *testing.T) (*labtest.Lab, *Report, []event.Event) {
	lab, nw := newLab(t)
	lab.TXT(domain, "v=spf1 mx -all")
	lab.TXT("google._domainkey."+domain, rsaKeyRecord(t, 2048))
	lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; rua=mailto:d@example.test")
	lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
	servePolicy(lab, goodPolicy)
	lab.TXT("_smtp._tls."+domain, "v=TLSRPTv1; rua=mailto:tls@example.test")
	var mu sync.Mutex
	var events []event.Event
	sink := func(e event.Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}
	r := Run(testCtx(t), nw, "Example.TEST.", Options{}, sink)
	return lab, r, events
}

func TestRunReportsEveryCheckInOrderWithEvents(t *testing.T) {
	_, r, events := healthyLab(t)
	if r.Domain != domain || r.OrgDomain != domain {
		t.Errorf("domain %q org %q", r.Domain, r.OrgDomain)
	}
	if len(r.Checks) != len(Names) {
		t.Fatalf("%d checks, want %d", len(r.Checks), len(Names))
	}
	for i, c := range r.Checks {
		if c.Name != Names[i] {
			t.Errorf("check %d is %q, want %q", i, c.Name, Names[i])
		}
		if c.Verdict != OK {
			t.Errorf("%s: %s/%s on a healthy domain\n%s", c.Name, c.Verdict, c.Code, dump(c))
		}
		assertTranslated(t, c)
	}
	if r.HasProblem() || r.Worst() != OK {
		t.Errorf("Worst() = %s", r.Worst())
	}
	if len(events) != len(Names)+2 {
		t.Fatalf("%d events, want started + %d checks + finished", len(events), len(Names))
	}
	if _, ok := events[0].(Started); !ok {
		t.Errorf("first event is %T", events[0])
	}
	if f, ok := events[len(events)-1].(Finished); !ok || f.Report != r {
		t.Errorf("last event is %T", events[len(events)-1])
	}
	done := map[string]bool{}
	for _, e := range events[1 : len(events)-1] {
		if d, ok := e.(CheckDone); ok {
			done[d.Check.Name] = true
		}
	}
	if len(done) != len(Names) {
		t.Errorf("CheckDone for %v", done)
	}
}

func TestReportJSONRendersTextsInTheLanguageOfIn(t *testing.T) {
	_, r, _ := healthyLab(t)
	out, err := json.Marshal(r.In(i18n.For("it")))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Domain string `json:"domain"`
		Checks []struct {
			Name, Verdict, Code, Summary, Explanation, Remedy string
			Details                                           []string
			Records                                           []string
		} `json:"checks"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	dmarc := doc.Checks[3]
	if dmarc.Name != "dmarc" || dmarc.Code != "dmarc-ok" || !strings.Contains(dmarc.Summary, "La politica DMARC p=reject è attiva") {
		t.Errorf("dmarc JSON: %+v", dmarc)
	}
	if len(dmarc.Records) != 1 || !strings.HasPrefix(dmarc.Records[0], "v=DMARC1") {
		t.Errorf("records: %q", dmarc.Records)
	}
}

func TestRunHonoursTheDeadlineWhenDNSNeverAnswers(t *testing.T) {
	lab := labtest.New(t)
	lab.DNSFail(".", labtest.Timeout)
	nw := lab.Network()
	nw.DNSTimeout = 200 * time.Millisecond
	start := time.Now()
	r := Run(context.Background(), nw, domain, Options{Timeout: time.Second}, nil)
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("Run took %v with a 1s timeout", el)
	}
	for _, c := range r.Checks {
		if c.Verdict != Problem || c.Code != "dns-failed" {
			t.Errorf("%s: %s/%s, want problem/dns-failed", c.Name, c.Verdict, c.Code)
		}
	}
}

func TestDomainAcceptsAddressesAndUnicode(t *testing.T) {
	for in, want := range map[string]string{
		"Mario.Rossi@Libero.IT": "libero.it",
		" example.com. ":        "example.com",
		"posta@caffè.it":        "xn--caff-8oa.it",
	} {
		if got, err := Domain(in); err != nil || got != want {
			t.Errorf("Domain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "@", "localhost", "a..b", "user@", "exa mple.com"} {
		if _, err := Domain(in); err == nil {
			t.Errorf("Domain(%q) accepted bad input", in)
		}
	}
}

func TestTitlesAndLabelsAreTranslated(t *testing.T) {
	it := i18n.For("it")
	if got := Title(it, NameDMARC); got != "DMARC: politica per la posta falsificata" {
		t.Errorf("Title = %q", got)
	}
	for _, v := range []Verdict{OK, Warning, Problem, NotFound} {
		if l := v.Label(it); l == "" || strings.HasPrefix(l, "health.") {
			t.Errorf("%s has no label", v)
		}
	}
}

func TestOrganisationalDomainComesFromThePublicSuffixList(t *testing.T) {
	for in, want := range map[string]string{
		"mail.example.co.uk":     "example.co.uk", // co.uk is a suffix: two labels are not enough
		"posta.comune.milano.it": "comune.milano.it",
		"a.b.studio-rossi.it":    "studio-rossi.it",
		"studio-rossi.it":        "studio-rossi.it",
	} {
		if got := orgDomain(in); got != want {
			t.Errorf("orgDomain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReportKeepsTheUnicodeFormOfAnInternationalisedDomain(t *testing.T) {
	lab := labtest.New(t)
	r := Run(testCtx(t), lab.Network(), "xn--caff-8oa.it", Options{}, nil)
	if r.Domain != "xn--caff-8oa.it" || r.DomainUnicode != "caffè.it" {
		t.Errorf("domain %q unicode %q", r.Domain, r.DomainUnicode)
	}
	out, _ := json.Marshal(r)
	if !strings.Contains(string(out), `"domain_unicode":"caffè.it"`) {
		t.Errorf("JSON lacks domain_unicode: %s", out)
	}
	if r := Run(testCtx(t), lab.Network(), domain, Options{}, nil); r.DomainUnicode != "" {
		t.Errorf("an ASCII domain has a separate Unicode form %q", r.DomainUnicode)
	}
}
