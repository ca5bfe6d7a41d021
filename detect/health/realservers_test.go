package health

import (
	"context"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/labtest"
)

// TestHealthOfTheRealServersZone checks the zone NSD serves for
// .ci/realservers.sh, asking a real authoritative DNS server instead of
// the lab's. It skips with one line when the servers are not running.
func TestHealthOfTheRealServersZone(t *testing.T) {
	env, nw := labtest.RealServers(t)
	r := Run(context.Background(), nw, env["REALSERVERS_DOMAIN"], Options{Timeout: 20 * time.Second}, nil)
	want := map[string]string{
		NameMX: "mx-ok", NameSPF: "spf-ok", NameDKIM: "dkim-none", NameDMARC: "dmarc-p-none",
		NameMTASTS: "mtasts-none", NameTLSRPT: "tlsrpt-none",
	}
	for _, c := range r.Checks {
		if c.Code != want[c.Name] {
			t.Errorf("%s: %s/%s, want %s\n%s", c.Name, c.Verdict, c.Code, want[c.Name], dump(c))
		}
	}
	t.Logf("six checks against NSD in %d ms", r.ElapsedMS)
}
