package network

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
)

// DialError says why a TCP connect failed, in the categories Postino
// reports: the name did not resolve, the port refused (RST), nothing
// answered before the deadline (filtered), or the network is unreachable.
type DialError struct {
	Address string
	Kind    DialFailure
	Err     error
}

// DialFailure classifies a failed connect.
type DialFailure string

const (
	Unresolved  DialFailure = "unresolved"
	Refused     DialFailure = "refused"
	Filtered    DialFailure = "filtered"
	Unreachable DialFailure = "unreachable"
	Canceled    DialFailure = "canceled"
)

func (e *DialError) Error() string { return fmt.Sprintf("dial %s: %s: %v", e.Address, e.Kind, e.Err) }
func (e *DialError) Unwrap() error { return e.Err }

// DialContext connects to address ("host:port"), resolving the host
// through the Network's DNS servers (never around them) and trying each
// address in turn. The connect is bounded by the context and DialTimeout.
// Errors are *DialError.
func (n *Network) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, &DialError{Address: address, Kind: Unresolved, Err: err}
	}
	if _, err := strconv.Atoi(port); err != nil {
		return nil, &DialError{Address: address, Kind: Unresolved, Err: fmt.Errorf("bad port %q", port)}
	}
	ips, err := n.LookupHost(ctx, host)
	if err != nil {
		kind := Unresolved
		if ctx.Err() != nil {
			kind = Canceled
		}
		return nil, &DialError{Address: address, Kind: kind, Err: err}
	}
	var lastErr *DialError
	for _, ip := range ips {
		target := net.JoinHostPort(ip.String(), port)
		conn, err := n.dialIP(ctx, network, target)
		if err == nil {
			return conn, nil
		}
		lastErr = &DialError{Address: address, Kind: classifyDialError(ctx, err), Err: err}
		if ctx.Err() != nil || lastErr.Kind == Filtered {
			// A filtered address has spent our deadline; do not try the
			// next one with no time left.
			break
		}
	}
	return nil, lastErr
}

// DialIP connects to an IP:port without resolving (after PortMap and the
// loopback guard).
func (n *Network) dialIP(ctx context.Context, network, target string) (net.Conn, error) {
	if mapped, ok := n.PortMap[target]; ok {
		target = mapped
	}
	if err := n.guard(target); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, n.dialTimeout())
	defer cancel()
	if n.DialFunc != nil {
		return n.DialFunc(ctx, network, target)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, target)
}

func classifyDialError(ctx context.Context, err error) DialFailure {
	switch {
	case isAny(err, refusedErrors):
		return Refused
	case isAny(err, unreachableErrors):
		return Unreachable
	case errors.Is(err, context.Canceled) && ctx.Err() == context.Canceled:
		return Canceled
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return Filtered
	}
	return Unreachable
}
