package roundtrip

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/textproto"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/postino-mail/postino/detect/internal/mailconn"
	"github.com/postino-mail/postino/detect/internal/mailerr"
	"github.com/postino-mail/postino/detect/internal/wire"
	"github.com/postino-mail/postino/detect/mail"
)

// send submits the test message from addr to addr through srv: TLS or
// STARTTLS first, then AUTH (PLAIN, or LOGIN when that is all the server
// offers), MAIL FROM, a single RCPT TO (the address itself) and DATA.
// RFC 6409 (submission) and RFC 4954 (AUTH).
func (s *session) send(ctx context.Context, srv mail.Server, user, addr string, msg []byte) error {
	conn, release, _, err := s.dial(ctx, srv)
	if err != nil {
		return err
	}
	defer release()

	var c *smtp.Client
	if srv.Security == mail.STARTTLS {
		tc, greeting, err := startTLS(ctx, conn, s.tlsConfig(srv.Host))
		if err != nil {
			return err
		}
		c = smtp.NewClient(wire.NewReplayConn(tc, greeting))
	} else {
		c = smtp.NewClient(conn)
	}
	setTimeouts(ctx, c)
	// EHLO now, so that a certificate that fails verification after
	// STARTTLS stops us before the password is ever sent (the handshake
	// runs on this first write). The name is the probe's RFC 5321
	// address literal, as in the EHLO before STARTTLS.
	if err := c.Hello(mail.EHLOName); err != nil {
		return wrapTLS(err, srv.Security == mail.STARTTLS)
	}
	if err := s.auth(c, user); err != nil {
		return err
	}
	if err := c.Mail(addr, nil); err != nil {
		return err
	}
	// The one and only recipient: the address itself.
	if err := c.Rcpt(addr, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	// The message is accepted; a failing QUIT changes nothing.
	c.Quit()
	return nil
}

// startTLS reads the greeting and sends EHLO and STARTTLS itself (RFC
// 3207 §4), as the probe does: go-smtp's NewClientStartTLS would say
// "EHLO localhost" first, and v0.25 has no other way to STARTTLS. A
// server that does not offer STARTTLS gets no further word: we never go
// on in plain text. It returns the TLS client, its handshake still to
// come, and the greeting for go-smtp, which expects one though no new
// greeting follows STARTTLS (RFC 3207 §4.2).
func startTLS(ctx context.Context, conn net.Conn, cfg *tls.Config) (net.Conn, string, error) {
	if dl, ok := ctx.Deadline(); ok {
		// go-smtp sets its own deadlines on every command that follows.
		conn.SetDeadline(dl)
	}
	br := bufio.NewReader(conn)
	tp := textproto.NewReader(br)
	_, msg, err := tp.ReadResponse(220)
	if err != nil {
		return nil, "", err
	}
	ext, err := wire.EHLO(conn, tp, mail.EHLOName)
	if err != nil {
		return nil, "", err
	}
	if _, ok := ext["STARTTLS"]; !ok {
		return nil, "", errStartTLSMissing
	}
	if err := wire.SMTPCommand(conn, tp, "STARTTLS", 220); err != nil {
		return nil, "", err
	}
	// The handshake runs on the first command, go-smtp's EHLO.
	tc, err := mailconn.StartTLS(conn, br, func(under net.Conn) (net.Conn, error) { return tls.Client(under, cfg), nil })
	if err != nil {
		return nil, "", err
	}
	return tc, "220 " + strings.SplitN(msg, "\n", 2)[0] + "\r\n", nil
}

// setTimeouts bounds every command by the context's deadline: go-smtp
// sets its own per-command deadlines (5 and 12 minutes by default).
func setTimeouts(ctx context.Context, c *smtp.Client) {
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		c.CommandTimeout, c.SubmissionTimeout = left, left
	}
}

// auth logs in with PLAIN, or LOGIN when that is the only mechanism. It
// runs only over TLS (the caller guarantees it).
func (s *session) auth(c *smtp.Client, user string) error {
	if ok, _ := c.Extension("AUTH"); !ok {
		return errNoAuth
	}
	switch {
	case c.SupportsAuth("PLAIN"):
		return c.Auth(sasl.NewPlainClient("", user, s.opts.Password))
	case c.SupportsAuth("LOGIN"):
		return c.Auth(sasl.NewLoginClient(user, s.opts.Password))
	}
	return errNoUsableAuth
}

var (
	errNoAuth       = errors.New("the server offers no AUTH")
	errNoUsableAuth = errors.New("the server offers neither AUTH PLAIN nor AUTH LOGIN")
)

// wrapTLS marks err as a failed handshake when TLS says so: the
// handshake of a session runs on its first read or write, whose error
// then comes back from the library's first command.
func wrapTLS(err error, startTLS bool) error {
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) {
		return err
	}
	var re tls.RecordHeaderError
	var ae tls.AlertError
	if errors.As(err, &re) || errors.As(err, &ae) {
		return &mailerr.HandshakeError{Err: err, StartTLS: startTLS}
	}
	return err
}
