package roundtrip

import (
	"bytes"
	"crypto/tls"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/network"
)

const (
	testAddr     = "anna@example.test"
	testPassword = "Sentinel-Pw-4b1d"
	smtpHost     = "smtp.example.test"
	imapHost     = "imap.example.test"
)

// mailLab is one provider: a go-smtp submission server whose backend
// delivers into an imapmemserver mailbox, both with lab certificates.
type mailLab struct {
	lab  *labtest.Lab
	nw   *network.Network
	user *imapmemserver.User
	be   *smtpBackend
	drop *maildrop
	// imapCaps are the IMAP servers' capabilities (default IMAP4rev1 and
	// UIDPLUS); set before startIMAP.
	imapCaps imap.CapSet
}

type smtpBackend struct {
	user *imapmemserver.User
	drop *maildrop

	mu sync.Mutex
	// deliverTo is the mailbox a message lands in ("" never delivers).
	deliverTo string
	// delay postpones delivery.
	delay time.Duration
	// rejectMail, when set, is the answer to MAIL FROM.
	rejectMail *smtp.SMTPError
	mechs      []string
	from       []string
	rcpts      []string
	authOnTLS  []bool
	messages   [][]byte
	pending    sync.WaitGroup
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
	s.b.mu.Lock()
	s.b.authOnTLS = append(s.b.authOnTLS, isTLS)
	s.b.mu.Unlock()
	check := func(user, pass string) error {
		if user == testAddr && pass == testPassword {
			return nil
		}
		return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
	}
	if mech != sasl.Plain {
		return nil, &smtp.SMTPError{Code: 504, Message: "mechanism not supported"}
	}
	return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.from = append(s.b.from, from)
	if s.b.rejectMail != nil {
		return s.b.rejectMail
	}
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.b.mu.Lock()
	s.b.rcpts = append(s.b.rcpts, to)
	s.b.mu.Unlock()
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	msg, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return err
	}
	s.b.mu.Lock()
	s.b.messages = append(s.b.messages, msg)
	box, delay := s.b.deliverTo, s.b.delay
	s.b.mu.Unlock()
	if box == "" {
		return nil // accepted, and dropped on the floor
	}
	s.b.pending.Add(1)
	time.AfterFunc(delay, func() {
		defer s.b.pending.Done()
		s.b.user.Append(box, bytes.NewReader(msg), &imap.AppendOptions{Time: time.Now()})
		if box == "INBOX" {
			s.b.drop.add(msg)
		}
	})
	return nil
}

func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }

type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}
func (quietLogger) Println(...any)        {}

// newMailLab starts SMTP on 465 (TLS) and 587 (STARTTLS), IMAP on 993
// (TLS) and 143 (STARTTLS) and POP3 on 995 (TLS) and 110 (STLS), all
// delivering to one mailbox.
func newMailLab(t *testing.T) *mailLab {
	t.Helper()
	lab := labtest.New(t)
	user := imapmemserver.NewUser(testAddr, testPassword)
	for _, name := range []string{"INBOX", "Junk", "Sent"} {
		if err := user.Create(name, nil); err != nil {
			t.Fatal(err)
		}
	}
	drop := &maildrop{}
	m := &mailLab{lab: lab, nw: lab.Network(), user: user, drop: drop, be: &smtpBackend{user: user, drop: drop, deliverTo: "INBOX"}}
	t.Cleanup(m.be.pending.Wait)
	cert := lab.Cert(smtpHost, imapHost)
	m.startSMTP(t, 465, config.TLS, cert)
	m.startSMTP(t, 587, config.STARTTLS, cert)
	m.startIMAP(t, 993, config.TLS, cert)
	m.startIMAP(t, 143, config.STARTTLS, cert)
	m.startPOP3(t, 995, true, cert)
	m.startPOP3(t, 110, false, cert)
	return m
}

func (m *mailLab) startSMTP(t *testing.T, port int, sec config.Security, cert tls.Certificate) {
	ln := m.lab.Listen(smtpHost, port)
	s := smtp.NewServer(m.be)
	s.Domain = smtpHost
	s.ErrorLog = quietLogger{}
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	if sec == config.TLS {
		ln = tls.NewListener(ln, cfg)
	} else {
		s.TLSConfig = cfg
	}
	done := make(chan struct{})
	go func() { s.Serve(ln); close(done) }()
	t.Cleanup(func() { s.Close(); <-done })
}

func (m *mailLab) startIMAP(t *testing.T, port int, sec config.Security, cert tls.Certificate) {
	mem := imapmemserver.New()
	mem.AddUser(m.user)
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	caps := m.imapCaps
	if caps == nil {
		caps = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}
	}
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:   caps,
		Logger: quietLogger{},
	}
	ln := m.lab.Listen(imapHost, port)
	if sec == config.TLS {
		ln = tls.NewListener(ln, cfg)
	} else {
		opts.TLSConfig = cfg
	}
	s := imapserver.New(opts)
	done := make(chan struct{})
	go func() { s.Serve(ln); close(done) }()
	t.Cleanup(func() { s.Close(); <-done })
}

// opts returns options for the lab's servers with a short deadline.
func (m *mailLab) opts() Options {
	return Options{
		Address:      testAddr,
		Password:     testPassword,
		SMTP:         config.Server{Protocol: config.SMTP, Host: smtpHost, Port: 465, Security: config.TLS},
		Incoming:     config.Server{Protocol: config.IMAP, Host: imapHost, Port: 993, Security: config.TLS},
		Deadline:     5 * time.Second,
		PollInterval: 50 * time.Millisecond,
	}
}

// count returns how many messages mailbox holds.
func (m *mailLab) count(t *testing.T, mailbox string) uint32 {
	t.Helper()
	data, err := m.user.Status(mailbox, &imap.StatusOptions{NumMessages: true})
	if err != nil {
		t.Fatal(err)
	}
	return *data.NumMessages
}

func (m *mailLab) sent() (from, rcpts []string, msgs [][]byte, authOnTLS []bool) {
	m.be.mu.Lock()
	defer m.be.mu.Unlock()
	return append([]string(nil), m.be.from...), append([]string(nil), m.be.rcpts...),
		append([][]byte(nil), m.be.messages...), append([]bool(nil), m.be.authOnTLS...)
}

func contains(hay []byte, needle string) bool { return strings.Contains(string(hay), needle) }
