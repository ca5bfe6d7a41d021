package health

import (
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/labtest"
)

func TestDKIMVerdicts(t *testing.T) {
	rsa2048 := rsaKeyRecord(t, 2048)
	rsa1024 := rsaKeyRecord(t, 1024)
	rsa512 := rsaKeyRecord(t, 512)
	ed := ed25519KeyRecord(t)
	cases := []struct {
		name      string
		selectors []string
		setup     func(lab *labtest.Lab)
		verdict   Verdict
		code      string
	}{
		{"RSA 2048 at a common selector", nil, func(lab *labtest.Lab) {
			lab.TXT("google._domainkey."+domain, rsa2048)
		}, OK, "dkim-ok"},
		{"RSA 1024 is still accepted", nil, func(lab *labtest.Lab) {
			lab.TXT("selector1._domainkey."+domain, rsa1024)
		}, OK, "dkim-ok"},
		{"RSA 512 is too weak", nil, func(lab *labtest.Lab) {
			lab.TXT("default._domainkey."+domain, rsa512)
		}, Problem, "dkim-weak-key"},
		{"ed25519", nil, func(lab *labtest.Lab) {
			lab.TXT("s1._domainkey."+domain, ed)
		}, OK, "dkim-ok"},
		{"a key split over several strings", nil, func(lab *labtest.Lab) {
			lab.TXT("k1._domainkey."+domain, rsa2048[:100], rsa2048[100:])
		}, OK, "dkim-ok"},
		{"the person's own selector", []string{"Postino2026"}, func(lab *labtest.Lab) {
			lab.TXT("postino2026._domainkey."+domain, rsa2048)
		}, OK, "dkim-ok"},
		{"the person's selector is missing", []string{"custom"}, func(lab *labtest.Lab) {
			lab.TXT("google._domainkey."+domain, rsa2048)
		}, Warning, "dkim-selector-missing"},
		{"only a revoked key", nil, func(lab *labtest.Lab) {
			lab.TXT("mail._domainkey."+domain, "v=DKIM1; k=rsa; p=")
		}, Warning, "dkim-only-revoked"},
		{"a revoked key next to a working one is normal rotation", nil, func(lab *labtest.Lab) {
			lab.TXT("mail._domainkey."+domain, "v=DKIM1; p=")
			lab.TXT("k2._domainkey."+domain, rsa2048)
		}, OK, "dkim-ok"},
		{"a key in test mode", nil, func(lab *labtest.Lab) {
			lab.TXT("dkim._domainkey."+domain, "v=DKIM1; t=y; k=ed25519; "+ed[len("v=DKIM1; k=ed25519; "):])
		}, Warning, "dkim-testing"},
		{"broken base64", nil, func(lab *labtest.Lab) {
			lab.TXT("google._domainkey."+domain, "v=DKIM1; k=rsa; p=not*base64")
		}, Problem, "dkim-invalid"},
		{"no key at any selector", nil, func(lab *labtest.Lab) {}, NotFound, "dkim-none"},
		{"DNS failing everywhere", nil, func(lab *labtest.Lab) {
			lab.DNSFail("_domainkey."+domain, labtest.ServFail)
		}, Problem, "dns-failed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lab, nw := newLab(t)
			tc.setup(lab)
			assertCheck(t, checkDKIM(testCtx(t), nw, domain, tc.selectors), tc.verdict, tc.code)
		})
	}
}

func TestDKIMReportsKeyTypeAndSize(t *testing.T) {
	lab, nw := newLab(t)
	lab.TXT("google._domainkey."+domain, rsaKeyRecord(t, 2048))
	lab.TXT("s2._domainkey."+domain, ed25519KeyRecord(t))
	c := checkDKIM(testCtx(t), nw, domain, nil)
	assertCheck(t, c, OK, "dkim-ok")
	for _, want := range []string{"google: rsa key, 2048 bits", "s2: ed25519 key, 256 bits"} {
		if !hasDetail(c, want) {
			t.Errorf("missing detail %q:\n%s", want, dump(c))
		}
	}
}

func TestDKIMSelectorListPutsThePersonFirstWithoutDuplicates(t *testing.T) {
	got, user := selectorList([]string{" Custom ", "google", "custom", ""})
	if got[0] != "custom" || got[1] != "google" || !user["custom"] || !user["google"] {
		t.Errorf("selectorList = %v, user %v", got[:3], user)
	}
	seen := map[string]bool{}
	for _, s := range got {
		if seen[s] {
			t.Errorf("selector %q listed twice", s)
		}
		seen[s] = true
	}
}

func TestDKIMDoesNotCallAWeakKeyNextToARevokedOneOnlyRevoked(t *testing.T) {
	lab, nw := newLab(t)
	lab.TXT("default._domainkey."+domain, rsaKeyRecord(t, 512))
	lab.TXT("mail._domainkey."+domain, "v=DKIM1; p=")
	c := checkDKIM(testCtx(t), nw, domain, nil)
	assertCheck(t, c, Problem, "dkim-weak-key")
	if hasDetail(c, "Only revoked") {
		t.Errorf("a 512-bit key was found too, so the keys are not only revoked:\n%s", dump(c))
	}
	if !hasDetail(c, "mail: revoked key") {
		t.Errorf("the revoked key is not listed:\n%s", dump(c))
	}
}

func TestDKIMSaysAFailingDNSServerOnceNotPerSelector(t *testing.T) {
	lab, nw := newLab(t)
	lab.DNSFail("_domainkey."+domain, labtest.ServFail)
	c := checkDKIM(testCtx(t), nw, domain, []string{"custom"})
	assertCheck(t, c, Problem, "dns-failed")
	if len(c.Details) != 0 {
		t.Errorf("%d detail lines repeat the same failure:\n%s", len(c.Details), dump(c))
	}
}

// Microsoft 365 and others publish DKIM as a CNAME to a key in their own
// zone; the key must be found through it.
func TestDKIMKeyBehindACNAMEIsFound(t *testing.T) {
	lab, nw := newLab(t)
	lab.CNAME("selector1._domainkey."+domain, "selector1-example-test._domainkey.provider.onmicrosoft.test")
	lab.TXT("selector1-example-test._domainkey.provider.onmicrosoft.test", rsaKeyRecord(t, 2048))
	c := checkDKIM(testCtx(t), nw, domain, nil)
	assertCheck(t, c, OK, "dkim-ok")
	if !hasDetail(c, "selector1: rsa key, 2048 bits") {
		t.Errorf("key not measured:\n%s", dump(c))
	}
}

func TestDKIMGivesUpOnADNSServerThatNeverAnswersAfterOneWave(t *testing.T) {
	lab, nw := newLab(t)
	lab.DNSFail("_domainkey."+domain, labtest.Timeout)
	nw.DNSTimeout = time.Second
	start := time.Now()
	c := checkDKIM(testCtx(t), nw, domain, nil)
	el := time.Since(start)
	assertCheck(t, c, Problem, "dns-failed")
	// 28 selectors, 8 at a time, are four waves of timeouts (4 s and
	// more); after the first wave the rest are called off.
	if el > 3*time.Second {
		t.Errorf("took %v: every wave of selectors waited for its timeout", el)
	}
	if strings.Contains(c.Explanation.In(i18n.For("en")), "canceled") {
		t.Errorf("the explanation names the called-off lookups, not the timeout: %q", c.Explanation.In(i18n.For("en")))
	}
}
