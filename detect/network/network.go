// Package network is the single door through which Postino reaches the
// outside world: DNS queries, host-name resolution for dialing, TCP dials
// and HTTP(S) requests. Nothing else in Postino opens a socket or asks a
// resolver, so tests can point one value at in-process servers on
// loopback and be sure no packet leaves the machine.
package network

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/postino-mail/postino/detect/input"
)

// Defaults for deadlines. Every operation also honours its context.
const (
	DefaultDNSTimeout  = 5 * time.Second
	DefaultDialTimeout = 8 * time.Second
	DefaultHTTPTimeout = 10 * time.Second
	// MaxHTTPBody caps every HTTP body Postino reads (autoconfig,
	// autodiscover, ISPDB, MTA-STS policies).
	MaxHTTPBody = 1 << 20
	// MaxRedirects caps every redirect chain.
	MaxRedirects = 2
)

// EnvDNS names the environment variable that selects a DNS server
// (HOST:PORT), like the --dns flag.
const EnvDNS = "POSTINO_DNS"

// Network owns every outbound operation. The zero value is not usable:
// build one with New or FromEnv.
type Network struct {
	// DNSServers are HOST:PORT addresses queried in order. Empty means the
	// system resolver (net.DefaultResolver), used only where no
	// resolv.conf exists (Windows).
	DNSServers []string
	// DNSTimeout bounds one DNS exchange (default DefaultDNSTimeout).
	DNSTimeout time.Duration
	// DialTimeout bounds one TCP connect when the context has no earlier
	// deadline (default DefaultDialTimeout).
	DialTimeout time.Duration
	// RootCAs overrides the system trust store (nil: system pool, which
	// honours SSL_CERT_FILE).
	RootCAs *x509.CertPool
	// DialFunc dials a resolved IP:port. Nil uses net.Dialer. Tests use it
	// to simulate filtered ports or latency.
	DialFunc func(ctx context.Context, network, address string) (net.Conn, error)
	// PortMap rewrites a resolved "IP:port" to another "IP:port" just
	// before dialing: tests run servers on ephemeral loopback ports but
	// want the product to dial the standard ones.
	PortMap map[string]string
	// LoopbackOnly refuses to dial or query anything outside 127.0.0.0/8
	// and ::1. The test kit sets it so a mistake cannot reach the internet.
	LoopbackOnly bool
}

// Options configure New.
type Options struct {
	// DNS is a HOST[:PORT] (port 53 when omitted; input.DNSServer is the
	// rule). Empty: the system's resolvers from /etc/resolv.conf.
	DNS string
}

// New builds a Network from options. A DNS server that breaks the rule
// is an *input.Error.
func New(opts Options) (*Network, error) {
	if opts.DNS != "" {
		return System().WithDNS(opts.DNS)
	}
	return System(), nil
}

// System returns a Network on the system's resolvers (those of
// /etc/resolv.conf; none, and so the system resolver, where that file
// does not exist). The program builds it once, in main, and hands it to
// both front ends.
func System() *Network {
	n := &Network{}
	if cfg, err := dns.ClientConfigFromFile("/etc/resolv.conf"); err == nil && len(cfg.Servers) > 0 {
		for _, s := range cfg.Servers {
			n.DNSServers = append(n.DNSServers, net.JoinHostPort(s, cfg.Port))
		}
	}
	return n
}

// WithDNS returns a copy of n that asks only the DNS server server
// (HOST[:PORT], checked by input.DNSServer) and keeps everything else
// (trust store, dialer, test hooks): how a front end applies the
// person's --dns or DNS setting to the network main built. An empty
// server returns n itself.
func (n *Network) WithDNS(server string) (*Network, error) {
	addr, err := input.DNSServer(server)
	switch {
	case err != nil:
		return nil, err
	case addr == "":
		return n, nil
	}
	c := *n
	c.DNSServers = []string{addr}
	return &c, nil
}

func (n *Network) dnsTimeout() time.Duration {
	if n.DNSTimeout > 0 {
		return n.DNSTimeout
	}
	return DefaultDNSTimeout
}

func (n *Network) dialTimeout() time.Duration {
	if n.DialTimeout > 0 {
		return n.DialTimeout
	}
	return DefaultDialTimeout
}

// TLSConfig returns a client TLS configuration for serverName that uses
// the Network's trust store. Verification is on; callers that want to
// report on a bad certificate use InsecureTLSConfig and verify themselves.
func (n *Network) TLSConfig(serverName string) *tls.Config {
	return &tls.Config{ServerName: serverName, RootCAs: n.RootCAs, MinVersion: tls.VersionTLS10}
}

// VerifyOptions returns x509 options for verifying a peer's chain against
// the Network's trust store.
func (n *Network) VerifyOptions(host string, intermediates []*x509.Certificate) x509.VerifyOptions {
	pool := x509.NewCertPool()
	for _, c := range intermediates {
		pool.AddCert(c)
	}
	return x509.VerifyOptions{DNSName: host, Roots: n.RootCAs, Intermediates: pool}
}

// isLoopback reports whether host (an IP literal) is on loopback.
func isLoopback(host string) bool {
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

func (n *Network) guard(address string) error {
	if !n.LoopbackOnly {
		return nil
	}
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	if !isLoopback(host) {
		return fmt.Errorf("network: %s is outside loopback and this network is loopback-only", address)
	}
	return nil
}
