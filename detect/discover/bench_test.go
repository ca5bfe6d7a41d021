package discover_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/labtest"
)

// BenchmarkRunWithLatency measures one discovery against a lab where
// every DNS answer, TCP connect and command/answer turn costs 40 ms (a
// provider across Europe) and every source has something to say. It
// reports the elapsed time and the sum of the sources' own times: the
// ratio shows what running them at once saves.
func BenchmarkRunWithLatency(b *testing.B) {
	lab := labtest.NewWith(b, labtest.Options{Latency: 40 * time.Millisecond})
	doc := configXML("example.org", "Example", imap("mail.example.org"), smtp("mail.example.org"))
	lab.HTTPS("autoconfig.example.org", serveXML(doc))
	ispdb(lab, map[string]string{"example.org": doc, "hoster.test": configXML("hoster.test", "Hoster", imap("imap.hoster.test"))})
	lab.SRV("_imaps._tcp.example.org", 0, 1, 993, "mail.example.org")
	lab.SRV("_submission._tcp.example.org", 0, 1, 587, "mail.example.org")
	lab.MX("example.org", 10, "mx1.hoster.test")
	lab.HTTPS("autodiscover.example.org", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(poxSettings("Example", "example.org", "anna@example.org")))
	}))
	lab.Host("mail.example.org")
	lab.Host("smtp.example.org")
	addr, _ := address.Parse("anna@example.org")
	opts := discover.Options{Network: lab.Network(), OverrideDir: "-", Timeout: 15 * time.Second}

	var elapsed, sum time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res := discover.Run(context.Background(), opts, addr, nil)
		elapsed += time.Since(start)
		for _, s := range res.Sources {
			sum += time.Duration(s.ElapsedMS) * time.Millisecond
		}
		if len(res.Candidates) == 0 {
			b.Fatal("no candidates")
		}
	}
	b.ReportMetric(float64(elapsed.Milliseconds())/float64(b.N), "ms/run")
	b.ReportMetric(float64(sum.Milliseconds())/float64(b.N), "sum-of-sources-ms/run")
}
