// Package mailserver is an in-process mail provider for tests: an SMTP
// submission server (go-smtp) that checks one account's password,
// records what clients sent and delivers accepted messages into that
// account's IMAP mailbox (go-imap's imapmemserver), and helpers that
// serve both on a labtest listener until the test ends. The probe, the
// round trip and the command line test against the same provider.
package mailserver

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// MaxMessage bounds what DATA accepts: a test message is a few hundred
// bytes.
const MaxMessage = 1 << 20

// NewUser returns the account address/password with the given mailboxes
// (INBOX when none are named).
func NewUser(t testing.TB, address, password string, mailboxes ...string) *imapmemserver.User {
	t.Helper()
	u := imapmemserver.NewUser(address, password)
	if len(mailboxes) == 0 {
		mailboxes = []string{"INBOX"}
	}
	for _, name := range mailboxes {
		if err := u.Create(name, nil); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// Count returns how many messages mailbox holds.
func Count(t testing.TB, u *imapmemserver.User, mailbox string) uint32 {
	t.Helper()
	data, err := u.Status(mailbox, &imap.StatusOptions{NumMessages: true})
	if err != nil {
		t.Fatal(err)
	}
	return *data.NumMessages
}

// Submission is a go-smtp Backend for one account. It offers PLAIN
// (unless SetMechanisms says otherwise), refuses any other credentials
// with 535 5.7.8, and delivers each accepted message into the account's
// INBOX (see SetDeliverTo, SetDelay).
type Submission struct {
	user              *imapmemserver.User
	address, password string
	// onDeliver, when set, also sees each delivered message and its
	// mailbox (a POP3 maildrop in the round trip's tests).
	onDeliver func(mailbox string, msg []byte)

	mu         sync.Mutex
	deliverTo  string
	delay      time.Duration
	rejectMail *smtp.SMTPError
	mechs      []string
	rec        Record
	pending    sync.WaitGroup
}

// Record is what clients did: the EHLO names, whether each AUTH came
// over TLS, the envelopes and the messages accepted.
type Record struct {
	EHLO      []string
	AuthOnTLS []bool
	From      []string
	Rcpts     []string
	Messages  [][]byte
}

// NewSubmission returns the backend for user, who logs in as address
// with password. onDeliver may be nil.
func NewSubmission(user *imapmemserver.User, address, password string, onDeliver func(mailbox string, msg []byte)) *Submission {
	return &Submission{user: user, address: address, password: password, onDeliver: onDeliver, deliverTo: "INBOX"}
}

// SetDeliverTo names the mailbox accepted messages land in; "" accepts
// them and drops them, as a server that never delivers.
func (s *Submission) SetDeliverTo(mailbox string) { s.mu.Lock(); s.deliverTo = mailbox; s.mu.Unlock() }

// SetDelay postpones delivery after the 250 to DATA; with none, the
// message is delivered before the 250, as a server with local delivery
// may do.
func (s *Submission) SetDelay(d time.Duration) { s.mu.Lock(); s.delay = d; s.mu.Unlock() }

// RejectMail makes MAIL FROM fail with err (nil accepts again).
func (s *Submission) RejectMail(err *smtp.SMTPError) { s.mu.Lock(); s.rejectMail = err; s.mu.Unlock() }

// SetMechanisms replaces the SASL mechanisms offered (PLAIN by default;
// only PLAIN ever succeeds).
func (s *Submission) SetMechanisms(mechs ...string) { s.mu.Lock(); s.mechs = mechs; s.mu.Unlock() }

// Recorded returns a copy of what clients did so far.
func (s *Submission) Recorded() Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Record{
		EHLO:      append([]string(nil), s.rec.EHLO...),
		AuthOnTLS: append([]bool(nil), s.rec.AuthOnTLS...),
		From:      append([]string(nil), s.rec.From...),
		Rcpts:     append([]string(nil), s.rec.Rcpts...),
		Messages:  append([][]byte(nil), s.rec.Messages...),
	}
}

// Wait blocks until every delayed delivery is done.
func (s *Submission) Wait() { s.pending.Wait() }

// NewSession implements smtp.Backend; go-smtp has read EHLO by now.
func (s *Submission) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.rec.EHLO = append(s.rec.EHLO, c.Hostname())
	s.mu.Unlock()
	return &session{s: s, c: c}, nil
}

type session struct {
	s *Submission
	c *smtp.Conn
}

func (ss *session) AuthMechanisms() []string {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.mechs != nil {
		return ss.s.mechs
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	_, onTLS := ss.c.TLSConnectionState()
	ss.s.mu.Lock()
	ss.s.rec.AuthOnTLS = append(ss.s.rec.AuthOnTLS, onTLS)
	ss.s.mu.Unlock()
	if mech != sasl.Plain {
		return nil, &smtp.SMTPError{Code: 504, EnhancedCode: smtp.EnhancedCode{5, 5, 4}, Message: "mechanism not supported"}
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.s.address || pass != ss.s.password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.rec.From = append(ss.s.rec.From, from)
	if ss.s.rejectMail != nil {
		return ss.s.rejectMail
	}
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.rec.Rcpts = append(ss.s.rec.Rcpts, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	msg, err := io.ReadAll(io.LimitReader(r, MaxMessage))
	if err != nil {
		return err
	}
	s := ss.s
	s.mu.Lock()
	s.rec.Messages = append(s.rec.Messages, msg)
	box, delay := s.deliverTo, s.delay
	s.mu.Unlock()
	if box == "" {
		return nil // accepted, and dropped on the floor
	}
	if delay <= 0 {
		return s.deliver(box, msg)
	}
	s.pending.Add(1)
	time.AfterFunc(delay, func() {
		defer s.pending.Done()
		s.deliver(box, msg)
	})
	return nil
}

func (s *Submission) deliver(box string, msg []byte) error {
	if _, err := s.user.Append(box, bytes.NewReader(msg), &imap.AppendOptions{Time: time.Now()}); err != nil {
		return err
	}
	if s.onDeliver != nil {
		s.onDeliver(box, msg)
	}
	return nil
}

func (*session) Reset()        {}
func (*session) Logout() error { return nil }

// quiet drops the servers' logs: a test that wants to know what happened
// asks the Record.
type quiet struct{}

func (quiet) Printf(string, ...any) {}
func (quiet) Println(...any)        {}

// ServeSMTP serves be on ln as domain until the test ends: implicit TLS
// with cert when implicit, else STARTTLS offered with it.
func ServeSMTP(t testing.TB, ln net.Listener, be smtp.Backend, domain string, cert tls.Certificate, implicit bool) {
	t.Helper()
	srv := smtp.NewServer(be)
	srv.Domain, srv.ErrorLog = domain, quiet{}
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	if implicit {
		ln = tls.NewListener(ln, cfg)
	} else {
		srv.TLSConfig = cfg
	}
	serve(t, func() { srv.Serve(ln) }, func() { srv.Close() })
}

// ServeIMAP serves user's mailboxes on ln until the test ends, with caps
// (IMAP4rev1 and UIDPLUS when nil): implicit TLS with cert when
// implicit, else STARTTLS.
func ServeIMAP(t testing.TB, ln net.Listener, user *imapmemserver.User, caps imap.CapSet, cert tls.Certificate, implicit bool) {
	t.Helper()
	mem := imapmemserver.New()
	mem.AddUser(user)
	if caps == nil {
		caps = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:   caps,
		Logger: quiet{},
	}
	if implicit {
		ln = tls.NewListener(ln, cfg)
	} else {
		opts.TLSConfig = cfg
	}
	srv := imapserver.New(opts)
	serve(t, func() { srv.Serve(ln) }, func() { srv.Close() })
}

// serve runs run on its own goroutine and, when the test ends, stops it
// and waits for it to return, so no goroutine outlives the test.
func serve(t testing.TB, run func(), stop func()) {
	done := make(chan struct{})
	go func() { defer close(done); run() }()
	t.Cleanup(func() { stop(); <-done })
}
