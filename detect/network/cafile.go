package network

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxCAFile bounds what TrustCAFile reads: a bundle of a few hundred
// certificates is well under it, a wrong path to a huge file is not.
const maxCAFile = 4 << 20

// EnvCAFile names the environment variable that, like the --ca-file
// flag and the window's setting, names a file of extra CAs to trust.
const EnvCAFile = "POSTINO_CA_FILE"

// ErrNoCertificate means a CA file held no certificate Postino could read.
var ErrNoCertificate = errors.New("no certificate in the file (PEM or DER expected)")

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

// ReadCAFile returns the certificates in the file at path (PEM or DER).
// Settings forms use it to refuse a wrong file before it is saved.
func ReadCAFile(path string) ([]*x509.Certificate, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && (fi.IsDir() || fi.Size() > maxCAFile) {
		return nil, fmt.Errorf("%s: %w", path, ErrNoCertificate)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxCAFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxCAFile {
		return nil, fmt.Errorf("%s: %w", path, ErrNoCertificate)
	}
	var certs []*x509.Certificate
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		if der, err := x509.ParseCertificates(data); err == nil {
			certs = der
		}
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s: %w", path, ErrNoCertificate)
	}
	return certs, nil
}
