package export

import (
	"crypto"
	"crypto/x509"
	"time"

	"github.com/smallstep/pkcs7"
	"software.sslmate.com/src/go-pkcs12"
)

// Signer signs configuration profiles with a certificate and its private
// key, loaded from a PKCS#12 (.p12) file.
type Signer struct {
	cert  *x509.Certificate
	key   crypto.PrivateKey
	chain []*x509.Certificate
}

// LoadSigner reads a PKCS#12 file (RFC 7292) protected by password. The
// certificate must be valid now: Apple devices show a profile signed with
// an expired certificate as unverified.
func LoadSigner(p12 []byte, password string) (*Signer, error) {
	key, cert, chain, err := pkcs12.DecodeChain(p12, password)
	if err != nil {
		return nil, failure("export.err.p12", nil, err)
	}
	now := time.Now()
	if now.After(cert.NotAfter) || now.Before(cert.NotBefore) {
		return nil, failure("export.err.p12_validity", map[string]any{
			"Subject":   cert.Subject.String(),
			"NotBefore": cert.NotBefore.UTC().Format(time.DateOnly),
			"NotAfter":  cert.NotAfter.UTC().Format(time.DateOnly),
		}, nil)
	}
	signer, ok := key.(crypto.Signer)
	if !ok || !publicKeysEqual(signer.Public(), cert.PublicKey) {
		return nil, failure("export.err.p12_key", nil, nil)
	}
	return &Signer{cert: cert, key: key, chain: chain}, nil
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}

// orderChain returns the certificates of chain that lead from cert to its
// root, issuer first (the order pkcs7.AddSignerChain checks), and the rest
// (cross-signed or unrelated certificates a .p12 may carry).
func orderChain(cert *x509.Certificate, chain []*x509.Certificate) (path, rest []*x509.Certificate) {
	left := append([]*x509.Certificate(nil), chain...)
	for cur := cert; ; {
		next := -1
		for i, c := range left {
			if !c.Equal(cur) && cur.CheckSignatureFrom(c) == nil {
				next = i
				break
			}
		}
		if next < 0 {
			break
		}
		cur = left[next]
		path = append(path, cur)
		left = append(left[:next], left[next+1:]...)
	}
	for _, c := range left {
		if !c.Equal(cert) {
			rest = append(rest, c)
		}
	}
	return path, rest
}

// Subject names the signing certificate, for messages.
func (s *Signer) Subject() string { return s.cert.Subject.String() }

// Sign wraps data in a DER-encoded CMS SignedData (RFC 5652) with the
// content attached, a SHA-256 digest, and the certificate chain from the
// .p12 included, which is what iOS and macOS expect of a signed profile.
// `openssl cms -verify -inform DER` checks it.
func (s *Signer) Sign(data []byte) ([]byte, error) {
	sd, err := pkcs7.NewSignedData(data)
	if err != nil {
		return nil, failure("export.err.sign", nil, err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	path, rest := orderChain(s.cert, s.chain)
	if err := sd.AddSignerChain(s.cert, s.key, path, pkcs7.SignerInfoConfig{}); err != nil {
		return nil, failure("export.err.sign", nil, err)
	}
	for _, c := range rest {
		sd.AddCertificate(c)
	}
	out, err := sd.Finish()
	if err != nil {
		return nil, failure("export.err.sign", nil, err)
	}
	return out, nil
}
