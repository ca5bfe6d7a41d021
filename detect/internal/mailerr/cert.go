package mailerr

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strings"
	"time"

	"github.com/postino-mail/postino/detect/problem"
)

// Certificate checks the chain a server sent, for host, against the
// roots (and intermediates) in opts, and returns every problem it finds,
// the most telling first. Each aspect (dates, name, issuer) is checked
// on its own because x509's Verify stops at the first failure, and
// "expired" hides "issued for another name". The order is Verify's own
// (dates, name, authority), so the first problem is the one crypto/tls
// would have stopped at.
func Certificate(chain []*x509.Certificate, host string, opts x509.VerifyOptions, now time.Time) []problem.Problem {
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
	if err := leaf.VerifyHostname(host); err != nil {
		out = append(out, problem.New(problem.CertWrongHost, map[string]any{
			"Host": host, "Names": strings.Join(CertNames(leaf), ", "),
		}))
	}
	opts.DNSName = ""
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

// certFailure names what is wrong with a certificate crypto/tls refused:
// the first problem Certificate finds in the chain the server sent, so a
// certificate gets the same verdict whoever dialed.
func certFailure(cv *tls.CertificateVerificationError, f Facts) problem.Problem {
	chain := cv.UnverifiedCertificates
	if len(chain) > 0 {
		opts := x509.VerifyOptions{Roots: f.Roots, Intermediates: x509.NewCertPool()}
		for _, c := range chain[1:] {
			opts.Intermediates.AddCert(c)
		}
		if probs := Certificate(chain, f.Server.Host, opts, time.Now()); len(probs) > 0 {
			return probs[0]
		}
	}
	return problem.New(problem.CertInvalid, map[string]any{"Detail": problem.ServerLine(cv.Err.Error())})
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

// CertNames are the names a certificate is issued for: its DNS names and
// IP addresses, or its common name when it has neither.
func CertNames(c *x509.Certificate) []string {
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
