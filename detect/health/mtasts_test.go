package health

import (
	"net/http"
	"testing"

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
