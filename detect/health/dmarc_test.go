package health

import (
	"fmt"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/labtest"
)

func TestDMARCVerdicts(t *testing.T) {
	cases := []struct {
		name    string
		domain  string
		setup   func(lab *labtest.Lab)
		verdict Verdict
		code    string
	}{
		{"p=reject", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; rua=mailto:d@example.test; adkim=s")
		}, OK, "dmarc-ok"},
		{"p=none is monitoring only", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=none; rua=mailto:d@example.test")
		}, Warning, "dmarc-p-none"},
		{"missing record", domain, func(lab *labtest.Lab) {}, NotFound, "dmarc-none"},
		{"unrelated TXT is not a record", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "hello")
		}, NotFound, "dmarc-none"},
		{"two records", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject")
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=none")
		}, Problem, "dmarc-multiple"},
		{"bad policy value", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=delete")
		}, Problem, "dmarc-invalid"},
		{"reports without a policy count as p=none", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; rua=mailto:d@example.test")
		}, Warning, "dmarc-p-missing"},
		{"pct below 100", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=quarantine; pct=20; rua=mailto:d@example.test")
		}, Warning, "dmarc-pct"},
		{"no reports requested", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject")
		}, Warning, "dmarc-no-rua"},
		{"external report address that agreed", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; rua=mailto:d@reports.test!10m")
			lab.TXT(domain+"._report._dmarc.reports.test", "v=DMARC1")
		}, OK, "dmarc-ok"},
		{"external report address that did not agree", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; rua=mailto:d@reports.test")
		}, Warning, "dmarc-rua-unauthorized"},
		{"report address in a subdomain needs no agreement", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; rua=mailto:d@mail.example.test")
		}, OK, "dmarc-ok"},
		{"subdomain falls back to the organisational domain's sp", "mail." + domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; sp=none; rua=mailto:d@example.test")
		}, Warning, "dmarc-p-none"},
		{"subdomain's own record wins", "mail." + domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc.mail."+domain, "v=DMARC1; p=reject; rua=mailto:d@example.test")
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=none")
		}, OK, "dmarc-ok"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lab, nw := newLab(t)
			tc.setup(lab)
			c := checkDMARC(testCtx(t), nw, tc.domain, orgDomain(tc.domain))
			assertCheck(t, c, tc.verdict, tc.code)
		})
	}
}

func TestDMARCFallbackIsExplained(t *testing.T) {
	lab, nw := newLab(t)
	lab.TXT("_dmarc."+domain, "v=DMARC1; p=quarantine; rua=mailto:d@example.test")
	c := checkDMARC(testCtx(t), nw, "deep.mail."+domain, orgDomain("deep.mail."+domain))
	assertCheck(t, c, OK, "dmarc-ok")
	if !hasDetail(c, "organisational domain example.test") {
		t.Errorf("fallback not explained:\n%s", dump(c))
	}
	if !hasDetail(c, "Policy: quarantine (put failing mail in spam)") {
		t.Errorf("policy not explained:\n%s", dump(c))
	}
}

func TestDMARCChecksAtMostTenReportServices(t *testing.T) {
	lab, nw := newLab(t)
	var rua []string
	for i := range 40 {
		rua = append(rua, fmt.Sprintf("mailto:d@r%d.test", i))
	}
	lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; rua="+strings.Join(rua, ","))
	lab.TXT(domain+"._report._dmarc.r1.test", "v=DMARC1")
	c := checkDMARC(testCtx(t), nw, domain, domain)
	assertCheck(t, c, Warning, "dmarc-rua-unauthorized")
	if got := c.Summary.Data["Target"]; got != "r0.test" {
		t.Errorf("first unauthorised target %v, want r0.test (record order)", got)
	}
	n := 1
	for _, d := range c.Details {
		if strings.Contains(d.In(i18n.For("en")), "has not agreed") {
			n++
		}
		if strings.Contains(d.In(i18n.For("en")), "Reports go to r1.test,") {
			t.Errorf("r1.test agreed but is reported: %s", d.In(i18n.For("en")))
		}
	}
	if n != maxReportTargets-1 {
		t.Errorf("%d report services reported as not agreeing, want %d (the first %d, one of which agreed)", n, maxReportTargets-1, maxReportTargets)
	}
}

func TestDMARCReportAddressesLikeReceiversSeeThem(t *testing.T) {
	cases := []struct {
		name    string
		domain  string
		setup   func(lab *labtest.Lab)
		verdict Verdict
		code    string
	}{
		{"an https report address is a warning, not a broken record", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; rua=https://reports.example.test/dmarc")
		}, Warning, "dmarc-rua-not-mailto"},
		{"external ruf without authorisation", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; rua=mailto:d@example.test; ruf=mailto:f@forensic.test")
		}, Warning, "dmarc-rua-unauthorized"},
		{"external ruf with authorisation", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; rua=mailto:d@example.test; ruf=mailto:f@forensic.test")
			lab.TXT(domain+"._report._dmarc.forensic.test", "v=DMARC1;")
		}, OK, "dmarc-ok"},
		{"authorisation record that is not DMARC does not count", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; rua=mailto:d@reports.test")
			lab.TXT(domain+"._report._dmarc.reports.test", "ok")
		}, Warning, "dmarc-rua-unauthorized"},
		{"a subdomain using the organisation's record needs the organisation's authorisation", "mail." + domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; rua=mailto:d@reports.test")
			lab.TXT(domain+"._report._dmarc.reports.test", "v=DMARC1")
		}, OK, "dmarc-ok"},
		{"authorisation for another domain does not count", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; rua=mailto:d@reports.test")
			lab.TXT("other.test._report._dmarc.reports.test", "v=DMARC1")
		}, Warning, "dmarc-rua-unauthorized"},
		{"an invalid pct is ignored with a warning, the policy still applies", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; pct=150; rua=mailto:d@example.test")
		}, Warning, "dmarc-tag-invalid"},
		{"an unknown failure-report option", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; fo=all; rua=mailto:d@example.test")
		}, Warning, "dmarc-tag-invalid"},
		{"valid fo, rf and ri", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; fo=0:d:s; rf=afrf; ri=3600; rua=mailto:d@example.test")
		}, OK, "dmarc-ok"},
		{"upper-case address with a size limit", domain, func(lab *labtest.Lab) {
			lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; rua=MAILTO:D@Reports.TEST!50m")
			lab.TXT(domain+"._report._dmarc.reports.test", "v=DMARC1")
		}, OK, "dmarc-ok"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lab, nw := newLab(t)
			tc.setup(lab)
			c := checkDMARC(testCtx(t), nw, tc.domain, orgDomain(tc.domain))
			assertCheck(t, c, tc.verdict, tc.code)
		})
	}
}

func TestDMARCMissingAuthorisationNamesTheRecordToPublish(t *testing.T) {
	lab, nw := newLab(t)
	lab.TXT("_dmarc."+domain, "v=DMARC1; p=reject; rua=mailto:d@reports.test")
	c := checkDMARC(testCtx(t), nw, domain, domain)
	assertCheck(t, c, Warning, "dmarc-rua-unauthorized")
	if r := c.Remedy.In(i18n.For("en")); !strings.Contains(r, `"v=DMARC1" at example.test._report._dmarc.reports.test`) {
		t.Errorf("remedy %q does not name the record", r)
	}
	if r := c.Remedy.In(i18n.For("it")); !strings.Contains(r, "example.test._report._dmarc.reports.test") {
		t.Errorf("Italian remedy %q does not name the record", r)
	}
}
