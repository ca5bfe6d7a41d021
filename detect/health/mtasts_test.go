package health

import (
	"net/http"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/labtest"
)

const goodPolicy = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmx: *.example.test\r\nmax_age: 604800\r\n"

func servePolicy(lab *labtest.Lab, body string) {
	lab.HTTPS("mta-sts."+domain, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/mta-sts.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(body))
	}))
}

func TestMTASTSVerdicts(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(lab *labtest.Lab)
		verdict Verdict
		code    string
	}{
		{"enforce policy covering every MX", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=20260101T000000")
			servePolicy(lab, goodPolicy)
		}, OK, "mtasts-ok"},
		{"no record", func(lab *labtest.Lab) {}, NotFound, "mtasts-none"},
		{"two records", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=2")
		}, Problem, "mtasts-multiple"},
		{"record without id", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1;")
		}, Problem, "mtasts-invalid-record"},
		{"policy file missing (404)", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			lab.HTTPS("mta-sts."+domain, http.NotFoundHandler())
		}, Problem, "mtasts-policy-http"},
		{"policy host not serving HTTPS", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
		}, Problem, "mtasts-policy-fetch"},
		{"policy certificate for another name", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			lab.HTTPSCert("mta-sts."+domain, lab.Cert("www.other.test"), http.NotFoundHandler())
		}, Problem, "mtasts-policy-fetch"},
		{"policy behind a redirect", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			lab.HTTPS("mta-sts."+domain, http.RedirectHandler("https://www.example.test/policy.txt", http.StatusFound))
			lab.HTTPS("www."+domain, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(goodPolicy)) }))
		}, Problem, "mtasts-redirect"},
		{"policy with a bad mode", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			servePolicy(lab, "version: STSv1\nmode: strict\nmx: mx1.example.test\nmax_age: 86400\n")
		}, Problem, "mtasts-policy-invalid"},
		{"MX not covered in enforce mode", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			servePolicy(lab, "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 604800\n")
		}, Problem, "mtasts-mx-uncovered"},
		{"testing mode", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			servePolicy(lab, "version: STSv1\nmode: testing\nmx: *.example.test\nmax_age: 604800\n")
		}, Warning, "mtasts-testing"},
		{"mode none withdraws the policy", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			servePolicy(lab, "version: STSv1\nmode: none\nmax_age: 86400\n")
		}, Warning, "mtasts-mode-none"},
		{"short max_age", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			servePolicy(lab, "version: STSv1\nmode: enforce\nmx: *.example.test\nmax_age: 600\n")
		}, Warning, "mtasts-short-max-age"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lab, nw := newLab(t)
			tc.setup(lab)
			assertCheck(t, checkMTASTS(testCtx(t), nw, domain), tc.verdict, tc.code)
		})
	}
}

func TestMTASTSUncoveredHostsAreNamed(t *testing.T) {
	lab, nw := newLab(t)
	lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
	servePolicy(lab, "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 604800\n")
	c := checkMTASTS(testCtx(t), nw, domain)
	if got := c.Summary.Data["Hosts"]; got != "mx2.example.test" {
		t.Errorf("uncovered hosts = %v, want mx2.example.test", got)
	}
}

// servePolicyAs serves body with the given Content-Type header; nil
// sends none at all (net/http would otherwise sniff one).
func servePolicyAs(lab *labtest.Lab, contentType []string, body string) {
	lab.HTTPS("mta-sts."+domain, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = contentType
		w.Write([]byte(body))
	}))
}

func TestMTASTSCheckedLikeSendersCheckIt(t *testing.T) {
	const enforceAll = "version: STSv1\r\nmode: enforce\r\nmx: *.example.test\r\nmax_age: 604800\r\n"
	cases := []struct {
		name    string
		setup   func(lab *labtest.Lab)
		verdict Verdict
		code    string
		says    string // in the explanation, English
	}{
		{"served as text/html", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			servePolicyAs(lab, []string{"text/html"}, enforceAll)
		}, Problem, "mtasts-content-type", "discard a policy served as text/html"},
		{"served without a type", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			servePolicyAs(lab, nil, enforceAll)
		}, Problem, "mtasts-content-type", "served as (none)"},
		{"text/plain with a charset, in capitals", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			servePolicyAs(lab, []string{"Text/Plain; charset=UTF-8"}, enforceAll)
		}, OK, "mtasts-ok", ""},
		{"max_age above a year", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			servePolicy(lab, "version: STSv1\nmode: enforce\nmx: *.example.test\nmax_age: 31557601\n")
		}, Problem, "mtasts-policy-invalid", `max_age "31557601" is not a whole number of seconds from 0 to 31557600`},
		{"max_age with a sign", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			servePolicy(lab, "version: STSv1\nmode: enforce\nmx: *.example.test\nmax_age: +604800\n")
		}, Problem, "mtasts-policy-invalid", `max_age "+604800"`},
		{"max_age at the upper bound", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			servePolicy(lab, "version: STSv1\nmode: enforce\nmx: *.example.test\nmax_age: 31557600\n")
		}, OK, "mtasts-ok", ""},
		{"unknown mode", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			servePolicy(lab, "version: STSv1\nmode: Enforce\nmx: *.example.test\nmax_age: 604800\n")
		}, Problem, "mtasts-policy-invalid", `mode "Enforce" is not enforce, testing or none`},
		{"TXT record without id", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; ")
			servePolicy(lab, enforceAll)
		}, Problem, "mtasts-invalid-record", "it has no id="},
		{"TXT record with a bad id", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=2026-01-01")
			servePolicy(lab, enforceAll)
		}, Problem, "mtasts-invalid-record", "1 to 32 letters and digits"},
		{"enforce mode covering one MX of two", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			servePolicy(lab, "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 604800\n")
		}, Problem, "mtasts-mx-uncovered", "refuse to deliver to a mail server the policy does not list"},
		{"enforce mode covering no MX", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			servePolicy(lab, "version: STSv1\nmode: enforce\nmx: mail.provider.test\nmax_age: 604800\n")
		}, Problem, "mtasts-mx-uncovered", "not delivered to this domain at all"},
		{"testing mode with an uncovered MX", func(lab *labtest.Lab) {
			lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
			servePolicy(lab, "version: STSv1\nmode: testing\nmx: mx1.example.test\nmax_age: 604800\n")
		}, Warning, "mtasts-testing", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lab, nw := newLab(t)
			tc.setup(lab)
			c := checkMTASTS(testCtx(t), nw, domain)
			assertCheck(t, c, tc.verdict, tc.code)
			if tc.says != "" && !strings.Contains(c.Explanation.In(i18n.For("en")), tc.says) {
				t.Errorf("explanation %q does not say %q", c.Explanation.In(i18n.For("en")), tc.says)
			}
		})
	}
}

func TestMTASTSUncoveredMXInEnforceModeIsSaidPlainly(t *testing.T) {
	lab, nw := newLab(t)
	lab.TXT("_mta-sts."+domain, "v=STSv1; id=1")
	servePolicy(lab, "version: STSv1\nmode: enforce\nmx: mail.provider.test\nmax_age: 604800\n")
	c := checkMTASTS(testCtx(t), nw, domain)
	assertCheck(t, c, Problem, "mtasts-mx-uncovered")
	if s := c.Summary.In(i18n.For("en")); s != "Senders that enforce MTA-STS will not deliver mail to mx1.example.test, mx2.example.test: the policy does not list any of your mail servers." {
		t.Errorf("summary %q", s)
	}
	if s := c.Summary.In(i18n.For("it")); !strings.Contains(s, "non consegneranno posta a mx1.example.test, mx2.example.test") {
		t.Errorf("Italian summary %q", s)
	}

	// In testing mode the same gap is a detail that says what enforce
	// mode would do.
	lab2, nw2 := newLab(t)
	lab2.TXT("_mta-sts."+domain, "v=STSv1; id=1")
	servePolicy(lab2, "version: STSv1\nmode: testing\nmx: mx1.example.test\nmax_age: 604800\n")
	c = checkMTASTS(testCtx(t), nw2, domain)
	if !hasDetail(c, "The MTA-STS policy does not allow these mail servers: mx2.example.test.") {
		t.Errorf("testing mode:\n%s", dump(c))
	}
}
