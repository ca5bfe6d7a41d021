package integration

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestExportedThunderbirdFileServedAsAutoconfigLeadsDetectToTheSameSettings
// closes the loop: check the real servers, export the Thunderbird file,
// publish it as another domain's autoconfig over HTTPS (the place
// Thunderbird and Postino look first), and detect that domain. It has no
// MX, SRV or mail host names, so everything detect finds comes from the
// exported file, and it must be what the check recommended, in the same
// order, with the same user-name template.
func TestExportedThunderbirdFileServedAsAutoconfigLeadsDetectToTheSameSettings(t *testing.T) {
	s := need(t)
	rt := s["REALSERVERS_ROUNDTRIP_DOMAIN"]

	checked, report := s.checkAndSave(t)
	exported := filepath.Join(t.TempDir(), "config-v1.1.xml")
	if r := s.run(t, "", "export", "--format", "thunderbird", "--from", report, "-o", exported); r.code != 0 {
		t.Fatalf("export: exit %d\n%s", r.code, r.stderr)
	}
	xml, err := os.ReadFile(exported)
	if err != nil {
		t.Fatal(err)
	}

	asked := serveAutoconfig(t, s, xml)
	found := s.detectFromAutoconfig(t, "alice@"+rt)
	if q := asked(); !strings.Contains(q, "emailaddress=alice%40"+rt) {
		t.Errorf("the autoconfig server was asked %q, want the address in emailaddress=", q)
	}

	want := []choiceDoc{*checked.Recommended.Incoming, *checked.Recommended.Outgoing}
	want = append(want, checked.Recommended.Alternatives...)
	wantSet := map[endpoint]bool{}
	for _, c := range want {
		wantSet[c.endpoint()] = true
	}
	gotSet := map[endpoint]bool{}
	var firstIn, firstOut *candDoc
	for i, c := range found.Candidates {
		gotSet[c.endpoint()] = true
		if c.Username != "%EMAILADDRESS%" {
			t.Errorf("%v: username %q, want the template %%EMAILADDRESS%% (the check logged in as the full address)", c.endpoint(), c.Username)
		}
		if len(c.Sources) != 1 || c.Sources[0] != "autoconfig" {
			t.Errorf("%v: sources %v, want only autoconfig", c.endpoint(), c.Sources)
		}
		if c.Protocol == "smtp" && firstOut == nil {
			firstOut = &found.Candidates[i]
		}
		if c.Protocol != "smtp" && firstIn == nil {
			firstIn = &found.Candidates[i]
		}
	}
	for e := range wantSet {
		if !gotSet[e] {
			t.Errorf("exported setting %v not found by detect", e)
		}
	}
	for e := range gotSet {
		if !wantSet[e] {
			t.Errorf("detect found %v, which the check did not recommend", e)
		}
	}
	if firstIn == nil || firstIn.endpoint() != want[0].endpoint() {
		t.Errorf("first incoming candidate %+v, want the recommended %v", firstIn, want[0].endpoint())
	}
	if firstOut == nil || firstOut.endpoint() != want[1].endpoint() {
		t.Errorf("first outgoing candidate %+v, want the recommended %v", firstOut, want[1].endpoint())
	}
}

// serveAutoconfig publishes body at both autoconfig URLs of the round-trip
// domain, on its address from the zone, port 443, with the test CA's
// certificate. It returns a function giving the last request's URL.
func serveAutoconfig(t *testing.T, s servers, body []byte) func() string {
	t.Helper()
	var mu sync.Mutex
	var last string
	mux := http.NewServeMux()
	serve := func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		last = r.URL.String()
		mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		w.Write(body)
	}
	mux.HandleFunc("/mail/config-v1.1.xml", serve)
	mux.HandleFunc("/.well-known/autoconfig/mail/config-v1.1.xml", serve)
	serveHTTPS(t, s, mux)
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		return last
	}
}

// serveHTTPS serves h on the round-trip domain's autoconfig address,
// port 443, with the test CA's certificate, until the test ends.
func serveHTTPS(t *testing.T, s servers, h http.Handler) {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(s["REALSERVERS_CERT"], s["REALSERVERS_KEY"])
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(s["REALSERVERS_AUTOCONFIG_IP"], "443"))
	if err != nil {
		t.Fatalf("web server: %v", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}}
	done := make(chan error, 1)
	go func() { done <- srv.ServeTLS(ln, "", "") }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("web server: %v", err)
		}
	})
}

// checkAndSave runs `postino check --json` for the test address and
// saves its report for `export --from`.
func (s servers) checkAndSave(t *testing.T) (checkDoc, string) {
	t.Helper()
	r := s.run(t, "", "check", "--json", s.address())
	if r.code != 0 {
		t.Fatalf("check: exit %d\n%s", r.code, r.stderr)
	}
	var checked checkDoc
	r.decode(t, &checked)
	report := filepath.Join(t.TempDir(), "check.json")
	if err := os.WriteFile(report, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	return checked, report
}

// detectFromAutoconfig runs `postino detect --json --no-http` for
// address and requires the autoconfig source found over trusted HTTPS.
func (s servers) detectFromAutoconfig(t *testing.T, address string) detectDoc {
	t.Helper()
	r := s.run(t, "", "detect", "--json", "--no-http", address)
	if r.code != 0 {
		t.Fatalf("detect: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	var found detectDoc
	r.decode(t, &found)
	var auto sourceDoc
	for _, src := range found.Sources {
		if src.Name == "autoconfig" {
			auto = src
		}
	}
	if auto.Status != "found" || !auto.Trusted || auto.Trust != "https" {
		t.Fatalf("autoconfig source = %+v, want found over trusted HTTPS", auto)
	}
	return found
}
