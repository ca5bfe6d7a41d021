package labtest

import (
	"net"
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
