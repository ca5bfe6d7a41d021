package probe

import (
	"crypto/tls"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
)

// The account every test server knows. The password is a sentinel:
// tests search every result for it.
const (
	testUser     = "mario.rossi@example.it"
	testPassword = "Sentinel-Pa55-7f3k"
)

// authLog records every login attempt a test server received and
// whether it came over TLS, so tests can prove what never happened.
type authLog struct {
	mu       sync.Mutex
	attempts []bool // TLS or not, per attempt
}

func (a *authLog) add(isTLS bool) {
	a.mu.Lock()
	a.attempts = append(a.attempts, isTLS)
	a.mu.Unlock()
}

func (a *authLog) count() (total, plain int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, t := range a.attempts {
		total++
		if !t {
			plain++
		}
	}
	return
}

func serverTLS(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}}
}

// --- SMTP: go-smtp's server ---

type smtpBackend struct {
	mechs []string // AUTH mechanisms offered (default PLAIN)
	log   authLog
}

func (b *smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{b: b, c: c}, nil
}

type smtpSession struct {
	b *smtpBackend
	c *smtp.Conn
}

func (s *smtpSession) AuthMechanisms() []string {
	if s.b.mechs != nil {
		return s.b.mechs
	}
	return []string{sasl.Plain}
}

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	_, isTLS := s.c.TLSConnectionState()
	s.b.log.add(isTLS)
	if mech != sasl.Plain {
		return nil, &smtp.SMTPError{Code: 504, EnhancedCode: smtp.EnhancedCode{5, 5, 4}, Message: "mechanism not supported"}
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user == testUser && pass == testPassword {
			return nil
		}
		return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
	}), nil
}

func (s *smtpSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *smtpSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *smtpSession) Data(r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	return err
}
func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }

// startSMTP runs go-smtp's server for host:port with implicit TLS,
// STARTTLS or no TLS at all (sec == config.Plain: STARTTLS not offered).
func startSMTP(t *testing.T, lab *labtest.Lab, host string, port int, sec config.Security, cert tls.Certificate, be *smtpBackend) {
	t.Helper()
	ln := lab.Listen(host, port)
	s := smtp.NewServer(be)
	s.Domain = host
	s.AllowInsecureAuth = true // so a missing STARTTLS still offers AUTH: the probe must hold back
	s.MaxMessageBytes = 25 << 20
	s.ErrorLog = quietLogger{}
	switch sec {
	case config.TLS:
		ln = tls.NewListener(ln, serverTLS(cert))
	case config.STARTTLS:
		s.TLSConfig = serverTLS(cert)
	}
	done := make(chan struct{})
	go func() { s.Serve(ln); close(done) }()
	t.Cleanup(func() { s.Close(); <-done })
}

type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}
func (quietLogger) Println(...any)        {}

// --- IMAP: go-imap's imapserver with imapmemserver ---

type imapSession struct {
	imapserver.Session
	conn *imapserver.Conn
	log  *authLog
}

func (s *imapSession) Login(user, pass string) error {
	_, isTLS := s.conn.NetConn().(*tls.Conn)
	s.log.add(isTLS)
	return s.Session.Login(user, pass)
}

// startIMAP runs imapserver for host:port. With sec == config.Plain the
// server offers no STARTTLS and accepts LOGIN in the clear.
func startIMAP(t *testing.T, lab *labtest.Lab, host string, port int, sec config.Security, cert tls.Certificate, caps imap.CapSet) *authLog {
	t.Helper()
	mem := imapmemserver.New()
	mem.AddUser(imapmemserver.NewUser(testUser, testPassword))
	log := &authLog{}
	if caps == nil {
		caps = imap.CapSet{imap.CapIMAP4rev1: {}}
	}
	opts := &imapserver.Options{
		NewSession: func(c *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &imapSession{Session: mem.NewSession(), conn: c, log: log}, nil, nil
		},
		Caps:   caps,
		Logger: quietLogger{},
	}
	ln := lab.Listen(host, port)
	switch sec {
	case config.TLS:
		ln = tls.NewListener(ln, serverTLS(cert))
	case config.STARTTLS:
		opts.TLSConfig = serverTLS(cert)
	default:
		opts.InsecureAuth = true
	}
	s := imapserver.New(opts)
	done := make(chan struct{})
	go func() { s.Serve(ln); close(done) }()
	t.Cleanup(func() { s.Close(); <-done })
	return log
}

// --- POP3: detect/pop3's test server ---

func startPOP3(t *testing.T, lab *labtest.Lab, host string, port int, sec config.Security, cert tls.Certificate, s *mailserver.POP3) *mailserver.POP3 {
	t.Helper()
	if s == nil {
		s = &mailserver.POP3{}
	}
	if s.Users == nil {
		s.Users = map[string]string{testUser: testPassword}
	}
	if s.Capa == nil {
		s.Capa = []string{"USER", "UIDL", "TOP"}
	}
	switch sec {
	case config.TLS:
		s.TLSConfig, s.ImplicitTLS = serverTLS(cert), true
	case config.STARTTLS:
		s.TLSConfig = serverTLS(cert)
	}
	s.Serve(lab.Listen(host, port))
	t.Cleanup(s.Close)
	return s
}

// --- raw servers for hostile behaviour ---

// startRaw runs handle for every connection to host:port; the test
// waits for every handler when it ends.
func startRaw(t *testing.T, lab *labtest.Lab, host string, port int, handle func(net.Conn)) {
	t.Helper()
	ln := lab.Listen(host, port)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
}

// drain reads until the peer goes away.
func drain(c net.Conn) {
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

// startIMAPOn serves IMAP on a listener the test prepared (for TLS
// settings startIMAP does not offer).
func startIMAPOn(t *testing.T, ln net.Listener) {
	t.Helper()
	mem := imapmemserver.New()
	mem.AddUser(imapmemserver.NewUser(testUser, testPassword))
	s := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:   imap.CapSet{imap.CapIMAP4rev1: {}},
		Logger: quietLogger{},
	})
	done := make(chan struct{})
	go func() { s.Serve(ln); close(done) }()
	t.Cleanup(func() { s.Close(); <-done })
}
