package mailserver

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// MaxMessage bounds what DATA accepts: a test message is a few hundred
// bytes.
const MaxMessage = 1 << 20

// Submission is a go-smtp Backend for one account. It offers PLAIN
// (unless SetMechanisms says otherwise), refuses any other credentials
// with 535 5.7.8, records every AUTH in its Logins, and delivers each
// accepted message into the account's INBOX (see SetDeliverTo,
// SetDelay).
type Submission struct {
	user              *imapmemserver.User
	address, password string
	// onDeliver, when set, also sees each delivered message and its
	// mailbox (a POP3 maildrop in the round trip's tests).
	onDeliver func(mailbox string, msg []byte)

	mu          sync.Mutex
	deliverTo   string
	delay       time.Duration
	rejectMail  *smtp.SMTPError
	rejectData  *smtp.SMTPError
	requireAuth bool
	mechs       []string
	logins      *Logins
	rec         Record
	pending     sync.WaitGroup
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
// with password. onDeliver may be nil; so may user, for a server that
// accepts messages and drops them.
func NewSubmission(user *imapmemserver.User, address, password string, onDeliver func(mailbox string, msg []byte)) *Submission {
	s := &Submission{user: user, address: address, password: password, onDeliver: onDeliver, logins: &Logins{}}
	if user != nil {
		s.deliverTo = "INBOX"
	}
	return s
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

// RejectData makes DATA fail with err after the message arrived (nil
// accepts again): a server that takes logins and no mail.
func (s *Submission) RejectData(err *smtp.SMTPError) { s.mu.Lock(); s.rejectData = err; s.mu.Unlock() }

// RequireAuth makes MAIL FROM fail with 530 before a successful AUTH, as
// a submission server does (RFC 6409 §4.3).
func (s *Submission) RequireAuth(b bool) { s.mu.Lock(); s.requireAuth = b; s.mu.Unlock() }

// SetMechanisms replaces the SASL mechanisms offered (PLAIN by default).
// Only PLAIN ever checks credentials; AUTH with any other mechanism is
// logged and answered 504 before credentials are sent.
func (s *Submission) SetMechanisms(mechs ...string) { s.mu.Lock(); s.mechs = mechs; s.mu.Unlock() }

// SetLogins makes the backend record AUTH attempts in l (shared with a
// host's other servers) instead of its own log.
func (s *Submission) SetLogins(l *Logins) { s.mu.Lock(); s.logins = l; s.mu.Unlock() }

// Logins returns the log AUTH attempts go to.
func (s *Submission) Logins() *Logins { s.mu.Lock(); defer s.mu.Unlock(); return s.logins }

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
	s      *Submission
	c      *smtp.Conn
	authed bool
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
	log := ss.s.logins
	ss.s.mu.Unlock()
	i := log.begin(Login{Proto: "smtp", Mech: mech, TLS: onTLS})
	if mech != sasl.Plain {
		return nil, &smtp.SMTPError{Code: 504, EnhancedCode: smtp.EnhancedCode{5, 5, 4}, Message: "mechanism not supported"}
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		ok := user == ss.s.address && pass == ss.s.password
		log.finish(i, user, ok)
		if !ok {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.rec.From = append(ss.s.rec.From, from)
	if ss.s.requireAuth && !ss.authed {
		return smtp.ErrAuthRequired
	}
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
	if s.rejectData != nil {
		err := s.rejectData
		s.mu.Unlock()
		return err
	}
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

// SMTPOptions configure ServeSMTPWith.
type SMTPOptions struct {
	// Domain is the name in the greeting.
	Domain string
	Cert   tls.Certificate
	TLS    TLSMode
	// InsecureAuth offers AUTH before TLS (always with NoTLS): a client
	// must hold back on its own.
	InsecureAuth bool
	// MaxMessageBytes is go-smtp's limit (its default when 0).
	MaxMessageBytes int64
	// Timeout bounds each read and write (10 s when 0).
	Timeout time.Duration
}

// ServeSMTP serves be on ln as domain until the test ends: implicit TLS
// with cert when implicit, else STARTTLS offered with it.
func ServeSMTP(t TB, ln net.Listener, be smtp.Backend, domain string, cert tls.Certificate, implicit bool) {
	t.Helper()
	mode := StartTLS
	if implicit {
		mode = Implicit
	}
	ServeSMTPWith(t, ln, be, SMTPOptions{Domain: domain, Cert: cert, TLS: mode})
}

// ServeSMTPWith serves be on ln until the test ends.
func ServeSMTPWith(t TB, ln net.Listener, be smtp.Backend, o SMTPOptions) {
	t.Helper()
	srv := smtp.NewServer(be)
	srv.Domain, srv.ErrorLog = o.Domain, quiet{}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	srv.ReadTimeout, srv.WriteTimeout = o.Timeout, o.Timeout
	if o.MaxMessageBytes > 0 {
		srv.MaxMessageBytes = o.MaxMessageBytes
	}
	srv.AllowInsecureAuth = o.InsecureAuth || o.TLS == NoTLS
	cfg := &tls.Config{Certificates: []tls.Certificate{o.Cert}}
	switch o.TLS {
	case Implicit:
		ln = tls.NewListener(ln, cfg)
	case StartTLS:
		srv.TLSConfig = cfg
	}
	serve(t, func() { srv.Serve(ln) }, func() { srv.Close() })
}
