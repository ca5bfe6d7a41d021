package roundtrip

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/postino-mail/postino/detect/internal/mailconn"
	"github.com/postino-mail/postino/detect/internal/mailerr"
	"github.com/postino-mail/postino/detect/internal/wire"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/problem"
)

// imapBox watches an IMAP mailbox (RFC 9051 / RFC 3501) for the test
// message.
type imapBox struct {
	c       *imapclient.Client
	release func()
	abort   func()
	junk    string // the spam folder, if the server has one
	// where the message was found, for delete
	folder string
	uid    imap.UID
	// newMail gets a signal when the server reports a new message count
	// for the selected mailbox (RFC 9051 §7.4.1 EXISTS).
	newMail chan struct{}
}

// openIMAP connects, upgrades with STARTTLS when asked (refusing PREAUTH
// in clear, as imapclient does), logs in and finds the spam folder.
func (s *session) openIMAP(ctx context.Context, srv mail.Server, user string) (*imapBox, error) {
	conn, release, endStep, err := s.dial(ctx, srv)
	if err != nil {
		return nil, err
	}
	newMail := make(chan struct{}, 1)
	opts := &imapclient.Options{
		TLSConfig: s.tlsConfig(srv.Host),
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case newMail <- struct{}{}:
					default: // a signal is already waiting
					}
				}
			},
		},
	}
	var c *imapclient.Client
	if srv.Security == mail.STARTTLS {
		// STARTTLS is ours rather than imapclient.NewStartTLS's, so
		// that the TLS layer is bounded too (mailconn.Upgrade).
		tc, err := imapStartTLS(ctx, conn, opts.TLSConfig)
		if err != nil {
			release()
			return nil, err
		}
		c = imapclient.New(wire.NewReplayConn(tc, "* OK ready\r\n"), opts)
	} else {
		c = imapclient.New(conn, opts)
	}
	b := &imapBox{c: c, release: func() { c.Close(); release() }, abort: func() { conn.Close() }, newMail: newMail}
	if err := c.WaitGreeting(); err != nil {
		b.close()
		return nil, wrapTLS(err, srv.Security == mail.STARTTLS)
	}
	if err := c.Login(user, s.opts.Password).Wait(); err != nil {
		b.close()
		return nil, err
	}
	b.junk = findJunk(c)
	endStep()
	return b, nil
}

// findJunk returns the folder a server files spam in: the one marked
// \Junk (RFC 6154), or one with a usual name.
func findJunk(c *imapclient.Client) string {
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		return ""
	}
	byName := ""
	for _, m := range list {
		for _, a := range m.Attrs {
			if a == imap.MailboxAttrJunk {
				return m.Mailbox
			}
		}
		switch strings.ToLower(m.Mailbox) {
		case "junk", "spam", "junk e-mail", "junk email", "posta indesiderata", "[gmail]/spam", "inbox.junk", "inbox.spam":
			byName = m.Mailbox
		}
	}
	return byName
}

// find searches the spam folder, then INBOX, for a message whose Subject
// holds token. INBOX goes last so that it stays selected for pause.
func (b *imapBox) find(token string) (string, error) {
	for _, folder := range []string{b.junk, "INBOX"} {
		if folder == "" {
			continue
		}
		// EXAMINE again on every poll: it is the one way every server
		// shows messages that arrived since the last look, and being
		// read-only it changes nothing in the person's mailbox.
		if _, err := b.c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			if folder == "INBOX" {
				return "", err
			}
			continue
		}
		data, err := b.c.UIDSearch(&imap.SearchCriteria{
			Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: subjectPrefix + token}},
		}, nil).Wait()
		if err != nil {
			return "", err
		}
		if uids := data.AllUIDs(); len(uids) > 0 {
			b.folder, b.uid = folder, uids[0]
			return folder, nil
		}
	}
	return "", nil
}

// pause waits for the next search. With IDLE (RFC 2177, part of IMAP4rev2)
// the server announces a new message in the selected INBOX as it
// arrives, so the arrival time is exact instead of rounded up to the poll
// interval; the interval still bounds the wait, for mail filed as spam.
func (b *imapBox) pause(ctx context.Context, d time.Duration) error {
	caps := b.c.Caps()
	if !caps.Has(imap.CapIdle) && !caps.Has(imap.CapIMAP4rev2) {
		return network.Sleep(ctx, d)
	}
	select {
	case <-b.newMail: // announced before the last search: already seen
	default:
	}
	idle, err := b.c.Idle()
	if err != nil {
		// The next search reports a connection that is broken.
		return network.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		err = ctx.Err()
	case <-t.C:
	case <-b.newMail:
	}
	// DONE, then the server's OK; a server that never answers is cut off
	// by the run's interrupt like any other silent server.
	idle.Close()
	idle.Wait()
	return err
}

// remove deletes the found message: \Deleted, then UID EXPUNGE of that
// one message (RFC 4315 UIDPLUS). Without UIDPLUS a plain EXPUNGE would
// also remove other messages the person had marked deleted, so the
// message is only marked and the failure reported.
func (b *imapBox) remove() error {
	if b.folder == "" {
		return nil
	}
	if _, err := b.c.Select(b.folder, nil).Wait(); err != nil {
		return err
	}
	set := imap.UIDSetNum(b.uid)
	if err := b.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted, imap.FlagSeen}}, nil).Close(); err != nil {
		return err
	}
	if !b.c.Caps().Has(imap.CapUIDPlus) && !b.c.Caps().Has(imap.CapIMAP4rev2) {
		return errNoUIDPlus
	}
	return b.c.UIDExpunge(set).Close()
}

func (b *imapBox) close() {
	// LOGOUT is a courtesy; the connection is closed either way, and a
	// server that does not answer it gets a few seconds.
	t := time.AfterFunc(logoutGrace, b.abort)
	b.c.Logout().Wait()
	t.Stop()
	b.release()
}

func (b *imapBox) interrupt() { b.abort() }

// imapStartTLS reads the greeting, asks for STARTTLS (RFC 9051 §6.2.1)
// and runs the handshake. A PREAUTH greeting in clear is refused, as
// imapclient does: the session would never be encrypted. A refused
// STARTTLS (NO or BAD) is errStartTLSMissing; bytes waiting after the OK
// would be read as if they came over TLS (a command injection), so they
// end the session.
func imapStartTLS(ctx context.Context, conn net.Conn, cfg *tls.Config) (net.Conn, error) {
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	br := bufio.NewReader(conn)
	tp := textproto.NewReader(br)
	greeting, err := tp.ReadLine()
	if err != nil {
		return nil, err
	}
	switch status, code, text, ok := wire.IMAPStatus(greeting, "*"); {
	case ok && status == "OK":
	case ok && status == "PREAUTH":
		return nil, errors.New("IMAP server sent PREAUTH before STARTTLS")
	case ok && status == "BYE":
		return nil, &imap.Error{Type: imap.StatusResponseTypeBye, Code: imap.ResponseCode(code), Text: text}
	default:
		return nil, fmt.Errorf("unexpected IMAP greeting %q", problem.ServerLine(greeting))
	}
	_, err = wire.IMAPCommand(conn, tp, "T0", "STARTTLS")
	var refused *imap.Error
	switch {
	case errors.As(err, &refused):
		return nil, errStartTLSMissing
	case err != nil:
		return nil, err
	}
	return mailconn.StartTLS(conn, br, func(under net.Conn) (net.Conn, error) {
		tc := tls.Client(under, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, &mailerr.HandshakeError{Err: err, StartTLS: true}
		}
		return tc, nil
	})
}
