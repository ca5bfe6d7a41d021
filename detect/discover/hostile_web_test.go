package discover_test

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
)

// Hostile web answers (issue 6) through the whole discovery path: the
// parsers' own tests cover the documents; these cover what reaches them.

// endless streams an XML-looking body of up to limit bytes from one
// reused chunk, so the server side allocates nothing per byte, and
// counts what the client actually took.
func endless(limit int64, sent, requests *atomic.Int64) http.HandlerFunc {
	chunk := []byte(strings.Repeat("<x>padding</x>", 4096))
	return func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "text/xml")
		w.Write([]byte("<clientConfig version=\"1.1\">"))
		for n := int64(0); n < limit; n += int64(len(chunk)) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			sent.Add(int64(len(chunk)))
		}
	}
}

// TestHundredMiBAutoconfigAnswerIsCutAtTheCapWithoutBeingRead: a 100 MiB
// autoconfig file (on both autoconfig URLs and as an Autodiscover
// answer) is refused as too large after about the 1 MiB cap; Postino
// neither downloads nor allocates the rest.
func TestHundredMiBAutoconfigAnswerIsCutAtTheCapWithoutBeingRead(t *testing.T) {
	lab := labtest.New(t)
	var sent, requests atomic.Int64
	huge := endless(100<<20, &sent, &requests)
	lab.HTTPS("autoconfig.example.com", huge)
	lab.HTTPS("example.com", huge)
	lab.HTTPS("autodiscover.example.com", huge)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	res, _ := run(t, lab, "anna@example.com", func(o *discover.Options) { o.NoHTTP = true })
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)

	for _, name := range []discover.SourceName{discover.SourceAutoconfig, discover.SourceAutodiscover} {
		if s := source(t, res, name); s.Status != discover.StatusError || s.ErrorCode != discover.CodeTooLarge {
			t.Errorf("%s: %+v, want error %s", name, s, discover.CodeTooLarge)
		}
	}
	if elapsed > 5*time.Second {
		t.Errorf("took %v", elapsed)
	}
	// Four requests (two autoconfig URLs, two Autodiscover URLs), each
	// cut just after the 1 MiB cap. Measured per request: about 4 MiB
	// written (what fits in loopback socket buffers) and 2.5 MiB
	// allocated (io.ReadAll growing to the cap), 6 MiB under -race.
	// Socket buffers grow with load (Linux allows up to 6 MiB + 4 MiB
	// per connection), hence the margin. Reading the answers through
	// would be 400 MiB either way.
	if n := sent.Load(); n > 64<<20 {
		t.Errorf("the servers wrote %d MiB before Postino hung up", n>>20)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	if alloc > 48<<20 {
		t.Errorf("the run allocated %d MiB for answers capped at 1 MiB", alloc>>20)
	}
	t.Logf("%d requests: servers wrote %d KiB, the run allocated %d KiB, in %v", requests.Load(), sent.Load()>>10, alloc>>10, elapsed.Round(time.Millisecond))
}

// TestXMLEntityTricksFromTheNetworkFindNothing: a billion-laughs document
// and one with an external entity pointing at a local file, served as
// autoconfig and as Autodiscover, are refused as malformed (no DTD is
// ever processed), yield no candidate, and finish fast.
func TestXMLEntityTricksFromTheNetworkFindNothing(t *testing.T) {
	laughs := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
		`<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">` +
		`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>`
	xxe := `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>`
	cases := map[string]struct{ autoconfig, autodiscover string }{
		"billion laughs": {
			laughs + `<clientConfig><emailProvider id="&lol3;"><incomingServer type="imap"><hostname>&lol3;.example.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>`,
			laughs + `<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"><Account><Protocol><Type>IMAP</Type><Server>&lol3;</Server><Port>993</Port></Protocol></Account></Response></Autodiscover>`,
		},
		"external entity": {
			xxe + `<clientConfig><emailProvider id="x"><incomingServer type="imap"><hostname>&xxe;</hostname><port>993</port><socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>`,
			xxe + `<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"><Account><Protocol><Type>IMAP</Type><Server>&xxe;</Server><Port>993</Port></Protocol></Account></Response></Autodiscover>`,
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			lab := labtest.New(t)
			lab.HTTPS("autoconfig.example.com", serveXML(c.autoconfig))
			lab.HTTPS("autodiscover.example.com", serveXML(c.autodiscover))
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			res, _ := run(t, lab, "anna@example.com", func(o *discover.Options) { o.NoHTTP = true })
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			// Expanded, lol3 alone would be 3 KB per use; a billion
			// laughs one level deeper would be gigabytes.
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > discoverBudget {
				t.Errorf("allocated %d KiB, budget %d KiB", alloc>>10, discoverBudget>>10)
			}
			for _, src := range []discover.SourceName{discover.SourceAutoconfig, discover.SourceAutodiscover} {
				if s := source(t, res, src); s.Status != discover.StatusError || s.ErrorCode != discover.CodeMalformed {
					t.Errorf("%s: %+v, want error %s", src, s, discover.CodeMalformed)
				}
				if got := fromSource(res, src); len(got) != 0 {
					t.Errorf("%s proposed %v", src, hostsOf(got))
				}
			}
			for _, cand := range res.Candidates {
				if strings.Contains(cand.Host, "lol") {
					t.Errorf("an entity was expanded into candidate %s", cand.Host)
				}
			}
		})
	}
}

// discoverBudget is what one whole discovery run may allocate facing the
// hostile answers below. Measured under -race: 0.6–1.3 MiB. A run that
// followed a redirect loop or kept hundreds of records would exceed it
// only slowly, so the tests also count requests and candidates.
const discoverBudget = 8 << 20

// TestHostileRedirectsAndDNSAnswersEndInTimeWithBoundedMemory: a
// redirect loop, a redirect from HTTPS to HTTP, hundreds of SRV records,
// and the same records behind a truncated UDP answer each end the run
// well within its deadline, with the verdict that names them, a bounded
// number of requests or candidates, and bounded allocations.
func TestHostileRedirectsAndDNSAnswersEndInTimeWithBoundedMemory(t *testing.T) {
	cases := []struct {
		name  string
		setup func(lab *labtest.Lab, hits *atomic.Int64)
		check func(t *testing.T, res *discover.Result, hits int64)
	}{
		{"redirect loop", func(lab *labtest.Lab, hits *atomic.Int64) {
			lab.HTTPS("autoconfig.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				http.Redirect(w, r, "https://autoconfig.example.com/mail/config-v1.1.xml", http.StatusFound)
			}))
		}, func(t *testing.T, res *discover.Result, hits int64) {
			if s := source(t, res, discover.SourceAutoconfig); s.Status != discover.StatusError || s.ErrorCode != discover.CodeTooManyRedirects {
				t.Errorf("autoconfig %+v, want error %s", s, discover.CodeTooManyRedirects)
			}
			// One request and at most two redirects (network.Get).
			if hits > 3 {
				t.Errorf("the loop was followed %d times", hits)
			}
		}},
		{"https to http", func(lab *labtest.Lab, hits *atomic.Int64) {
			lab.HTTPS("autoconfig.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "http://autoconfig.example.com/plain.xml", http.StatusFound)
			}))
			lab.HTTP("autoconfig.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/plain.xml" {
					hits.Add(1)
				}
				serveXML(configXML("example.com", "Plain", imap("imap.example.com"))).ServeHTTP(w, r)
			}))
		}, func(t *testing.T, res *discover.Result, hits int64) {
			if s := source(t, res, discover.SourceAutoconfig); s.Status != discover.StatusError || s.ErrorCode != discover.CodeInsecureRedirect {
				t.Errorf("autoconfig %+v, want error %s", s, discover.CodeInsecureRedirect)
			}
			if hits != 0 {
				t.Errorf("the downgraded URL was fetched %d times", hits)
			}
		}},
		{"hundreds of SRV records", func(lab *labtest.Lab, _ *atomic.Int64) {
			for i := 0; i < 500; i++ {
				lab.SRV("_imaps._tcp.example.com", uint16(i), 1, 993, fmt.Sprintf("imap%d.example.com", i))
			}
		}, checkManySRV},
		{"truncated UDP answer", func(lab *labtest.Lab, _ *atomic.Int64) {
			for i := 0; i < 500; i++ {
				lab.SRV("_imaps._tcp.example.com", uint16(i), 1, 993, fmt.Sprintf("imap%d.example.com", i))
			}
			lab.DNSFail("_imaps._tcp.example.com", labtest.Truncate)
		}, checkManySRV},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lab := labtest.New(t)
			var hits atomic.Int64
			c.setup(lab, &hits)
			const deadline = 10 * time.Second // run's own Timeout
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			res, _ := run(t, lab, "anna@example.com")
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%v, %d KiB allocated", elapsed.Round(time.Millisecond), alloc>>10)
			// Nothing here needs to wait for a timeout: a fifth of the
			// deadline is plenty, even under -race.
			if elapsed > deadline/5 {
				t.Errorf("took %v", elapsed)
			}
			if alloc > discoverBudget {
				t.Errorf("allocated %d KiB, budget %d KiB", alloc>>10, discoverBudget>>10)
			}
			c.check(t, res, hits.Load())
		})
	}
}

// checkManySRV: of 500 records (priorities 0…499, listed in that order)
// Postino keeps the first network.MaxAnswers and proposes the best
// discover.MaxSRVPerService of them, priority 0 first.
func checkManySRV(t *testing.T, res *discover.Result, _ int64) {
	t.Helper()
	if s := source(t, res, discover.SourceSRV); s.Status != discover.StatusFound {
		t.Fatalf("srv %+v, want found", s)
	}
	got := fromSource(res, discover.SourceSRV)
	if len(got) == 0 || len(got) > discover.MaxSRVPerService {
		t.Fatalf("%d SRV candidates, want 1..%d", len(got), discover.MaxSRVPerService)
	}
	if _, ok := candidate(res, mail.IMAP, "imap0.example.com", 993); !ok {
		t.Errorf("the priority-0 target is missing: %v", hostsOf(got))
	}
}
