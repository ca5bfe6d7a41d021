package export

import (
	"errors"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/postino-mail/postino/detect/mail"
)

// parseZone reads the snippet with a real zone-file parser.
func parseZone(t *testing.T, zone string) []dns.RR {
	t.Helper()
	zp := dns.NewZoneParser(strings.NewReader(zone), "", "")
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		t.Fatalf("zone does not parse: %v\n%s", err, zone)
	}
	return rrs
}

func srvByName(rrs []dns.RR) map[string][]*dns.SRV {
	out := map[string][]*dns.SRV{}
	for _, rr := range rrs {
		if srv, ok := rr.(*dns.SRV); ok {
			out[srv.Hdr.Name] = append(out[srv.Hdr.Name], srv)
		}
	}
	return out
}

func TestDNSPublishesAllSixServicesWithImplicitTLSPreferred(t *testing.T) {
	rrs := parseZone(t, string(must(DNS(fixtures()["libero"], Options{Lang: "it", WebHost: "www.libero.it", DeclareAbsent: []string{"_pop3._tcp"}}))))
	srv := srvByName(rrs)
	type rec struct {
		prio, port uint16
		target     string
	}
	want := map[string][]rec{
		"_submissions._tcp.libero.it.":  {{0, 465, "smtp.libero.it."}},
		"_submission._tcp.libero.it.":   {{10, 587, "smtp.libero.it."}},
		"_imaps._tcp.libero.it.":        {{0, 993, "imapmail.libero.it."}},
		"_imap._tcp.libero.it.":         {{10, 143, "imapmail.libero.it."}},
		"_pop3s._tcp.libero.it.":        {{20, 995, "popmail.libero.it."}},
		"_pop3._tcp.libero.it.":         {{0, 0, "."}}, // declared absent (RFC 6186)
		"_autodiscover._tcp.libero.it.": {{0, 443, "autodiscover.libero.it."}},
	}
	if len(srv) != 7 {
		t.Errorf("%d SRV names, want 7", len(srv))
	}
	for name, recs := range want {
		if len(srv[name]) != len(recs) {
			t.Errorf("%s: %d records, want %d", name, len(srv[name]), len(recs))
			continue
		}
		for i, r := range recs {
			got := srv[name][i]
			if got.Priority != r.prio || got.Port != r.port || got.Target != r.target {
				t.Errorf("%s: got %d %d %s, want %d %d %s", name, got.Priority, got.Port, got.Target, r.prio, r.port, r.target)
			}
		}
	}
	cnames := 0
	for _, rr := range rrs {
		if c, ok := rr.(*dns.CNAME); ok {
			cnames++
			if c.Target != "www.libero.it." || (c.Hdr.Name != "autoconfig.libero.it." && c.Hdr.Name != "autodiscover.libero.it.") {
				t.Errorf("CNAME %s", c)
			}
		}
	}
	if cnames != 2 {
		t.Errorf("%d CNAMEs, want 2", cnames)
	}
}

func TestDNSRanksTheChosenIncomingProtocolFirstAndSkipsPlaintext(t *testing.T) {
	s := fixtures()["tiscali"]
	s.AlternativesIn = []mail.Server{
		{Protocol: mail.IMAP, Host: "imap.tiscali.it", Port: 993, Security: mail.TLS},
		{Protocol: mail.IMAP, Host: "imap.tiscali.it", Port: 143, Security: mail.Plain},
	}
	srv := srvByName(parseZone(t, string(must(DNS(s, Options{})))))
	if r := srv["_pop3s._tcp.tiscali.it."]; len(r) != 1 || r[0].Priority != 0 {
		t.Errorf("pop3s %v", r)
	}
	if r := srv["_imaps._tcp.tiscali.it."]; len(r) != 1 || r[0].Priority != 20 {
		t.Errorf("imaps %v", r)
	}
	if r := srv["_imap._tcp.tiscali.it."]; len(r) != 0 {
		t.Errorf("plaintext IMAP published, or declared absent though nobody said so: %v", r)
	}
	if r := srv["_submission._tcp.tiscali.it."]; len(r) != 2 || r[0].Port != 587 || r[1].Port != 2525 || r[1].Priority <= r[0].Priority {
		t.Errorf("submission %v", r)
	}
}

func TestDNSCommentsOutHostNamesWithoutAWebHost(t *testing.T) {
	out := string(must(DNS(fixtures()["tiscali"], Options{})))
	for _, rr := range parseZone(t, out) {
		if _, ok := rr.(*dns.CNAME); ok {
			t.Errorf("active CNAME without a web host: %s", rr)
		}
	}
	if !strings.Contains(out, "; autoconfig.tiscali.it. 3600 IN CNAME") {
		t.Errorf("no commented autoconfig line:\n%s", out)
	}
	if _, err := DNS(fixtures()["tiscali"], Options{WebHost: "bad host"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad web host: %v", err)
	}
}

func TestDNSRefusesAnIPAddressAsSRVTarget(t *testing.T) {
	s := fixtures()["libero"]
	s.Incoming.Host = "192.0.2.1"
	if _, err := DNS(s, Options{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("got %v, want ErrInvalid", err)
	}
}

// TestDNSDeclaresAbsentOnlyWhatTheAdministratorSays: a service the check
// did not verify gets no record (it may exist, just blocked from here);
// "0 0 0 ." only for one declared absent; a verified service cannot be
// declared absent; an unknown label is bad input.
func TestDNSDeclaresAbsentOnlyWhatTheAdministratorSays(t *testing.T) {
	s := fixtures()["tiscali"] // POP3 over TLS and submission only
	srv := srvByName(parseZone(t, string(must(DNS(s, Options{})))))
	for _, name := range []string{"_imaps._tcp.tiscali.it.", "_imap._tcp.tiscali.it.", "_pop3._tcp.tiscali.it.", "_submissions._tcp.tiscali.it."} {
		if len(srv[name]) != 0 {
			t.Errorf("%s published without being verified or declared absent: %v", name, srv[name])
		}
	}
	srv = srvByName(parseZone(t, string(must(DNS(s, Options{DeclareAbsent: []string{"_imap._tcp", "_imaps._tcp"}})))))
	for _, name := range []string{"_imaps._tcp.tiscali.it.", "_imap._tcp.tiscali.it."} {
		if r := srv[name]; len(r) != 1 || r[0].Target != "." || r[0].Port != 0 || r[0].Priority != 0 {
			t.Errorf("%s declared absent: %v", name, r)
		}
	}
	if len(srv["_pop3._tcp.tiscali.it."]) != 0 {
		t.Errorf("undeclared _pop3 got a record")
	}
	if _, err := DNS(s, Options{DeclareAbsent: []string{"_pop3s._tcp"}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("declaring a verified service absent: %v", err)
	}
	if _, err := DNS(s, Options{DeclareAbsent: []string{"_ftp._tcp"}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown service: %v", err)
	}
}
