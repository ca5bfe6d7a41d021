package detect

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/probe"
)

// benchLatency is the round trip added to every connect, every
// command/answer turn and every DNS answer: a provider across Europe.
const benchLatency = 40 * time.Millisecond

// benchTimeout is each probe's deadline in the benchmark: short, so the
// filtered ports (which can only end by timing out) keep the run quick.
const benchTimeout = time.Second

// benchHosts are the three hosts of the benchmark's provider. Each is
// listed for IMAP, POP3 and SMTP, so the check probes 3 × 8 endpoints.
// Some ports silently drop packets, some refuse, the rest answer.
var benchHosts = []struct {
	name     string
	serve    func(t testing.TB, m *mailHost)
	filtered []int
}{
	{"mail.example.org", func(t testing.TB, m *mailHost) {
		m.IMAP(t, 993, true)
		m.IMAP(t, 143, false)
		m.POP3(t, 995, true)
		m.POP3(t, 110, false)
		m.SMTP(t, 465, true)
		m.SMTP(t, 587, false)
		m.SMTP(t, 2525, false)
	}, []int{25}},
	{"mx.example.org", func(t testing.TB, m *mailHost) {
		m.IMAP(t, 993, true)
		m.POP3(t, 995, true)
		m.SMTP(t, 465, true)
		m.SMTP(t, 587, false)
		m.SMTP(t, 25, false)
	}, []int{2525}},
	{"legacy.example.org", func(t testing.TB, m *mailHost) {
		m.IMAP(t, 143, false)
		m.POP3(t, 110, false)
		m.SMTP(t, 587, false)
	}, []int{25, 993}},
}

// benchLab starts the benchmark's provider: an autoconfig file listing
// the three hosts, their servers, and nothing else in DNS.
func benchLab(b *testing.B) *labtest.Lab {
	lab := labtest.NewWith(b, labtest.Options{Latency: benchLatency})
	xml := `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example.org"><domain>example.org</domain><displayName>Example</displayName>`
	for _, h := range benchHosts {
		xml += fmt.Sprintf(`<incomingServer type="imap"><hostname>%[1]s</hostname><port>993</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%%EMAILADDRESS%%</username></incomingServer>`+
			`<incomingServer type="pop3"><hostname>%[1]s</hostname><port>995</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%%EMAILADDRESS%%</username></incomingServer>`+
			`<outgoingServer type="smtp"><hostname>%[1]s</hostname><port>465</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%%EMAILADDRESS%%</username></outgoingServer>`, h.name)
	}
	xml += `</emailProvider></clientConfig>`
	lab.HTTPS("autoconfig.example.org", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, xml)
	}))
	for _, h := range benchHosts {
		m := newMailHost(b, lab, h.name, "anna@example.org", "benchmark-password")
		h.serve(b, m)
		for _, p := range h.filtered {
			lab.Filter(h.name, p)
		}
	}
	return lab
}

// BenchmarkCheck measures one full check of an address against the
// benchmark lab, and the same probes run one after another. Reported:
// first-verdict-ms (first finished probe row), total-ms (the whole check,
// discovery included), slowest-probe-ms, sequential-ms, and the two
// ratios the targets are about (docs/performance.md).
func BenchmarkCheck(b *testing.B) {
	lab := benchLab(b)
	addr := mustAddr(b, "anna@example.org")
	opts := CheckOptions{
		Network:      lab.Network(),
		ISPDBURL:     "https://ispdb.example.net/v1.1/",
		ProbeTimeout: benchTimeout,
		Password:     "benchmark-password",
	}
	for b.Loop() {
		var once sync.Once
		var first time.Duration
		start := time.Now()
		rep := Check(context.Background(), opts, addr, func(e event.Event) {
			if u, ok := e.(probe.Update); ok && u.Result.Phase == probe.PhaseDone {
				once.Do(func() { first = time.Since(start) })
			}
		})
		total := time.Since(start)

		var slowest time.Duration
		seqStart := time.Now()
		for _, p := range rep.Probes {
			t0 := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), benchTimeout+probeGrace)
			probe.Run(ctx, opts.Network, p.Endpoint, p.Sources, probe.Options{
				Username: p.Endpoint.Username, Password: opts.Password, Timeout: benchTimeout,
			}, nil)
			cancel()
			if d := time.Since(t0); d > slowest {
				slowest = d
			}
		}
		sequential := time.Since(seqStart)

		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		filtered := 0
		for _, p := range rep.Probes {
			if p.Reachability == probe.Filtered {
				filtered++
			}
		}
		b.ReportMetric(float64(len(rep.Probes)), "probes")
		b.ReportMetric(float64(filtered), "dropped-ports")
		b.ReportMetric(ms(first), "first-verdict-ms")
		b.ReportMetric(ms(total), "total-ms")
		b.ReportMetric(ms(slowest), "slowest-probe-ms")
		b.ReportMetric(ms(sequential), "sequential-ms")
		b.ReportMetric(float64(total)/float64(slowest), "total/slowest")
		b.ReportMetric(float64(sequential)/float64(total), "speedup")
		// The login gate (issue 10): logins that waited for the first
		// one of their protocol to succeed, the longest such wait, and
		// the longest wait of a first login for a better-ranked endpoint.
		b.ReportMetric(float64(rep.gate.Gated), "gated-logins")
		b.ReportMetric(ms(rep.gate.MaxWait), "gate-wait-ms")
		b.ReportMetric(ms(rep.gate.MaxLeadWait), "first-login-wait-ms")
		logins := 0
		for _, p := range rep.Probes {
			if p.Login == probe.LoginOK {
				logins++
			}
		}
		b.ReportMetric(float64(logins), "logins-ok")
		if len(rep.Probes) != 24 {
			b.Errorf("%d probes, want 24 (3 hosts × 8 ports)", len(rep.Probes))
		}
		if !rep.Working() {
			b.Errorf("the benchmark lab should yield working settings: %+v", rep.Recommended)
		}
	}
}
