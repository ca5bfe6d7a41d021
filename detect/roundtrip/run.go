package roundtrip

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/internal/mailconn"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/problem"
)

// Defaults for Options.
const (
	DefaultDeadline     = 60 * time.Second
	DefaultPollInterval = 2 * time.Second
	// DefaultPOP3PollInterval is longer: POP3 shows new mail only in a
	// new session, so every poll is a login, and providers throttle
	// frequent logins.
	DefaultPOP3PollInterval = 5 * time.Second
	// connectTimeout bounds logging in to each server and the SMTP
	// submission, separately from the arrival deadline.
	connectTimeout = 30 * time.Second
	// pollGrace is how long one mailbox search may run past the arrival
	// deadline before its connection is closed.
	pollGrace = 10 * time.Second
	// logoutGrace bounds the courtesy LOGOUT/QUIT at the end.
	logoutGrace = 3 * time.Second
	// deleteTimeout bounds removing the test message.
	deleteTimeout = 15 * time.Second
)

// Options say what to test. Only Address, Password, SMTP and Incoming
// are required.
type Options struct {
	// Address is the account's address: the message goes from it, to it,
	// and to nobody else.
	Address string
	// Username is the login for both servers. Empty: each server's
	// Username template (mail.ExpandUsername), else the address.
	Username string
	Password string
	// SMTP is the submission endpoint (TLS or STARTTLS; never Plain).
	SMTP mail.Server
	// Incoming is the IMAP or POP3 endpoint to watch (TLS or STARTTLS).
	Incoming mail.Server
	// Deadline is how long to wait for the message after it was
	// accepted (default DefaultDeadline).
	Deadline time.Duration
	// PollInterval is the longest pause between mailbox searches
	// (default DefaultPollInterval, DefaultPOP3PollInterval for POP3); an
	// IMAP server with IDLE ends the pause as soon as new mail arrives.
	PollInterval time.Duration
	// Delete removes the test message once it has arrived.
	Delete bool
	// AllowInsecureTLS lets the password go to servers whose certificate
	// failed verification (still only over TLS).
	AllowInsecureTLS bool
	// Lang is the language of the test message's text ("en", "it"; ""
	// = the process-wide one): the person's, chosen by the front end.
	Lang string
}

// mailbox is an incoming server being watched.
type mailbox interface {
	// find returns the folder holding a message with token in its
	// subject, or "" when there is none yet.
	find(token string) (string, error)
	// pause waits up to d before the next search, returning early when
	// the server announces new mail, and ctx's error when ctx ends.
	pause(ctx context.Context, d time.Duration) error
	remove() error
	// interrupt closes the connection, making a blocked call return.
	interrupt()
	close()
}

type session struct {
	life context.Context // the run's context: connections die with it
	nw   *network.Network
	opts Options
	sink event.Sink
	res  Result

	mu      sync.Mutex         // connections are opened from the waiting goroutines too
	budgets []*mailconn.Budget // every connection's read budget
	// latest is the read budget of each server's newest connection, by
	// address: the one a failure on that server happened on.
	latest map[string]*mailconn.Budget
}

// Run sends the test message and waits for it. It returns when the
// message has arrived (and was deleted, if asked), the deadline has
// passed, something failed, or ctx ends; no goroutine outlives it. Every
// step is emitted as Progress on sink, the result as Finished.
func Run(ctx context.Context, nw *network.Network, opts Options, sink event.Sink) Result {
	s := &session{life: ctx, nw: orDefault(nw), opts: opts, sink: sink}
	s.run(ctx)
	s.res.Problem = scrubbed(s.res.Problem, opts.Password)
	s.res.DeleteFailed = scrubbed(s.res.DeleteFailed, opts.Password)
	s.emit(StepDone)
	sink.Emit(Finished{Result: s.res})
	return s.res
}

func (s *session) emit(step Step) {
	var el time.Duration
	if !s.res.SentAt.IsZero() {
		el = time.Since(s.res.SentAt)
	}
	s.sink.Emit(Progress{Step: step, Elapsed: el, Polls: s.res.Polls})
}

func (s *session) refuse(code string, data map[string]any) {
	s.res.Status, s.res.Code, s.res.data = Refused, code, data
}

func (s *session) run(ctx context.Context) {
	o := &s.opts
	addr, err := address.Parse(o.Address)
	if err != nil {
		s.refuse("bad-address", map[string]any{"Error": err}) // said in the result's language
		return
	}
	from := addr.String()
	switch {
	case o.Password == "":
		s.refuse("no-password", nil)
		return
	case o.SMTP.Protocol != mail.SMTP:
		s.refuse("bad-smtp", map[string]any{"Server": o.SMTP.String()})
		return
	case !o.Incoming.Protocol.Incoming():
		s.refuse("bad-incoming", map[string]any{"Server": o.Incoming.String()})
		return
	}
	for _, srv := range []mail.Server{o.SMTP, o.Incoming} {
		if srv.Security != mail.TLS && srv.Security != mail.STARTTLS {
			// The password would cross the network in clear text.
			s.refuse("plaintext-refused", map[string]any{"Server": srv.String()})
			return
		}
	}
	if o.Deadline <= 0 {
		o.Deadline = DefaultDeadline
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
		if o.Incoming.Protocol == mail.POP3 {
			o.PollInterval = DefaultPOP3PollInterval
		}
	}
	token := newToken()
	s.res.Token = token
	s.res.MessageID = messageID(token, addr.Domain)

	// Log in to the mailbox first: if that fails there is no point in
	// sending a message nobody can look for.
	s.emit(StepConnectIncoming)
	inCtx, cancel := context.WithTimeout(ctx, connectTimeout)
	box, err := s.open(inCtx, s.user(o.Incoming, addr))
	cancel()
	if err != nil {
		s.res.Status, s.res.Code = ReceiveFailed, string(ReceiveFailed)
		p := s.explain(ctx, o.Incoming, err, true)
		s.res.Problem = &p
		return
	}
	defer box.close()

	s.emit(StepSending)
	subject, msg := message(i18n.For(s.opts.Lang), from, token, s.res.MessageID, time.Now())
	s.res.Subject = subject
	start := time.Now()
	sendCtx, cancel := context.WithTimeout(ctx, connectTimeout)
	err = s.send(sendCtx, o.SMTP, s.user(o.SMTP, addr), from, msg)
	cancel()
	if err != nil {
		s.res.Status, s.res.Code = SendFailed, string(SendFailed)
		p := s.explainSend(ctx, err)
		s.res.Problem = &p
		return
	}
	s.res.SentAt = time.Now()
	s.res.Send = s.res.SentAt.Sub(start)

	s.wait(ctx, box, token)
	if s.res.Status == Arrived && o.Delete {
		s.remove(ctx, box)
	}
}

// remove deletes the test message that arrived, within deleteTimeout.
func (s *session) remove(ctx context.Context, box mailbox) {
	s.emit(StepDeleting)
	delCtx, cancel := context.WithTimeout(ctx, deleteTimeout)
	stop := context.AfterFunc(delCtx, box.interrupt)
	err := box.remove()
	stop()
	cancel()
	switch {
	case errors.Is(err, errNoUIDPlus):
		s.res.MarkedDeleted = true
	case err != nil:
		p := s.explain(ctx, s.opts.Incoming, err, false)
		s.res.DeleteFailed = &p
	default:
		s.res.Deleted = true
	}
}

// wait polls the mailbox until the message shows up or the deadline
// passes.
func (s *session) wait(ctx context.Context, box mailbox, token string) {
	deadline := s.res.SentAt.Add(s.opts.Deadline)
	waitCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	// A search that hangs past the deadline (plus a grace) is cut off by
	// closing the connection.
	graceCtx, cancelGrace := context.WithDeadline(ctx, deadline.Add(pollGrace))
	defer cancelGrace()
	stop := context.AfterFunc(graceCtx, box.interrupt)
	defer stop()
	for {
		s.emit(StepWaiting)
		folder, err := box.find(token)
		s.res.Polls++
		now := time.Now()
		switch {
		case err != nil && graceCtx.Err() == nil:
			s.res.Status, s.res.Code = ReceiveFailed, "search-failed"
			p := s.explain(ctx, s.opts.Incoming, err, false)
			s.res.Problem = &p
			return
		case folder != "":
			// Found, even if the search itself ran a little past the
			// deadline: the message did arrive.
			s.res.Status, s.res.Folder = Arrived, folder
			s.res.ArrivedAt, s.res.Latency = now, now.Sub(s.res.SentAt)
			s.res.Code = "arrived"
			if folder != "INBOX" {
				s.res.Code = "arrived-junk"
			}
			return
		}
		if box.pause(waitCtx, s.opts.PollInterval) != nil {
			s.res.Status, s.res.Code = NotArrived, string(NotArrived)
			s.res.Latency = 0
			s.res.data = map[string]any{"Deadline": s.opts.Deadline}
			if ctx.Err() != nil {
				s.res.Code = "canceled"
			}
			return
		}
	}
}

// explainSend adds the cases only submission has to the catalogue.
func (s *session) explainSend(ctx context.Context, err error) problem.Problem {
	switch {
	case errors.Is(err, errNoAuth):
		return problem.New(problem.NoAuth, map[string]any{"Host": s.opts.SMTP.Host, "Port": s.opts.SMTP.Port, "Protocol": "SMTP"})
	case errors.Is(err, errNoUsableAuth):
		return problem.New(problem.NoUsableAuth, map[string]any{"Host": s.opts.SMTP.Host, "Port": s.opts.SMTP.Port, "Protocol": "SMTP"})
	}
	return s.explain(ctx, s.opts.SMTP, err, false)
}

// user picks the login for srv.
func (s *session) user(srv mail.Server, addr address.Address) string {
	if s.opts.Username != "" {
		return s.opts.Username
	}
	return mail.ExpandUsername(srv.Username, addr.Local, addr.Domain)
}

// open logs in to the incoming server.
func (s *session) open(ctx context.Context, user string) (mailbox, error) {
	if s.opts.Incoming.Protocol == mail.POP3 {
		return s.openPOP3(ctx, s.opts.Incoming, user)
	}
	return s.openIMAP(ctx, s.opts.Incoming, user)
}

// orDefault returns nw, or a Network on the system's resolvers when the
// caller passed none: a sensible default rather than a nil dereference.
func orDefault(nw *network.Network) *network.Network {
	if nw != nil {
		return nw
	}
	if def, err := network.New(network.Options{}); err == nil {
		return def
	}
	return &network.Network{}
}

var errNoUIDPlus = errors.New("the server cannot expunge one message (no UIDPLUS)")
