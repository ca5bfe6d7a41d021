package network

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// ErrNotFound means the name does not exist (NXDOMAIN) or has no record of
// the asked type (NODATA). Callers treat it as "nothing here", not as a
// failure.
var ErrNotFound = errors.New("no such record")

// DNSError describes a failed query with the detail a person needs.
type DNSError struct {
	Name    string
	Type    string
	Rcode   string // "SERVFAIL", "REFUSED", ... (empty on transport errors)
	Timeout bool
	Err     error
}

func (e *DNSError) Error() string {
	switch {
	case e.Timeout:
		return fmt.Sprintf("DNS %s %s: timed out", e.Type, e.Name)
	case e.Rcode != "":
		return fmt.Sprintf("DNS %s %s: server answered %s", e.Type, e.Name, e.Rcode)
	case e.Err != nil:
		return fmt.Sprintf("DNS %s %s: %v", e.Type, e.Name, e.Err)
	}
	return fmt.Sprintf("DNS %s %s: failed", e.Type, e.Name)
}

func (e *DNSError) Unwrap() error { return e.Err }

// MaxAnswers caps how many records of one answer Postino looks at: a
// hostile server can send hundreds of SRV records.
const MaxAnswers = 64

// Exchange sends one query for name/qtype to the configured servers (in
// order, moving on after a transport error or SERVFAIL) over UDP, and
// asks the same server over TCP when the answer is truncated or UDP
// failed other than by timing out (exchangeUDPThenTCP). It returns the answer
// message; NXDOMAIN and NODATA become ErrNotFound.
func (n *Network) Exchange(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	if len(n.DNSServers) == 0 {
		return nil, &DNSError{Name: name, Type: dns.TypeToString[qtype], Err: errors.New("no DNS server configured")}
	}
	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(name), qtype)
	q.RecursionDesired = true
	q.SetEdns0(4096, false)

	var lastErr error
	for _, server := range n.DNSServers {
		if err := n.guard(server); err != nil {
			return nil, err
		}
		resp, err := n.exchangeOne(ctx, q, server)
		if err != nil {
			lastErr = n.wrapDNSError(ctx, name, qtype, err)
			if ctx.Err() != nil {
				return nil, lastErr
			}
			continue
		}
		switch resp.Rcode {
		case dns.RcodeSuccess:
			if !hasType(resp.Answer, qtype) && qtype != dns.TypeANY {
				return resp, ErrNotFound
			}
			return resp, nil
		case dns.RcodeNameError:
			return resp, ErrNotFound
		default:
			lastErr = &DNSError{Name: name, Type: dns.TypeToString[qtype], Rcode: dns.RcodeToString[resp.Rcode]}
		}
	}
	return nil, lastErr
}

func (n *Network) exchangeOne(ctx context.Context, q *dns.Msg, server string) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, n.dnsTimeout())
	defer cancel()
	resp, err := exchangeUDPThenTCP(ctx, q, server, n.dnsTimeout())
	if err != nil {
		return nil, err
	}
	if resp.Id != q.Id {
		return nil, errors.New("mismatched DNS answer id")
	}
	return resp, nil
}

// exchangeCancelable is dns.Client.ExchangeContext that also stops when
// ctx is cancelled: miekg/dns only honours the context's deadline, so a
// cancelled run would otherwise wait for the DNS timeout.
func exchangeCancelable(ctx context.Context, c *dns.Client, q *dns.Msg, server string) (*dns.Msg, error) {
	conn, err := c.DialContext(ctx, server)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	resp, _, err := c.ExchangeWithConnContext(ctx, q, conn)
	return resp, err
}

func (n *Network) wrapDNSError(ctx context.Context, name string, qtype uint16, err error) error {
	var ne net.Error
	timeout := errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
	if ctx.Err() != nil {
		return &DNSError{Name: name, Type: dns.TypeToString[qtype], Timeout: errors.Is(ctx.Err(), context.DeadlineExceeded), Err: ctx.Err()}
	}
	return &DNSError{Name: name, Type: dns.TypeToString[qtype], Timeout: timeout, Err: err}
}

func hasType(rrs []dns.RR, qtype uint16) bool {
	for _, rr := range rrs {
		if rr.Header().Rrtype == qtype {
			return true
		}
	}
	return false
}

// MX is one mail exchanger.
type MX struct {
	Host string // without the trailing dot; "." stays "" (null MX)
	Pref uint16
}

// LookupMX returns the MX records sorted by preference (lowest first).
// A null MX (RFC 7505) comes back as a single record with Host "".
func (n *Network) LookupMX(ctx context.Context, domain string) ([]MX, error) {
	if len(n.DNSServers) == 0 {
		return n.systemLookupMX(ctx, domain)
	}
	resp, err := n.Exchange(ctx, domain, dns.TypeMX)
	if err != nil {
		return nil, err
	}
	var out []MX
	for _, rr := range resp.Answer {
		if mx, ok := rr.(*dns.MX); ok {
			out = append(out, MX{Host: trimDot(mx.Mx), Pref: mx.Preference})
			if len(out) == MaxAnswers {
				break
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pref < out[j].Pref })
	return out, nil
}

// SRV is one service record. Target "" means "service not offered"
// (RFC 2782 target ".").
type SRV struct {
	Target   string
	Port     uint16
	Priority uint16
	Weight   uint16
}

// LookupSRV returns the raw SRV records for _service._proto.domain, at
// most MaxAnswers of them, in the order received. Ordering by RFC 2782 is
// the caller's business (it depends on whether it must be random).
func (n *Network) LookupSRV(ctx context.Context, service, proto, domain string) ([]SRV, error) {
	if len(n.DNSServers) == 0 {
		return n.systemLookupSRV(ctx, service, proto, domain)
	}
	name := "_" + service + "._" + proto + "." + domain
	resp, err := n.Exchange(ctx, name, dns.TypeSRV)
	if err != nil {
		return nil, err
	}
	var out []SRV
	for _, rr := range resp.Answer {
		if s, ok := rr.(*dns.SRV); ok {
			out = append(out, SRV{Target: trimDot(s.Target), Port: s.Port, Priority: s.Priority, Weight: s.Weight})
			if len(out) == MaxAnswers {
				break
			}
		}
	}
	return out, nil
}

// LookupTXT returns every TXT record of name as published: the bytes of
// its strings joined with nothing between them (RFC 7208 §3.3), so the
// same record reads the same through --dns and through the system
// resolver.
func (n *Network) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if len(n.DNSServers) == 0 {
		return n.systemLookupTXT(ctx, name)
	}
	resp, err := n.Exchange(ctx, name, dns.TypeTXT)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, rr := range resp.Answer {
		if t, ok := rr.(*dns.TXT); ok {
			out = append(out, txtBytes(t))
			if len(out) == MaxAnswers {
				break
			}
		}
	}
	return out, nil
}

// txtBytes returns the published bytes of a TXT record, its strings
// joined. miekg/dns hands the strings over in zone-file presentation form
// (a byte outside printable ASCII as \DDD, and \" and \\), which is
// not what the domain's owner published: a record must be judged on its
// bytes, once, here.
func txtBytes(t *dns.TXT) string {
	var b strings.Builder
	for _, s := range t.Txt {
		b.WriteString(unescapeTXT(s))
	}
	return b.String()
}

// unescapeTXT undoes miekg/dns's presentation escapes: \DDD (a decimal
// byte value) and \X (X itself). A backslash at the very end, or \DDD
// over 255, cannot come from a packet; they are kept as they are.
func unescapeTXT(s string) string {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s
	}
	out := make([]byte, 0, len(s))
	out = append(out, s[:i]...)
	for ; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			out = append(out, c)
			continue
		}
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			if v := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0'); v <= 255 {
				out = append(out, byte(v))
				i += 3
				continue
			}
		}
		out = append(out, s[i+1])
		i++
	}
	return string(out)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// LookupHost resolves a host name to IP addresses (A, then AAAA) through
// the configured DNS servers. IP literals are returned as they are.
func (n *Network) LookupHost(ctx context.Context, host string) ([]net.IP, error) {
	host = strings.Trim(host, "[]")
	if ip := net.ParseIP(host); ip != nil {
		return []net.IP{ip}, nil
	}
	if len(n.DNSServers) == 0 {
		return n.systemLookupHost(ctx, host)
	}
	var ips []net.IP
	var firstErr error
	for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
		resp, err := n.Exchange(ctx, host, qt)
		if err != nil {
			if firstErr == nil || errors.Is(firstErr, ErrNotFound) {
				firstErr = err
			}
			continue
		}
		for _, rr := range resp.Answer {
			switch r := rr.(type) {
			case *dns.A:
				ips = append(ips, r.A)
			case *dns.AAAA:
				ips = append(ips, r.AAAA)
			}
			if len(ips) == MaxAnswers {
				break
			}
		}
		if qt == dns.TypeA && len(ips) > 0 {
			break // IPv4 is enough to dial; skip the second round trip
		}
	}
	if len(ips) == 0 {
		if firstErr == nil {
			firstErr = ErrNotFound
		}
		return nil, firstErr
	}
	return ips, nil
}

func (n *Network) systemLookupHost(ctx context.Context, host string) ([]net.IP, error) {
	ctx, cancel := context.WithTimeout(ctx, n.dnsTimeout())
	defer cancel()
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return nil, ErrNotFound
		}
		return nil, &DNSError{Name: host, Type: "A", Timeout: errors.Is(err, context.DeadlineExceeded), Err: err}
	}
	ips := make([]net.IP, 0, len(addrs))
	for _, a := range addrs {
		ips = append(ips, a.IP)
	}
	return ips, nil
}

func trimDot(s string) string {
	if s == "." {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(s, "."))
}

// Sleep waits for d or until ctx is done, whichever comes first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
