package network_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/postino-mail/postino/detect/network"
)

// wireTXT packs an answer holding one TXT record whose strings are
// exactly raw (each at most 255 bytes) on the wire. miekg/dns would
// interpret escapes in its own Txt fields, so the strings are packed as
// placeholders of the same length and the placeholders are then
// overwritten in the packed bytes: what goes on the wire does not depend
// on the escaping the code under test undoes.
func wireTXT(t *testing.T, raw ...[]byte) []byte {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion("example.com.", dns.TypeTXT)
	m.Response = true
	rr := &dns.TXT{Hdr: dns.RR_Header{Name: "example.com.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}}
	for i, s := range raw {
		rr.Txt = append(rr.Txt, string(bytes.Repeat([]byte{'A' + byte(i)}, len(s))))
	}
	m.Answer = append(m.Answer, rr)
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range raw {
		ph := append([]byte{byte(len(s))}, bytes.Repeat([]byte{'A' + byte(i)}, len(s))...)
		at := bytes.LastIndex(b, ph)
		if at < 0 {
			t.Fatalf("placeholder %d not found in the packed answer", i)
		}
		copy(b[at+1:], s)
	}
	return b
}

func TestTXTRecordsComeBackAsPublishedForEveryByteValue(t *testing.T) {
	srv := startRawDNS(t)
	n := &network.Network{DNSServers: []string{srv.addr}, DNSTimeout: 2 * time.Second, LoopbackOnly: true}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Each byte alone, between two letters, and after a backslash and a
	// digit (so "\" followed by "0" on the wire never reads as an escape).
	for v := 0; v < 256; v++ {
		for _, want := range [][]byte{{'a', byte(v), 'z'}, {'\\', '1', byte(v)}, {byte(v)}} {
			srv.set(wireTXT(t, want))
			got, err := n.LookupTXT(ctx, "example.com")
			if err != nil || len(got) != 1 || got[0] != string(want) {
				t.Fatalf("byte %d: published %q, got %q (%v)", v, want, got, err)
			}
		}
	}
	// Every byte value in one record of two strings, joined with nothing
	// between them (RFC 7208 §3.3).
	var all []byte
	for v := 0; v < 256; v++ {
		all = append(all, byte(v))
	}
	srv.set(wireTXT(t, all[:128], all[128:]))
	got, err := n.LookupTXT(ctx, "example.com")
	if err != nil || len(got) != 1 || got[0] != string(all) {
		t.Fatalf("all 256 bytes in two strings: got %q (%v)", got, err)
	}
}

func TestTXTRecordWithQuotesBackslashesAndUTF8ThroughTheZone(t *testing.T) {
	srv := startRawDNS(t)
	n := &network.Network{DNSServers: []string{srv.addr}, DNSTimeout: 2 * time.Second, LoopbackOnly: true}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	want := "v=spf1 a:\"q\".example.com \\010 città\n-all"
	srv.set(wireTXT(t, []byte(want[:10]), []byte(want[10:])))
	got, err := n.LookupTXT(ctx, "example.com")
	if err != nil || len(got) != 1 || got[0] != want {
		t.Fatalf("got %q (%v), want %q", got, err, want)
	}
}
