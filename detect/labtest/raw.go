package labtest

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawDeadline ends a raw handler that a test forgot: a hostile server
// writes or waits until the client gives up, and the client may be gone.
const rawDeadline = 20 * time.Second

// ServeRaw runs handle for every connection accepted on ln, until the
// test ends; then it closes the listener and every connection and waits
// for every handler, so no goroutine outlives the test. It is for what
// no real server sends (garbage, endless lines, silence, a TLS version
// nobody should speak), which the lab's mail servers cannot be made to
// say: the hostile tests of the probe and the round trip share it.
func ServeRaw(t testing.TB, ln net.Listener, handle func(net.Conn)) {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				c.SetDeadline(time.Now().Add(rawDeadline))
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
}

// IMAPScript speaks a scripted IMAP server on c, for the hostile
// replies the lab's IMAP server cannot be made to give (a refusal that
// quotes the password, a refusal held back past a deadline). It sends
// greeting (a whole line, or nothing when ""), then reads tagged
// commands: CAPABILITY is answered with caps, LOGOUT with BYE (which
// ends the conversation), and every other command by answer(tag, VERB).
// answer returns the lines to write (an empty reply is "BAD") and
// whether to go on.
func IMAPScript(c io.ReadWriter, greeting, caps string, answer func(tag, verb string) (reply string, more bool)) {
	if greeting != "" {
		io.WriteString(c, greeting)
	}
	br := bufio.NewReader(c)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		tag, verb := f[0], strings.ToUpper(f[1])
		reply, more := "", true
		switch verb {
		case "CAPABILITY":
			reply = "* CAPABILITY " + caps + "\r\n" + tag + " OK done\r\n"
		case "LOGOUT":
			reply, more = "* BYE\r\n"+tag+" OK bye\r\n", false
		default:
			if reply, more = answer(tag, verb); reply == "" {
				reply = tag + " BAD what\r\n"
			}
		}
		if _, err := io.WriteString(c, reply); err != nil || !more {
			return
		}
	}
}
