package integration

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestDomainFilesPublishedOverHTTPSAreDetectedBackByPostinoDetect is the
// administrator's whole path with the real servers and the real binary:
// `postino check`, `postino export --domain-files`, the tree served as is
// by a static HTTPS file server for another domain (no MX, SRV or mail
// host names), then `postino detect`: the autoconfig source is found over
// trusted HTTPS and proposes exactly the verified servers of the check,
// recommended ones first.
func TestDomainFilesPublishedOverHTTPSAreDetectedBackByPostinoDetect(t *testing.T) {
	s := need(t)
	rt := s["REALSERVERS_ROUNDTRIP_DOMAIN"]
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
	dir := filepath.Join(t.TempDir(), "site")
	if r := s.run(t, "", "export", "--domain-files", dir, "--from", report, "--lang", "it"); r.code != 0 {
		t.Fatalf("export --domain-files: exit %d\n%s", r.code, r.stderr)
	}
	serveTree(t, s, dir)

	r = s.run(t, "", "detect", "--json", "--no-http", "alice@"+rt)
	if r.code != 0 {
		t.Fatalf("detect: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
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
	want := map[endpoint]bool{}
	rec := checked.Recommended
	for _, c := range append([]choiceDoc{*rec.Incoming, *rec.Outgoing}, rec.Alternatives...) {
		if c.Verified && c.Security != "plain" {
			want[c.endpoint()] = true
		}
	}
	got := map[endpoint]bool{}
	var firstIn, firstOut *candDoc
	for i, c := range found.Candidates {
		got[c.endpoint()] = true
		if c.Protocol == "smtp" && firstOut == nil {
			firstOut = &found.Candidates[i]
		} else if c.Protocol != "smtp" && firstIn == nil {
			firstIn = &found.Candidates[i]
		}
	}
	for e := range want {
		if !got[e] {
			t.Errorf("verified %v not published or not found", e)
		}
	}
	for e := range got {
		if !want[e] {
			t.Errorf("detect found %v, which the check did not verify", e)
		}
	}
	if firstIn == nil || firstIn.endpoint() != rec.Incoming.endpoint() || firstOut == nil || firstOut.endpoint() != rec.Outgoing.endpoint() {
		t.Errorf("first candidates %+v / %+v, want the recommended %v / %v", firstIn, firstOut, rec.Incoming.endpoint(), rec.Outgoing.endpoint())
	}
}

// serveTree serves dir as a static site on the round-trip domain's
// autoconfig address, port 443, with the test CA's certificate.
func serveTree(t *testing.T, s servers, dir string) {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(s["REALSERVERS_CERT"], s["REALSERVERS_KEY"])
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(s["REALSERVERS_AUTOCONFIG_IP"], "443"))
	if err != nil {
		t.Fatalf("web server: %v", err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(dir)), ReadHeaderTimeout: 5 * time.Second,
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
