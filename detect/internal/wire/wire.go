// Package wire holds the few protocol steps Postino does by hand before
// handing a session to a client library: the SMTP plaintext EHLO and
// STARTTLS (RFC 5321 §4.1.1.1, RFC 3207 §4), IMAP's status lines and
// plaintext commands (RFC 3501 §7.1, §6.2.1), and the replay of a
// greeting already read. go-smtp v0.25 has no public StartTLS and its own
// EHLO before STARTTLS says "localhost"; doing these steps here lets the
// probe and the round trip give the same name (an RFC 5321 address
// literal) on both sides of TLS and see the reply to each step.
package wire

import (
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"
)

// EHLO sends EHLO name and returns the extensions of the reply.
func EHLO(w io.Writer, tp *textproto.Reader, name string) (map[string]string, error) {
	if _, err := fmt.Fprintf(w, "EHLO %s\r\n", name); err != nil {
		return nil, err
	}
	_, msg, err := tp.ReadResponse(250)
	if err != nil {
		return nil, err
	}
	return ParseEHLO(msg), nil
}

// ParseEHLO reads the extension lines of an EHLO reply: the first line
// is the server's name, every other one "KEYWORD [params]". Keywords
// are upper-cased (they are case-insensitive).
func ParseEHLO(msg string) map[string]string {
	ext := map[string]string{}
	lines := strings.Split(msg, "\n")
	for _, line := range lines[1:] {
		kw, param, _ := strings.Cut(strings.TrimSpace(line), " ")
		if kw == "" {
			continue
		}
		ext[strings.ToUpper(kw)] = param
	}
	return ext
}

// SMTPCommand sends one SMTP command and reads its reply, which must have the
// expected code (a *textproto.Error otherwise).
func SMTPCommand(w io.Writer, tp *textproto.Reader, cmd string, expect int) error {
	if _, err := fmt.Fprintf(w, "%s\r\n", cmd); err != nil {
		return err
	}
	_, _, err := tp.ReadResponse(expect)
	return err
}

// ReplayConn serves prefix before the connection's own data. A client
// library (go-smtp, go-imap) that insists on reading a greeting is handed
// the one already read, or after STARTTLS, where no new greeting comes
// (RFC 3207 §4.2, RFC 3501 §6.2.1), the original one again.
type ReplayConn struct {
	net.Conn
	r io.Reader
}

// NewReplayConn returns c with prefix read first.
func NewReplayConn(c net.Conn, prefix string) *ReplayConn {
	return &ReplayConn{Conn: c, r: io.MultiReader(strings.NewReader(prefix), c)}
}

func (c *ReplayConn) Read(p []byte) (int, error) { return c.r.Read(p) }
