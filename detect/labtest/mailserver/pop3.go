package mailserver

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Maildrop is the POP3 view of a mailbox: messages the tests (or a
// Submission's onDeliver) add, and that DELE followed by QUIT removes.
type Maildrop struct {
	mu    sync.Mutex
	msgs  [][]byte
	noTop bool
}

// Add appends msg to the maildrop.
func (d *Maildrop) Add(msg []byte) { d.mu.Lock(); d.msgs = append(d.msgs, msg); d.mu.Unlock() }

// Len returns how many messages the maildrop holds.
func (d *Maildrop) Len() int { d.mu.Lock(); defer d.mu.Unlock(); return len(d.msgs) }

// SetNoTop makes TOP fail, as on a server without it (RFC 1939 lists it
// as optional).
func (d *Maildrop) SetNoTop(b bool) { d.mu.Lock(); d.noTop = b; d.mu.Unlock() }

func (d *Maildrop) snapshot() [][]byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([][]byte(nil), d.msgs...)
}

func (d *Maildrop) topAllowed() bool { d.mu.Lock(); defer d.mu.Unlock(); return !d.noTop }

// expunge removes the messages numbered in deleted (1-based, as in the
// snapshot the session saw: RFC 1939 §6 deletes at QUIT).
func (d *Maildrop) expunge(deleted map[int]bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var keep [][]byte
	for i, msg := range d.msgs {
		if !deleted[i+1] {
			keep = append(keep, msg)
		}
	}
	d.msgs = keep
}

// Command is one command line the POP3 server received.
type Command struct {
	Line string
	TLS  bool // it arrived on an encrypted connection
}

// POP3 is an in-process POP3 server: enough of RFC 1939 (USER, PASS,
// STAT, TOP, DELE, QUIT), RFC 2449 (CAPA), RFC 2595 (STLS) and RFC 5034
// (AUTH PLAIN) to exercise a client, with knobs for the failures a
// mail-settings tester must recognise. It records every command line and
// every login, with whether it arrived over TLS, so tests can prove a
// password was never sent in the clear. Set the fields before Serve.
type POP3 struct {
	// Greeting follows "+OK " (default "POP3 ready"). Ignored when
	// RawGreeting is set.
	Greeting string
	// RawGreeting, when non-empty, is written verbatim instead of the
	// greeting (to send -ERR, garbage or an endless line).
	RawGreeting string
	// Silent makes the server accept connections and never greet.
	Silent bool
	// Capa lists the CAPA lines; nil makes CAPA fail with -ERR. "STLS"
	// is added when TLSConfig is set and ImplicitTLS is false, unless
	// HideSTLS is true.
	Capa     []string
	HideSTLS bool
	// TLSConfig enables STLS (or implicit TLS with ImplicitTLS).
	TLSConfig   *tls.Config
	ImplicitTLS bool
	// STLSReply, when non-empty, is sent instead of "+OK" to STLS
	// (for example "-ERR [SYS/TEMP] TLS not available"). STLSNoHandshake
	// answers +OK and then closes instead of doing the handshake.
	STLSReply       string
	STLSNoHandshake bool
	// Users maps user name to password.
	Users map[string]string
	// PassReply, when non-empty, answers every PASS (for example
	// "-ERR [IN-USE] mailbox locked").
	PassReply string
	// NoUser refuses USER/PASS, as servers that only take SASL do; AUTH
	// PLAIN always works.
	NoUser bool
	// Drop is the maildrop a logged-in session sees (empty when nil).
	Drop *Maildrop
	// Logins records every login attempt (a fresh log when nil; share
	// one with the host's other servers to count them together).
	Logins *Logins
	// Timeout, when set, bounds each connection: a long-running server
	// (the demo lab) must not keep forgotten connections forever.
	Timeout time.Duration

	mu       sync.Mutex
	commands []Command
	ln       net.Listener
	conns    map[net.Conn]bool
	wg       sync.WaitGroup
	closed   bool
}

// Serve accepts connections on ln until Close. It returns at once; the
// server runs in goroutines that Close waits for.
func (s *POP3) Serve(ln net.Listener) {
	if s.ImplicitTLS {
		ln = tls.NewListener(ln, s.TLSConfig)
	}
	if s.Logins == nil {
		s.Logins = &Logins{}
	}
	if s.Drop == nil {
		s.Drop = &Maildrop{}
	}
	s.mu.Lock()
	s.ln = ln
	s.conns = map[net.Conn]bool{}
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			if s.closed {
				s.mu.Unlock()
				c.Close()
				return
			}
			s.conns[c] = true
			s.wg.Add(1)
			s.mu.Unlock()
			go func() {
				defer s.wg.Done()
				s.handle(c)
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
		}
	}()
}

// Listen starts the server on a fresh loopback port and returns its
// address.
func (s *POP3) Listen() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	s.Serve(ln)
	return ln.Addr().String(), nil
}

// Close stops accepting, closes every connection and waits for the
// server's goroutines to end.
func (s *POP3) Close() {
	s.mu.Lock()
	s.closed = true
	if s.ln != nil {
		s.ln.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Commands returns every command line received so far, in order (AUTH
// continuation lines included).
func (s *POP3) Commands() []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Command(nil), s.commands...)
}

func (s *POP3) record(line string, isTLS bool) {
	s.mu.Lock()
	s.commands = append(s.commands, Command{Line: line, TLS: isTLS})
	s.mu.Unlock()
}

// pop3Session is one connection's state.
type pop3Session struct {
	s        *POP3
	c        net.Conn
	isTLS    bool
	br       *bufio.Reader
	w        *bufio.Writer
	user     string
	authed   bool
	snapshot [][]byte
	deleted  map[int]bool
}

func (p *pop3Session) reply(format string, args ...any) error {
	fmt.Fprintf(p.w, format+"\r\n", args...)
	return p.w.Flush()
}

func (s *POP3) handle(c net.Conn) {
	if s.Silent {
		// Hold the connection open without a word until the client or
		// Close gives up.
		buf := make([]byte, 512)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
		}
	}
	if s.Timeout > 0 {
		c.SetDeadline(time.Now().Add(s.Timeout))
	}
	_, isTLS := c.(*tls.Conn)
	p := &pop3Session{s: s, c: c, isTLS: isTLS, br: bufio.NewReader(c), w: bufio.NewWriter(c), deleted: map[int]bool{}}
	if s.RawGreeting != "" {
		p.w.WriteString(s.RawGreeting)
		if p.w.Flush() != nil {
			return
		}
	} else {
		greeting := s.Greeting
		if greeting == "" {
			greeting = "POP3 ready"
		}
		if p.reply("+OK %s", greeting) != nil {
			return
		}
	}
	for {
		line, err := p.br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		s.record(line, p.isTLS)
		verb, arg, _ := strings.Cut(line, " ")
		if !p.command(strings.ToUpper(verb), arg) {
			return
		}
	}
}

// command answers one command; false ends the connection.
func (p *pop3Session) command(verb, arg string) bool {
	var err error
	switch verb {
	case "CAPA":
		err = p.capa()
	case "STLS":
		return p.stls()
	case "USER":
		if p.s.NoUser {
			err = p.reply("-ERR USER is disabled, use AUTH")
			break
		}
		p.user = arg
		err = p.reply("+OK send PASS")
	case "AUTH":
		return p.auth(arg)
	case "APOP":
		// Not offered, but a digest of the password is still a login.
		user, _, _ := strings.Cut(arg, " ")
		p.s.Logins.add(Login{Proto: "pop3", Mech: "APOP", User: user, TLS: p.isTLS})
		err = p.reply("-ERR unknown command")
	case "PASS":
		err = p.pass(arg)
	case "STAT", "TOP", "DELE":
		err = p.maildrop(verb, arg)
	case "NOOP":
		err = p.reply("+OK")
	case "QUIT":
		if len(p.deleted) > 0 {
			p.s.Drop.expunge(p.deleted)
		}
		p.reply("+OK bye")
		return false
	default:
		err = p.reply("-ERR unknown command")
	}
	return err == nil
}

func (p *pop3Session) capa() error {
	s := p.s
	if s.Capa == nil {
		return p.reply("-ERR unknown command")
	}
	caps := append([]string(nil), s.Capa...)
	if s.TLSConfig != nil && !s.ImplicitTLS && !p.isTLS && !s.HideSTLS {
		caps = append(caps, "STLS")
	}
	return p.reply("+OK capability list follows\r\n%s\r\n.", strings.Join(caps, "\r\n"))
}

// pass checks USER/PASS and logs the attempt.
func (p *pop3Session) pass(arg string) error {
	s := p.s
	ok := s.PassReply == "" && p.user != "" && s.Users != nil && s.Users[p.user] == arg
	s.Logins.add(Login{Proto: "pop3", Mech: "USER", User: p.user, TLS: p.isTLS, OK: ok})
	switch {
	case s.PassReply != "":
		return p.reply("%s", s.PassReply)
	case ok:
		p.login()
		return p.reply("+OK maildrop locked and ready")
	default:
		return p.reply("-ERR [AUTH] invalid user name or password")
	}
}

// maildrop answers the commands on the messages: STAT, TOP and DELE
// (applied at QUIT).
func (p *pop3Session) maildrop(verb, arg string) error {
	if !p.authed {
		if verb == "STAT" {
			return p.reply("-ERR not logged in")
		}
		return p.reply("-ERR no such message")
	}
	switch verb {
	case "STAT":
		size := 0
		for _, msg := range p.snapshot {
			size += len(msg)
		}
		return p.reply("+OK %d %d", len(p.snapshot), size)
	case "TOP":
		n, _ := strconv.Atoi(strings.Fields(arg + " 0")[0])
		if n < 1 || n > len(p.snapshot) || !p.s.Drop.topAllowed() {
			return p.reply("-ERR no such message")
		}
		head, _, _ := strings.Cut(string(p.snapshot[n-1]), "\r\n\r\n")
		return p.reply("+OK\r\n%s\r\n\r\n.", head)
	default: // DELE
		n, _ := strconv.Atoi(arg)
		if n < 1 || n > len(p.snapshot) {
			return p.reply("-ERR no such message")
		}
		p.deleted[n] = true
		return p.reply("+OK deleted")
	}
}

// login locks the maildrop: the session sees the messages there now.
func (p *pop3Session) login() {
	p.authed = true
	p.snapshot = p.s.Drop.snapshot()
}

func (p *pop3Session) stls() bool {
	s := p.s
	switch {
	case s.TLSConfig == nil || p.isTLS || s.ImplicitTLS:
		return p.reply("-ERR STLS not available") == nil
	case s.STLSReply != "":
		return p.reply("%s", s.STLSReply) == nil
	case s.STLSNoHandshake:
		p.reply("+OK begin TLS")
		return false
	}
	if p.reply("+OK begin TLS") != nil {
		return false
	}
	tc := tls.Server(p.c, s.TLSConfig)
	if tc.Handshake() != nil {
		return false
	}
	p.c, p.isTLS = tc, true
	p.br, p.w = bufio.NewReader(tc), bufio.NewWriter(tc)
	return true
}

// auth runs AUTH PLAIN (RFC 5034, RFC 4616) with the response on its
// own line; any other mechanism is refused before credentials.
func (p *pop3Session) auth(mech string) bool {
	s := p.s
	i := s.Logins.begin(Login{Proto: "pop3", Mech: strings.ToUpper(mech), TLS: p.isTLS})
	if !strings.EqualFold(mech, "PLAIN") {
		return p.reply("-ERR unsupported mechanism") == nil
	}
	if p.reply("+ ") != nil {
		return false
	}
	resp, err := p.br.ReadString('\n')
	if err != nil {
		return false
	}
	resp = strings.TrimRight(resp, "\r\n")
	s.record(resp, p.isTLS)
	if resp == "*" {
		return p.reply("-ERR canceled") == nil
	}
	dec, _ := base64.StdEncoding.DecodeString(resp)
	parts := strings.Split(string(dec), "\x00")
	var user string
	if len(parts) == 3 {
		user = parts[1]
	}
	ok := len(parts) == 3 && s.Users != nil && user != "" && s.Users[user] == parts[2]
	s.Logins.finish(i, user, ok)
	if !ok {
		return p.reply("-ERR [AUTH] invalid user name or password") == nil
	}
	p.login()
	return p.reply("+OK maildrop locked and ready") == nil
}
