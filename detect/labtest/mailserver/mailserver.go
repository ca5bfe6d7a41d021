// Package mailserver is Postino's in-process mail provider for tests and
// the demo lab: an SMTP submission server (go-smtp) that checks one
// account's password, records what clients sent and delivers accepted
// messages into that account's IMAP mailbox (go-imap's imapmemserver),
// a POP3 server with a maildrop, and helpers that serve them on a
// labtest listener until the test ends. Every server can append to one
// Logins log (mechanism, user, TLS or not, password received), which is
// what the safety tests assert on. The probe, the round trip, the
// command line and the GUI test against the same provider.
package mailserver

import (
	"net"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// TB is the part of testing.TB the helpers need; the demo lab, which is
// no test, passes its own.
type TB interface {
	Helper()
	Fatal(args ...any)
	Cleanup(func())
}

// TLSMode says how a server offers TLS.
type TLSMode int

const (
	// StartTLS offers STARTTLS (STLS for POP3) on a clear connection.
	StartTLS TLSMode = iota
	// Implicit speaks TLS from the first byte.
	Implicit
	// NoTLS offers no TLS at all, and takes passwords in the clear, as
	// the servers the plaintext safety tests point Postino at.
	NoTLS
	// ListenerTLS leaves TLS to the listener the test passes (a
	// tls.NewListener with settings of its own, such as old versions).
	ListenerTLS
)

// NewUser returns the account address/password with the given mailboxes
// (INBOX when none are named).
func NewUser(t TB, address, password string, mailboxes ...string) *imapmemserver.User {
	t.Helper()
	u := imapmemserver.NewUser(address, password)
	if len(mailboxes) == 0 {
		mailboxes = []string{"INBOX"}
	}
	for _, name := range mailboxes {
		if err := u.Create(name, nil); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// Count returns how many messages mailbox holds.
func Count(t TB, u *imapmemserver.User, mailbox string) uint32 {
	t.Helper()
	data, err := u.Status(mailbox, &imap.StatusOptions{NumMessages: true})
	if err != nil {
		t.Fatal(err)
	}
	return *data.NumMessages
}

// ServePOP3 serves s on ln until the test ends.
func ServePOP3(t TB, ln net.Listener, s *POP3) *POP3 {
	t.Helper()
	s.Serve(ln)
	t.Cleanup(s.Close)
	return s
}

// quiet drops the servers' logs: a test that wants to know what happened
// asks the Record or the Logins.
type quiet struct{}

func (quiet) Printf(string, ...any) {}
func (quiet) Println(...any)        {}

// serve runs run on its own goroutine and, when the test ends, stops it
// and waits for it to return, so no goroutine outlives the test.
func serve(t TB, run func(), stop func()) {
	done := make(chan struct{})
	go func() { defer close(done); run() }()
	t.Cleanup(func() { stop(); <-done })
}
