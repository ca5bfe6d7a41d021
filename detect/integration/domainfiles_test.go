package integration

import (
	"net/http"
	"path/filepath"
	"testing"
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
	checked, report := s.checkAndSave(t)
	dir := filepath.Join(t.TempDir(), "site")
	if r := s.run(t, "", "export", "--domain-files", dir, "--from", report, "--lang", "it"); r.code != 0 {
		t.Fatalf("export --domain-files: exit %d\n%s", r.code, r.stderr)
	}
	serveTree(t, s, dir)

	found := s.detectFromAutoconfig(t, "alice@"+rt)
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
	serveHTTPS(t, s, http.FileServer(http.Dir(dir)))
}
