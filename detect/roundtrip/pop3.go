package roundtrip

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/internal/mailconn"
	"github.com/postino-mail/postino/detect/internal/mailerr"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/pop3"
)

// POP3 shows a mailbox as it was at login (RFC 1939 §8: the maildrop is
// locked for the session), so every poll is a new session: log in, STAT,
// read the headers of the newest messages with TOP, and QUIT. The login,
// STLS and STAT go through detect/pop3; TOP, DELE and QUIT, which that
// client does not offer, are spoken here over the same connection.

// pop3Scan is how many of the newest messages a poll looks at: the test
// message is the newest or close to it.
const pop3Scan = 20

// pop3MaxHeaderLines caps what one TOP answer may send.
const pop3MaxHeaderLines = 2000

// pop3MaxLine caps one line (RFC 5322 §2.1.1 allows 998 octets + CRLF).
const pop3MaxLine = 4096

type pop3Box struct {
	s    *session
	srv  config.Server
	user string

	mu          sync.Mutex
	conn        net.Conn // the open session, if any
	release     func()
	br          *bufio.Reader
	interrupted bool
	found       int // message number of the test message in the open session
}

func (s *session) openPOP3(ctx context.Context, srv config.Server, user string) (*pop3Box, error) {
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
	if b.srv.Security == config.STARTTLS {
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
	// After a single-line +OK the server sends nothing until our next
	// command, so the client's buffer is empty and the connection can be
	// read directly from here on.
	b.mu.Lock()
	b.conn = c.Conn()
	b.br = bufio.NewReaderSize(b.conn, pop3MaxLine)
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
	if err := b.cmd("TOP %d 0", n); err != nil {
		return "", err
	}
	subject := ""
	inSubject := false
	for i := 0; ; i++ {
		line, err := b.readLine()
		if err != nil {
			return "", err
		}
		if line == "." {
			return subject, nil
		}
		if i == pop3MaxHeaderLines {
			return "", pop3.ErrTooManyLines
		}
		line = strings.TrimPrefix(line, ".")
		switch {
		case inSubject && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")):
			subject += line // folded (RFC 5322 §2.2.3)
		case len(line) > 8 && strings.EqualFold(line[:8], "subject:"):
			subject, inSubject = line[8:], true
		default:
			inSubject = false
		}
	}
}

// remove marks the found message deleted; QUIT makes it final (RFC 1939
// §6: deletions happen in the UPDATE state).
func (b *pop3Box) remove() error {
	if b.found == 0 {
		return nil
	}
	if err := b.cmd("DELE %d", b.found); err != nil {
		return err
	}
	if err := b.cmd("QUIT"); err != nil {
		return err
	}
	b.found = 0
	b.drop()
	return nil
}

// cmd sends one command and reads its status line.
func (b *pop3Box) cmd(format string, args ...any) error {
	b.mu.Lock()
	conn := b.conn
	b.mu.Unlock()
	if conn == nil {
		return net.ErrClosed
	}
	if _, err := fmt.Fprintf(conn, format+"\r\n", args...); err != nil {
		return err
	}
	line, err := b.readLine()
	if err != nil {
		return err
	}
	if strings.HasPrefix(line, "+OK") {
		return nil
	}
	if rest, ok := strings.CutPrefix(line, "-ERR"); ok {
		return parseERR(strings.TrimSpace(rest))
	}
	return &pop3.ProtocolError{Line: oneLine(line)}
}

// parseERR splits "[CODE] text" (RFC 2449 §8).
func parseERR(text string) *pop3.Error {
	if strings.HasPrefix(text, "[") {
		if code, rest, ok := strings.Cut(text[1:], "]"); ok {
			return &pop3.Error{Code: code, Text: strings.TrimSpace(rest)}
		}
	}
	return &pop3.Error{Text: text}
}

func (b *pop3Box) readLine() (string, error) {
	line, err := b.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", pop3.ErrLineTooLong
	}
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

// quit ends the session politely (without deleting anything unless DELE
// was sent), giving the server a moment to answer.
func (b *pop3Box) quit() {
	b.mu.Lock()
	conn := b.conn
	b.mu.Unlock()
	if conn != nil && b.br != nil {
		conn.SetDeadline(time.Now().Add(logoutGrace))
		b.cmd("QUIT")
	}
	b.drop()
}

// drop closes the session's connection.
func (b *pop3Box) drop() {
	b.mu.Lock()
	release := b.release
	b.conn, b.release, b.br = nil, nil, nil
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
