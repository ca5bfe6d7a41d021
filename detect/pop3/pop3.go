// Package pop3 is a small POP3 client (RFC 1939) with the extensions a
// mail-settings tester needs: CAPA and extended response codes (RFC
// 2449), STLS (RFC 2595), SASL AUTH (RFC 5034) and the AUTH/SYS
// response codes (RFC 3206). It is
// written on net/textproto because no POP3 client library is available
// from the Go module proxy.
//
// The client never sets deadlines itself: the caller owns the connection
// and its deadlines (Postino's probes wrap the connection so that every
// read and write is bounded). Every line is capped at MaxLine bytes and
// every multi-line answer at MaxLines lines, so a hostile server cannot
// make the client use unbounded memory.
package pop3

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"

	"github.com/emersion/go-sasl"
)

// MaxLine caps one response line, CRLF included. RFC 2449 §4 limits
// responses to 512 octets; real servers send longer greetings and CAPA
// lines, so the cap is generous but finite.
const MaxLine = 8192

// MaxLines caps the lines of one multi-line response (CAPA has a dozen).
const MaxLines = 1000

// ErrLineTooLong means the server sent a line longer than MaxLine.
var ErrLineTooLong = errors.New("pop3: line too long")

// ErrTooManyLines means a multi-line response exceeded MaxLines.
var ErrTooManyLines = errors.New("pop3: too many lines in response")

// ErrDataAfterSTLS means the server sent data after its +OK to STLS,
// before the TLS handshake (see StartTLS).
var ErrDataAfterSTLS = errors.New("pop3: server sent data after STLS before the TLS handshake")

// Error is a -ERR reply. Code is the extended response code without
// brackets ("AUTH", "IN-USE", "SYS/TEMP"; RFC 2449 §8, RFC 3206), empty
// when the server sent none; Text is the rest of the line.
type Error struct {
	Code string
	Text string
}

func (e *Error) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("pop3: -ERR [%s] %s", e.Code, e.Text)
	}
	return "pop3: -ERR " + e.Text
}

// ProtocolError means the server sent something that is not a POP3
// status line (an HTTP server, an SMTP greeting, binary data).
type ProtocolError struct {
	Line string // the offending line, truncated to 200 bytes
}

func (e *ProtocolError) Error() string { return fmt.Sprintf("pop3: not a POP3 response: %q", e.Line) }

// Client is a POP3 session on one connection. It is not safe for
// concurrent use (POP3 is strictly request/response anyway).
type Client struct {
	conn net.Conn
	br   *bufio.Reader
	r    *textproto.Reader
	w    *textproto.Writer
}

// NewClient reads the server's greeting on conn and returns the client
// and the greeting text (after "+OK "). A -ERR greeting returns *Error.
func NewClient(conn net.Conn) (*Client, string, error) {
	c := &Client{}
	c.setConn(conn)
	text, err := c.readStatus()
	if err != nil {
		return nil, text, err
	}
	return c, text, nil
}

func (c *Client) setConn(conn net.Conn) {
	c.conn = conn
	c.br = bufio.NewReader(&lineLimitReader{r: conn, limit: MaxLine})
	c.r = textproto.NewReader(c.br)
	c.w = textproto.NewWriter(bufio.NewWriter(conn))
}

// Conn returns the connection the client currently talks on (the TLS
// connection after STLS).
func (c *Client) Conn() net.Conn { return c.conn }

// Cmd sends one command line and reads its single-line status. It
// returns the text after "+OK".
func (c *Client) Cmd(format string, args ...any) (string, error) {
	line := fmt.Sprintf(format, args...)
	if strings.ContainsAny(line, "\r\n") {
		return "", errors.New("pop3: command contains a line break")
	}
	if err := c.w.PrintfLine("%s", line); err != nil {
		return "", err
	}
	return c.readStatus()
}

// readStatus reads one status line: "+OK text" or "-ERR [CODE] text".
func (c *Client) readStatus() (string, error) {
	line, err := c.r.ReadLine()
	if err != nil {
		return "", err
	}
	return parseStatus(line)
}

// parseStatus splits a status line. RFC 1939 §3: status indicators are
// upper case, but servers in the wild are lenient, and so are we.
func parseStatus(line string) (string, error) {
	switch {
	case hasPrefixFold(line, "+OK"):
		return strings.TrimPrefix(strings.TrimSpace(line[3:]), " "), nil
	case hasPrefixFold(line, "-ERR"):
		return "", parseError(strings.TrimSpace(line[4:]))
	}
	if len(line) > 200 {
		line = line[:200]
	}
	return "", &ProtocolError{Line: line}
}

// parseError reads the optional response code: "[" resp-level *("/"
// resp-level) "]" at the start of the text (RFC 2449 §8).
func parseError(text string) *Error {
	if strings.HasPrefix(text, "[") {
		if end := strings.IndexByte(text, ']'); end > 1 && !strings.ContainsAny(text[1:end], " \t") {
			return &Error{Code: strings.ToUpper(text[1:end]), Text: strings.TrimSpace(text[end+1:])}
		}
	}
	return &Error{Text: text}
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) &&
		(len(s) == len(prefix) || s[len(prefix)] == ' ')
}

// readLines reads the body of a multi-line response up to the line ".",
// removing dot-stuffing (RFC 1939 §3).
func (c *Client) readLines() ([]string, error) { return c.readLinesMax(MaxLines) }

// readLinesMax is readLines with a cap of max lines.
func (c *Client) readLinesMax(max int) ([]string, error) {
	var lines []string
	for {
		line, err := c.r.ReadLine()
		if err != nil {
			return lines, err
		}
		if line == "." {
			return lines, nil
		}
		if len(lines) == max {
			return lines, ErrTooManyLines
		}
		lines = append(lines, strings.TrimPrefix(line, "."))
	}
}

// Capa asks for the server's capabilities (RFC 2449 §5). Each entry is
// one line, such as "STLS", "USER", "SASL PLAIN LOGIN". A server that
// does not know CAPA answers -ERR, returned as *Error.
func (c *Client) Capa() ([]string, error) {
	if _, err := c.Cmd("CAPA"); err != nil {
		return nil, err
	}
	return c.readLines()
}

// StartTLS sends STLS (RFC 2595 §4) and, after +OK, hands the connection
// to upgrade, which performs the TLS handshake and returns the connection
// to continue on. Data the server sent after its +OK, before the
// handshake, is an injection attempt (or a broken server) and makes
// StartTLS fail: it must not be read as if it had come over TLS.
func (c *Client) StartTLS(upgrade func(net.Conn) (net.Conn, error)) error {
	if _, err := c.Cmd("STLS"); err != nil {
		return err
	}
	if c.br.Buffered() > 0 {
		return ErrDataAfterSTLS
	}
	conn, err := upgrade(c.conn)
	if err != nil {
		return err
	}
	c.setConn(conn)
	return nil
}

// STLS is StartTLS with a crypto/tls handshake using config.
func (c *Client) STLS(config *tls.Config) error {
	return c.StartTLS(func(conn net.Conn) (net.Conn, error) {
		tc := tls.Client(conn, config)
		if err := tc.Handshake(); err != nil {
			return nil, err
		}
		return tc, nil
	})
}

// User sends USER (RFC 1939 §7).
func (c *Client) User(name string) error {
	_, err := c.Cmd("USER %s", name)
	return err
}

// Pass sends PASS (RFC 1939 §7).
func (c *Client) Pass(password string) error {
	_, err := c.Cmd("PASS %s", password)
	return err
}

// maxAuthSteps bounds the challenges of one AUTH exchange: PLAIN needs
// one, and a server that keeps challenging must not keep the client busy.
const maxAuthSteps = 8

// Auth authenticates with a SASL mechanism (RFC 5034 §4), for servers
// that offer SASL but not USER/PASS. The client sends "AUTH mechanism",
// answers each "+ challenge" with a base64 response (the mechanism's
// initial response first) and returns nil on +OK, *Error on -ERR. A
// client that gives up sends "*" to cancel, as §4 requires.
func (c *Client) Auth(a sasl.Client) error {
	mech, ir, err := a.Start()
	if err != nil {
		return err
	}
	line := "AUTH " + mech
	for step := 0; ; step++ {
		challenge, done, err := c.authStep(line)
		if done || err != nil {
			return err
		}
		resp := ir
		if step > 0 || ir == nil {
			var dec []byte
			if dec, err = base64.StdEncoding.DecodeString(challenge); err == nil {
				resp, err = a.Next(dec)
			}
			if err == nil && step >= maxAuthSteps {
				err = &ProtocolError{Line: "+ " + challenge}
			}
			if err != nil {
				c.authStep("*")
				return err
			}
		}
		ir = nil
		line = base64.StdEncoding.EncodeToString(resp)
	}
}

// authStep sends one line of a SASL exchange and reads the answer: a
// continuation ("+ challenge"), or the final +OK (done) or -ERR.
func (c *Client) authStep(line string) (challenge string, done bool, err error) {
	if err := c.w.PrintfLine("%s", line); err != nil {
		return "", false, err
	}
	reply, err := c.r.ReadLine()
	if err != nil {
		return "", false, err
	}
	if reply == "+" || strings.HasPrefix(reply, "+ ") {
		return strings.TrimSpace(reply[1:]), false, nil
	}
	_, err = parseStatus(reply)
	return "", true, err
}

// Login is USER followed by PASS.
func (c *Client) Login(name, password string) error {
	if err := c.User(name); err != nil {
		return err
	}
	return c.Pass(password)
}

// Stat returns the number of messages and their total size in octets
// (RFC 1939 §5); it proves the login opened the mailbox.
func (c *Client) Stat() (count, size int, err error) {
	text, err := c.Cmd("STAT")
	if err != nil {
		return 0, 0, err
	}
	if _, err := fmt.Sscanf(text, "%d %d", &count, &size); err != nil {
		return 0, 0, &ProtocolError{Line: "+OK " + text}
	}
	return count, size, nil
}

// MaxTopLines caps the lines of a TOP answer: a message's header
// (Received lines pile up) is longer than any CAPA.
const MaxTopLines = 2000

// Top returns the header of message n and the first lines of its body
// (RFC 1939 §7), dot-stuffing removed. TOP is optional: a server without
// it answers -ERR, returned as *Error.
func (c *Client) Top(n, lines int) ([]string, error) {
	if _, err := c.Cmd("TOP %d %d", n, lines); err != nil {
		return nil, err
	}
	return c.readLinesMax(MaxTopLines)
}

// Dele marks message n deleted (RFC 1939 §5); the server removes it
// only when the session ends with QUIT (the UPDATE state, §6).
func (c *Client) Dele(n int) error {
	_, err := c.Cmd("DELE %d", n)
	return err
}

// Quit sends QUIT and closes the connection.
func (c *Client) Quit() error {
	_, err := c.Cmd("QUIT")
	if cerr := c.conn.Close(); err == nil && cerr != nil && !errors.Is(cerr, net.ErrClosed) {
		err = cerr
	}
	return err
}

// Close closes the connection without QUIT.
func (c *Client) Close() error { return c.conn.Close() }

// lineLimitReader fails a read once the current line (bytes since the
// last '\n') exceeds limit, so that textproto never buffers an endless
// line.
type lineLimitReader struct {
	r       io.Reader
	limit   int
	current int
}

func (l *lineLimitReader) Read(p []byte) (int, error) {
	if l.current >= l.limit {
		return 0, ErrLineTooLong
	}
	if room := l.limit - l.current; len(p) > room {
		p = p[:room]
	}
	n, err := l.r.Read(p)
	for _, b := range p[:n] {
		if b == '\n' {
			l.current = 0
		} else {
			l.current++
		}
	}
	return n, err
}
