package labtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"time"
)

// CertOptions describe a server certificate to issue.
type CertOptions struct {
	// Names are the DNS names (or IP literals) the certificate is for.
	Names []string
	// NotBefore and NotAfter default to an hour ago and a day from now.
	NotBefore, NotAfter time.Time
	// SelfSigned issues a certificate signed by its own key instead of
	// the lab CA (untrusted by every lab Network).
	SelfSigned bool
	// OmitIntermediate leaves the intermediate out of the chain the
	// server sends: the leaf is signed by an intermediate the client
	// never sees, so verification fails as for a misconfigured server.
	OmitIntermediate bool
}

// authority is a root CA and one intermediate; leaves are signed by the
// intermediate so a server must send the chain, as real servers do.
type authority struct {
	root, inter       *x509.Certificate
	rootKey, interKey *ecdsa.PrivateKey
	rootPEM           []byte

	mu    sync.Mutex
	cache map[string]tls.Certificate // plain Cert(names...) by joined names
}

var serial = struct {
	sync.Mutex
	n int64
}{n: time.Now().UnixNano()}

func nextSerial() *big.Int {
	serial.Lock()
	defer serial.Unlock()
	serial.n++
	return big.NewInt(serial.n)
}

func newAuthority() (*authority, error) {
	a := &authority{cache: map[string]tls.Certificate{}}
	var err error
	if a.rootKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, err
	}
	if a.interKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, err
	}
	now := time.Now()
	rootTmpl := &x509.Certificate{
		SerialNumber:          nextSerial(),
		Subject:               pkix.Name{CommonName: "Postino Lab Root CA", Organization: []string{"Postino tests"}},
		NotBefore:             now.Add(-24 * time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, &a.rootKey.PublicKey, a.rootKey)
	if err != nil {
		return nil, fmt.Errorf("labtest: root CA: %w", err)
	}
	if a.root, err = x509.ParseCertificate(der); err != nil {
		return nil, err
	}
	a.rootPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	interTmpl := &x509.Certificate{
		SerialNumber:          nextSerial(),
		Subject:               pkix.Name{CommonName: "Postino Lab Intermediate CA", Organization: []string{"Postino tests"}},
		NotBefore:             now.Add(-24 * time.Hour),
		NotAfter:              now.Add(5 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err = x509.CreateCertificate(rand.Reader, interTmpl, a.root, &a.interKey.PublicKey, a.rootKey)
	if err != nil {
		return nil, fmt.Errorf("labtest: intermediate CA: %w", err)
	}
	if a.inter, err = x509.ParseCertificate(der); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *authority) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(a.root)
	return p
}

func (a *authority) issue(o CertOptions) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	if o.NotBefore.IsZero() {
		o.NotBefore = now.Add(-time.Hour)
	}
	if o.NotAfter.IsZero() {
		o.NotAfter = now.Add(24 * time.Hour)
	}
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(),
		NotBefore:    o.NotBefore,
		NotAfter:     o.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if len(o.Names) > 0 {
		tmpl.Subject.CommonName = o.Names[0]
	}
	for _, n := range o.Names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, strings.TrimSuffix(n, "."))
		}
	}
	parent, signer := a.inter, a.interKey
	if o.SelfSigned {
		parent, signer = tmpl, key
		tmpl.BasicConstraintsValid = true
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("labtest: issuing %v: %w", o.Names, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
	if !o.SelfSigned && !o.OmitIntermediate {
		cert.Certificate = append(cert.Certificate, a.inter.Raw)
	}
	return cert, nil
}

// CAPool returns a pool holding only the lab's root certificate.
func (l *Lab) CAPool() *x509.CertPool { return l.ca.pool() }

// CAPEM returns the lab's root certificate in PEM form.
func (l *Lab) CAPEM() []byte { return append([]byte(nil), l.ca.rootPEM...) }

// CACert returns the lab's root certificate.
func (l *Lab) CACert() *x509.Certificate { return l.ca.root }

// Cert returns a valid certificate for names, signed by the lab's
// intermediate and served with it. Certificates are cached per name list.
func (l *Lab) Cert(names ...string) tls.Certificate {
	key := strings.ToLower(strings.Join(names, ","))
	l.ca.mu.Lock()
	defer l.ca.mu.Unlock()
	if c, ok := l.ca.cache[key]; ok {
		return c
	}
	c, err := l.ca.issue(CertOptions{Names: names})
	if err != nil {
		panic(err.Error())
	}
	l.ca.cache[key] = c
	return c
}

// CertWith issues a certificate with the given options (expired, not yet
// valid, self-signed, incomplete chain, wrong names).
func (l *Lab) CertWith(o CertOptions) tls.Certificate {
	c, err := l.ca.issue(o)
	if err != nil {
		panic(err.Error())
	}
	return c
}
