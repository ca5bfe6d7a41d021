package probe

import (
	"bufio"
	"context"
	"crypto/tls"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
)

// Servers that misbehave must end in a clear verdict, quickly and with
// bounded memory.
func TestProbeGivesClearVerdictsOnHostileServers(t *testing.T) {
	lab := labtest.New(t)
	huge := strings.Repeat("A", 1<<20)
	cases := []struct {
		name   string
		proto  mail.Protocol
		port   int
		sec    mail.Security
		handle func(net.Conn)
		code   string
		reach  Reachability
	}{
		{"never greets", mail.SMTP, 587, mail.STARTTLS, drain, "no-greeting", NoGreeting},
		{"never starts TLS", mail.IMAP, 993, mail.TLS, drain, "no-greeting", NoGreeting},
		{"closes at once", mail.POP3, 110, mail.STARTTLS, func(net.Conn) {}, "no-greeting", NoGreeting},
		{"1 MiB banner", mail.IMAP, 143, mail.STARTTLS, func(c net.Conn) {
			c.Write([]byte("* OK " + huge + "\r\n"))
			drain(c)
		}, "line-too-long", Open},
		{"endless line", mail.SMTP, 25, mail.STARTTLS, func(c net.Conn) {
			c.Write([]byte("220 "))
			chunk := []byte(strings.Repeat("x", 4096))
			for {
				if _, err := c.Write(chunk); err != nil {
					return
				}
			}
		}, "line-too-long", Open},
		{"endless multi-line reply", mail.SMTP, 2525, mail.STARTTLS, func(c net.Conn) {
			for {
				if _, err := c.Write([]byte("220-still talking\r\n")); err != nil {
					return
				}
			}
		}, "too-much-data", Open},
		{"closes after the greeting", mail.POP3, 110, mail.STARTTLS, func(c net.Conn) {
			c.Write([]byte("+OK hello\r\n"))
		}, "closed", Open},
		{"HTTP server", mail.IMAP, 143, mail.STARTTLS, func(c net.Conn) {
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
		}, "not-this-protocol", Open},
		{"binary garbage", mail.POP3, 110, mail.STARTTLS, func(c net.Conn) {
			c.Write([]byte{0, 1, 2, 0xff, 0xfe, '\r', '\n'})
			drain(c)
		}, "not-this-protocol", Open},
		{"SMTP refuses at greeting", mail.SMTP, 587, mail.STARTTLS, func(c net.Conn) {
			c.Write([]byte("554 5.7.1 Your IP is listed at a blocklist\r\n"))
			drain(c)
		}, "smtp-554", Open},
		{"IMAP says BYE at greeting", mail.IMAP, 143, mail.STARTTLS, func(c net.Conn) {
			c.Write([]byte("* BYE [UNAVAILABLE] Server shutting down\r\n"))
		}, "imap-unavailable", Open},
		{"SMTP on the IMAP port", mail.IMAP, 143, mail.STARTTLS, func(c net.Conn) {
			c.Write([]byte("220 smtp.example.it ESMTP\r\n"))
			drain(c)
		}, "not-this-protocol", Open},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			host := "hostile" + string(rune('a'+i)) + ".example.it"
			startRaw(t, lab, host, c.port, c.handle)
			opts := withLogin()
			// Silent servers cost the whole timeout; keep it short for
			// them and generous for the others, which must not need it.
			opts.Timeout = 8 * time.Second
			if c.reach == NoGreeting {
				opts.Timeout = time.Second
			}
			start := time.Now()
			res := probeOnce(t, lab.Network(), mail.Server{Protocol: c.proto, Host: host, Port: c.port, Security: c.sec}, opts)
			if !hasProblem(res, c.code) || res.Status != StatusFailed || res.Reachability != c.reach {
				t.Fatalf("problems %v status %s reach %s\n%s", codes(res), res.Status, res.Reachability, transcriptText(res))
			}
			if d := time.Since(start); d > opts.Timeout+time.Second {
				t.Errorf("took %v, more than the timeout", d)
			}
			for _, l := range res.Transcript {
				if len(l.Text) > maxTranscriptLine+4 {
					t.Errorf("transcript line of %d bytes", len(l.Text))
				}
			}
		})
	}
}

// smtpScript serves a greeting and an EHLO reply offering STARTTLS, then
// answers STARTTLS with reply.
func smtpScript(reply string) func(net.Conn) {
	return func(c net.Conn) {
		br := bufio.NewReader(c)
		c.Write([]byte("220 mx.example.it ESMTP\r\n"))
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			switch strings.ToUpper(strings.Fields(line + " x")[0]) {
			case "EHLO":
				c.Write([]byte("250-mx.example.it\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n"))
			case "STARTTLS":
				c.Write([]byte(reply))
				if strings.HasPrefix(reply, "220") {
					c.Write([]byte("this is not TLS\r\n"))
					drain(c)
					return
				}
			case "QUIT":
				c.Write([]byte("221 bye\r\n"))
				return
			default:
				c.Write([]byte("502 no\r\n"))
			}
		}
	}
}

func TestProbeReportsSTARTTLSAdvertisedThenFailing(t *testing.T) {
	lab := labtest.New(t)
	startRaw(t, lab, "refuses.example.it", 587, smtpScript("454 4.7.0 TLS not available due to temporary reason\r\n"))
	startRaw(t, lab, "garbage.example.it", 587, smtpScript("220 2.0.0 go ahead\r\n"))
	startRaw(t, lab, "inject.example.it", 587, smtpScript("220 2.0.0 go ahead\r\n250 injected\r\n"))
	startPOP3(t, lab, "pop.example.it", 110, mail.STARTTLS, lab.Cert("pop.example.it"), &mailserver.POP3{STLSReply: "-ERR [SYS/TEMP] TLS unavailable"})
	startPOP3(t, lab, "pop2.example.it", 110, mail.STARTTLS, lab.Cert("pop2.example.it"), &mailserver.POP3{STLSNoHandshake: true})
	cases := []struct {
		host  string
		proto mail.Protocol
		port  int
	}{
		{"refuses.example.it", mail.SMTP, 587},
		{"garbage.example.it", mail.SMTP, 587},
		{"inject.example.it", mail.SMTP, 587},
		{"pop.example.it", mail.POP3, 110},
		{"pop2.example.it", mail.POP3, 110},
	}
	for _, c := range cases {
		t.Run(c.host, func(t *testing.T) {
			opts := withLogin()
			opts.Timeout = 2 * time.Second
			res := probeOnce(t, lab.Network(), mail.Server{Protocol: c.proto, Host: c.host, Port: c.port, Security: mail.STARTTLS}, opts)
			if !hasProblem(res, "starttls-failed") || res.Status != StatusFailed || res.StartTLSOffered == nil || !*res.StartTLSOffered {
				t.Fatalf("problems %v status %s offered %v\n%s", codes(res), res.Status, res.StartTLSOffered, transcriptText(res))
			}
			if res.Login == LoginOK || res.Login == LoginFailed {
				t.Errorf("login %s: the password must not have been sent", res.Login)
			}
			// Bytes sent before the handshake are named as an injection
			// attempt (CVE-2011-0411), not as a TLS failure.
			if c.host == "inject.example.it" && !hasInjection(res) {
				t.Errorf("injection not reported: %v\n%s", res.Problems, transcriptText(res))
			}
		})
	}
}

// The plaintext refusal: a server that offers no STARTTLS never receives
// AUTH, LOGIN or PASS, unless the person allowed plaintext for this run.
func TestProbeNeverSendsThePasswordWithoutTLS(t *testing.T) {
	lab := labtest.New(t)
	smtpBE := submission(nil)
	startSMTP(t, lab, "smtp.example.it", 587, mail.Plain, lab.Cert("smtp.example.it"), smtpBE)
	imapLog := startIMAP(t, lab, "imap.example.it", 143, mail.Plain, lab.Cert("imap.example.it"), nil)
	pop := startPOP3(t, lab, "pop.example.it", 110, mail.Plain, lab.Cert("pop.example.it"), nil)
	cases := []struct {
		proto  mail.Protocol
		host   string
		port   int
		logins func() int
	}{
		{mail.SMTP, "smtp.example.it", 587, func() int { n, _ := smtpBE.Logins().Count("smtp"); return n }},
		{mail.IMAP, "imap.example.it", 143, func() int { n, _ := imapLog.Count("imap"); return n }},
		{mail.POP3, "pop.example.it", 110, func() int { n, _ := pop.Logins.Count("pop3"); return n }},
	}
	for _, c := range cases {
		t.Run(string(c.proto), func(t *testing.T) {
			ep := mail.Server{Protocol: c.proto, Host: c.host, Port: c.port, Security: mail.STARTTLS}
			res := probeOnce(t, lab.Network(), ep, withLogin())
			if !hasProblem(res, "starttls-missing") || !hasProblem(res, "login-not-sent-plaintext") ||
				res.Status != StatusFailed || res.Login != LoginSkipped {
				t.Fatalf("problems %v status %s login %s", codes(res), res.Status, res.Login)
			}
			if res.StartTLSOffered == nil || *res.StartTLSOffered {
				t.Errorf("StartTLSOffered = %v", res.StartTLSOffered)
			}
			if n := c.logins(); n != 0 {
				t.Fatalf("the server received %d logins in the clear", n)
			}
			// Allowed for this run: it logs in, and says it was unsafe.
			opts := withLogin()
			opts.AllowPlaintext = true
			res = probeOnce(t, lab.Network(), ep, opts)
			if res.Login != LoginOK || !hasProblem(res, "plaintext-login") || !hasProblem(res, "starttls-missing") {
				t.Errorf("allowed: login %s problems %v\n%s", res.Login, codes(res), transcriptText(res))
			}
			if n := c.logins(); n != 1 {
				t.Errorf("%d logins after allowing plaintext", n)
			}
		})
	}
}

func TestProbeOnlyWarnsAboutMissingSTARTTLSOnPort25(t *testing.T) {
	lab := labtest.New(t)
	startSMTP(t, lab, "mx.example.it", 25, mail.Plain, lab.Cert("mx.example.it"), submission([]string{}))
	res := probeOnce(t, lab.Network(), mail.Server{Protocol: mail.SMTP, Host: "mx.example.it", Port: 25, Security: mail.STARTTLS}, noLogin())
	if res.Status != StatusWarning || !hasProblem(res, "starttls-missing") {
		t.Fatalf("status %s problems %v", res.Status, codes(res))
	}
}

func TestProbeExplainsOAuthOnlyAndMissingAuth(t *testing.T) {
	lab := labtest.New(t)
	startSMTP(t, lab, "oauth.example.it", 465, mail.TLS, lab.Cert("oauth.example.it"), submission([]string{"XOAUTH2", "OAUTHBEARER"}))
	startSMTP(t, lab, "noauth.example.it", 587, mail.STARTTLS, lab.Cert("noauth.example.it"), submission([]string{}))
	res := probeOnce(t, lab.Network(), mail.Server{Protocol: mail.SMTP, Host: "oauth.example.it", Port: 465, Security: mail.TLS}, withLogin())
	if res.Status != StatusWarning || !hasProblem(res, "oauth-only") || res.Login != LoginSkipped {
		t.Errorf("oauth: status %s problems %v login %s", res.Status, codes(res), res.Login)
	}
	if !strings.Contains(res.Problems[0].RemedyIn("en"), "app password") {
		t.Errorf("remedy %q", res.Problems[0].RemedyIn("en"))
	}
	res = probeOnce(t, lab.Network(), mail.Server{Protocol: mail.SMTP, Host: "noauth.example.it", Port: 587, Security: mail.STARTTLS}, noLogin())
	if res.Status != StatusFailed || !hasProblem(res, "no-auth") {
		t.Errorf("no auth: status %s problems %v", res.Status, codes(res))
	}
}

func TestProbeStopsPromptlyWhenCanceled(t *testing.T) {
	lab := labtest.New(t)
	startRaw(t, lab, "silent.example.it", 993, drain)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(150*time.Millisecond, cancel)
	start := time.Now()
	res := Run(ctx, lab.Network(), mail.Server{Protocol: mail.IMAP, Host: "silent.example.it", Port: 993, Security: mail.TLS}, nil, withLogin(), nil)
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v after cancel", d)
	}
	if !hasProblem(res, "canceled") || res.Status != StatusFailed {
		t.Errorf("problems %v status %s", codes(res), res.Status)
	}
	// TestMain's goleak check proves nothing is left running.
}

func TestUpdatesAreIndependentSnapshotsInPhaseOrder(t *testing.T) {
	lab := labtest.New(t)
	startIMAP(t, lab, "imap.example.it", 143, mail.STARTTLS, lab.Cert("imap.example.it"), nil)
	c := &collector{}
	res := Run(context.Background(), lab.Network(), mail.Server{Protocol: mail.IMAP, Host: "imap.example.it", Port: 143, Security: mail.STARTTLS}, []string{"ispdb"}, withLogin(), c.sink)
	if len(c.updates) < 5 {
		t.Fatalf("%d updates", len(c.updates))
	}
	var phases []string
	for _, u := range c.updates {
		phases = append(phases, string(u.Phase))
		if u.ID != res.ID {
			t.Errorf("update ID %q, result ID %q", u.ID, res.ID)
		}
	}
	want := "connecting connected greeting capabilities tls capabilities login done"
	if strings.Join(phases, " ") != want {
		t.Errorf("phases %q, want %q", strings.Join(phases, " "), want)
	}
	last := c.updates[len(c.updates)-1]
	if last.Status != StatusOK || last.SummaryIn(en) == "" {
		t.Errorf("last update status %s summary %q", last.Status, last.SummaryIn(en))
	}
	// A front end keeps snapshots; changing one must not change another.
	first := c.updates[0]
	first.Sources[0] = "changed"
	if c.updates[1].Sources[0] != "ispdb" || res.Sources[0] != "ispdb" {
		t.Error("snapshots share their Sources slice")
	}
	if len(last.Transcript) > 0 {
		last.Transcript[0].Text = "changed"
		if res.Transcript[0].Text == "changed" {
			t.Error("snapshots share their transcript")
		}
	}
}

func TestProbeReportsUnreachableNetworksAndBadInput(t *testing.T) {
	nw := &network.Network{
		LoopbackOnly: true,
		DialFunc: func(context.Context, string, string) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ENETUNREACH)}
		},
	}
	cases := []struct {
		name string
		nw   *network.Network
		ep   mail.Server
		want Reachability
	}{
		{"no route", nw, mail.Server{Protocol: mail.IMAP, Host: "127.0.0.9", Port: 993, Security: mail.TLS}, Unreachable},
		{"no network", nil, mail.Server{Protocol: mail.IMAP, Host: "127.0.0.9", Port: 993, Security: mail.TLS}, Unreachable},
		{"bad port", nw, mail.Server{Protocol: mail.IMAP, Host: "127.0.0.9", Port: 70000, Security: mail.TLS}, Unresolved},
		{"no host", nw, mail.Server{Protocol: mail.SMTP, Port: 587, Security: mail.STARTTLS}, Unresolved},
		{"unknown protocol", nw, mail.Server{Protocol: "gopher", Host: "127.0.0.9", Port: 70}, Unresolved},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := probeOnce(t, c.nw, c.ep, withLogin())
			if res.Reachability != c.want || res.Status != StatusFailed || len(res.Problems) == 0 {
				t.Errorf("reach %s status %s problems %v", res.Reachability, res.Status, codes(res))
			}
		})
	}
}

func TestProbeExplainsOAuthOnlyForEveryProtocol(t *testing.T) {
	lab := labtest.New(t)
	cert := lab.Cert("oauth.example.it")
	startRaw(t, lab, "oauth.example.it", 993, func(c net.Conn) {
		lineServer("* OK ready\r\n", map[string]string{
			"CAPABILITY": "* CAPABILITY IMAP4rev1 AUTH=XOAUTH2 AUTH=OAUTHBEARER LOGINDISABLED\r\n%TAG% OK done\r\n",
			"LOGOUT":     "* BYE bye\r\n%TAG% OK bye\r\n",
		}, "%TAG% BAD what\r\n")(tls.Server(c, serverTLS(cert)))
	})
	pop := startPOP3(t, lab, "oauth.example.it", 995, mail.TLS, cert, &mailserver.POP3{Capa: []string{"SASL XOAUTH2", "UIDL"}})
	for _, ep := range []mail.Server{
		{Protocol: mail.IMAP, Host: "oauth.example.it", Port: 993, Security: mail.TLS},
		{Protocol: mail.POP3, Host: "oauth.example.it", Port: 995, Security: mail.TLS},
	} {
		t.Run(string(ep.Protocol), func(t *testing.T) {
			res := probeOnce(t, lab.Network(), ep, withLogin())
			if res.Status != StatusWarning || !hasProblem(res, "oauth-only") || res.Login != LoginSkipped {
				t.Errorf("status %s problems %v login %s\n%s", res.Status, codes(res), res.Login, transcriptText(res))
			}
		})
	}
	for _, c := range pop.Commands() {
		if strings.HasPrefix(c.Line, "PASS") || strings.HasPrefix(c.Line, "USER") {
			t.Errorf("POP3 server received %q", c.Line)
		}
	}
}
