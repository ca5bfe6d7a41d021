// Package batchtest builds hosted-mail labs for the batch's tests and
// benchmark: providers found through their customers' MX records and
// the lab's ISPDB, mail hosts on chosen ports, and a counter of the
// connections each host's servers accept.
package batchtest

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
)

// The lab's ISPDB: providers are found through their customers' MX
// records, as real hosted domains are.
const (
	ISPDBHost = "ispdb.example.net"
	ISPDBURL  = "https://" + ISPDBHost + "/v1.1/"
)

// ConnCounter watches the connections the lab's mail servers accept,
// per host: how many in all, per port, and the most open at once.
type ConnCounter struct {
	mu      sync.Mutex
	open    map[string]int
	maxOpen map[string]int
	perPort map[string]int // "host:port"
}

func NewConnCounter() *ConnCounter {
	return &ConnCounter{open: map[string]int{}, maxOpen: map[string]int{}, perPort: map[string]int{}}
}

func (c *ConnCounter) opened(host string, port int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.open[host]++
	c.perPort[fmt.Sprintf("%s:%d", host, port)]++
	if c.open[host] > c.maxOpen[host] {
		c.maxOpen[host] = c.open[host]
	}
}

func (c *ConnCounter) closed(host string) {
	c.mu.Lock()
	c.open[host]--
	c.mu.Unlock()
}

func (c *ConnCounter) Snapshot() (max map[string]int, perPort map[string]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	max, perPort = map[string]int{}, map[string]int{}
	for k, v := range c.maxOpen {
		max[k] = v
	}
	for k, v := range c.perPort {
		perPort[k] = v
	}
	return max, perPort
}

// countingListener reports each accepted connection to a ConnCounter
// until the client goes away (the server's read sees the end) or the
// server closes it.
type countingListener struct {
	net.Listener
	host string
	port int
	c    *ConnCounter
}

func (l *countingListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.c.opened(l.host, l.port)
	return &countedConn{Conn: conn, done: func() { l.c.closed(l.host) }}, nil
}

type countedConn struct {
	net.Conn
	once sync.Once
	done func()
}

func (c *countedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil {
		c.once.Do(c.done)
	}
	return n, err
}

func (c *countedConn) Close() error {
	c.once.Do(c.done)
	return c.Conn.Close()
}

// Host serves a mail host on the given standard ports: IMAP on 993
// (TLS) and 143, POP3 on 995 (TLS) and 110, SMTP on 465 (TLS), 587, 25
// and 2525. Ports in filtered drop packets.
func Host(t testing.TB, lab *labtest.Lab, c *ConnCounter, host string, ports []int, filtered ...int) {
	t.Helper()
	cert := lab.Cert(host)
	user := mailserver.NewUser(t, "nobody@"+host, "unused-password")
	for _, port := range ports {
		var ln net.Listener = lab.Listen(host, port)
		if c != nil {
			ln = &countingListener{Listener: ln, host: host, port: port, c: c}
		}
		switch port {
		case 993, 143:
			mailserver.ServeIMAP(t, ln, user, nil, cert, port == 993)
		case 995, 110:
			srv := &mailserver.POP3{Capa: []string{"USER", "UIDL"}, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}, ImplicitTLS: port == 995}
			srv.Serve(ln)
			t.Cleanup(srv.Close)
		default:
			mailserver.ServeSMTP(t, ln, mailserver.NewSubmission(user, "nobody@"+host, "unused-password", nil), host, cert, port == 465)
		}
	}
	for _, p := range filtered {
		lab.Filter(host, p)
	}
}

// ISPDB serves the lab's ISPDB: one autoconfig file per provider domain.
type ISPDB struct {
	mu    sync.Mutex
	files map[string]string
}

func NewISPDB(lab *labtest.Lab) *ISPDB {
	db := &ISPDB{files: map[string]string{}}
	lab.HTTPS(ISPDBHost, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		db.mu.Lock()
		body, ok := db.files[strings.TrimPrefix(r.URL.Path, "/v1.1/")]
		db.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, body)
	}))
	return db
}

// Provider publishes a provider domain whose IMAP host is imapHost and
// SMTP host smtpHost (and POP3 on popHost when not empty).
func (db *ISPDB) Provider(domain, display, imapHost, popHost, smtpHost string) {
	x := fmt.Sprintf(`<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="%[1]s"><domain>%[1]s</domain><displayName>%[2]s</displayName>`+
		`<incomingServer type="imap"><hostname>%[3]s</hostname><port>993</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%%EMAILADDRESS%%</username></incomingServer>`, domain, display, imapHost)
	if popHost != "" {
		x += fmt.Sprintf(`<incomingServer type="pop3"><hostname>%s</hostname><port>995</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%%EMAILADDRESS%%</username></incomingServer>`, popHost)
	}
	x += fmt.Sprintf(`<outgoingServer type="smtp"><hostname>%s</hostname><port>465</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%%EMAILADDRESS%%</username></outgoingServer></emailProvider></clientConfig>`, smtpHost)
	db.mu.Lock()
	db.files[domain] = x
	db.mu.Unlock()
}

var AllPorts = []int{993, 143, 995, 110, 465, 587, 25, 2525}

// Reset forgets every connection counted so far.
func (c *ConnCounter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.open, c.maxOpen, c.perPort = map[string]int{}, map[string]int{}, map[string]int{}
}
