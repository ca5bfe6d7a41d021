package labtest

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// DNSBehaviour is how the lab DNS server treats queries for a name.
type DNSBehaviour int

const (
	// Answer is the normal behaviour: records, NODATA or NXDOMAIN.
	Answer DNSBehaviour = iota
	// Timeout never answers.
	Timeout
	// ServFail answers SERVFAIL.
	ServFail
	// Refused answers REFUSED.
	Refused
	// Truncate answers over UDP with the TC bit set and no records, and
	// in full over TCP (RFC 7766 §5: the client must retry over TCP).
	Truncate
)

// maxCNAMEChain bounds CNAME following inside the zone.
const maxCNAMEChain = 8

type dnsServer struct {
	addr string
	udp  *dns.Server
	tcp  *dns.Server
	wg   sync.WaitGroup
}

func fqdn(name string) string { return strings.ToLower(dns.Fqdn(name)) }

// startDNS starts the zone's server on 127.0.0.1, UDP and TCP on the same
// ephemeral port.
func startDNS(l *Lab) (*dnsServer, error) {
	var lastErr error
	for attempt := 0; attempt < 20; attempt++ {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err != nil {
			// Someone holds the TCP side of this port; try another.
			pc.Close()
			lastErr = err
			continue
		}
		s := &dnsServer{addr: pc.LocalAddr().String()}
		h := dns.HandlerFunc(l.serveDNS)
		s.udp = &dns.Server{PacketConn: pc, Handler: h}
		s.tcp = &dns.Server{Listener: ln, Handler: h, ReadTimeout: 5 * time.Second}
		for _, srv := range []*dns.Server{s.udp, s.tcp} {
			started := make(chan struct{})
			srv.NotifyStartedFunc = func() { close(started) }
			s.wg.Add(1)
			go func(srv *dns.Server) {
				defer s.wg.Done()
				srv.ActivateAndServe()
			}(srv)
			<-started
		}
		return s, nil
	}
	return nil, fmt.Errorf("labtest: no free UDP+TCP port for DNS: %w", lastErr)
}

func (s *dnsServer) stop() {
	s.udp.Shutdown()
	s.tcp.Shutdown()
	s.wg.Wait()
}

// add stores one record under its owner name.
func (l *Lab) add(rr dns.RR) {
	h := rr.Header()
	h.Name = fqdn(h.Name)
	if h.Ttl == 0 {
		h.Ttl = 300
	}
	h.Class = dns.ClassINET
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.zone[h.Name] == nil {
		l.zone[h.Name] = map[uint16][]string{}
	}
	l.zone[h.Name][h.Rrtype] = append(l.zone[h.Name][h.Rrtype], rr.String())
}

// RR adds a record written in zone-file syntax ("example.com. MX 10
// mx.example.com."); it panics on a syntax error, which is a bug in the
// test.
func (l *Lab) RR(text string) {
	rr, err := dns.NewRR(text)
	if err != nil || rr == nil {
		panic(fmt.Sprintf("labtest: bad record %q: %v", text, err))
	}
	l.add(rr)
}

// A adds an address record (IPv4 or, for an IPv6 literal, AAAA).
func (l *Lab) A(host, ip string) {
	addr := net.ParseIP(ip)
	if addr == nil {
		panic(fmt.Sprintf("labtest: bad IP %q", ip))
	}
	if v4 := addr.To4(); v4 != nil {
		l.add(&dns.A{Hdr: dns.RR_Header{Name: host, Rrtype: dns.TypeA}, A: v4})
		return
	}
	l.add(&dns.AAAA{Hdr: dns.RR_Header{Name: host, Rrtype: dns.TypeAAAA}, AAAA: addr})
}

// MX adds a mail exchanger; host "." is a null MX (RFC 7505).
func (l *Lab) MX(domain string, pref uint16, host string) {
	l.add(&dns.MX{Hdr: dns.RR_Header{Name: domain, Rrtype: dns.TypeMX}, Preference: pref, Mx: dns.Fqdn(host)})
}

// SRV adds a service record; name is the full owner
// ("_imaps._tcp.example.com"), target "." means "not offered".
func (l *Lab) SRV(name string, priority, weight, port uint16, target string) {
	l.add(&dns.SRV{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeSRV}, Priority: priority, Weight: weight, Port: port, Target: dns.Fqdn(target)})
}

// TXT adds one TXT record made of the given strings.
func (l *Lab) TXT(name string, txt ...string) {
	l.add(&dns.TXT{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeTXT}, Txt: txt})
}

// CNAME makes name an alias of target.
func (l *Lab) CNAME(name, target string) {
	l.add(&dns.CNAME{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeCNAME}, Target: dns.Fqdn(target)})
}

// DNSFail sets how queries for name and every name below it are treated
// (the most specific name with a behaviour wins, so Answer below a failing
// domain restores normal answers for one sub-name).
func (l *Lab) DNSFail(name string, b DNSBehaviour) {
	l.mu.Lock()
	l.fail[fqdn(name)] = b
	l.mu.Unlock()
}

// behaviour finds the most specific behaviour for name. Caller holds mu.
func (l *Lab) behaviour(name string) DNSBehaviour {
	for n := name; ; {
		if b, ok := l.fail[n]; ok {
			return b
		}
		if n == "." {
			return Answer
		}
		i := strings.IndexByte(n, '.')
		if n = n[i+1:]; n == "" {
			n = "." // the root: DNSFail(".") covers every name
		}
	}
}

// resolve returns the answer records for name/qtype, following CNAMEs
// inside the zone, and whether the name exists. Caller holds mu.
func (l *Lab) resolve(name string, qtype uint16) ([]dns.RR, bool) {
	var out []dns.RR
	exists := false
	for hop := 0; hop <= maxCNAMEChain; hop++ {
		types, ok := l.zone[name]
		if !ok {
			if hop == 0 {
				exists = l.isEmptyNonTerminal(name)
			}
			return out, exists
		}
		exists = true
		if rrs, ok := types[qtype]; ok {
			return append(out, parseAll(rrs)...), true
		}
		cname, ok := types[dns.TypeCNAME]
		if !ok || qtype == dns.TypeCNAME {
			return out, true
		}
		rr := parseAll(cname[:1])
		out = append(out, rr...)
		name = fqdn(rr[0].(*dns.CNAME).Target)
	}
	return out, exists
}

// isEmptyNonTerminal reports whether some record lives below name, which
// makes name exist (NODATA, not NXDOMAIN; RFC 8020). Caller holds mu.
func (l *Lab) isEmptyNonTerminal(name string) bool {
	for n := range l.zone {
		if strings.HasSuffix(n, "."+name) {
			return true
		}
	}
	return false
}

func parseAll(texts []string) []dns.RR {
	out := make([]dns.RR, 0, len(texts))
	for _, t := range texts {
		// The text came from rr.String() of a record we built, so it
		// parses; a fresh copy per answer keeps answers independent.
		rr, _ := dns.NewRR(t)
		out = append(out, rr)
	}
	return out
}

func (l *Lab) serveDNS(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	if len(req.Question) != 1 {
		m.SetRcode(req, dns.RcodeFormatError)
		w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	udp := w.RemoteAddr().Network() == "udp"

	l.mu.Lock()
	b := l.behaviour(name)
	answer, exists := l.resolve(name, q.Qtype)
	latency := l.latency
	l.mu.Unlock()

	if latency > 0 {
		time.Sleep(latency)
	}
	m.SetReply(req)
	m.Authoritative = true
	m.RecursionAvailable = true
	switch b {
	case Timeout:
		return
	case ServFail:
		m.Rcode = dns.RcodeServerFailure
		w.WriteMsg(m)
		return
	case Refused:
		m.Rcode = dns.RcodeRefused
		w.WriteMsg(m)
		return
	case Truncate:
		if udp {
			m.Truncated = true
			w.WriteMsg(m)
			return
		}
	}
	if !exists {
		m.Rcode = dns.RcodeNameError
	}
	m.Answer = answer
	size := dns.MinMsgSize
	if opt := req.IsEdns0(); opt != nil {
		m.SetEdns0(opt.UDPSize(), false)
		size = int(opt.UDPSize())
	}
	if udp {
		// A big answer (hundreds of SRV records) does not fit a
		// datagram: set TC and drop records, as a real server does.
		m.Truncate(size)
	}
	w.WriteMsg(m)
}
