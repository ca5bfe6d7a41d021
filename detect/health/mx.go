package health

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/miekg/dns"
	"github.com/postino-mail/postino/detect/network"
)

// maxParallel bounds how many lookups one check runs at once.
const maxParallel = 8

// checkMX reads the MX records (sorted by preference) and resolves each
// host. RFC 5321 §5.1: without MX records senders fall back to the
// domain's own address ("implicit MX"); RFC 7505: a single "0 ." record
// (null MX) says the domain accepts no mail at all.
func checkMX(ctx context.Context, nw *network.Network, domain string) Check {
	b := newBuilder(NameMX)
	mxs, err := nw.LookupMX(ctx, domain)
	if notFound(err) {
		ips, herr := nw.LookupHost(ctx, domain)
		if herr == nil && len(ips) > 0 {
			b.add(Warning, "mx-implicit", map[string]any{"Domain": domain, "Addresses": joinIPs(ips)})
		} else {
			b.add(Problem, "mx-none", map[string]any{"Domain": domain})
		}
		return b.check()
	}
	if err != nil {
		b.lookupFailed(domain+" MX", err)
		return b.check()
	}
	for _, mx := range mxs {
		host := mx.Host
		if host == "" {
			host = "."
		}
		b.record(fmt.Sprintf("%d %s", mx.Pref, host))
	}
	for _, mx := range mxs {
		if mx.Host == "" {
			if len(mxs) == 1 {
				b.add(Problem, "mx-null", map[string]any{"Domain": domain})
			} else {
				// RFC 7505 §3: a null MX must be the only MX record.
				b.add(Problem, "mx-null-mixed", map[string]any{"Domain": domain})
			}
			return b.check()
		}
	}

	addrs, aliases, errs := resolveAll(ctx, nw, mxs)
	var bad []string
	for i, mx := range mxs {
		data := map[string]any{"Pref": mx.Pref, "Host": mx.Host}
		switch {
		case notFound(errs[i]):
			b.detail("health.mx.detail.nxdomain", data)
			bad = append(bad, mx.Host)
		case errs[i] != nil:
			data["Error"] = errs[i].Error()
			b.detail("health.mx.detail.unresolved", data)
			bad = append(bad, mx.Host)
		default:
			data["Addresses"] = joinIPs(addrs[i])
			b.detail("health.mx.detail.host", data)
		}
		if aliases[i] != "" {
			b.add(Warning, "mx-cname", map[string]any{"Host": mx.Host, "Target": aliases[i]})
		}
		if net.ParseIP(mx.Host) != nil {
			// RFC 5321 §5.1 and RFC 7505 §3: an MX names a host, never an
			// address; many senders refuse such records.
			b.add(Warning, "mx-ip-literal", map[string]any{"Host": mx.Host})
		}
	}
	switch {
	case len(bad) == len(mxs):
		b.add(Problem, "mx-unresolved-all", map[string]any{"Hosts": strings.Join(bad, ", ")})
	case len(bad) > 0:
		b.add(Warning, "mx-unresolved-some", map[string]any{"Hosts": strings.Join(bad, ", ")})
	default:
		b.add(OK, "mx-ok", map[string]any{"Count": len(mxs), "Primary": mxs[0].Host})
	}
	return b.check()
}

// resolveAll resolves every MX host, at most maxParallel at a time.
func resolveAll(ctx context.Context, nw *network.Network, mxs []network.MX) ([][]net.IP, []string, []error) {
	addrs := make([][]net.IP, len(mxs))
	aliases := make([]string, len(mxs))
	errs := make([]error, len(mxs))
	forEach(len(mxs), func(i int) { addrs[i], aliases[i], errs[i] = resolveMX(ctx, nw, mxs[i].Host) })
	return addrs, aliases, errs
}

// forEach calls f(0) … f(n-1), at most maxParallel at a time, and
// returns when every call has returned.
func forEach(n int, f func(i int)) {
	sem := make(chan struct{}, maxParallel)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			f(i)
		}()
	}
	wg.Wait()
}

// resolveMX resolves an MX host and reports the name it is an alias of,
// if any: RFC 2181 §10.3 forbids an MX pointing at a CNAME, and strict
// senders refuse it. Only a chosen DNS server lets us see the CNAME.
func resolveMX(ctx context.Context, nw *network.Network, host string) ([]net.IP, string, error) {
	alias := ""
	if len(nw.DNSServers) > 0 && net.ParseIP(host) == nil {
		resp, err := nw.Exchange(ctx, host, dns.TypeA)
		if err == nil || notFound(err) {
			if resp != nil {
				for _, rr := range resp.Answer {
					if c, ok := rr.(*dns.CNAME); ok && strings.EqualFold(strings.TrimSuffix(c.Hdr.Name, "."), host) {
						alias = strings.TrimSuffix(c.Target, ".")
					}
				}
			}
		}
	}
	ips, err := nw.LookupHost(ctx, host)
	return ips, alias, err
}

func joinIPs(ips []net.IP) string {
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.String()
	}
	return strings.Join(s, ", ")
}
