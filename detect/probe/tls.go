package probe

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"net"
	"time"

	"github.com/postino-mail/postino/detect/internal/mailconn"
	"github.com/postino-mail/postino/detect/internal/mailerr"
	"github.com/postino-mail/postino/detect/mail"
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
	if r.ep.Security != mail.TLS {
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
	case mailconn.Unread(br) != nil:
		r.failed(mailconn.Unread(br), false)
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
	info.DNSNames = mailerr.CertNames(leaf)
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
// for the host we dialed (mailerr.Certificate, the round trip's verdict
// too).
func (r *run) verify(chain []*x509.Certificate, now time.Time) []problem.Problem {
	return mailerr.Certificate(chain, r.ep.Host, r.nw.VerifyOptions("", chain[1:]), now)
}

// handshakeFailed records a failed handshake (mailerr.Classify).
func (r *run) handshakeFailed(err error) {
	r.failed(&mailerr.HandshakeError{Err: err, StartTLS: r.ep.Security == mail.STARTTLS}, false)
}

func (r *run) dataWith(k string, v any) map[string]any {
	d := r.data()
	d[k] = v
	return d
}
