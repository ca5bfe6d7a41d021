package labtest_test

import (
	"crypto/x509"
	"testing"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/postino-mail/postino/detect/labtest"
)

// The .p12 fixture opens with its password only, and its certificate
// chains to the root it comes with through the intermediate it carries.
func TestSignerP12ChainsToItsRoot(t *testing.T) {
	p12, root := labtest.SignerP12(t, "p12-pass")
	if _, _, _, err := pkcs12.DecodeChain(p12, "wrong"); err == nil {
		t.Fatal("a wrong password opened the .p12")
	}
	_, leaf, chain, err := pkcs12.DecodeChain(p12, "p12-pass")
	if err != nil {
		t.Fatal(err)
	}
	roots, inters := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root)
	for _, c := range chain {
		inters.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inters, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		t.Errorf("%s: %v", leaf.Subject.CommonName, err)
	}
	if leaf.Subject.CommonName != labtest.SignerName {
		t.Errorf("subject %q, want %q", leaf.Subject.CommonName, labtest.SignerName)
	}
}
