package input

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxCAFile bounds what ReadCAFile reads: a bundle of a few hundred
// certificates is well under it, a wrong path to a huge file is not.
const maxCAFile = 4 << 20

// ErrNoCertificate means a CA file held no certificate Postino could read.
var ErrNoCertificate = errors.New("no certificate in the file (PEM or DER expected)")

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
