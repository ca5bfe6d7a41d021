// Package mailconn is the connection layer the probe and the round trip
// share: the bounds on what a server may send (line length and total
// bytes, the same before and after STARTTLS), the connection that keeps
// every library's deadline inside ours, and the one test for "the time
// ran out". What a server sends is untrusted: an endless line must end
// in a clear error, not in a growing buffer.
package mailconn

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Limits on what a server may send. A mail server's longest legitimate
// line is a CAPABILITY or EHLO line of a few hundred bytes; RFC 5321
// §4.5.3.1.5 caps SMTP reply lines at 512 octets. The caps are far above
// that and far below what could hurt.
const (
	// MaxLine is the longest line (CRLF included) a server may send.
	MaxLine = 8 << 10
	// MaxRead is the most a server may send on one connection.
	MaxRead = 1 << 20
)

var (
	// ErrLineTooLong: the server sent a line longer than MaxLine.
	ErrLineTooLong = errors.New("mailconn: the server sent an over-long line")
	// ErrTooMuchData: the server sent more than its budget.
	ErrTooMuchData = errors.New("mailconn: the server sent too much data")
	// ErrDataBeforeTLS: the server sent bytes after agreeing to STARTTLS
	// and before the handshake. They would be read as if they came over
	// TLS (CVE-2011-0411, RFC 3207 §5), so the session ends.
	ErrDataBeforeTLS = errors.New("mailconn: the server sent data before the TLS handshake")
)

// IsTimeout reports whether err means a deadline ran out.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

// IsReset reports whether err means the connection was closed or reset.
func IsReset(err error) bool {
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrClosedPipe) {
		return true
	}
	for _, e := range platformReset {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Scrub removes password from a server's text before it is kept: a
// server that echoes what it received must not put the password into a
// report. A password of four characters or more is replaced by "***"; a
// shorter one cannot be replaced without garbling the text (every "a"),
// so a text holding it is replaced whole by withheld, a note saying so.
func Scrub(text, password, withheld string) string {
	switch {
	case password == "" || !strings.Contains(text, password):
		return text
	case len(password) >= 4:
		return strings.ReplaceAll(text, password, "***")
	}
	return withheld
}

// Budget is the number of bytes a server may still send on one
// connection, shared by its layers (plain text, then TLS after
// STARTTLS).
type Budget struct {
	mu   sync.Mutex
	used int64
	max  int64
	err  error // the first limit a layer hit
}

// Err is the limit (ErrLineTooLong, ErrTooMuchData) that any layer of
// the connection hit, or nil. Libraries that turn read errors into text
// lose the cause; the caller asks here instead.
func (b *Budget) Err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

func (b *Budget) fail(err error) {
	b.mu.Lock()
	if b.err == nil {
		b.err = err
	}
	b.mu.Unlock()
}

// NewBudget allows max bytes.
func NewBudget(max int64) *Budget { return &Budget{max: max} }

// Add records n more bytes; false means the budget is spent.
func (b *Budget) Add(n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used += int64(n)
	return b.used <= b.max
}

// Used is how many bytes were read so far.
func (b *Budget) Used() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// LineLimit tracks the length of the current line across reads.
type LineLimit struct{ n int }

// Scan accounts for data; it returns ErrLineTooLong once a line grows
// past MaxLine without a line feed.
func (l *LineLimit) Scan(data []byte) error {
	for _, b := range data {
		if b == '\n' {
			l.n = 0
		} else if l.n++; l.n > MaxLine {
			return ErrLineTooLong
		}
	}
	return nil
}

// Bounded is a plain-text layer of a mail connection whose reads are
// held to MaxLine per line and to a Budget in all. Put it on the layer
// that carries the protocol's lines: the TCP connection before TLS, the
// TLS connection after it (see Under).
type Bounded struct {
	net.Conn
	budget *Budget

	mu    sync.Mutex
	lines LineLimit
	err   error
}

// Bound wraps c; budget may be shared with the other layers of the same
// connection (nil: a new MaxRead budget).
func Bound(c net.Conn, budget *Budget) *Bounded {
	if budget == nil {
		budget = NewBudget(MaxRead)
	}
	return &Bounded{Conn: c, budget: budget}
}

// Under returns the connection below the bounds, for a TLS handshake:
// the TLS layer gets its own Bounded (with the same Budget) on top.
func (b *Bounded) Under() net.Conn { return b.Conn }

// Budget is the byte budget this layer counts against.
func (b *Bounded) Budget() *Budget { return b.budget }

func (b *Bounded) Read(p []byte) (int, error) {
	b.mu.Lock()
	if b.err != nil {
		err := b.err
		b.mu.Unlock()
		return 0, err
	}
	b.mu.Unlock()
	n, err := b.Conn.Read(p)
	b.mu.Lock()
	defer b.mu.Unlock()
	if lerr := b.lines.Scan(p[:n]); lerr != nil {
		b.err = lerr
		b.budget.fail(lerr)
		return 0, lerr
	}
	if !b.budget.Add(n) {
		b.err = ErrTooMuchData
		b.budget.fail(b.err)
		return 0, b.err
	}
	return n, err
}

// StartTLS upgrades c once the server agreed to STARTTLS (see Upgrade).
// br is the reader the agreement was read through: bytes already waiting
// there were sent before TLS but would be read as if they came over it
// (CVE-2011-0411, RFC 3207 §5), so they end the session instead.
func StartTLS(c net.Conn, br *bufio.Reader, handshake func(net.Conn) (net.Conn, error)) (net.Conn, error) {
	if err := Unread(br); err != nil {
		return nil, err
	}
	return Upgrade(c, handshake)
}

// Unread is ErrDataBeforeTLS when bytes the client has not asked for
// wait in br, for a client that runs the handshake itself.
func Unread(br *bufio.Reader) error {
	if br.Buffered() > 0 {
		return ErrDataBeforeTLS
	}
	return nil
}

// Upgrade runs a TLS client handshake under the bounds and returns the
// bounded TLS layer. c must be a *Bounded (or a plain connection, which
// then gets a new budget).
func Upgrade(c net.Conn, handshake func(net.Conn) (net.Conn, error)) (net.Conn, error) {
	var budget *Budget
	under := c
	if b, ok := c.(*Bounded); ok {
		budget, under = b.budget, b.Conn
	}
	tc, err := handshake(under)
	if err != nil {
		return nil, err
	}
	return Bound(tc, budget), nil
}

// Guard keeps every read and write inside one deadline: libraries set
// their own generous deadlines (go-smtp five minutes, go-imap thirty
// seconds) or clear them, and each such call is clamped to ours.
type Guard struct {
	net.Conn
	mu       sync.Mutex // libraries set deadlines from their own goroutines
	deadline time.Time
}

// NewGuard sets deadline on c and clamps every later deadline to it.
func NewGuard(c net.Conn, deadline time.Time) *Guard {
	c.SetDeadline(deadline)
	return &Guard{Conn: c, deadline: deadline}
}

func (g *Guard) clamp(t time.Time) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t.IsZero() || t.After(g.deadline) {
		return g.deadline
	}
	return t
}

// Shorten brings the deadline forward to t (never back).
func (g *Guard) Shorten(t time.Time) {
	g.mu.Lock()
	if t.Before(g.deadline) {
		g.deadline = t
	}
	g.mu.Unlock()
	g.Conn.SetDeadline(g.clamp(t))
}

// SetLimit moves the deadline to t, later or earlier (a login step has
// its own budget; waiting for a turn is not the server's time).
func (g *Guard) SetLimit(t time.Time) {
	g.mu.Lock()
	g.deadline = t
	g.mu.Unlock()
	g.Conn.SetDeadline(t)
}

func (g *Guard) SetDeadline(t time.Time) error      { return g.Conn.SetDeadline(g.clamp(t)) }
func (g *Guard) SetReadDeadline(t time.Time) error  { return g.Conn.SetReadDeadline(g.clamp(t)) }
func (g *Guard) SetWriteDeadline(t time.Time) error { return g.Conn.SetWriteDeadline(g.clamp(t)) }
