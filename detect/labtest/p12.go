package labtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"sync"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// SignerName is the subject of SignerP12's certificate, which the export
// dialog shows once the file is loaded.
const SignerName = "Studio Rossi IT"

// fixtureCA issues the .p12 fixture: a lab-shaped authority (root and
// intermediate), made once per test binary so tests without a Lab can
// have a signer too.
var fixtureCA = sync.OnceValues(newAuthority)

// SignerP12 is the one .p12 fixture: a PKCS #12 file (modern encryption)
// protected by password, holding a profile-signing certificate for
// SignerName and its key, issued by the fixture CA's intermediate, which
// the file carries as a real signer's .p12 does. It returns the root a
// verifier of the signature must trust.
func SignerP12(t testing.TB, password string) (p12 []byte, root *x509.Certificate) {
	t.Helper()
	ca, err := fixtureCA()
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(),
		Subject:      pkix.Name{CommonName: SignerName},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.inter, &key.PublicKey, ca.interKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	p12, err = pkcs12.Modern.Encode(key, leaf, []*x509.Certificate{ca.inter}, password)
	if err != nil {
		t.Fatal(err)
	}
	return p12, ca.root
}
