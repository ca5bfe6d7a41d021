package roundtrip

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// maildrop is the POP3 view of the lab mailbox: the SMTP backend appends
// every delivered message here too.
type maildrop struct {
	mu   sync.Mutex
	msgs [][]byte
	// noTop makes TOP fail, as on a server without it.
	noTop bool
}

func (d *maildrop) add(msg []byte) {
	d.mu.Lock()
	d.msgs = append(d.msgs, msg)
	d.mu.Unlock()
}

func (d *maildrop) len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.msgs)
}

// startPOP3 serves the maildrop with the RFC 1939 commands the round
// trip uses: USER, PASS, STAT, TOP, DELE, QUIT (and STLS, CAPA).
func (m *mailLab) startPOP3(t *testing.T, port int, implicit bool, cert tls.Certificate) {
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	ln := m.lab.Listen(imapHost, port)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				if implicit {
					c = tls.Server(c, cfg)
				}
				m.servePOP3(c, cfg, !implicit)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
}

func (m *mailLab) servePOP3(c net.Conn, cfg *tls.Config, offerSTLS bool) {
	br, w := bufio.NewReader(c), bufio.NewWriter(c)
	reply := func(format string, args ...any) {
		fmt.Fprintf(w, format+"\r\n", args...)
		w.Flush()
	}
	reply("+OK lab POP3 ready")
	var user string
	var snapshot [][]byte
	deleted := map[int]bool{}
	authed := false
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
		switch strings.ToUpper(verb) {
		case "CAPA":
			caps := "USER\r\nTOP"
			if offerSTLS {
				caps += "\r\nSTLS"
			}
			reply("+OK\r\n%s\r\n.", caps)
		case "STLS":
			if !offerSTLS {
				reply("-ERR no STLS")
				continue
			}
			reply("+OK begin TLS")
			tc := tls.Server(c, cfg)
			if tc.Handshake() != nil {
				return
			}
			c, offerSTLS = tc, false
			br, w = bufio.NewReader(c), bufio.NewWriter(c)
		case "USER":
			user = arg
			reply("+OK")
		case "PASS":
			if user != testAddr || arg != testPassword {
				reply("-ERR [AUTH] invalid user name or password")
				continue
			}
			authed = true
			m.drop.mu.Lock()
			snapshot = append([][]byte(nil), m.drop.msgs...)
			m.drop.mu.Unlock()
			reply("+OK maildrop locked")
		case "STAT":
			if !authed {
				reply("-ERR not logged in")
				continue
			}
			size := 0
			for _, msg := range snapshot {
				size += len(msg)
			}
			reply("+OK %d %d", len(snapshot), size)
		case "TOP":
			n, _ := strconv.Atoi(strings.Fields(arg + " 0")[0])
			if !authed || n < 1 || n > len(snapshot) || m.drop.noTop {
				reply("-ERR no such message")
				continue
			}
			head, _, _ := strings.Cut(string(snapshot[n-1]), "\r\n\r\n")
			reply("+OK\r\n%s\r\n\r\n.", head)
		case "DELE":
			n, _ := strconv.Atoi(arg)
			if !authed || n < 1 || n > len(snapshot) {
				reply("-ERR no such message")
				continue
			}
			deleted[n] = true
			reply("+OK deleted")
		case "QUIT":
			if len(deleted) > 0 {
				m.drop.mu.Lock()
				var keep [][]byte
				for i, msg := range m.drop.msgs {
					if !deleted[i+1] {
						keep = append(keep, msg)
					}
				}
				m.drop.msgs = keep
				m.drop.mu.Unlock()
			}
			reply("+OK bye")
			return
		default:
			reply("-ERR unknown command")
		}
	}
}
