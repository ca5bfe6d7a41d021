package health

import (
	"testing"

	"github.com/postino-mail/postino/detect/labtest"
)

func TestTLSRPTVerdicts(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(lab *labtest.Lab)
		verdict Verdict
		code    string
	}{
		{"reports by mail and HTTPS", func(lab *labtest.Lab) {
			lab.TXT("_smtp._tls."+domain, "v=TLSRPTv1; rua=mailto:tls@example.test,https://reports.example.test/tls")
		}, OK, "tlsrpt-ok"},
		{"no record", func(lab *labtest.Lab) {}, NotFound, "tlsrpt-none"},
		{"no rua", func(lab *labtest.Lab) { lab.TXT("_smtp._tls."+domain, "v=TLSRPTv1;") }, Problem, "tlsrpt-invalid"},
		{"plain HTTP is not allowed", func(lab *labtest.Lab) {
			lab.TXT("_smtp._tls."+domain, "v=TLSRPTv1; rua=http://reports.example.test/")
		}, Problem, "tlsrpt-invalid"},
		{"two records", func(lab *labtest.Lab) {
			lab.TXT("_smtp._tls."+domain, "v=TLSRPTv1; rua=mailto:a@example.test")
			lab.TXT("_smtp._tls."+domain, "v=TLSRPTv1; rua=mailto:b@example.test")
		}, Problem, "tlsrpt-multiple"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lab, nw := newLab(t)
			tc.setup(lab)
			assertCheck(t, checkTLSRPT(testCtx(t), nw, domain), tc.verdict, tc.code)
		})
	}
}
