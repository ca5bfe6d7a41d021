package network

import (
	"crypto/x509"

	"github.com/postino-mail/postino/detect/input"
)

// EnvCAFile names the environment variable that, like the --ca-file
// flag and the window's setting, names a file of extra CAs to trust.
const EnvCAFile = "POSTINO_CA_FILE"

// ErrNoCertificate means a CA file held no certificate Postino could read.
var ErrNoCertificate = input.ErrNoCertificate

// TrustCAFile adds the certificates in the file at path (PEM, one or
// more; or a single DER .cer as Windows exports it) to the CAs n trusts,
// on top of the system's store (or of the pool n already had). This is
// how IT staff with a private company CA check their servers on
// Windows, where SSL_CERT_FILE does nothing because Go asks the system
// store. An empty path does nothing.
func (n *Network) TrustCAFile(path string) error {
	if path == "" {
		return nil
	}
	certs, err := ReadCAFile(path)
	if err != nil {
		return err
	}
	pool := n.RootCAs
	switch {
	case pool != nil:
		pool = pool.Clone() // the caller's pool may be shared
	default:
		if pool, err = x509.SystemCertPool(); err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
	}
	for _, c := range certs {
		pool.AddCert(c)
	}
	n.RootCAs = pool
	return nil
}

// ReadCAFile returns the certificates in the file at path (PEM or DER);
// the rule lives in detect/input so the window can check a setting
// without network code.
func ReadCAFile(path string) ([]*x509.Certificate, error) { return input.ReadCAFile(path) }
