package roundtrip

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/detect/internal/mailconn"
	"github.com/postino-mail/postino/detect/internal/mailerr"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/pop3"
)

// POP3 shows a mailbox as it was at login (RFC 1939 §8: the maildrop is
// locked for the session), so every poll is a new session: log in, STAT,
// read the headers of the newest messages with TOP, and QUIT, all through
// detect/pop3.

// pop3Scan is how many of the newest messages a poll looks at: the test
// message is the newest or close to it.
const pop3Scan = 20

type pop3Box struct {
	s    *session
	srv  mail.Server
	user string

	mu          sync.Mutex
	conn        net.Conn     // the open session's connection, if any
	c           *pop3.Client // the open session, if any
	release     func()
	interrupted bool
	found       int // message number of the test message in the open session
}

func (s *session) openPOP3(ctx context.Context, srv mail.Server, user string) (*pop3Box, error) {
	b := &pop3Box{s: s, srv: srv, user: user}
	// Log in once now, so that a refused login is reported before the
	// message is sent.
	if _, err := b.login(ctx); err != nil {
		return nil, err
	}
	b.quit()
	return b, nil
}

// login opens a session and returns the number of messages.
func (b *pop3Box) login(ctx context.Context) (int, error) {
	b.mu.Lock()
	stopped := b.interrupted
	b.mu.Unlock()
	if stopped {
		return 0, net.ErrClosed
	}
	conn, release, endStep, err := b.s.dial(ctx, b.srv)
	if err != nil {
		return 0, err
	}
	b.mu.Lock()
	b.conn, b.release = conn, release
	b.mu.Unlock()
	c, _, err := pop3.NewClient(conn)
	if err != nil {
		b.drop()
		return 0, err
	}
	if b.srv.Security == mail.STARTTLS {
		cfg := b.s.tlsConfig(b.srv.Host)
		if err := c.StartTLS(func(conn net.Conn) (net.Conn, error) {
			tc, err := mailconn.Upgrade(conn, func(under net.Conn) (net.Conn, error) {
				tc := tls.Client(under, cfg)
				return tc, tc.HandshakeContext(ctx)
			})
			if err != nil {
				return nil, &mailerr.HandshakeError{Err: err, StartTLS: true}
			}
			return tc, nil
		}); err != nil {
			b.drop()
			var pe *pop3.Error
			if errors.As(err, &pe) {
				return 0, errStartTLSMissing
			}
			return 0, err
		}
	}
	if err := c.Login(b.user, b.s.opts.Password); err != nil {
		b.drop()
		return 0, err
	}
	count, _, err := c.Stat()
	if err != nil {
		b.drop()
		return 0, err
	}
	endStep()
	b.mu.Lock()
	b.conn, b.c = c.Conn(), c
	b.mu.Unlock()
	return count, nil
}

func (b *pop3Box) find(token string) (string, error) {
	ctx, cancel := context.WithTimeout(b.s.life, connectTimeout)
	defer cancel()
	count, err := b.login(ctx)
	if err != nil {
		return "", err
	}
	for n := count; n > 0 && n > count-pop3Scan; n-- {
		subject, err := b.subject(n)
		if err != nil {
			b.drop()
			return "", err
		}
		if strings.Contains(subject, subjectPrefix+token) {
			b.found = n
			return "INBOX", nil
		}
	}
	b.quit()
	return "", nil
}

// pause sleeps: POP3 has no way to announce new mail.
func (b *pop3Box) pause(ctx context.Context, d time.Duration) error { return network.Sleep(ctx, d) }

// subject reads the Subject header of message n with TOP n 0 (RFC 1939
// §7).
func (b *pop3Box) subject(n int) (string, error) {
	c := b.client()
	if c == nil {
		return "", net.ErrClosed
	}
	lines, err := c.Top(n, 0)
	if err != nil {
		return "", err
	}
	subject := ""
	inSubject := false
	for _, line := range lines {
		switch {
		case inSubject && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")):
			subject += line // folded (RFC 5322 §2.2.3)
		case len(line) > 8 && strings.EqualFold(line[:8], "subject:"):
			subject, inSubject = line[8:], true
		default:
			inSubject = false
		}
	}
	return subject, nil
}

// remove marks the found message deleted; QUIT makes it final (RFC 1939
// §6: deletions happen in the UPDATE state).
func (b *pop3Box) remove() error {
	if b.found == 0 {
		return nil
	}
	c := b.client()
	if c == nil {
		return net.ErrClosed
	}
	if err := c.Dele(b.found); err != nil {
		return err
	}
	if err := c.Quit(); err != nil {
		return err
	}
	b.found = 0
	b.drop()
	return nil
}

func (b *pop3Box) client() *pop3.Client {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.c
}

// quit ends the session politely (without deleting anything unless DELE
// was sent), giving the server a moment to answer.
func (b *pop3Box) quit() {
	if c := b.client(); c != nil {
		c.Conn().SetDeadline(time.Now().Add(logoutGrace))
		c.Quit()
	}
	b.drop()
}

// drop closes the session's connection.
func (b *pop3Box) drop() {
	b.mu.Lock()
	release := b.release
	b.conn, b.c, b.release = nil, nil, nil
	b.mu.Unlock()
	if release != nil {
		release()
	}
}

func (b *pop3Box) interrupt() {
	b.mu.Lock()
	b.interrupted = true
	conn := b.conn
	b.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}

func (b *pop3Box) close() {
	// The found message stays unless remove was called: QUIT without DELE.
	b.found = 0
	b.quit()
}
