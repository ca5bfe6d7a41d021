package roundtrip

import (
	"bufio"
	"crypto/tls"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
)

// hostileAllocBudget is the probe's budget (detect/probe's hostile
// table): a round trip that buffered what an endless server pushes
// (megabytes per second on loopback) would exceed it.
const hostileAllocBudget = 4 << 20

// serveRaw accepts on ln and runs handle per connection until the test
// ends (labtest.ServeRaw).
func serveRaw(t *testing.T, ln net.Listener, handle func(net.Conn)) {
	t.Helper()
	labtest.ServeRaw(t, ln, handle)
}

// endless writes prefix, then x's with no line end, until the client
// gives up.
func endless(c net.Conn, prefix string) {
	chunk := []byte(strings.Repeat("x", 4096))
	c.Write([]byte(prefix))
	for {
		if _, err := c.Write(chunk); err != nil {
			return
		}
	}
}

// afterUpgrade answers the one STARTTLS-like command (IMAP "T0
// STARTTLS", POP3 "STLS") with ok, runs the TLS handshake and then
// sends an endless line inside TLS.
func afterUpgrade(cfg *tls.Config, greeting, ok, prefix string) func(net.Conn) {
	return func(c net.Conn) {
		c.Write([]byte(greeting))
		br := bufio.NewReader(c)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			if strings.Contains(strings.ToUpper(line), "STARTTLS") || strings.HasPrefix(strings.ToUpper(line), "STLS") {
				c.Write([]byte(ok))
				break
			}
			c.Write([]byte("-ERR no\r\n"))
		}
		tc := tls.Server(c, cfg)
		if tc.Handshake() != nil {
			return
		}
		endless(tc, prefix)
	}
}

// The round trip reads with the probe's bounds, before and after
// STARTTLS and behind implicit TLS: an incoming server that sends an
// endless line ends the run with line-too-long (or too-much-data), in
// time and within the probe's allocation budget, and no message is sent.
func TestRoundTripReadsHostileServersWithBoundedMemory(t *testing.T) {
	cases := []struct {
		name  string
		ep    mail.Server
		serve func(lab *labtest.Lab, cfg *tls.Config) func(net.Conn)
		wrap  func(ln net.Listener, cfg *tls.Config) net.Listener
	}{
		{"IMAP endless greeting behind TLS", mail.Server{Protocol: mail.IMAP, Port: 993, Security: mail.TLS},
			func(*labtest.Lab, *tls.Config) func(net.Conn) { return func(c net.Conn) { endless(c, "* OK ") } },
			func(ln net.Listener, cfg *tls.Config) net.Listener { return tls.NewListener(ln, cfg) }},
		{"IMAP endless greeting before STARTTLS", mail.Server{Protocol: mail.IMAP, Port: 143, Security: mail.STARTTLS},
			func(*labtest.Lab, *tls.Config) func(net.Conn) { return func(c net.Conn) { endless(c, "* OK ") } }, nil},
		{"IMAP endless line after STARTTLS", mail.Server{Protocol: mail.IMAP, Port: 143, Security: mail.STARTTLS},
			func(_ *labtest.Lab, cfg *tls.Config) func(net.Conn) {
				return afterUpgrade(cfg, "* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n", "T0 OK go\r\n", "* OK ")
			}, nil},
		{"POP3 endless line after STLS", mail.Server{Protocol: mail.POP3, Port: 110, Security: mail.STARTTLS},
			func(_ *labtest.Lab, cfg *tls.Config) func(net.Conn) {
				return afterUpgrade(cfg, "+OK hi\r\n", "+OK go\r\n", "+OK ")
			}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lab := labtest.New(t)
			cfg := &tls.Config{Certificates: []tls.Certificate{lab.Cert(imapHost)}}
			ln := lab.Listen(imapHost, c.ep.Port)
			if c.wrap != nil {
				ln = c.wrap(ln, cfg)
			}
			serveRaw(t, ln, c.serve(lab, cfg))
			ep := c.ep
			ep.Host = imapHost
			o := Options{
				Address: testAddr, Password: testPassword, Incoming: ep,
				SMTP:     mail.Server{Protocol: mail.SMTP, Host: smtpHost, Port: 465, Security: mail.TLS},
				Deadline: 3 * time.Second,
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			r, _ := run(t, &mailLab{lab: lab, nw: lab.Network()}, o)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%v, %d KiB allocated, status %s problem %+v", elapsed.Round(time.Millisecond), alloc>>10, r.Status, r.Problem)
			if r.Problem == nil || (r.Problem.Code != "line-too-long" && r.Problem.Code != "too-much-data") {
				t.Errorf("status %s problem %+v, want line-too-long or too-much-data", r.Status, r.Problem)
			}
			if alloc > hostileAllocBudget {
				t.Errorf("allocated %d KiB, budget %d KiB", alloc>>10, hostileAllocBudget>>10)
			}
			if elapsed > 10*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if !r.SentAt.IsZero() {
				t.Error("a message was sent although the mailbox could not be opened")
			}
		})
	}
}

// A server that echoes the password in its refusal does not put it into
// the result, however short the password is.
func TestRoundTripScrubsThePasswordFromServerWordsWhateverItsLength(t *testing.T) {
	for _, pw := range []string{"abc", testPassword} {
		lab := labtest.New(t)
		cfg := &tls.Config{Certificates: []tls.Certificate{lab.Cert(imapHost)}}
		serveRaw(t, tls.NewListener(lab.Listen(imapHost, 993), cfg), func(c net.Conn) {
			labtest.IMAPScript(c, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n", "IMAP4rev1 AUTH=PLAIN", func(tag, verb string) (string, bool) {
				if verb == "LOGIN" {
					return tag + " NO [AUTHENTICATIONFAILED] wrong password " + pw + " for you\r\n", true
				}
				return "", true
			})
		})
		o := Options{
			Address: testAddr, Password: pw, Deadline: 2 * time.Second,
			Incoming: mail.Server{Protocol: mail.IMAP, Host: imapHost, Port: 993, Security: mail.TLS},
			SMTP:     mail.Server{Protocol: mail.SMTP, Host: smtpHost, Port: 465, Security: mail.TLS},
		}
		r, _ := run(t, &mailLab{lab: lab, nw: lab.Network()}, o)
		if r.Problem == nil || r.Problem.ServerText == "" {
			t.Fatalf("password %q: problem %+v, want the refusal with the server's words", pw, r.Problem)
		}
		if strings.Contains(r.Problem.ServerText, pw) {
			t.Errorf("password %q kept in the server text %q", pw, r.Problem.ServerText)
		}
	}
}
