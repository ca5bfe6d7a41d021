package probe

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/internal/mailconn"
	"github.com/postino-mail/postino/detect/problem"
)

// tlsConfig is deliberately permissive: verification is done by verify
// after the handshake, so that a bad certificate is reported in plain
// words instead of ending the probe, and TLS 1.0 is allowed so that an
// old server is reported as a warning instead of as unreachable. The
// password is never sent on such a session unless the person allowed it.
func (r *run) tlsConfig() *tls.Config {
	cfg := r.nw.TLSConfig(r.ep.Host)
	cfg.InsecureSkipVerify = true
	cfg.MinVersion = tls.VersionTLS10
	return cfg
}

// session returns the connection a protocol starts on: for implicit TLS
// (RFC 8314 §3) the TLS session, otherwise the TCP connection. It is nil
// when the handshake failed; the failure is already recorded.
func (r *run) session() net.Conn {
	if r.ep.Security != config.TLS {
		return r.raw
	}
	if tc := r.handshake(r.raw); tc != nil {
		return tc
	}
	return nil
}

// startTLS continues after a STARTTLS command (RFC 3207 §4, RFC 3501
// §6.2.1) whose answer was cmdErr: it runs the handshake and returns the
// recording connection over TLS, or nil after a recorded failure. Bytes
// already waiting in br were sent before TLS but would be read as if they
// came over it (CVE-2011-0411), so they end the probe.
func (r *run) startTLS(cmdErr error, br *bufio.Reader) *recordConn {
	switch {
	case cmdErr != nil:
		r.fail(problem.New(problem.StartTLSFailed, r.dataWith("Detail", oneLine(errText(cmdErr)))))
		return nil
	case br.Buffered() > 0:
		r.fail(problem.New(problem.StartTLSFailed, r.dataWith("Detail", problem.Msg("probe.detail.injection"))))
		return nil
	}
	tc := r.handshake(r.raw)
	if tc == nil {
		return nil
	}
	return newRecordConn(tc, r.tr)
}

// handshake runs TLS on conn and reports on the session and the
// certificate. It returns nil after a failure it has already recorded.
func (r *run) handshake(conn net.Conn) *tls.Conn {
	r.setPhase(PhaseTLS)
	tc := tls.Client(conn, r.tlsConfig())
	if err := tc.HandshakeContext(r.ctx); err != nil {
		r.handshakeFailed(err)
		return nil
	}
	st := tc.ConnectionState()
	info := &TLSInfo{Version: tls.VersionName(st.Version), Cipher: tls.CipherSuiteName(st.CipherSuite)}
	r.res.TLS = info
	r.encrypted = true
	r.tlsVersion = st.Version
	if st.Version < tls.VersionTLS12 {
		// RFC 8996 deprecates TLS 1.0 and 1.1.
		r.warn(problem.New(problem.OldTLS, map[string]any{"Version": info.Version}))
	}
	if len(st.PeerCertificates) == 0 {
		p := problem.New(problem.CertInvalid, map[string]any{"Detail": problem.Msg("probe.cert.none")})
		info.Cert = &p
		r.warn(p)
		return tc
	}
	leaf := st.PeerCertificates[0]
	info.SHA256 = CertFingerprint(leaf.Raw)
	info.Subject = leaf.Subject.String()
	info.Issuer = leaf.Issuer.String()
	info.DNSNames = certNames(leaf)
	info.NotBefore, info.NotAfter = leaf.NotBefore, leaf.NotAfter
	probs := r.verify(st.PeerCertificates, time.Now())
	if len(probs) == 0 {
		info.Verified = true
		r.certOK = true
		return tc
	}
	info.Cert = &probs[0]
	// A certificate problem on a server that otherwise works is a
	// warning: the endpoint answers, a person can decide. The login is
	// what it blocks (see mayLogin).
	for _, p := range probs {
		r.warn(p)
	}
	return tc
}

// verify checks the chain the server sent against the Network's roots
// for the host we dialed, and returns every problem it finds, the most
// telling first. Each aspect (dates, name, issuer) is checked on its own
// because x509's Verify stops at the first failure, and "expired" hides
// "issued for another name".
func (r *run) verify(chain []*x509.Certificate, now time.Time) []problem.Problem {
	leaf := chain[0]
	var out []problem.Problem
	date := func(t time.Time) string { return t.UTC().Format("2006-01-02") }
	// When the leaf is out of date, check the chain at a moment the leaf
	// was valid, so the authority problem (if any) still shows.
	at := now
	switch {
	case now.After(leaf.NotAfter):
		out = append(out, problem.New(problem.CertExpired, map[string]any{"Date": date(leaf.NotAfter)}))
		at = leaf.NotAfter.Add(-time.Second)
	case now.Before(leaf.NotBefore):
		out = append(out, problem.New(problem.CertNotYetValid, map[string]any{"Date": date(leaf.NotBefore)}))
		at = leaf.NotBefore.Add(time.Second)
	}
	if err := leaf.VerifyHostname(r.ep.Host); err != nil {
		out = append(out, problem.New(problem.CertWrongHost, map[string]any{
			"Host": r.ep.Host, "Names": strings.Join(certNames(leaf), ", "),
		}))
	}
	opts := r.nw.VerifyOptions("", chain[1:])
	opts.CurrentTime = at
	if _, err := leaf.Verify(opts); err != nil {
		var ua x509.UnknownAuthorityError
		var inv x509.CertificateInvalidError
		switch {
		case errors.As(err, &ua) && len(chain) == 1 && bytes.Equal(leaf.RawIssuer, leaf.RawSubject):
			out = append(out, problem.New(problem.CertSelfSigned, nil))
		case errors.As(err, &ua):
			out = append(out, problem.New(problem.CertUnknownIssuer, map[string]any{"Issuer": issuerName(leaf)}))
		case errors.As(err, &inv) && inv.Reason == x509.Expired:
			// The leaf's own dates were checked above. When the leaf is
			// out of date the chain was checked at a moment the leaf was
			// valid; an intermediate that is fine today but was issued
			// after that moment (a renewed CA) is no news to report.
			if at.Equal(now) || outOfDate(chain[1:], now) {
				out = append(out, problem.New(problem.CertInvalid, map[string]any{"Detail": problem.Msg("probe.cert.chain_expired")}))
			}
		default:
			out = append(out, problem.New(problem.CertInvalid, map[string]any{"Detail": err.Error()}))
		}
	}
	return out
}

// outOfDate reports whether any certificate is expired or not yet valid
// at t.
func outOfDate(certs []*x509.Certificate, t time.Time) bool {
	for _, c := range certs {
		if t.Before(c.NotBefore) || t.After(c.NotAfter) {
			return true
		}
	}
	return false
}

func certNames(c *x509.Certificate) []string {
	names := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = []string{c.Subject.CommonName}
	}
	return names
}

func issuerName(c *x509.Certificate) string {
	if c.Issuer.CommonName != "" {
		return c.Issuer.CommonName
	}
	return c.Issuer.String()
}

// handshakeFailed turns a failed handshake into a problem. crypto/tls
// does not export its alert type for alerts the server sends, so the
// alert is recognised by its description (RFC 8446 §6.2).
func (r *run) handshakeFailed(err error) {
	var rh tls.RecordHeaderError
	msg := err.Error()
	switch {
	case r.ctx.Err() != nil || mailconn.IsTimeout(err):
		r.connFailed(err)
	case r.ep.Security == config.STARTTLS && !errors.As(err, &rh) && isNoCommonTLS(msg):
		r.fail(problem.New(problem.NoCommonTLS, nil))
	case r.ep.Security == config.STARTTLS:
		// The server agreed to STARTTLS and then could not do TLS.
		r.fail(problem.New(problem.StartTLSFailed, r.dataWith("Detail", msg)))
	case errors.As(err, &rh):
		// Not TLS at all: most often a plaintext service on a TLS port.
		r.fail(problem.New(problem.NotThisProtocol, r.dataWith("Detail", problem.Msg("probe.detail.not_tls"))))
	case isNoCommonTLS(msg):
		r.fail(problem.New(problem.NoCommonTLS, nil))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), mailconn.IsReset(err):
		r.fail(problem.New(problem.TLSFailed, r.dataWith("Detail", problem.Msg("probe.detail.closed_in_tls"))))
	default:
		r.fail(problem.New(problem.TLSFailed, r.dataWith("Detail", msg)))
	}
}

func (r *run) dataWith(k string, v any) map[string]any {
	d := r.data()
	d[k] = v
	return d
}

// isNoCommonTLS recognises the alerts and local errors that mean the two
// sides share no TLS version or cipher suite.
func isNoCommonTLS(msg string) bool {
	for _, s := range []string{"protocol version", "no cipher suite", "handshake failure", "insufficient security"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
