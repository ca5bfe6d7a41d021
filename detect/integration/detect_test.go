package integration

import (
	"slices"
	"testing"
)

// TestDetectFindsTheRealZonesServersThroughSRVAndGuesses asks NSD, a real
// authoritative server, for the test domain: the RFC 6186/8314 SRV
// records give the trusted endpoints, the host names that resolve give
// the guesses, and every other source answers "nothing here" rather than
// failing.
func TestDetectFindsTheRealZonesServersThroughSRVAndGuesses(t *testing.T) {
	s := need(t)
	r := s.run(t, "", "detect", "--json", s.address())
	if r.code != 0 {
		t.Fatalf("exit %d, want 0 (incoming and outgoing found)\nstderr:\n%s", r.code, r.stderr)
	}
	var doc detectDoc
	r.decode(t, &doc)
	d := s["REALSERVERS_DOMAIN"]
	if doc.Address != s.address() || doc.Domain != d {
		t.Errorf("address %q domain %q, want %q %q", doc.Address, doc.Domain, s.address(), d)
	}

	sources := map[string]sourceDoc{}
	for _, src := range doc.Sources {
		sources[src.Name] = src
		if src.Status == "error" {
			t.Errorf("source %s: status error (%s); a real DNS server answers NXDOMAIN/NODATA, which is not-found", src.Name, src.Error)
		}
	}
	if srv := sources["srv"]; srv.Status != "found" || !srv.Trusted || srv.Candidates != 6 {
		t.Errorf("srv source = %+v, want found, trusted, 6 candidates", srv)
	}
	if g := sources["guess"]; g.Status != "found" || g.Trusted {
		t.Errorf("guess source = %+v, want found and untrusted", g)
	}
	for _, name := range []string{"autoconfig", "ispdb", "autodiscover"} {
		if src, ok := sources[name]; !ok || src.Status != "not-found" {
			t.Errorf("source %s = %+v, want not-found (the zone publishes no such host)", name, src)
		}
	}

	got := map[endpoint]candDoc{}
	for _, c := range doc.Candidates {
		got[c.endpoint()] = c
	}
	// The SRV records of .ci/realservers.sh, each a trusted candidate.
	srv := []endpoint{
		{"imap", "imap." + d, 993, "tls"}, {"imap", "imap." + d, 143, "starttls"},
		{"pop3", "pop." + d, 995, "tls"}, {"pop3", "pop." + d, 110, "starttls"},
		{"smtp", "smtp." + d, 465, "tls"}, {"smtp", "smtp." + d, 587, "starttls"},
	}
	for _, e := range srv {
		c, ok := got[e]
		if !ok {
			t.Errorf("missing SRV candidate %v", e)
			continue
		}
		if !c.Trusted || !slices.Contains(c.Sources, "srv") {
			t.Errorf("%v: trusted=%v sources=%v, want trusted and from srv", e, c.Trusted, c.Sources)
		}
	}
	// mail.D resolves, so it is guessed for every protocol and port.
	for _, e := range []endpoint{
		{"imap", "mail." + d, 993, "tls"}, {"imap", "mail." + d, 143, "starttls"},
		{"pop3", "mail." + d, 995, "tls"}, {"pop3", "mail." + d, 110, "starttls"},
		{"smtp", "mail." + d, 465, "tls"}, {"smtp", "mail." + d, 587, "starttls"},
		{"smtp", "mail." + d, 25, "starttls"}, {"smtp", "mail." + d, 2525, "starttls"},
	} {
		if c, ok := got[e]; !ok || c.Trusted || !slices.Equal(c.Sources, []string{"guess"}) {
			t.Errorf("guessed candidate %v = %+v (present %v), want untrusted, from guess only", e, c, ok)
		}
	}
	// Names the zone does not have are never proposed.
	for _, c := range doc.Candidates {
		if c.Host == d || c.Host == "pop3."+d {
			t.Errorf("candidate %v for a name that does not resolve", c.endpoint())
		}
	}
	// SRV priority 0 comes first within the best-ranked source.
	if len(doc.Candidates) == 0 || doc.Candidates[0].endpoint() != srv[0] {
		t.Errorf("first candidate = %+v, want %v", doc.Candidates, srv[0])
	}
}

// TestDetectSaysNothingFoundForADomainWithNoRecords: a domain the DNS
// server is authoritative for but that publishes nothing gives exit 1.
func TestDetectSaysNothingFoundForADomainWithNoRecords(t *testing.T) {
	s := need(t)
	// roundtrip.test has only an autoconfig host, and nothing serves it
	// unless a test does.
	r := s.run(t, "", "detect", "--json", "--no-http", "nobody@"+s["REALSERVERS_ROUNDTRIP_DOMAIN"])
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (nothing found)\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	var doc detectDoc
	r.decode(t, &doc)
	if len(doc.Candidates) != 0 {
		t.Errorf("candidates = %+v, want none", doc.Candidates)
	}
}
