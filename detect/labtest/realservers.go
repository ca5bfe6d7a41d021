package labtest

import (
	"bufio"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/network"
)

// EnvRealServersDir names the directory .ci/realservers.sh works in
// (DefaultRealServersDir unless set); its file "env" says where the real
// servers listen.
const (
	EnvRealServersDir     = "POSTINO_REALSERVERS_DIR"
	DefaultRealServersDir = "/var/lib/postino-realservers"
)

// RealEnv is what .ci/realservers.sh wrote to $DIR/env for the running
// Postfix, Dovecot and NSD on 127.77.0.0/16: POSTINO_DNS, SSL_CERT_FILE,
// REALSERVERS_DOMAIN, REALSERVERS_USER, REALSERVERS_PASSWORD,
// REALSERVERS_SMTP_IP, ... (see write_env in the script).
type RealEnv map[string]string

// Network returns a LoopbackOnly network that asks the real servers' NSD
// and trusts their test CA (SSL_CERT_FILE).
func (e RealEnv) Network() (*network.Network, error) {
	nw, err := network.New(network.Options{DNS: e["POSTINO_DNS"]})
	if err != nil {
		return nil, err
	}
	pem, err := os.ReadFile(e["SSL_CERT_FILE"])
	if err != nil {
		return nil, fmt.Errorf("the real servers' CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("the real servers' CA %s holds no certificate", e["SSL_CERT_FILE"])
	}
	nw.RootCAs, nw.LoopbackOnly = pool, true
	return nw, nil
}

var (
	realOnce   sync.Once
	realEnv    RealEnv
	realReason error
)

// LoadRealServers reads $POSTINO_REALSERVERS_DIR/env and checks that the
// name server, IMAP and SMTP answer; the error says in one line why the
// real servers cannot be used. The answer is computed once per process.
func LoadRealServers() (RealEnv, error) {
	realOnce.Do(func() { realEnv, realReason = loadRealServers() })
	return realEnv, realReason
}

func loadRealServers() (RealEnv, error) {
	dir := os.Getenv(EnvRealServersDir)
	if dir == "" {
		dir = DefaultRealServersDir
	}
	path := filepath.Join(dir, "env")
	env, err := readRealEnv(path)
	if err != nil {
		return nil, fmt.Errorf("not started (no %s; run .ci/realservers.sh start, or make test as root)", path)
	}
	for _, k := range []string{"POSTINO_DNS", "REALSERVERS_IMAP_IP", "REALSERVERS_SMTP_IP", "SSL_CERT_FILE"} {
		if env[k] == "" {
			return nil, fmt.Errorf("%s lacks %s (written by an older .ci/realservers.sh?)", path, k)
		}
	}
	for _, addr := range []string{env["POSTINO_DNS"], net.JoinHostPort(env["REALSERVERS_IMAP_IP"], "993"), net.JoinHostPort(env["REALSERVERS_SMTP_IP"], "465")} {
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			return nil, fmt.Errorf("not running (%s: %v; run .ci/realservers.sh start)", addr, err)
		}
		c.Close()
	}
	return env, nil
}

// readRealEnv reads KEY=VALUE lines; anything else is ignored.
func readRealEnv(path string) (RealEnv, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	env := RealEnv{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "="); ok && k != "" {
			env[k] = v
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(env) == 0 {
		return nil, errors.New("empty")
	}
	return env, nil
}

// RealServers returns the running real servers' environment and a
// network that reaches them, or skips the test with one line saying why
// they are not there ("SKIP real servers: not running (...)").
func RealServers(t testing.TB) (RealEnv, *network.Network) {
	t.Helper()
	env, err := LoadRealServers()
	if err != nil {
		t.Skip("SKIP real servers: " + err.Error())
	}
	nw, err := env.Network()
	if err != nil {
		t.Skip("SKIP real servers: " + err.Error())
	}
	return env, nw
}
