package integration

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRealServersAreConfiguredAsTheIssueAsks talks to Dovecot and Postfix
// directly, without Postino, so that the other tests here can trust what
// they run against: Postfix 25 offers STARTTLS and no AUTH before it;
// 587 and 2525 refuse mail before STARTTLS (RFC 3207 §4, "530 Must issue
// a STARTTLS command first"); 465 is implicit TLS (RFC 8314 §3.3) with a
// certificate from the test CA and AUTH; Postfix's SASL is Dovecot's
// (Dovecot's log names a user only Postfix was given); Dovecot says
// LOGINDISABLED on IMAP 143 (RFC 3501 §6.2.3) and refuses USER on POP3
// 110 before TLS (RFC 2595 §4), and 993/995 are implicit TLS.
func TestRealServersAreConfiguredAsTheIssueAsks(t *testing.T) {
	s := need(t)
	smtpIP, imapIP, popIP := s["REALSERVERS_SMTP_IP"], s["REALSERVERS_IMAP_IP"], s["REALSERVERS_POP_IP"]
	tlsCfg := func(name string) *tls.Config {
		pem, err := os.ReadFile(s["SSL_CERT_FILE"])
		if err != nil {
			t.Fatal(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		return &tls.Config{RootCAs: pool, ServerName: name + "." + s["REALSERVERS_DOMAIN"], MinVersion: tls.VersionTLS12}
	}

	t.Run("postfix 25", func(t *testing.T) {
		c := dialText(t, smtpIP+":25", nil)
		expect(t, c, "", 220)
		ehlo := expect(t, c, "EHLO config.test", 250)
		if !strings.Contains(ehlo, "STARTTLS") || strings.Contains(ehlo, "AUTH") {
			t.Errorf("EHLO before TLS = %q, want STARTTLS and no AUTH", ehlo)
		}
		expect(t, c, "AUTH PLAIN "+base64.StdEncoding.EncodeToString([]byte("\x00x\x00y")), 503)
	})
	for _, port := range []string{"587", "2525"} {
		t.Run("postfix "+port, func(t *testing.T) {
			c := dialText(t, smtpIP+":"+port, nil)
			expect(t, c, "", 220)
			ehlo := expect(t, c, "EHLO config.test", 250)
			if !strings.Contains(ehlo, "STARTTLS") || strings.Contains(ehlo, "AUTH") {
				t.Errorf("EHLO before TLS = %q, want STARTTLS and no AUTH", ehlo)
			}
			expect(t, c, "MAIL FROM:<alice@config.test>", 530)
		})
	}
	t.Run("postfix 465 and SASL through Dovecot", func(t *testing.T) {
		c := dialText(t, smtpIP+":465", tlsCfg("smtp"))
		expect(t, c, "", 220)
		ehlo := expect(t, c, "EHLO config.test", 250)
		if !strings.Contains(ehlo, "AUTH PLAIN LOGIN") {
			t.Errorf("EHLO after TLS = %q, want AUTH PLAIN LOGIN", ehlo)
		}
		logPath := filepath.Join(s["REALSERVERS_DIR"], "log", "dovecot.log")
		before := fileSize(logPath)
		user := fmt.Sprintf("sasl-%d@%s", time.Now().UnixNano(), s["REALSERVERS_DOMAIN"])
		expect(t, c, "AUTH PLAIN "+base64.StdEncoding.EncodeToString([]byte("\x00"+user+"\x00wrong")), 535)
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(readFrom(t, logPath, before), user) {
			if time.Now().After(deadline) {
				t.Fatalf("Postfix refused %s but Dovecot's log never saw it: Postfix's SASL is not Dovecot's", user)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	t.Run("dovecot 143", func(t *testing.T) {
		c := dialText(t, imapIP+":143", nil)
		greeting, err := c.ReadLine()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(greeting, "STARTTLS") || !strings.Contains(greeting, "LOGINDISABLED") {
			t.Errorf("greeting %q, want STARTTLS and LOGINDISABLED", greeting)
		}
	})
	t.Run("dovecot 110", func(t *testing.T) {
		c := dialText(t, popIP+":110", nil)
		if l, err := c.ReadLine(); err != nil || !strings.HasPrefix(l, "+OK") {
			t.Fatalf("greeting %q, %v", l, err)
		}
		c.PrintfLine("USER alice@%s", s["REALSERVERS_DOMAIN"])
		if l, err := c.ReadLine(); err != nil || !strings.HasPrefix(l, "-ERR") {
			t.Errorf("USER before TLS: %q, %v; want -ERR", l, err)
		}
	})
	for _, ep := range []struct{ name, addr, greeting string }{
		{"imap", imapIP + ":993", "* OK"},
		{"pop", popIP + ":995", "+OK"},
	} {
		t.Run("dovecot "+ep.name+" implicit TLS", func(t *testing.T) {
			c := dialText(t, ep.addr, tlsCfg(ep.name))
			if l, err := c.ReadLine(); err != nil || !strings.HasPrefix(l, ep.greeting) {
				t.Errorf("greeting over TLS %q, %v; want %s", l, err, ep.greeting)
			}
		})
	}
}

// dialText connects (over TLS when cfg is set, verifying the test CA's
// certificate) with a 10 s deadline for the whole conversation.
func dialText(t *testing.T, addr string, cfg *tls.Config) *textproto.Conn {
	t.Helper()
	d := &net.Dialer{Timeout: 5 * time.Second}
	var conn net.Conn
	var err error
	if cfg != nil {
		conn, err = tls.DialWithDialer(d, "tcp", addr, cfg)
	} else {
		conn, err = d.Dial("tcp", addr)
	}
	if err != nil {
		t.Fatalf("%s: %v", addr, err)
	}
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	t.Cleanup(func() { conn.Close() })
	return textproto.NewConn(conn)
}

// expect sends cmd (unless empty) and reads an SMTP reply, failing unless
// its code is want; it returns the reply's text.
func expect(t *testing.T, c *textproto.Conn, cmd string, want int) string {
	t.Helper()
	if cmd != "" {
		if err := c.PrintfLine("%s", cmd); err != nil {
			t.Fatal(err)
		}
	}
	code, msg, err := c.ReadResponse(0)
	if code != want {
		t.Fatalf("%q: reply %d %q (%v), want %d", cmd, code, msg, err, want)
	}
	return msg
}
