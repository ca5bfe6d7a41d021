package pop3_test

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"

	"github.com/postino-mail/postino/detect/labtest/mailserver"
	"github.com/postino-mail/postino/detect/pop3"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// selfSigned returns a server TLS config and a client config trusting it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pop.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

// twoMessages is a maildrop of two 160-byte messages: STAT says 2 320.
func twoMessages() *mailserver.Maildrop {
	drop := &mailserver.Maildrop{}
	drop.Add([]byte(strings.Repeat("a", 160)))
	drop.Add([]byte(strings.Repeat("b", 160)))
	return drop
}

func start(t *testing.T, s *mailserver.POP3) net.Conn {
	t.Helper()
	addr, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	t.Cleanup(func() { conn.Close() })
	return conn
}

func TestLoginAndStatOverSTLS(t *testing.T) {
	srvTLS, cliTLS := selfSigned(t)
	s := &mailserver.POP3{
		Greeting: "Dovecot ready.", Capa: []string{"USER", "UIDL", "SASL PLAIN"},
		TLSConfig: srvTLS, Users: map[string]string{"mario@example.it": "s3cret"}, Drop: twoMessages(),
	}
	c, greeting, err := pop3.NewClient(start(t, s))
	if err != nil {
		t.Fatal(err)
	}
	if greeting != "Dovecot ready." {
		t.Errorf("greeting = %q", greeting)
	}
	caps, err := c.Capa()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(caps, ",") != "USER,UIDL,SASL PLAIN,STLS" {
		t.Errorf("caps = %q", caps)
	}
	if err := c.STLS(cliTLS); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Conn().(*tls.Conn); !ok {
		t.Fatalf("after STLS the client talks on %T", c.Conn())
	}
	if err := c.Login("mario@example.it", "s3cret"); err != nil {
		t.Fatal(err)
	}
	if n, size, err := c.Stat(); err != nil || n != 2 || size != 320 {
		t.Errorf("Stat = %d, %d, %v", n, size, err)
	}
	if err := c.Quit(); err != nil {
		t.Errorf("Quit: %v", err)
	}
	for _, cmd := range s.Commands() {
		if strings.HasPrefix(cmd.Line, "PASS") && !cmd.TLS {
			t.Errorf("PASS arrived in the clear")
		}
	}
}

// A server that takes SASL but not USER/PASS is logged in to with AUTH
// PLAIN (RFC 5034 §4, RFC 4616); a wrong password is an *Error with the
// AUTH response code, and a mechanism that cannot answer a challenge
// cancels the exchange with "*" instead of hanging.
func TestAuthPlainWhenUSERIsRefused(t *testing.T) {
	srvTLS, cliTLS := selfSigned(t)
	users := map[string]string{"mario@example.it": "s3cret"}
	s := &mailserver.POP3{Capa: []string{"SASL PLAIN"}, TLSConfig: srvTLS, Users: users, NoUser: true, Drop: twoMessages()}
	c, _, err := pop3.NewClient(start(t, s))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.STLS(cliTLS); err != nil {
		t.Fatal(err)
	}
	var perr *pop3.Error
	if err := c.Login("mario@example.it", "s3cret"); !errors.As(err, &perr) {
		t.Fatalf("USER on a server without it: %v", err)
	}
	if err := c.Auth(sasl.NewPlainClient("", "mario@example.it", "wrong")); !errors.As(err, &perr) || perr.Code != "AUTH" {
		t.Fatalf("wrong password: %v", err)
	}
	if err := c.Auth(sasl.NewPlainClient("", "mario@example.it", "s3cret")); err != nil {
		t.Fatalf("AUTH PLAIN: %v", err)
	}
	if n, _, err := c.Stat(); err != nil || n != 2 {
		t.Errorf("Stat after AUTH = %d, %v", n, err)
	}
	for _, cmd := range s.Commands() {
		if !cmd.TLS && cmd.Line != "STLS" {
			t.Errorf("%q arrived in the clear", cmd.Line)
		}
	}
}

func TestAuthCancelsWhenTheServerKeepsChallenging(t *testing.T) {
	srv, cli := net.Pipe()
	defer cli.Close()
	done := make(chan []string)
	go func() {
		defer srv.Close()
		srv.Write([]byte("+OK ready\r\n"))
		br := bufio.NewReader(srv)
		var got []string
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				break
			}
			line = strings.TrimSpace(line)
			got = append(got, line)
			if line == "*" {
				srv.Write([]byte("-ERR canceled\r\n"))
				break
			}
			srv.Write([]byte("+ bW9yZQ==\r\n")) // "more", for ever
		}
		done <- got
	}()
	cli.SetDeadline(time.Now().Add(5 * time.Second))
	c, _, err := pop3.NewClient(cli)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(sasl.NewPlainClient("", "mario", "s3cret")); err == nil {
		t.Fatal("an endless challenge was accepted")
	}
	got := <-done
	if len(got) < 2 || got[0] != "AUTH PLAIN" || got[len(got)-1] != "*" {
		t.Errorf("exchange %q, want AUTH PLAIN … *", got)
	}
}

func TestErrorRepliesCarryResponseCodes(t *testing.T) {
	cases := []struct {
		name      string
		server    *mailserver.POP3
		password  string
		wantCode  string
		wantInMsg string
	}{
		{"wrong password", &mailserver.POP3{Users: map[string]string{"u": "right"}}, "wrong", "AUTH", "invalid"},
		{"mailbox in use", &mailserver.POP3{PassReply: "-ERR [IN-USE] Mailbox locked by another session"}, "x", "IN-USE", "locked"},
		{"temporary failure", &mailserver.POP3{PassReply: "-ERR [SYS/TEMP] try later"}, "x", "SYS/TEMP", "later"},
		{"no code", &mailserver.POP3{PassReply: "-ERR nope"}, "x", "", "nope"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := pop3.NewClient(start(t, tc.server))
			if err != nil {
				t.Fatal(err)
			}
			err = c.Login("u", tc.password)
			var perr *pop3.Error
			if !errors.As(err, &perr) {
				t.Fatalf("Login error = %v, want *pop3.Error", err)
			}
			if perr.Code != tc.wantCode || !strings.Contains(perr.Text, tc.wantInMsg) {
				t.Errorf("got code %q text %q", perr.Code, perr.Text)
			}
		})
	}
}

func TestCapaFailsCleanlyOnServersWithoutIt(t *testing.T) {
	c, _, err := pop3.NewClient(start(t, &mailserver.POP3{}))
	if err != nil {
		t.Fatal(err)
	}
	var perr *pop3.Error
	if _, err := c.Capa(); !errors.As(err, &perr) {
		t.Errorf("Capa error = %v, want *pop3.Error", err)
	}
	// The session is still usable afterwards.
	if err := c.Quit(); err != nil {
		t.Errorf("Quit after failed CAPA: %v", err)
	}
}

func TestSTLSRefusedIsAnError(t *testing.T) {
	srvTLS, cliTLS := selfSigned(t)
	c, _, err := pop3.NewClient(start(t, &mailserver.POP3{TLSConfig: srvTLS, STLSReply: "-ERR [SYS/TEMP] TLS unavailable"}))
	if err != nil {
		t.Fatal(err)
	}
	var perr *pop3.Error
	if err := c.STLS(cliTLS); !errors.As(err, &perr) || perr.Code != "SYS/TEMP" {
		t.Errorf("STLS error = %v", err)
	}
}

// scripted is a net.Conn whose server side is a fixed byte stream.
type scripted struct {
	net.Conn // nil: only the methods below are used
	r        io.Reader
	written  bytes.Buffer
}

func (s *scripted) Read(p []byte) (int, error)  { return s.r.Read(p) }
func (s *scripted) Write(p []byte) (int, error) { return s.written.Write(p) }
func (s *scripted) Close() error                { return nil }

func newScripted(server string) *scripted { return &scripted{r: strings.NewReader(server)} }

func TestSTLSRefusesDataInjectedBeforeTheHandshake(t *testing.T) {
	conn := newScripted("+OK hi\r\n+OK begin TLS\r\n+OK injected\r\n")
	c, _, err := pop3.NewClient(conn)
	if err != nil {
		t.Fatal(err)
	}
	called := false
	err = c.StartTLS(func(net.Conn) (net.Conn, error) { called = true; return nil, nil })
	if err == nil || called {
		t.Errorf("StartTLS accepted injected plaintext (err=%v, upgrade called=%v)", err, called)
	}
}

func TestMultiLineResponsesAreDotUnstuffed(t *testing.T) {
	conn := newScripted("+OK hi\r\n+OK\r\nUSER\r\n..hidden\r\nSASL PLAIN\r\n.\r\n")
	c, _, err := pop3.NewClient(conn)
	if err != nil {
		t.Fatal(err)
	}
	caps, err := c.Capa()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(caps, "|") != "USER|.hidden|SASL PLAIN" {
		t.Errorf("caps = %q", caps)
	}
}

func TestHostileServersEndInClearErrors(t *testing.T) {
	endless := "+OK " + strings.Repeat("A", 1<<20) + "\r\n"
	manyLines := "+OK hi\r\n+OK\r\n" + strings.Repeat("X\r\n", pop3.MaxLines+5) + ".\r\n"
	cases := []struct {
		name   string
		stream string
		check  func(error) bool
		capa   bool
	}{
		{"1 MiB greeting", endless, func(err error) bool { return errors.Is(err, pop3.ErrLineTooLong) }, false},
		{"HTTP server", "HTTP/1.1 400 Bad Request\r\n\r\n", func(err error) bool {
			var pe *pop3.ProtocolError
			return errors.As(err, &pe) && strings.HasPrefix(pe.Line, "HTTP/1.1")
		}, false},
		{"binary garbage", "\x16\x03\x01\x00\x05\x01\x02\x03\x04\x05\n", func(err error) bool {
			var pe *pop3.ProtocolError
			return errors.As(err, &pe)
		}, false},
		{"closed after greeting", "+OK hi\r\n", func(err error) bool { return errors.Is(err, io.EOF) }, true},
		{"endless CAPA", manyLines, func(err error) bool { return errors.Is(err, pop3.ErrTooManyLines) }, true},
		{"-ERR greeting", "-ERR [SYS/TEMP] overloaded\r\n", func(err error) bool {
			var pe *pop3.Error
			return errors.As(err, &pe) && pe.Code == "SYS/TEMP"
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := pop3.NewClient(newScripted(tc.stream))
			if tc.capa {
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Capa()
			}
			if !tc.check(err) {
				t.Errorf("unexpected error %v", err)
			}
		})
	}
}

func TestCommandsCannotSmuggleLineBreaks(t *testing.T) {
	conn := newScripted("+OK hi\r\n")
	c, _, err := pop3.NewClient(conn)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.User("a\r\nDELE 1"); err == nil {
		t.Error("USER with CRLF was sent")
	}
	if conn.written.Len() != 0 {
		t.Errorf("wrote %q", conn.written.String())
	}
}

func FuzzClientSurvivesAnyServer(f *testing.F) {
	f.Add("+OK hi\r\n+OK\r\nUSER\r\n.\r\n+OK\r\n+OK\r\n+OK bye\r\n")
	f.Add("-ERR [AUTH] no\r\n")
	f.Add("+OK\r\n+OK\r\n..x\r\n")
	f.Add("+ok lower\n-err [in-use\n")
	f.Add("+OK\r\n-ERR\r\n-ERR\r\n+ \r\n+ bW9yZQ==\r\n+ !!\r\n")
	f.Fuzz(func(t *testing.T, stream string) {
		c, _, err := pop3.NewClient(newScripted(stream))
		if err != nil {
			return
		}
		caps, _ := c.Capa()
		if len(caps) > pop3.MaxLines {
			t.Fatalf("%d capability lines", len(caps))
		}
		for _, l := range caps {
			if len(l) > pop3.MaxLine {
				t.Fatalf("line of %d bytes", len(l))
			}
		}
		if err := c.Login("u", "p"); err != nil {
			var pe *pop3.Error
			if errors.As(err, &pe) && strings.ContainsAny(pe.Code, " ]") {
				t.Fatalf("bad response code %q", pe.Code)
			}
		}
		// The SASL exchange ends too, whatever the challenges.
		c.Auth(sasl.NewPlainClient("", "u", "p"))
		c.Quit()
	})
}

func TestTopReturnsTheHeaderDotUnstuffed(t *testing.T) {
	conn := newScripted("+OK hi\r\n+OK top follows\r\nSubject: hello\r\n world\r\n..dotted\r\n\r\n.\r\n")
	c, _, err := pop3.NewClient(conn)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := c.Top(3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Subject: hello", " world", ".dotted", ""}; !slices.Equal(lines, want) {
		t.Errorf("lines = %q, want %q", lines, want)
	}
	if got := conn.written.String(); got != "TOP 3 0\r\n" {
		t.Errorf("sent %q", got)
	}
}

func TestTopStopsAnEndlessHeader(t *testing.T) {
	c, _, err := pop3.NewClient(newScripted("+OK hi\r\n+OK\r\n" + strings.Repeat("X-Spam: 1\r\n", pop3.MaxTopLines+1) + ".\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Top(1, 0); !errors.Is(err, pop3.ErrTooManyLines) {
		t.Errorf("err = %v, want ErrTooManyLines", err)
	}
}

func TestDeleMarksAndReportsRefusals(t *testing.T) {
	conn := newScripted("+OK hi\r\n+OK marked\r\n-ERR [SYS/PERM] message 9 already deleted\r\n")
	c, _, err := pop3.NewClient(conn)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Dele(4); err != nil {
		t.Fatal(err)
	}
	var pe *pop3.Error
	if err := c.Dele(9); !errors.As(err, &pe) || pe.Code != "SYS/PERM" {
		t.Errorf("err = %v, want -ERR [SYS/PERM]", err)
	}
	if got := conn.written.String(); got != "DELE 4\r\nDELE 9\r\n" {
		t.Errorf("sent %q", got)
	}
}
