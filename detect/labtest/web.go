package labtest

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var errConnRefused = syscall.ECONNREFUSED

// webServer is one HTTP or HTTPS server on one lab address; it routes by
// host name (Host header, SNI) so several names may share an address.
type webServer struct {
	srv    *http.Server
	labCtx context.Context // cancelled when the lab closes

	mu       sync.Mutex
	handlers map[string]http.Handler    // host → handler
	certs    map[string]tls.Certificate // host → certificate
	order    []string                   // hosts in registration order
}

func cleanHost(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

func (w *webServer) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	h, ok := w.handlers[cleanHost(r.Host)]
	if !ok && len(w.order) == 1 {
		h, ok = w.handlers[w.order[0]], true
	}
	w.mu.Unlock()
	if !ok {
		http.Error(rw, "no such host in the lab", http.StatusMisdirectedRequest)
		return
	}
	// A handler that waits on its request's context ends when the lab
	// closes, even if the client never hangs up (a POST body nobody read
	// keeps net/http from noticing a closed connection).
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(w.labCtx, cancel)
	defer stop()
	h.ServeHTTP(rw, r.WithContext(ctx))
}

func (w *webServer) getCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if c, ok := w.certs[cleanHost(hello.ServerName)]; ok {
		return &c, nil
	}
	// No certificate for that name: serve the first one, as a
	// misconfigured server would (the client then sees a name mismatch).
	if len(w.order) > 0 {
		if c, ok := w.certs[w.order[0]]; ok {
			return &c, nil
		}
	}
	return nil, errors.New("labtest: no certificate")
}

// HTTPS serves h for host on port 443 with a valid certificate from the
// lab CA.
func (l *Lab) HTTPS(host string, h http.Handler) {
	l.HTTPSCert(host, l.Cert(host), h)
}

// HTTPSCert serves h for host on port 443 with the given certificate (see
// CertWith for broken ones).
func (l *Lab) HTTPSCert(host string, cert tls.Certificate, h http.Handler) {
	l.serveWeb(host, 443, &cert, h)
}

// HTTP serves h for host on port 80, in clear text.
func (l *Lab) HTTP(host string, h http.Handler) {
	l.serveWeb(host, 80, nil, h)
}

// ServeHTTPOn serves h for host on any port, with TLS when cert is not
// nil.
func (l *Lab) ServeHTTPOn(host string, port int, cert *tls.Certificate, h http.Handler) {
	l.serveWeb(host, port, cert, h)
}

func (l *Lab) serveWeb(host string, port int, cert *tls.Certificate, h http.Handler) {
	ip := l.Host(host)
	key := net.JoinHostPort(ip.String(), strconv.Itoa(port))
	name := cleanHost(host)

	l.mu.Lock()
	ws, ok := l.servers[key]
	l.mu.Unlock()
	if !ok {
		ln := l.Listen(host, port)
		ws = &webServer{labCtx: l.ctx, handlers: map[string]http.Handler{}, certs: map[string]tls.Certificate{}}
		ws.srv = &http.Server{
			Handler:           ws,
			ReadHeaderTimeout: 5 * time.Second,
			// Handshake failures are what many tests provoke; they are
			// not worth a line on stderr.
			ErrorLog: log.New(io.Discard, "", 0),
		}
		var serveLn net.Listener = ln
		if cert != nil {
			serveLn = tls.NewListener(ln, &tls.Config{GetCertificate: ws.getCertificate, MinVersion: tls.VersionTLS12})
		}
		l.mu.Lock()
		if l.closed {
			l.mu.Unlock()
			return
		}
		l.servers[key] = ws
		l.wg.Add(1)
		l.mu.Unlock()
		go func() {
			defer l.wg.Done()
			ws.srv.Serve(serveLn)
		}()
	}
	ws.mu.Lock()
	if _, seen := ws.handlers[name]; !seen {
		ws.order = append(ws.order, name)
	}
	ws.handlers[name] = h
	if cert != nil {
		ws.certs[name] = *cert
	}
	ws.mu.Unlock()
}

// slowConn adds a delay to the first read after each write: one round
// trip per command/answer turn, as a distant server costs.
type slowConn struct {
	net.Conn
	delay   time.Duration
	pending atomic.Bool
}

func (c *slowConn) Write(p []byte) (int, error) {
	c.pending.Store(true)
	return c.Conn.Write(p)
}

func (c *slowConn) Read(p []byte) (int, error) {
	if c.pending.Swap(false) {
		time.Sleep(c.delay)
	}
	return c.Conn.Read(p)
}
