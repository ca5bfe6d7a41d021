package network_test

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/postino-mail/postino/detect/network"
)

// rawDNS is a DNS server on loopback (UDP and TCP, same port) that
// answers every query with whatever bytes it is given, only patching in
// the query's ID so the client reads them: the hostile server of the
// fuzz target below.
type rawDNS struct {
	mu     sync.Mutex
	answer []byte
	addr   string
	udp    net.PacketConn
	tcp    net.Listener
	wg     sync.WaitGroup
}

func startRawDNS(tb testing.TB) *rawDNS {
	tb.Helper()
	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tcp, err := net.Listen("tcp", udp.LocalAddr().String())
	if err != nil {
		udp.Close()
		tb.Skip("cannot bind TCP on the UDP port: ", err)
	}
	s := &rawDNS{addr: udp.LocalAddr().String(), udp: udp, tcp: tcp}
	s.wg.Add(2)
	go s.serveUDP()
	go s.serveTCP()
	tb.Cleanup(func() { udp.Close(); tcp.Close(); s.wg.Wait() })
	return s
}

func (s *rawDNS) set(b []byte) {
	s.mu.Lock()
	s.answer = append(s.answer[:0], b...)
	s.mu.Unlock()
}

// reply is the answer with the ID of query q (the first two bytes).
func (s *rawDNS) reply(q []byte) []byte {
	s.mu.Lock()
	out := append([]byte(nil), s.answer...)
	s.mu.Unlock()
	if len(out) >= 2 && len(q) >= 2 {
		out[0], out[1] = q[0], q[1]
	}
	return out
}

func (s *rawDNS) serveUDP() {
	defer s.wg.Done()
	buf := make([]byte, 4096)
	for {
		n, from, err := s.udp.ReadFrom(buf)
		if err != nil {
			return
		}
		s.udp.WriteTo(s.reply(buf[:n]), from)
	}
}

func (s *rawDNS) serveTCP() {
	defer s.wg.Done()
	for {
		c, err := s.tcp.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			c.SetDeadline(time.Now().Add(time.Second))
			var hdr [2]byte
			if _, err := c.Read(hdr[:]); err != nil {
				return
			}
			q := make([]byte, int(hdr[0])<<8|int(hdr[1]))
			if _, err := c.Read(q); err != nil {
				return
			}
			r := s.reply(q)
			c.Write(append([]byte{byte(len(r) >> 8), byte(len(r))}, r...))
		}()
	}
}

// seedAnswer packs a well-formed answer with n records of the given
// type (and the TC bit when truncated), as a starting point for the
// fuzzer's mutations.
func seedAnswer(tb testing.TB, qtype uint16, n int, truncated bool) []byte {
	m := new(dns.Msg)
	m.SetQuestion("_imaps._tcp.example.com.", qtype)
	m.Response, m.Truncated = true, truncated
	for i := 0; i < n; i++ {
		var rr dns.RR
		switch qtype {
		case dns.TypeSRV:
			rr = &dns.SRV{Hdr: dns.RR_Header{Name: "_imaps._tcp.example.com.", Rrtype: dns.TypeSRV, Class: dns.ClassINET, Ttl: 60},
				Priority: uint16(i % 3), Weight: uint16(i), Port: 993, Target: "imap.example.com."}
		case dns.TypeMX:
			rr = &dns.MX{Hdr: dns.RR_Header{Name: "example.com.", Rrtype: dns.TypeMX, Class: dns.ClassINET, Ttl: 60},
				Preference: uint16(10 * i), Mx: "."}
		case dns.TypeTXT:
			rr = &dns.TXT{Hdr: dns.RR_Header{Name: "example.com.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60},
				Txt: []string{"v=spf1", " -all"}}
		}
		m.Answer = append(m.Answer, rr)
	}
	b, err := m.Pack()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// FuzzDNSAnswersForSRVAndMX serves arbitrary bytes as the answer to every
// SRV, MX, TXT and A query (over UDP, and over TCP when they claim to be
// truncated): Postino must never panic, must return within its deadline,
// must keep at most MaxAnswers records, and must hand back host names
// without the trailing dot.
func FuzzDNSAnswersForSRVAndMX(f *testing.F) {
	f.Add(seedAnswer(f, dns.TypeSRV, 3, false))
	f.Add(seedAnswer(f, dns.TypeSRV, 300, false))
	f.Add(seedAnswer(f, dns.TypeSRV, 2, true))
	f.Add(seedAnswer(f, dns.TypeMX, 2, false))
	f.Add(seedAnswer(f, dns.TypeTXT, 1, false))
	f.Add([]byte{0, 0, 0x81, 0x80})
	f.Add([]byte{})
	srv := startRawDNS(f)
	n := &network.Network{DNSServers: []string{srv.addr}, DNSTimeout: 300 * time.Millisecond, LoopbackOnly: true}
	f.Fuzz(func(t *testing.T, answer []byte) {
		srv.set(answer)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		start := time.Now()
		srvs, _ := n.LookupSRV(ctx, "imaps", "tcp", "example.com")
		mxs, _ := n.LookupMX(ctx, "example.com")
		txts, _ := n.LookupTXT(ctx, "example.com")
		n.LookupHost(ctx, "imap.example.com")
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("four lookups took %v", d)
		}
		if len(srvs) > network.MaxAnswers || len(mxs) > network.MaxAnswers || len(txts) > network.MaxAnswers {
			t.Fatalf("%d SRV, %d MX, %d TXT records: over the cap of %d", len(srvs), len(mxs), len(txts), network.MaxAnswers)
		}
		for _, s := range srvs {
			if strings.HasSuffix(s.Target, ".") {
				t.Fatalf("SRV target %q keeps its trailing dot", s.Target)
			}
		}
		for i, m := range mxs {
			if strings.HasSuffix(m.Host, ".") {
				t.Fatalf("MX host %q keeps its trailing dot", m.Host)
			}
			if i > 0 && mxs[i-1].Pref > m.Pref {
				t.Fatalf("MX records not sorted by preference: %+v", mxs)
			}
		}
	})
}
