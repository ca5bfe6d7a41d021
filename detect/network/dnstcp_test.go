package network_test

import (
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/postino-mail/postino/detect/network"
)

// tcpDNS is a DNS server on 127.0.0.1 that answers only over TCP and
// counts the queries it got.
type tcpDNS struct {
	addr    string
	queries atomic.Int32
}

func startTCPDNS(t *testing.T) *tcpDNS {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &tcpDNS{addr: ln.Addr().String()}
	srv := &dns.Server{Listener: ln, ReadTimeout: 2 * time.Second, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		s.queries.Add(1)
		m := new(dns.Msg)
		m.SetReply(req)
		mx, _ := dns.NewRR(req.Question[0].Name + " 60 IN MX 10 mail.fallback.test.")
		m.Answer = append(m.Answer, mx)
		w.WriteMsg(m)
	})}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { srv.Shutdown(); wg.Wait() })
	return s
}

// udpResponder answers every datagram on the UDP side of addr with
// reply(query) (nil: no answer at all).
func udpResponder(t *testing.T, addr string, reply func(q []byte) []byte) {
	t.Helper()
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Skipf("UDP port of %s is taken: %v", addr, err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if r := reply(buf[:n]); r != nil {
				pc.WriteTo(r, from)
			}
		}
	}()
	t.Cleanup(func() { pc.Close(); <-done })
}

func fallbackNetwork(server string) *network.Network {
	return &network.Network{DNSServers: []string{server}, LoopbackOnly: true, DNSTimeout: 2 * time.Second}
}

// A resolver whose UDP port is closed (ICMP port unreachable: what a
// firewall that rejects UDP, or a socket the platform cannot set up,
// looks like) is asked again over TCP, and the TCP answer is used.
func TestDNSFallsBackToTCPWhenUDPFails(t *testing.T) {
	cases := map[string]func(q []byte) []byte{
		"udp port closed":  nil, // no UDP socket at all: the read is refused
		"garbage over udp": func([]byte) []byte { return []byte{0xde, 0xad} },
	}
	for name, reply := range cases {
		t.Run(name, func(t *testing.T) {
			srv := startTCPDNS(t)
			if reply != nil {
				udpResponder(t, srv.addr, reply)
			}
			mx, err := fallbackNetwork(srv.addr).LookupMX(testCtx(t), "fallback.test")
			if err != nil {
				t.Fatalf("LookupMX: %v", err)
			}
			if len(mx) != 1 || mx[0].Host != "mail.fallback.test" {
				t.Fatalf("MX = %+v, want the TCP answer", mx)
			}
			if got := srv.queries.Load(); got != 1 {
				t.Fatalf("the TCP server got %d queries, want 1", got)
			}
		})
	}
}

// A UDP timeout is not retried over TCP: a resolver that is down would
// cost every query a second timeout.
func TestDNSTimeoutIsNotRetriedOverTCP(t *testing.T) {
	srv := startTCPDNS(t)
	udpResponder(t, srv.addr, func([]byte) []byte { return nil }) // silence
	n := fallbackNetwork(srv.addr)
	n.DNSTimeout = 200 * time.Millisecond
	_, err := n.LookupMX(testCtx(t), "fallback.test")
	var de *network.DNSError
	if !errors.As(err, &de) || !de.Timeout {
		t.Fatalf("err = %v, want a DNS timeout", err)
	}
	if got := srv.queries.Load(); got != 0 {
		t.Fatalf("the TCP server got %d queries after a UDP timeout, want 0", got)
	}
}

// When TCP fails as well, the error names both transports and is not
// called a timeout.
func TestDNSBothTransportsFailing(t *testing.T) {
	// A port with nothing on TCP or UDP.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = fallbackNetwork(addr).LookupMX(testCtx(t), "fallback.test")
	var de *network.DNSError
	if !errors.As(err, &de) || de.Timeout || de.Rcode != "" {
		t.Fatalf("err = %#v, want a transport error", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "tcp") || !strings.Contains(msg, "over UDP") {
		t.Fatalf("err = %q, want both the TCP and the UDP failure", msg)
	}
}
