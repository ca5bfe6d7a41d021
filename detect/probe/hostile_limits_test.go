package probe

import (
	"bufio"
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
	"github.com/postino-mail/postino/detect/problem"
)

// Hostile servers beyond hostile_test.go (issue 6): the same rule, every
// one ends within its deadline with a clear verdict, bounded memory, and
// no goroutine left (TestMain runs goleak).

var everyProtocol = []struct {
	proto mail.Protocol
	plain int // STARTTLS port
	tls   int // implicit TLS port
}{
	{mail.IMAP, 143, 993},
	{mail.POP3, 110, 995},
	{mail.SMTP, 587, 465},
}

// dribble writes s one byte per interval until done or the peer leaves:
// a slowloris server that is never silent long enough to look dead.
func dribble(c net.Conn, s string, interval time.Duration) {
	for i := 0; ; i++ {
		if _, err := c.Write([]byte{s[i%len(s)]}); err != nil {
			return
		}
		time.Sleep(interval)
	}
}

// TestProbeEndsSlowlorisServersAtTheDeadline: a greeting, or a capability
// reply, sent one byte per second never completes; the probe must still
// end at its deadline, not wait for each byte's own read timeout.
func TestProbeEndsSlowlorisServersAtTheDeadline(t *testing.T) {
	lab := labtest.New(t)
	greeting := map[mail.Protocol]string{mail.IMAP: "* OK ready ", mail.POP3: "+OK ready ", mail.SMTP: "220 mx ready "}
	capsThenDribble := map[mail.Protocol]func(net.Conn){
		mail.IMAP: func(c net.Conn) {
			c.Write([]byte("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"))
			bufio.NewReader(c).ReadString('\n')
			dribble(c, "* CAPABILITY IMAP4rev1 ", time.Second)
		},
		mail.POP3: func(c net.Conn) {
			c.Write([]byte("+OK ready\r\n"))
			bufio.NewReader(c).ReadString('\n')
			dribble(c, "+OK capabilities follow ", time.Second)
		},
		mail.SMTP: func(c net.Conn) {
			c.Write([]byte("220 mx ready\r\n"))
			bufio.NewReader(c).ReadString('\n')
			dribble(c, "250-mx ", time.Second)
		},
	}
	const timeout = 2 * time.Second
	i := 0
	for _, p := range everyProtocol {
		for _, stage := range []string{"greeting", "capabilities"} {
			host := "slow" + string(rune('a'+i)) + ".example.it"
			i++
			handle := func(c net.Conn) { dribble(c, greeting[p.proto], time.Second) }
			if stage == "capabilities" {
				handle = capsThenDribble[p.proto]
			}
			t.Run(string(p.proto)+" "+stage, func(t *testing.T) {
				t.Parallel() // each one waits out its deadline
				startRaw(t, lab, host, p.plain, handle)
				opts := withLogin()
				opts.Timeout = timeout
				start := time.Now()
				res := probeOnce(t, lab.Network(), mail.Server{Protocol: p.proto, Host: host, Port: p.plain, Security: mail.STARTTLS}, opts)
				if d := time.Since(start); d > timeout+time.Second {
					t.Errorf("took %v with a %v deadline", d, timeout)
				}
				if res.Status != StatusFailed || len(res.Problems) == 0 {
					t.Errorf("status %s problems %v, want a failure that says why", res.Status, codes(res))
				}
				if res.Login == LoginOK || res.Login == LoginFailed {
					t.Errorf("login %s without TLS", res.Login)
				}
			})
		}
	}
}

// TestProbeCallsAGreetingCutOffByTheDeadlineATimeout: a server that sends
// the start of a greeting ("22", no line end) and stalls did not answer
// in time; the few bytes it sent are not a foreign protocol. Real foreign
// answers, complete lines, stay not-this-protocol (see
// TestEveryHostileServerEndsInTimeWithBoundedMemory).
func TestProbeCallsAGreetingCutOffByTheDeadlineATimeout(t *testing.T) {
	lab := labtest.New(t)
	partial := map[mail.Protocol]string{mail.IMAP: "* O", mail.POP3: "+O", mail.SMTP: "22"}
	const timeout = time.Second
	for i, p := range everyProtocol {
		host := "cut" + string(rune('a'+i)) + ".example.it"
		sent := partial[p.proto]
		t.Run(string(p.proto), func(t *testing.T) {
			t.Parallel() // each one waits out its deadline
			startRaw(t, lab, host, p.plain, func(c net.Conn) {
				c.Write([]byte(sent))
				drain(c)
			})
			opts := withLogin()
			opts.Timeout = timeout
			start := time.Now()
			res := probeOnce(t, lab.Network(), mail.Server{Protocol: p.proto, Host: host, Port: p.plain, Security: mail.STARTTLS}, opts)
			if d := time.Since(start); d > timeout+time.Second {
				t.Errorf("took %v with a %v deadline", d, timeout)
			}
			if !hasProblem(res, "timeout") || hasProblem(res, "not-this-protocol") {
				t.Errorf("problems %v after %q and silence, want timeout (not not-this-protocol)\n%s", codes(res), sent, transcriptText(res))
			}
			if res.Status != StatusFailed || res.Login == LoginOK || res.Login == LoginFailed {
				t.Errorf("status %s login %s, want a failure before any login", res.Status, res.Login)
			}
		})
	}
}

// TestProbeReadsATenMiBBannerWithBoundedMemory: the server pushes a 10
// MiB greeting line; the probe stops at its line cap and the whole probe
// allocates a small fraction of that.
func TestProbeReadsATenMiBBannerWithBoundedMemory(t *testing.T) {
	lab := labtest.New(t)
	banner := map[mail.Protocol][]byte{}
	for proto, prefix := range map[mail.Protocol]string{mail.IMAP: "* OK ", mail.POP3: "+OK ", mail.SMTP: "220 "} {
		b := make([]byte, 10<<20) // made before measuring: the server's bytes are not the probe's
		copy(b, prefix)
		for j := len(prefix); j < len(b)-2; j++ {
			b[j] = 'A'
		}
		copy(b[len(b)-2:], "\r\n")
		banner[proto] = b
	}
	for i, p := range everyProtocol {
		host := "banner" + string(rune('a'+i)) + ".example.it"
		b := banner[p.proto]
		startRaw(t, lab, host, p.plain, func(c net.Conn) {
			c.Write(b)
			drain(c)
		})
		t.Run(string(p.proto), func(t *testing.T) {
			opts := withLogin()
			opts.Timeout = 5 * time.Second
			ep := mail.Server{Protocol: p.proto, Host: host, Port: p.plain, Security: mail.STARTTLS}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			res := probeOnce(t, lab.Network(), ep, opts)
			runtime.ReadMemStats(&after)
			if !hasProblem(res, "line-too-long") || res.Status != StatusFailed {
				t.Errorf("problems %v status %s, want line-too-long", codes(res), res.Status)
			}
			// The cap is far below 1 MiB; 4 MiB leaves room for TLS,
			// DNS and the lab while failing if the banner were buffered.
			got := after.TotalAlloc - before.TotalAlloc
			if got > 4<<20 {
				t.Errorf("allocated %d KiB while reading a 10 MiB banner", got>>10)
			}
			t.Logf("allocated %d KiB for a 10 MiB banner", got>>10)
		})
	}
}

// TestProbeGivesAVerdictOnGarbageOnEveryPort: random bytes instead of a
// greeting (plaintext ports) or instead of a TLS ServerHello (implicit
// TLS ports) are "not this protocol" or a TLS failure, never a hang.
func TestProbeGivesAVerdictOnGarbageOnEveryPort(t *testing.T) {
	lab := labtest.New(t)
	rng := rand.New(rand.NewSource(6))
	garbage := make([]byte, 64<<10)
	rng.Read(garbage)
	i := 0
	for _, p := range everyProtocol {
		for _, port := range []int{p.plain, p.tls} {
			sec := mail.STARTTLS
			if port == p.tls {
				sec = mail.TLS
			}
			host := "garbage" + string(rune('a'+i)) + ".example.it"
			i++
			startRaw(t, lab, host, port, func(c net.Conn) {
				c.Write(garbage)
				drain(c)
			})
			t.Run(string(p.proto)+" "+string(sec), func(t *testing.T) {
				opts := withLogin()
				opts.Timeout = 3 * time.Second
				start := time.Now()
				res := probeOnce(t, lab.Network(), mail.Server{Protocol: p.proto, Host: host, Port: port, Security: sec}, opts)
				if time.Since(start) > opts.Timeout+time.Second {
					t.Errorf("took %v", time.Since(start))
				}
				if res.Status != StatusFailed || res.Reachability != Open || len(res.Problems) == 0 {
					t.Errorf("reach %s status %s problems %v, want open/failed with a reason", res.Reachability, res.Status, codes(res))
				}
				for _, l := range res.Transcript {
					if strings.ContainsAny(l.Text, "\x00\x1b") {
						t.Errorf("raw control bytes in the transcript: %q", l.Text)
					}
				}
			})
		}
	}
}

// TestProbeRecognisesAWebServerOnAMailPort: a real net/http server on
// IMAP's ports. In the clear it answers our silence with nothing and our
// first command with an HTTP error; behind TLS it completes the handshake
// and waits for a request that never comes.
func TestProbeRecognisesAWebServerOnAMailPort(t *testing.T) {
	lab := labtest.New(t)
	web := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>webmail</html>")) })
	lab.ServeHTTPOn("web.example.it", 143, nil, web)
	cert := lab.Cert("web.example.it")
	lab.ServeHTTPOn("web.example.it", 993, &cert, web)
	cases := []struct {
		port  int
		sec   mail.Security
		codes []string
	}{
		{143, mail.STARTTLS, []string{"no-greeting", "not-this-protocol"}},
		{993, mail.TLS, []string{"no-greeting", "not-this-protocol"}},
	}
	for _, c := range cases {
		t.Run(string(c.sec), func(t *testing.T) {
			t.Parallel()
			opts := withLogin()
			opts.Timeout = 2 * time.Second
			start := time.Now()
			res := probeOnce(t, lab.Network(), mail.Server{Protocol: mail.IMAP, Host: "web.example.it", Port: c.port, Security: c.sec}, opts)
			if time.Since(start) > opts.Timeout+time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			ok := false
			for _, code := range c.codes {
				ok = ok || hasProblem(res, code)
			}
			if !ok || res.Status != StatusFailed {
				t.Errorf("problems %v status %s, want one of %v", codes(res), res.Status, c.codes)
			}
		})
	}
}

// TestProbeNeverFallsBackToPlaintextWhenIMAPRefusesSTARTTLS: IMAP
// advertises STARTTLS, then answers NO (or BAD); the probe reports it and
// sends no LOGIN in the clear (RFC 3501 §6.2.1). hostile_test.go covers
// SMTP and POP3.
func TestProbeNeverFallsBackToPlaintextWhenIMAPRefusesSTARTTLS(t *testing.T) {
	lab := labtest.New(t)
	// The third reply agrees, then injects a plaintext line before the
	// handshake (CVE-2011-0411): that too ends the probe without LOGIN.
	for i, reply := range []string{"NO [UNAVAILABLE] TLS is down", "BAD unknown command", "OK begin TLS now\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN"} {
		host := "imaprefuse" + string(rune('a'+i)) + ".example.it"
		sawLogin := make(chan string, 8)
		startRaw(t, lab, host, 143, func(c net.Conn) {
			br := bufio.NewReader(c)
			c.Write([]byte("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\r\n"))
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					return
				}
				f := strings.Fields(line)
				if len(f) < 2 {
					continue
				}
				tag, cmd := f[0], strings.ToUpper(f[1])
				switch cmd {
				case "CAPABILITY":
					c.Write([]byte("* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\n" + tag + " OK done\r\n"))
				case "STARTTLS":
					c.Write([]byte(tag + " " + reply + "\r\n"))
				case "LOGIN", "AUTHENTICATE":
					sawLogin <- line
					c.Write([]byte(tag + " NO nice try\r\n"))
				case "LOGOUT":
					c.Write([]byte("* BYE\r\n" + tag + " OK bye\r\n"))
					return
				default:
					c.Write([]byte(tag + " BAD no\r\n"))
				}
			}
		})
		t.Run(strings.Fields(reply)[0], func(t *testing.T) {
			opts := withLogin()
			opts.Timeout = 3 * time.Second
			res := probeOnce(t, lab.Network(), mail.Server{Protocol: mail.IMAP, Host: host, Port: 143, Security: mail.STARTTLS}, opts)
			if !hasProblem(res, "starttls-failed") || res.Status != StatusFailed || res.StartTLSOffered == nil || !*res.StartTLSOffered {
				t.Errorf("problems %v status %s offered %v\n%s", codes(res), res.Status, res.StartTLSOffered, transcriptText(res))
			}
			if strings.HasPrefix(reply, "OK") && !hasInjection(res) {
				t.Errorf("the line sent before the handshake is not reported as an injection: %v", res.Problems)
			}
			select {
			case l := <-sawLogin:
				t.Errorf("the server received %q in the clear", strings.TrimSpace(l))
			default:
			}
		})
	}
}

// TestProbeWarnsAboutTLS10OnlyServersOnEveryProtocol: a server stuck on
// TLS 1.0 still works but earns the old-tls warning (RFC 8996 deprecates
// TLS 1.0 and 1.1); tls_test.go covers 1.1 on IMAP.
func TestProbeWarnsAboutTLS10OnlyServersOnEveryProtocol(t *testing.T) {
	lab := labtest.New(t)
	for i, p := range everyProtocol {
		host := "tls10" + string(rune('a'+i)) + ".example.it"
		cert := lab.Cert(host)
		ln := lab.Listen(host, p.tls)
		tln := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10})
		greet := map[mail.Protocol]string{mail.IMAP: "* OK ready\r\n", mail.POP3: "+OK ready\r\n", mail.SMTP: "220 mx ready\r\n"}[p.proto]
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				c, err := tln.Accept()
				if err != nil {
					return
				}
				c.SetDeadline(time.Now().Add(5 * time.Second))
				c.Write([]byte(greet))
				c.Close()
			}
		}()
		t.Cleanup(func() { tln.Close(); <-done })
		t.Run(string(p.proto), func(t *testing.T) {
			opts := noLogin()
			opts.Timeout = 3 * time.Second
			res := probeOnce(t, lab.Network(), mail.Server{Protocol: p.proto, Host: host, Port: p.tls, Security: mail.TLS}, opts)
			if res.TLS == nil || res.TLS.Version != "TLS 1.0" || !hasProblem(res, "old-tls") {
				t.Errorf("TLS %+v problems %v, want TLS 1.0 with old-tls", res.TLS, codes(res))
			}
		})
	}
}

// hasInjection reports whether res names data sent before the TLS
// handshake (CVE-2011-0411) as the STARTTLS failure.
func hasInjection(res Result) bool {
	for _, p := range res.Problems {
		if p.Code == "starttls-failed" && p.Data["Detail"] == problem.Msg("probe.detail.injection") {
			return true
		}
	}
	return false
}
