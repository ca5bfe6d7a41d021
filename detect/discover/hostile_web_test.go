package discover_test

import (
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/labtest"
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
			start := time.Now()
			res, _ := run(t, lab, "anna@example.com", func(o *discover.Options) { o.NoHTTP = true })
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v", time.Since(start))
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
