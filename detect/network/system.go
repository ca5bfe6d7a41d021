package network

import (
	"context"
	"errors"
	"net"
)

// The system* functions serve machines without /etc/resolv.conf
// (Windows): there the only way to find the configured resolvers is the
// operating system's own API, which Go's net.Resolver wraps. They keep
// the same contract (ErrNotFound, deadlines) as the miekg/dns path.

func (n *Network) systemErr(ctx context.Context, name, typ string, err error) error {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return ErrNotFound
	}
	return &DNSError{Name: name, Type: typ, Timeout: errors.Is(err, context.DeadlineExceeded) || (dnsErr != nil && dnsErr.IsTimeout), Err: err}
}

func (n *Network) systemLookupMX(ctx context.Context, domain string) ([]MX, error) {
	ctx, cancel := context.WithTimeout(ctx, n.dnsTimeout())
	defer cancel()
	mxs, err := net.DefaultResolver.LookupMX(ctx, domain)
	if err != nil {
		return nil, n.systemErr(ctx, domain, "MX", err)
	}
	out := make([]MX, 0, len(mxs))
	for _, mx := range mxs {
		out = append(out, MX{Host: trimDot(mx.Host), Pref: mx.Pref})
	}
	return out, nil
}

func (n *Network) systemLookupSRV(ctx context.Context, service, proto, domain string) ([]SRV, error) {
	ctx, cancel := context.WithTimeout(ctx, n.dnsTimeout())
	defer cancel()
	_, srvs, err := net.DefaultResolver.LookupSRV(ctx, service, proto, domain)
	if err != nil {
		return nil, n.systemErr(ctx, "_"+service+"._"+proto+"."+domain, "SRV", err)
	}
	out := make([]SRV, 0, len(srvs))
	for _, s := range srvs {
		out = append(out, SRV{Target: trimDot(s.Target), Port: s.Port, Priority: s.Priority, Weight: s.Weight})
	}
	return out, nil
}

func (n *Network) systemLookupTXT(ctx context.Context, name string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, n.dnsTimeout())
	defer cancel()
	txts, err := net.DefaultResolver.LookupTXT(ctx, name)
	if err != nil {
		return nil, n.systemErr(ctx, name, "TXT", err)
	}
	return txts, nil
}
