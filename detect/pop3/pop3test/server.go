// Package pop3test is an in-process POP3 server for tests: enough of RFC
// 1939, RFC 2449 (CAPA) and RFC 2595 (STLS) to exercise a client, with
// knobs for the failures a mail-settings tester must recognise. It
// records every command it receives and whether it arrived over TLS, so
// tests can prove a password was never sent in the clear.
package pop3test

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"strings"
	"sync"
)

// Command is one command line the server received.
type Command struct {
	Line string
	TLS  bool // it arrived on an encrypted connection
}

// Server is a fake POP3 server. Set the fields before Serve.
type Server struct {
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
	// PLAIN (RFC 5034, RFC 4616) always works.
	NoUser bool

	mu       sync.Mutex
	commands []Command
	ln       net.Listener
	conns    map[net.Conn]bool
	wg       sync.WaitGroup
	closed   bool
}

// Serve accepts connections on ln until Close. It returns at once; the
// server runs in goroutines that Close waits for.
func (s *Server) Serve(ln net.Listener) {
	if s.ImplicitTLS {
		ln = tls.NewListener(ln, s.TLSConfig)
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
func (s *Server) Listen() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	s.Serve(ln)
	return ln.Addr().String(), nil
}

// Close stops accepting, closes every connection and waits for the
// server's goroutines to end.
func (s *Server) Close() {
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

// Commands returns every command received so far, in order.
func (s *Server) Commands() []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Command(nil), s.commands...)
}

func (s *Server) record(line string, isTLS bool) {
	s.mu.Lock()
	s.commands = append(s.commands, Command{Line: line, TLS: isTLS})
	s.mu.Unlock()
}

func (s *Server) handle(c net.Conn) {
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
	_, isTLS := c.(*tls.Conn)
	br := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	reply := func(format string, args ...any) error {
		fmt.Fprintf(w, format+"\r\n", args...)
		return w.Flush()
	}
	if s.RawGreeting != "" {
		w.WriteString(s.RawGreeting)
		if w.Flush() != nil {
			return
		}
	} else {
		greeting := s.Greeting
		if greeting == "" {
			greeting = "POP3 ready"
		}
		if reply("+OK %s", greeting) != nil {
			return
		}
	}
	var user string
	authed := false
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		s.record(line, isTLS)
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "CAPA":
			if s.Capa == nil {
				err = reply("-ERR unknown command")
				break
			}
			caps := append([]string(nil), s.Capa...)
			if s.TLSConfig != nil && !s.ImplicitTLS && !isTLS && !s.HideSTLS {
				caps = append(caps, "STLS")
			}
			err = reply("+OK capability list follows\r\n%s\r\n.", strings.Join(caps, "\r\n"))
		case "STLS":
			switch {
			case s.TLSConfig == nil || isTLS || s.ImplicitTLS:
				err = reply("-ERR STLS not available")
			case s.STLSReply != "":
				err = reply("%s", s.STLSReply)
			case s.STLSNoHandshake:
				reply("+OK begin TLS")
				return
			default:
				if err = reply("+OK begin TLS"); err != nil {
					return
				}
				tc := tls.Server(c, s.TLSConfig)
				if tc.Handshake() != nil {
					return
				}
				c, isTLS = tc, true
				br, w = bufio.NewReader(c), bufio.NewWriter(c)
			}
		case "USER":
			if s.NoUser {
				err = reply("-ERR USER is disabled, use AUTH")
				break
			}
			user = arg
			err = reply("+OK send PASS")
		case "AUTH":
			if !strings.EqualFold(arg, "PLAIN") {
				err = reply("-ERR unsupported mechanism")
				break
			}
			if err = reply("+ "); err != nil {
				return
			}
			var resp string
			if resp, err = br.ReadString('\n'); err != nil {
				return
			}
			resp = strings.TrimRight(resp, "\r\n")
			s.record(resp, isTLS)
			dec, _ := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(dec), "\x00")
			switch {
			case resp == "*":
				err = reply("-ERR canceled")
			case len(parts) == 3 && s.Users != nil && s.Users[parts[1]] == parts[2] && parts[1] != "":
				authed = true
				err = reply("+OK maildrop locked and ready")
			default:
				err = reply("-ERR [AUTH] invalid user name or password")
			}
		case "PASS":
			switch {
			case s.PassReply != "":
				err = reply("%s", s.PassReply)
			case user != "" && s.Users != nil && s.Users[user] == arg:
				authed = true
				err = reply("+OK maildrop locked and ready")
			default:
				err = reply("-ERR [AUTH] invalid user name or password")
			}
		case "STAT":
			if !authed {
				err = reply("-ERR not logged in")
				break
			}
			err = reply("+OK 2 320")
		case "NOOP":
			err = reply("+OK")
		case "QUIT":
			reply("+OK bye")
			return
		default:
			err = reply("-ERR unknown command")
		}
		if err != nil {
			return
		}
	}
}
