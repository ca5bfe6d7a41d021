package probe

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
	"github.com/postino-mail/postino/detect/mail"
)

// lineServer greets, then answers each command line whose first word
// (or, for IMAP, second) matches a key of replies; anything else gets
// fallback. "%TAG%" in a reply is replaced by the command's IMAP tag.
func lineServer(greeting string, replies map[string]string, fallback string) func(net.Conn) {
	return func(c net.Conn) {
		c.Write([]byte(greeting))
		br := bufio.NewReader(c)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			f := strings.Fields(line)
			if len(f) == 0 {
				continue
			}
			tag, reply, ok := "", "", false
			if reply, ok = replies[strings.ToUpper(f[0])]; !ok && len(f) > 1 {
				tag = f[0]
				reply, ok = replies[strings.ToUpper(f[1])]
			}
			if !ok {
				reply = fallback
			}
			c.Write([]byte(strings.ReplaceAll(reply, "%TAG%", tag)))
		}
	}
}

// Every refusal a server can send at login maps to its catalogue entry,
// with the server's words kept and the password scrubbed even when the
// server echoes it.
func TestProbeMapsLoginRefusalsToProblems(t *testing.T) {
	lab := labtest.New(t)
	imapGreeting := "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n"
	imapReply := func(login string) func(net.Conn) {
		return lineServer(imapGreeting, map[string]string{
			"CAPABILITY": "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n%TAG% OK done\r\n",
			"LOGIN":      login,
			"LOGOUT":     "* BYE bye\r\n%TAG% OK bye\r\n",
		}, "%TAG% BAD what\r\n")
	}
	smtpReply := func(auth string) func(net.Conn) {
		return lineServer("220 mail.example.it ESMTP\r\n", map[string]string{
			"EHLO": "250-mail.example.it\r\n250 AUTH PLAIN LOGIN\r\n",
			"AUTH": auth,
			"QUIT": "221 bye\r\n",
		}, "502 5.5.2 what\r\n")
	}
	cases := []struct {
		name   string
		proto  mail.Protocol
		handle func(net.Conn)
		pop    *mailserver.POP3
		code   string
	}{
		{"imap authenticationfailed", mail.IMAP, imapReply("%TAG% NO [AUTHENTICATIONFAILED] Invalid credentials\r\n"), nil, "imap-authenticationfailed"},
		{"imap unavailable", mail.IMAP, imapReply("%TAG% NO [UNAVAILABLE] Backend down\r\n"), nil, "imap-unavailable"},
		{"imap privacyrequired", mail.IMAP, imapReply("%TAG% NO [PRIVACYREQUIRED] Use TLS\r\n"), nil, "imap-privacyrequired"},
		{"imap alert", mail.IMAP, imapReply("%TAG% NO [ALERT] Log in to the webmail to unlock your account\r\n"), nil, "imap-alert"},
		{"imap plain no", mail.IMAP, imapReply("%TAG% NO Password " + testPassword + " is wrong\r\n"), nil, "login-failed"},
		{"smtp 535", mail.SMTP, smtpReply("535 5.7.8 Username and Password not accepted\r\n"), nil, "smtp-535"},
		{"smtp 534 app password", mail.SMTP, smtpReply("534 5.7.9 Application-specific password required\r\n"), nil, "smtp-534"},
		{"smtp 454", mail.SMTP, smtpReply("454 4.7.0 Temporary authentication failure\r\n"), nil, "smtp-454"},
		{"smtp 530", mail.SMTP, smtpReply("530 5.7.0 Must issue a STARTTLS command first\r\n"), nil, "smtp-530"},
		{"pop3 in-use", mail.POP3, nil, &mailserver.POP3{PassReply: "-ERR [IN-USE] Mailbox locked"}, "pop3-in-use"},
		{"pop3 sys/temp", mail.POP3, nil, &mailserver.POP3{PassReply: "-ERR [SYS/TEMP] Try later"}, "pop3-sys-temp"},
		{"pop3 auth echoing the password", mail.POP3, nil, &mailserver.POP3{PassReply: "-ERR [AUTH] bad password " + testPassword}, "pop3-auth"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			host := "refuse" + string(rune('a'+i)) + ".example.it"
			port := map[mail.Protocol]int{mail.IMAP: 143, mail.SMTP: 587, mail.POP3: 110}[c.proto]
			if c.pop != nil {
				startPOP3(t, lab, host, port, mail.Plain, lab.Cert(host), c.pop)
			} else {
				startRaw(t, lab, host, port, c.handle)
			}
			// A plaintext endpoint, allowed for this run, keeps the
			// scripts simple; TLS paths are covered elsewhere.
			opts := withLogin()
			opts.AllowPlaintext = true
			res := probeOnce(t, lab.Network(), mail.Server{Protocol: c.proto, Host: host, Port: port, Security: mail.Plain}, opts)
			if res.Login != LoginFailed || !hasProblem(res, c.code) || res.Status != StatusFailed {
				t.Fatalf("login %s problems %v status %s\n%s", res.Login, codes(res), res.Status, transcriptText(res))
			}
			if res.Problems[0].ServerText == "" || res.LoginMessage == "" {
				t.Errorf("server words lost: %+v", res.Problems[0])
			}
		})
	}
}

func TestSummaryIsLocalized(t *testing.T) {
	lab := labtest.New(t)
	startIMAP(t, lab, "imap.example.it", 993, mail.TLS, lab.Cert("imap.example.it"), nil)
	ep := mail.Server{Protocol: mail.IMAP, Host: "imap.example.it", Port: 993, Security: mail.TLS}
	for lang, want := range map[string]string{
		"en": "TLS 1.3 · certificate OK · PLAIN · login OK",
		"it": "TLS 1.3 · certificato valido · PLAIN · accesso riuscito",
	} {
		if got := probeOnce(t, lab.Network(), ep, withLogin()).SummaryIn(i18n.For(lang)); got != want {
			t.Errorf("%s summary %q, want %q", lang, got, want)
		}
	}
	res := probeOnce(t, lab.Network(), mail.Server{Protocol: mail.IMAP, Host: "imap.example.it", Port: 143, Security: mail.STARTTLS}, noLogin())
	if got := res.SummaryIn(i18n.For("it")); got != "connessione rifiutata" {
		t.Errorf("refused summary %q", got)
	}
}

func TestProbeDoesNotWaitForASlowGoodbye(t *testing.T) {
	lab := labtest.New(t)
	// Answers EHLO over TLS, never answers QUIT.
	startRaw(t, lab, "mute.example.it", 465, func(c net.Conn) {
		tc := tls.Server(c, serverTLS(lab.Cert("mute.example.it")))
		lineServer("220 mute.example.it ESMTP\r\n", map[string]string{
			"EHLO": "250-mute.example.it\r\n250 AUTH PLAIN\r\n",
		}, "")(tc)
	})
	opts := noLogin()
	opts.Timeout = 8 * time.Second
	start := time.Now()
	res := probeOnce(t, lab.Network(), mail.Server{Protocol: mail.SMTP, Host: "mute.example.it", Port: 465, Security: mail.TLS}, opts)
	if res.Status != StatusOK {
		t.Errorf("status %s problems %v", res.Status, codes(res))
	}
	if d := time.Since(start); d > goodbyeTime+2*time.Second {
		t.Errorf("took %v waiting for the goodbye", d)
	}
}

func TestProbeShowsAnIMAPAlertInTheGreeting(t *testing.T) {
	lab := labtest.New(t)
	startRaw(t, lab, "alert.example.it", 143, lineServer("* OK [ALERT] Maintenance tonight at 22:00\r\n", map[string]string{
		"CAPABILITY": "* CAPABILITY IMAP4rev1 LOGINDISABLED\r\n%TAG% OK done\r\n",
		"LOGOUT":     "* BYE bye\r\n%TAG% OK bye\r\n",
	}, "%TAG% BAD what\r\n"))
	res := probeOnce(t, lab.Network(), mail.Server{Protocol: mail.IMAP, Host: "alert.example.it", Port: 143, Security: mail.STARTTLS}, noLogin())
	var alert string
	for _, p := range res.Problems {
		if p.Code == "imap-alert" {
			alert = p.ServerText
		}
	}
	if alert != "Maintenance tonight at 22:00" {
		t.Errorf("alert %q, problems %v", alert, codes(res))
	}
}

// An IMAP server that disables LOGIN (RFC 3501 §6.2.3) is logged in to
// with AUTHENTICATE PLAIN (RFC 4616), over TLS, with the credential
// redacted in the transcript; LOGIN is never tried.
func TestProbeUsesAuthenticatePlainWhenIMAPLoginIsDisabled(t *testing.T) {
	lab := labtest.New(t)
	cert := lab.Cert("sasl.example.it")
	sawLogin := make(chan string, 4)
	startRaw(t, lab, "sasl.example.it", 993, func(c net.Conn) {
		tc := tls.Server(c, serverTLS(cert))
		defer tc.Close()
		say := func(s string) { tc.Write([]byte(s + "\r\n")) }
		say("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN LOGINDISABLED] ready")
		br := bufio.NewReader(tc)
		authTag := ""
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			f := strings.Fields(line)
			switch {
			case authTag != "":
				dec, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(line))
				if string(dec) == "\x00"+testUser+"\x00"+testPassword {
					say(authTag + " OK welcome")
				} else {
					say(authTag + " NO [AUTHENTICATIONFAILED] no")
				}
				authTag = ""
			case len(f) < 2:
				say("* BAD what")
			case strings.EqualFold(f[1], "AUTHENTICATE") && len(f) == 3 && strings.EqualFold(f[2], "PLAIN"):
				authTag = f[0]
				say("+ ")
			case strings.EqualFold(f[1], "LOGIN"):
				sawLogin <- line
				say(f[0] + " NO LOGIN is disabled")
			case strings.EqualFold(f[1], "CAPABILITY"):
				say("* CAPABILITY IMAP4rev1 AUTH=PLAIN LOGINDISABLED")
				say(f[0] + " OK done")
			case strings.EqualFold(f[1], "LOGOUT"):
				say("* BYE bye")
				say(f[0] + " OK bye")
				return
			default:
				say(f[0] + " BAD unknown")
			}
		}
	})
	res := probeOnce(t, lab.Network(), mail.Server{Protocol: mail.IMAP, Host: "sasl.example.it", Port: 993, Security: mail.TLS}, withLogin())
	if res.Login != LoginOK || res.Status != StatusOK {
		t.Fatalf("login %s status %s problems %v\n%s", res.Login, res.Status, codes(res), transcriptText(res))
	}
	tr := transcriptText(res)
	if !strings.Contains(tr, "AUTHENTICATE PLAIN") || !strings.Contains(tr, "C: ***") {
		t.Errorf("transcript does not show a redacted AUTHENTICATE PLAIN:\n%s", tr)
	}
	select {
	case l := <-sawLogin:
		t.Errorf("LOGIN was sent although disabled: %q", strings.TrimSpace(l))
	default:
	}
}

// A POP3 server that offers SASL PLAIN but not USER (RFC 2449 CAPA) is
// logged in to with AUTH PLAIN (RFC 5034), never with USER/PASS; the
// SASL response is redacted in the transcript.
func TestProbeUsesPOP3AuthPlainWhenUSERIsNotOffered(t *testing.T) {
	lab := labtest.New(t)
	srv := startPOP3(t, lab, "sasl-pop.example.it", 995, mail.TLS, lab.Cert("sasl-pop.example.it"),
		&mailserver.POP3{Capa: []string{"SASL PLAIN", "UIDL"}, NoUser: true})
	ep := mail.Server{Protocol: mail.POP3, Host: "sasl-pop.example.it", Port: 995, Security: mail.TLS}
	res := probeOnce(t, lab.Network(), ep, withLogin())
	if res.Login != LoginOK || res.Status != StatusOK {
		t.Fatalf("login %s status %s problems %v\n%s", res.Login, res.Status, codes(res), transcriptText(res))
	}
	tr := transcriptText(res)
	if !strings.Contains(tr, "C: AUTH PLAIN\n") || !strings.Contains(tr, "C: ***") {
		t.Errorf("transcript does not show a redacted AUTH PLAIN:\n%s", tr)
	}
	for _, cmd := range srv.Commands() {
		if strings.HasPrefix(cmd.Line, "USER") || strings.HasPrefix(cmd.Line, "PASS") {
			t.Errorf("the server received %q", cmd.Line)
		}
	}
	opts := withLogin()
	opts.Password = "wrong-password"
	if res := probeOnce(t, lab.Network(), ep, opts); res.Login != LoginFailed || !hasProblem(res, "pop3-auth") {
		t.Errorf("wrong password: login %s problems %v", res.Login, codes(res))
	}
}
