package health

import (
	"bufio"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/network"
)

// TestHealthOfTheRealServersZone checks the zone NSD serves for
// .ci/realservers.sh, asking a real authoritative DNS server instead of
// the lab's. It skips with one line when the servers are not running.
func TestHealthOfTheRealServersZone(t *testing.T) {
	dir := os.Getenv("POSTINO_REALSERVERS_DIR")
	if dir == "" {
		dir = "/var/lib/postino-realservers"
	}
	f, err := os.Open(filepath.Join(dir, "env"))
	if err != nil {
		t.Skip("real servers not set up (.ci/realservers.sh start)")
	}
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			env[k] = v
		}
	}
	f.Close()
	conn, err := net.DialTimeout("tcp", env["POSTINO_DNS"], time.Second)
	if err != nil {
		t.Skip("real servers not running (.ci/realservers.sh start)")
	}
	conn.Close()
	nw, err := network.New(network.Options{DNS: env["POSTINO_DNS"]})
	if err != nil {
		t.Fatal(err)
	}
	nw.LoopbackOnly = true
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
