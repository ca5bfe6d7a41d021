package health

import (
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/labtest"
)

func TestMXListsHostsByPreferenceWithAddresses(t *testing.T) {
	_, nw := newLab(t)
	c := checkMX(testCtx(t), nw, domain)
	assertCheck(t, c, OK, "mx-ok")
	if len(c.Records) != 2 || c.Records[0] != "10 mx1.example.test" || c.Records[1] != "20 mx2.example.test" {
		t.Errorf("records not sorted by preference: %q", c.Records)
	}
	if !hasDetail(c, "10 mx1.example.test → 127.0.0.") {
		t.Errorf("the MX host's address is missing from the details:\n%s", dump(c))
	}
}

func TestMXVerdicts(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(lab *labtest.Lab)
		verdict Verdict
		code    string
	}{
		{"no MX and no address cannot receive mail", func(lab *labtest.Lab) {}, Problem, "mx-none"},
		{"no MX but an address is the implicit MX", func(lab *labtest.Lab) { lab.A(domain, "127.0.0.9") }, Warning, "mx-implicit"},
		{"null MX says no mail is accepted", func(lab *labtest.Lab) { lab.MX(domain, 0, ".") }, Problem, "mx-null"},
		{"null MX mixed with others", func(lab *labtest.Lab) {
			lab.MX(domain, 0, ".")
			lab.Host("mx1." + domain)
			lab.MX(domain, 10, "mx1."+domain)
		}, Problem, "mx-null-mixed"},
		{"every MX host unresolvable", func(lab *labtest.Lab) { lab.MX(domain, 10, "nowhere."+domain) }, Problem, "mx-unresolved-all"},
		{"one MX host unresolvable", func(lab *labtest.Lab) {
			lab.Host("mx1." + domain)
			lab.MX(domain, 10, "mx1."+domain)
			lab.MX(domain, 20, "typo."+domain)
		}, Warning, "mx-unresolved-some"},
		{"MX pointing at an alias", func(lab *labtest.Lab) {
			lab.Host("real.mail.test")
			lab.CNAME("mx."+domain, "real.mail.test")
			lab.MX(domain, 10, "mx."+domain)
		}, Warning, "mx-cname"},
		{"MX naming an IP address instead of a host", func(lab *labtest.Lab) { lab.MX(domain, 10, "192.0.2.25") }, Warning, "mx-ip-literal"},
		{"DNS failure is reported, not taken for a missing MX", func(lab *labtest.Lab) { lab.DNSFail(domain, labtest.ServFail) }, Problem, "dns-failed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lab := labtest.New(t)
			tc.setup(lab)
			assertCheck(t, checkMX(testCtx(t), lab.Network(), domain), tc.verdict, tc.code)
		})
	}
}

func TestForEachCallsEveryIndexAtMostMaxParallelAtATime(t *testing.T) {
	var mu sync.Mutex
	running, most := 0, 0
	seen := make([]bool, 30)
	forEach(len(seen), func(i int) {
		mu.Lock()
		running++
		most = max(most, running)
		seen[i] = true
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		running--
		mu.Unlock()
	})
	if most > maxParallel || most < 2 {
		t.Errorf("%d calls ran at once, want 2..%d", most, maxParallel)
	}
	for i, ok := range seen {
		if !ok {
			t.Errorf("index %d never called", i)
		}
	}
}
