// Package labtest is Postino's hermetic test kit: a loopback DNS server
// whose zone is built in Go, a test certificate authority, TCP listeners
// and HTTP(S) servers addressed by host name, filtered ports and added
// latency. Every address it hands out is in 127.0.0.0/8 and the
// *network.Network it builds is LoopbackOnly, so a test that uses it
// cannot reach the internet by mistake.
//
// Host names get their own loopback address (127.0.0.2, 127.0.0.3, ...;
// with RealPorts in a random 127.B.0.0/16 block of the lab's own),
// so "imap.example.com:993" and "smtp.example.com:993" are different
// endpoints. Servers listen on ephemeral ports and the lab's dial function
// maps the standard port the product dials (993, 443, ...) to them; with
// Options.RealPorts they bind the real ports instead (root only), which is
// what running the real binary against the lab needs.
package labtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/network"
)

// RealServersBlock is the second octet of the addresses .ci/realservers.sh
// gives Dovecot, Postfix and NSD (127.77.0.0/16); no lab uses it.
const RealServersBlock = 77

// Options configure Start.
type Options struct {
	// RealPorts binds listeners on the real port numbers (needs root)
	// instead of ephemeral ports mapped by the dial function.
	RealPorts bool
	// Latency is added to every TCP connect and to every write→read turn
	// on a dialed connection, and to every DNS answer (see SetLatency).
	Latency time.Duration
	// DNSTimeout and DialTimeout are copied into every Network the lab
	// builds (defaults 2s and 3s: short enough for quick failure tests,
	// long enough for a loaded machine running -race).
	DNSTimeout  time.Duration
	DialTimeout time.Duration
}

// Lab is one running set of fake internet services. Its methods are safe
// for concurrent use; records and servers may be added while the product
// is running against it.
type Lab struct {
	opts Options
	dir  string // temporary directory for the CA file
	// block is the second octet of every host address. It is 0 for a
	// lab on ephemeral ports, whose listeners cannot collide. A
	// RealPorts lab binds 993, 443, ... on its addresses, so two of them
	// running at once on one machine (a demo and an integration test)
	// would answer each other's refused ports; each picks a random
	// block of 127.0.0.0/8 instead.
	block byte

	mu        sync.Mutex
	zone      map[string]map[uint16][]string // fqdn → type → RR text
	fail      map[string]DNSBehaviour        // fqdn → behaviour
	hosts     map[string]net.IP              // fqdn → allocated address
	nextHost  int
	portMap   map[string]string // "IP:port" the product dials → real listener
	reverse   map[string]string // real listener → "IP:port"
	filtered  map[string]bool   // "IP:port" that hang
	latency   time.Duration
	servers   map[string]*webServer // "IP:port" → HTTP(S) server
	listeners []net.Listener
	closed    bool

	dns *dnsServer
	ca  *authority

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc

	wg sync.WaitGroup // goroutines serving listeners
}

// Start builds and starts a lab. Call Close when done.
func Start(opts Options) (*Lab, error) {
	if opts.DNSTimeout <= 0 {
		opts.DNSTimeout = 2 * time.Second
	}
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = 3 * time.Second
	}
	l := &Lab{
		opts:     opts,
		zone:     map[string]map[uint16][]string{},
		fail:     map[string]DNSBehaviour{},
		hosts:    map[string]net.IP{},
		nextHost: 2,
		portMap:  map[string]string{},
		reverse:  map[string]string{},
		filtered: map[string]bool{},
		latency:  opts.Latency,
		servers:  map[string]*webServer{},
	}
	ca, err := newAuthority()
	if err != nil {
		return nil, err
	}
	l.ca = ca
	for opts.RealPorts && (l.block == 0 || l.block == RealServersBlock) {
		// 16..250: clear of 127.0.0.0/16, where systems put their own
		// loopback services (127.0.0.53, 127.0.1.1).
		l.block = byte(16 + rand.IntN(235))
	}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	dir, err := os.MkdirTemp("", "postino-lab-")
	if err != nil {
		return nil, err
	}
	l.dir = dir
	if l.dns, err = startDNS(l); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return l, nil
}

// New starts a lab for a test and stops it (and every goroutine it
// started) when the test ends.
func New(t testing.TB) *Lab { return NewWith(t, Options{}) }

// NewWith is New with options.
func NewWith(t testing.TB, opts Options) *Lab {
	t.Helper()
	l, err := Start(opts)
	if err != nil {
		t.Fatalf("labtest: %v", err)
	}
	t.Cleanup(l.Close)
	return l
}

// Close stops every server the lab started, closes every listener it
// handed out and waits for their goroutines.
func (l *Lab) Close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	servers := make([]*webServer, 0, len(l.servers))
	for _, s := range l.servers {
		servers = append(servers, s)
	}
	listeners := l.listeners
	l.mu.Unlock()

	l.cancel()
	for _, s := range servers {
		s.srv.Close()
	}
	for _, ln := range listeners {
		ln.Close()
	}
	l.dns.stop()
	l.wg.Wait()
	os.RemoveAll(l.dir)
}

// DNSAddr is the lab DNS server's "127.0.0.1:port" (UDP and TCP).
func (l *Lab) DNSAddr() string { return l.dns.addr }

// SetLatency changes the added latency for connections dialed from now on
// and for DNS answers.
func (l *Lab) SetLatency(d time.Duration) {
	l.mu.Lock()
	l.latency = d
	l.mu.Unlock()
}

// Network returns a new *network.Network wired to the lab: its DNS server,
// its CA as the only trusted root, loopback only, and a dial function that
// maps standard ports to the lab's listeners, hangs on filtered ports and
// adds latency. Port mapping lives in the dial function (under the lab's
// lock) rather than in Network.PortMap so that listeners added while a run
// is in flight do not race with it. Each call returns a fresh value that a
// test may adjust (timeouts) without affecting others.
func (l *Lab) Network() *network.Network {
	return &network.Network{
		DNSServers:   []string{l.dns.addr},
		DNSTimeout:   l.opts.DNSTimeout,
		DialTimeout:  l.opts.DialTimeout,
		RootCAs:      l.ca.pool(),
		DialFunc:     l.dial,
		LoopbackOnly: true,
	}
}

// Env returns the environment that points a real postino binary at the
// lab: POSTINO_DNS and SSL_CERT_FILE. Only meaningful with RealPorts,
// since a subprocess cannot use the lab's port mapping.
func (l *Lab) Env() []string {
	return []string{
		network.EnvDNS + "=" + l.dns.addr,
		"SSL_CERT_FILE=" + l.WriteCAFile(l.dir),
	}
}

// WriteCAFile writes the lab's root certificate as PEM into dir and
// returns the file's path (for SSL_CERT_FILE).
func (l *Lab) WriteCAFile(dir string) string {
	path := filepath.Join(dir, "postino-lab-ca.pem")
	if err := os.WriteFile(path, l.CAPEM(), 0o644); err != nil {
		// The directory is the caller's or our own temp dir; failing to
		// write there is a broken test environment, not a test result.
		panic(fmt.Sprintf("labtest: writing CA file: %v", err))
	}
	return path
}

// Host returns the loopback address allocated to name, allocating the
// next free one (127.B.0.2 upwards, see Lab.block) and adding its A
// record the first time.
func (l *Lab) Host(name string) net.IP {
	fq := fqdn(name)
	l.mu.Lock()
	if ip, ok := l.hosts[fq]; ok {
		l.mu.Unlock()
		return ip
	}
	n := l.nextHost
	l.nextHost++
	// 127.B.0.2 … 127.B.0.254, then 127.B.1.1 …: skip .0 and .255 so
	// every address looks like an ordinary host address.
	ip := net.IPv4(127, l.block, 0, byte(n)).To4()
	if n > 254 {
		m := n - 255
		ip = net.IPv4(127, l.block, byte(1+m/254), byte(1+m%254)).To4()
	}
	l.hosts[fq] = ip
	l.mu.Unlock()
	l.A(name, ip.String())
	return ip
}

// ownsIP reports whether ip was allocated by Host.
func (l *Lab) ownsIP(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, h := range l.hosts {
		if h.String() == ip {
			return true
		}
	}
	return false
}

// Listen opens a TCP listener for host:port. Without RealPorts it binds
// the host's address on an ephemeral port and maps host:port to it, so
// the product dials the standard port. The lab closes it on Close.
func (l *Lab) Listen(host string, port int) net.Listener {
	ln, err := l.listen(host, port)
	if err != nil {
		panic(fmt.Sprintf("labtest: %v", err))
	}
	return ln
}

func (l *Lab) listen(host string, port int) (net.Listener, error) {
	ip := l.Host(host)
	want := net.JoinHostPort(ip.String(), strconv.Itoa(port))
	bind := net.JoinHostPort(ip.String(), "0")
	if l.opts.RealPorts {
		bind = want
	}
	ln, err := net.Listen("tcp", bind)
	if err != nil {
		return nil, fmt.Errorf("listen %s (%s): %w", want, host, err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		ln.Close()
		return nil, errors.New("lab is closed")
	}
	if old, ok := l.portMap[want]; ok {
		delete(l.reverse, old)
	}
	l.portMap[want] = ln.Addr().String()
	l.reverse[ln.Addr().String()] = want
	l.listeners = append(l.listeners, ln)
	return ln, nil
}

// Filter makes connects to host:port hang until the dialer's deadline, as
// a firewall that drops packets does. (A refused port needs nothing: it is
// simply a port nobody listens on.)
func (l *Lab) Filter(host string, port int) {
	ip := l.Host(host)
	l.mu.Lock()
	l.filtered[net.JoinHostPort(ip.String(), strconv.Itoa(port))] = true
	l.mu.Unlock()
}

// dial is the Network's DialFunc: address is a resolved "IP:port".
func (l *Lab) dial(ctx context.Context, netw, address string) (net.Conn, error) {
	l.mu.Lock()
	want := address
	if orig, ok := l.reverse[address]; ok {
		want = orig // already mapped by a Network.PortMap someone set
	}
	filtered := l.filtered[want]
	target, mapped := l.portMap[want]
	latency := l.latency
	l.mu.Unlock()

	if filtered {
		<-ctx.Done()
		return nil, &net.OpError{Op: "dial", Net: netw, Err: ctx.Err()}
	}
	if latency > 0 {
		if err := network.Sleep(ctx, latency); err != nil {
			return nil, &net.OpError{Op: "dial", Net: netw, Err: err}
		}
	}
	if !mapped {
		target = address
		host, _, _ := net.SplitHostPort(address)
		if !l.opts.RealPorts && l.ownsIP(host) {
			// A lab host with nothing on this port: answer like a
			// closed port without touching the real one, which some
			// other program on this machine might be using.
			return nil, &net.OpError{Op: "dial", Net: netw, Err: os.NewSyscallError("connect", errConnRefused)}
		}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, netw, target)
	if err != nil {
		return nil, err
	}
	if latency > 0 {
		conn = &slowConn{Conn: conn, delay: latency}
	}
	return conn, nil
}
