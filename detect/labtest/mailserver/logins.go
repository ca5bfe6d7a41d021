package mailserver

import (
	"sync"
	"time"
)

// Login is one login attempt a lab server received: safety tests assert
// on what a (possibly hostile) server was given, not on what the client
// says it did.
type Login struct {
	// Proto is "imap", "smtp" or "pop3".
	Proto string
	// Mech is the SASL mechanism ("PLAIN", "XOAUTH2", ...), "LOGIN" for
	// IMAP LOGIN (and AUTHENTICATE PLAIN, which go-imap's server turns
	// into a Login call), "USER" for POP3 USER/PASS or "APOP".
	Mech string
	// User is the name the client gave, "" when it gave none.
	User string
	// TLS says the attempt arrived on an encrypted connection.
	TLS bool
	// Password says the step that carries the password arrived (an AUTH
	// the server refused before any credentials, or cancelled with "*",
	// carries none).
	Password bool
	// OK says the server accepted the credentials.
	OK bool
}

// Logins is a concurrency-safe log of login attempts, which one or
// several servers append to (share one between the IMAP, POP3 and SMTP
// servers of a host to count all its logins). The zero value is ready.
type Logins struct {
	mu          sync.Mutex
	list        []Login
	refuseDelay time.Duration
}

// SetRefuseDelay delays every refusal by d, as Dovecot's
// auth_failure_delay does.
func (l *Logins) SetRefuseDelay(d time.Duration) { l.mu.Lock(); l.refuseDelay = d; l.mu.Unlock() }

// All returns a copy of every attempt so far, in order.
func (l *Logins) All() []Login {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Login(nil), l.list...)
}

// Count returns how many attempts proto received ("" for every
// protocol), and how many of them arrived without TLS.
func (l *Logins) Count(proto string) (total, plain int) {
	for _, a := range l.All() {
		if proto != "" && a.Proto != proto {
			continue
		}
		total++
		if !a.TLS {
			plain++
		}
	}
	return total, plain
}

// Refused returns how many attempts carried credentials the server
// refused.
func (l *Logins) Refused() (n int) {
	for _, a := range l.All() {
		if a.Password && !a.OK {
			n++
		}
	}
	return n
}

// begin records an attempt that has not yet carried credentials and
// returns its index for finish.
func (l *Logins) begin(a Login) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, a)
	return len(l.list) - 1
}

// finish records that attempt i carried the credentials of user, and
// whether they were accepted; a refusal waits for the refuse delay.
func (l *Logins) finish(i int, user string, ok bool) {
	l.mu.Lock()
	l.list[i].User, l.list[i].Password, l.list[i].OK = user, true, ok
	d := l.refuseDelay
	l.mu.Unlock()
	if !ok && d > 0 {
		time.Sleep(d)
	}
}

// add records an attempt that carried its credentials in one step.
func (l *Logins) add(a Login) {
	l.finish(l.begin(a), a.User, a.OK)
}

// Reset forgets every attempt so far.
func (l *Logins) Reset() { l.mu.Lock(); l.list = nil; l.mu.Unlock() }
