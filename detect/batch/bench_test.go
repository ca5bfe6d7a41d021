package batch

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/batch/batchtest"
	"github.com/postino-mail/postino/detect/labtest"
)

// The benchmark's lab (docs/performance.md): 10 providers, each with 2
// or 3 hosts, some ports dropped, hosting 100 domains (10 each) with
// 10 users each, everything 40 ms away.
const (
	benchLatency   = 40 * time.Millisecond
	benchProviders = 10
	benchDomains   = 100
	benchUsers     = 1000
	// benchTimeout is each probe's deadline: short, so the dropped ports
	// (which can only end by timing out) keep the run quick, as in
	// detect's BenchmarkCheck.
	benchTimeout = time.Second
)

type benchProvider struct {
	domain                      string
	imapHost, popHost, smtpHost string
	endpoints                   int // distinct endpoints a check of it probes
}

// benchLab builds the lab and returns its providers and the user list.
func benchLab(b *testing.B) (*labtest.Lab, *batchtest.ConnCounter, []benchProvider, string) {
	lab := labtest.NewWith(b, labtest.Options{Latency: benchLatency, DNSTimeout: 5 * time.Second})
	c := batchtest.NewConnCounter()
	db := batchtest.NewISPDB(lab)
	var provs []benchProvider
	for i := 0; i < benchProviders; i++ {
		p := benchProvider{domain: fmt.Sprintf("provider%d.example", i)}
		p.imapHost, p.smtpHost = "imap."+p.domain, "smtp."+p.domain
		p.endpoints = 2 + 4
		// IMAP: 143 dropped at every other provider.
		if i%2 == 0 {
			batchtest.Host(b, lab, c, p.imapHost, []int{993}, 143)
		} else {
			batchtest.Host(b, lab, c, p.imapHost, []int{993, 143})
		}
		// SMTP: 25 dropped everywhere (as many ISPs do), 2525 refused.
		batchtest.Host(b, lab, c, p.smtpHost, []int{465, 587}, 25)
		if i%3 == 0 { // a third host for POP3
			p.popHost = "pop." + p.domain
			p.endpoints += 2
			batchtest.Host(b, lab, c, p.popHost, []int{995, 110})
		}
		db.Provider(p.domain, fmt.Sprintf("Provider %d", i), p.imapHost, p.popHost, p.smtpHost)
		provs = append(provs, p)
	}
	var list strings.Builder
	list.WriteString("email;name;language\n")
	for d := 0; d < benchDomains; d++ {
		domain := fmt.Sprintf("customer%d.example", d)
		lab.MX(domain, 10, "mx."+provs[d%benchProviders].domain)
		for u := 0; u < benchUsers/benchDomains; u++ {
			lang := "en"
			if u%2 == 1 {
				lang = "it"
			}
			fmt.Fprintf(&list, "user%d@%s;Utente %d;%s\n", u, domain, u, lang)
		}
	}
	return lab, c, provs, list.String()
}

// BenchmarkBatch runs 1,000 users over 100 domains hosted at 10
// providers and compares it with a single check of each provider.
// Reported: users/s, endpoints-probed and distinct-endpoints (equal
// when every endpoint is probed once), total-ms, slowest-check-ms (one
// single check of the slowest provider), total/check, and peak-rss-MB
// (the whole process's high-water mark, the lab's servers included).
func BenchmarkBatch(b *testing.B) {
	lab, conns, provs, text := benchLab(b)
	distinct := 0
	for _, p := range provs {
		distinct += p.endpoints
	}

	// One single check per provider, all at once (as a person would see
	// it): the slowest is the yardstick.
	var slowest time.Duration
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range provs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addr, _ := address.Parse(fmt.Sprintf("user0@customer%d.example", i))
			start := time.Now()
			rep := detect.Check(context.Background(), detect.CheckOptions{
				Network: lab.Network(), ISPDBURL: batchtest.ISPDBURL, NoHTTP: true, OverrideDir: "-", ProbeTimeout: benchTimeout,
			}, addr, nil)
			d := time.Since(start)
			mu.Lock()
			defer mu.Unlock()
			if d > slowest {
				slowest = d
			}
			if !rep.Working() {
				b.Errorf("single check of %s: no working settings", addr)
			}
		}()
	}
	wg.Wait()

	// The batch writes 4,000 files and folders. On a shared virtual
	// disk creating an inode costs about a millisecond of system time
	// under load, which can dominate; "memory" writes to /dev/shm
	// (tmpfs) to show the engine apart from the disk.
	outputs := map[string]string{"disk": ""}
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		outputs["memory"] = "/dev/shm"
	}
	for _, name := range []string{"disk", "memory"} {
		base, ok := outputs[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				out := b.TempDir()
				if base != "" {
					var err error
					if out, err = os.MkdirTemp(base, "postino-bench-"); err != nil {
						b.Fatal(err)
					}
				}
				runBenchBatch(b, lab, conns, text, out, distinct, slowest)
				if base != "" {
					os.RemoveAll(out)
				}
			}
		})
	}
}

func runBenchBatch(b *testing.B, lab *labtest.Lab, conns *batchtest.ConnCounter, text, out string, distinct int, slowest time.Duration) {
	list, err := Parse(strings.NewReader(text))
	if err != nil {
		b.Fatal(err)
	}
	conns.Reset()
	cpu0 := cpuTime()
	start := time.Now()
	rep, err := Run(context.Background(), Options{
		Output: out, Network: lab.Network(), ISPDBURL: batchtest.ISPDBURL, NoHTTP: true, OverrideDir: "-",
		ProbeTimeout: benchTimeout,
	}, list, nil)
	total := time.Since(start)
	cpu := cpuTime() - cpu0
	if err != nil {
		b.Fatal(err)
	}
	if !rep.AllDone() || rep.Summary.Written != benchUsers {
		b.Errorf("summary %+v", rep.Summary)
	}
	_, perPort := conns.Snapshot()
	for ep, n := range perPort {
		if n != 1 {
			b.Errorf("%s: %d connections, want 1", ep, n)
		}
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(float64(benchUsers)/total.Seconds(), "users/s")
	b.ReportMetric(float64(rep.EndpointsProbed), "endpoints-probed")
	b.ReportMetric(float64(distinct), "distinct-endpoints")
	b.ReportMetric(ms(total), "total-ms")
	b.ReportMetric(ms(slowest), "slowest-check-ms")
	b.ReportMetric(float64(total)/float64(slowest), "total/check")
	b.ReportMetric(peakRSSMB(), "peak-rss-MB")
	// CPU time of the whole process (the lab's servers included), user
	// and system: the batch mostly waits on the network, so a high
	// figure here is the file system's.
	b.ReportMetric(ms(cpu), "cpu-ms")
	if rep.EndpointsProbed != distinct {
		b.Errorf("%d endpoints probed, %d distinct", rep.EndpointsProbed, distinct)
	}
}

// peakRSSMB is the process's peak resident set (VmHWM), in MB; 0 where
// /proc is not there.
func peakRSSMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}
