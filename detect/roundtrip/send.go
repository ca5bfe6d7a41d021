package roundtrip

import (
	"context"
	"crypto/tls"
	"errors"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/postino-mail/postino/detect/config"
)

// send submits the test message from addr to addr through srv: TLS or
// STARTTLS first, then AUTH (PLAIN, or LOGIN when that is all the server
// offers), MAIL FROM, a single RCPT TO (the address itself) and DATA.
// RFC 6409 (submission) and RFC 4954 (AUTH).
func (s *session) send(ctx context.Context, srv config.Server, user, addr string, msg []byte) error {
	conn, release, _, err := s.dial(ctx, srv)
	if err != nil {
		return err
	}
	defer release()

	var c *smtp.Client
	if srv.Security == config.STARTTLS {
		c, err = smtp.NewClientStartTLS(conn, s.tlsConfig(srv.Host))
		if err != nil {
			if strings.Contains(err.Error(), "doesn't support STARTTLS") {
				// go-smtp reports this with a plain error value; it means
				// the EHLO answer had no STARTTLS, and we never go on in
				// plain text.
				return errStartTLSMissing
			}
			return err
		}
	} else {
		c = smtp.NewClient(conn)
	}
	setTimeouts(ctx, c)
	// EHLO now, so that a certificate that fails verification after
	// STARTTLS stops us before the password is ever sent. The name is the
	// probe's RFC 5321 address literal; go-smtp's own EHLO before
	// STARTTLS says "localhost", which its API does not let us change.
	if err := c.Hello(config.EHLOName); err != nil {
		return wrapTLS(err)
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

func wrapTLS(err error) error {
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) {
		return err
	}
	var re tls.RecordHeaderError
	var ae tls.AlertError
	if errors.As(err, &re) || errors.As(err, &ae) {
		return &tlsError{err}
	}
	return err
}
