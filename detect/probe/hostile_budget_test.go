package probe

import (
	"crypto/tls"
	"math/rand"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
)

// The issue 6 rule, applied to every hostile server in one table: each
// probe ends within its deadline (plus a second for the race detector
// and a shared machine), with the verdict that names what went wrong, and
// allocates at most allocBudget, measured around the probe alone. The
// other hostile tests check the finer points of each case; this one
// checks that none of them escapes the budget. TestMain's goleak check
// proves no goroutine is left behind.

// allocBudget is what one probe may allocate facing a hostile server.
// Measured under -race: 30–950 KiB (TLS handshakes and the in-process servers' own
// allocations count too). A probe that buffered what the server pushes
// (megabytes per second on loopback) would exceed it.
const allocBudget = 4 << 20

// serveTLSRaw runs handle for every TLS connection to host:port made
// with cfg, until the test ends (labtest.ServeRaw).
func serveTLSRaw(t *testing.T, lab *labtest.Lab, host string, port int, cfg *tls.Config, handle func(net.Conn)) {
	t.Helper()
	labtest.ServeRaw(t, tls.NewListener(lab.Listen(host, port), cfg), handle)
}

func TestEveryHostileServerEndsInTimeWithBoundedMemory(t *testing.T) {
	lab := labtest.New(t)
	garbage := make([]byte, 256<<10)
	rand.New(rand.NewSource(6)).Read(garbage)
	endless := func(prefix string) func(net.Conn) {
		chunk := []byte(strings.Repeat("x", 4096))
		return func(c net.Conn) {
			c.Write([]byte(prefix))
			for {
				if _, err := c.Write(chunk); err != nil {
					return
				}
			}
		}
	}
	cases := []struct {
		name    string
		ep      mail.Server
		timeout time.Duration
		serve   func(t *testing.T, host string, port int)
		codes   []string // any one of them is the right verdict
	}{
		{"no greeting", mail.Server{Protocol: mail.IMAP, Port: 143, Security: mail.STARTTLS}, time.Second,
			func(t *testing.T, host string, port int) { startRaw(t, lab, host, port, drain) },
			[]string{"no-greeting"}},
		{"slowloris greeting", mail.Server{Protocol: mail.SMTP, Port: 587, Security: mail.STARTTLS}, 2 * time.Second,
			func(t *testing.T, host string, port int) {
				// The reply code at once, so the verdict does not depend
				// on how many of its digits arrived by the deadline.
				startRaw(t, lab, host, port, func(c net.Conn) {
					c.Write([]byte("220 "))
					dribble(c, "mx ready ", time.Second)
				})
			},
			[]string{"timeout"}},
		{"endless line", mail.Server{Protocol: mail.SMTP, Port: 25, Security: mail.STARTTLS}, 5 * time.Second,
			func(t *testing.T, host string, port int) { startRaw(t, lab, host, port, endless("220 ")) },
			[]string{"line-too-long"}},
		{"endless line behind TLS", mail.Server{Protocol: mail.IMAP, Port: 993, Security: mail.TLS}, 5 * time.Second,
			func(t *testing.T, host string, port int) {
				serveTLSRaw(t, lab, host, port, &tls.Config{Certificates: []tls.Certificate{lab.Cert(host)}}, endless("* OK "))
			},
			[]string{"line-too-long"}},
		{"binary garbage", mail.Server{Protocol: mail.POP3, Port: 110, Security: mail.STARTTLS}, 3 * time.Second,
			func(t *testing.T, host string, port int) {
				startRaw(t, lab, host, port, func(c net.Conn) { c.Write(garbage); drain(c) })
			},
			[]string{"not-this-protocol", "line-too-long"}},
		{"HTTP server on the IMAP port", mail.Server{Protocol: mail.IMAP, Port: 143, Security: mail.STARTTLS}, 2 * time.Second,
			func(t *testing.T, host string, port int) {
				lab.ServeHTTPOn(host, port, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html></html>")) }))
			},
			[]string{"no-greeting", "not-this-protocol"}},
		{"TLS 1.0 only", mail.Server{Protocol: mail.IMAP, Port: 993, Security: mail.TLS}, 3 * time.Second,
			func(t *testing.T, host string, port int) {
				cfg := &tls.Config{Certificates: []tls.Certificate{lab.Cert(host)}, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10}
				serveTLSRaw(t, lab, host, port, cfg, func(c net.Conn) { c.Write([]byte("* OK ready\r\n")) })
			},
			[]string{"old-tls"}},
		{"STARTTLS advertised then refused", mail.Server{Protocol: mail.SMTP, Port: 587, Security: mail.STARTTLS}, 3 * time.Second,
			func(t *testing.T, host string, port int) {
				startRaw(t, lab, host, port, smtpScript("454 4.7.0 TLS not available due to temporary reason\r\n"))
			},
			[]string{"starttls-failed"}},
		{"incomplete certificate chain", mail.Server{Protocol: mail.IMAP, Port: 993, Security: mail.TLS}, 3 * time.Second,
			func(t *testing.T, host string, port int) {
				startIMAP(t, lab, host, port, mail.TLS, lab.CertWith(labtest.CertOptions{Names: []string{host}, OmitIntermediate: true}), nil)
			},
			[]string{"cert-unknown-issuer"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ep := c.ep
			ep.Host = "budget" + string(rune('a'+i)) + ".example.it"
			c.serve(t, ep.Host, ep.Port)
			opts := withLogin()
			opts.Timeout = c.timeout
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			res := probeOnce(t, lab.Network(), ep, opts)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%v, %d KiB allocated, problems %v", elapsed.Round(time.Millisecond), alloc>>10, codes(res))
			if elapsed > c.timeout+time.Second {
				t.Errorf("took %v with a %v deadline", elapsed, c.timeout)
			}
			if alloc > allocBudget {
				t.Errorf("allocated %d KiB, budget %d KiB", alloc>>10, allocBudget>>10)
			}
			found := false
			for _, code := range c.codes {
				found = found || hasProblem(res, code)
			}
			if !found {
				t.Errorf("problems %v, want one of %v\n%s", codes(res), c.codes, transcriptText(res))
			}
			if res.Login == LoginOK || res.Login == LoginFailed {
				t.Errorf("login %s: a password went to a hostile server", res.Login)
			}
			if res.SummaryIn(en) == "" {
				t.Error("no summary: the verdict is not clear")
			}
		})
	}
}
