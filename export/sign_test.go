package export

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"
	"software.sslmate.com/src/go-pkcs12"
)

// testPKI is a root CA, an intermediate CA and a profile-signing
// certificate, made fresh for each test.
type testPKI struct {
	root, inter, leaf *x509.Certificate
	leafKey           crypto.Signer
}

func newCert(t *testing.T, tmpl *x509.Certificate, parent *x509.Certificate, parentKey crypto.Signer) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func newPKI(t *testing.T, notBefore, notAfter time.Time) testPKI {
	t.Helper()
	ca := func(serial int64, name string) *x509.Certificate {
		return &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		}
	}
	root, rootKey := newCert(t, ca(1, "Postino Test Root"), nil, nil)
	inter, interKey := newCert(t, ca(2, "Postino Test Intermediate"), root, rootKey)
	leaf, leafKey := newCert(t, &x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "Profile Signer", Organization: []string{"Libero IT"}},
		NotBefore: notBefore, NotAfter: notAfter, KeyUsage: x509.KeyUsageDigitalSignature,
		// Profiles are usually signed with a web server's certificate
		// (or a code-signing one), never an S/MIME one: openssl's
		// default purpose check would refuse it (see the README).
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, inter, interKey)
	return testPKI{root: root, inter: inter, leaf: leaf, leafKey: leafKey}
}

// p12 encodes the signer with its chain in the wrong order (root
// first), as some tools export them.
func (p testPKI) p12(t *testing.T, password string) []byte {
	t.Helper()
	data, err := pkcs12.Modern.Encode(p.leafKey, p.leaf, []*x509.Certificate{p.root, p.inter}, password)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSignedProfileVerifiesWithSHA256AndTheChain(t *testing.T) {
	pki := newPKI(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	signer, err := LoadSigner(pki.p12(t, "p12 pass"), "p12 pass")
	if err != nil {
		t.Fatal(err)
	}
	signed, err := MobileConfig(fixtures()["libero"], Options{Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	p7, err := pkcs7.Parse(signed)
	if err != nil {
		t.Fatalf("not CMS SignedData: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(pki.root)
	if err := p7.VerifyWithChain(pool); err != nil {
		t.Errorf("signature does not verify up to the root: %v", err)
	}
	if len(p7.Certificates) != 3 {
		t.Errorf("%d certificates included, want the signer, the intermediate and the root", len(p7.Certificates))
	}
	if len(p7.Signers) != 1 || !p7.Signers[0].DigestAlgorithm.Algorithm.Equal(pkcs7.OIDDigestAlgorithmSHA256) {
		t.Errorf("digest algorithm is not SHA-256: %+v", p7.Signers)
	}
	p := decodeProfile(t, p7.Content) // the plist is attached, not detached
	if p.PayloadContent[0].EmailAddress != "mario.rossi@libero.it" {
		t.Errorf("signed content: %+v", p.PayloadContent[0])
	}
}

// TestOpenSSLVerifiesTheSignedProfile runs the command the README gives
// administrators.
func TestOpenSSLVerifiesTheSignedProfile(t *testing.T) {
	openssl := tool(t, "openssl")
	pki := newPKI(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	signer, err := LoadSigner(pki.p12(t, "pw"), "pw")
	if err != nil {
		t.Fatal(err)
	}
	signed := must(MobileConfig(fixtures()["tiscali"], Options{Signer: signer, Lang: "it"}))
	dir := t.TempDir()
	in := filepath.Join(dir, "tiscali.mobileconfig")
	ca := filepath.Join(dir, "ca.pem")
	out := filepath.Join(dir, "content.plist")
	if err := os.WriteFile(in, signed, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pki.root.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	msg, err := exec.Command(openssl, "cms", "-verify", "-purpose", "any", "-inform", "DER", "-in", in, "-CAfile", ca, "-out", out).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl cms -verify: %v\n%s", err, msg)
	}
	content, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	p7, err := pkcs7.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(content, p7.Content) {
		t.Error("openssl extracted different content")
	}
	// -noverify only extracts the plist (the README's second command).
	if msg, err := exec.Command(openssl, "cms", "-verify", "-noverify", "-inform", "DER", "-in", in, "-out", out+".2").CombinedOutput(); err != nil {
		t.Errorf("openssl cms -verify -noverify: %v\n%s", err, msg)
	} else if extracted, _ := os.ReadFile(out + ".2"); !bytes.Equal(extracted, p7.Content) {
		t.Error("-noverify extracted different content")
	}
	// A different root must not verify it.
	other := newPKI(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: other.root.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(openssl, "cms", "-verify", "-purpose", "any", "-inform", "DER", "-in", in, "-CAfile", ca, "-out", out).CombinedOutput(); err == nil {
		t.Errorf("openssl verified against an unrelated root:\n%s", msg)
	}
}

func TestLoadSignerRejectsBadInput(t *testing.T) {
	now := time.Now()
	good := newPKI(t, now.Add(-time.Hour), now.Add(time.Hour))
	expired := newPKI(t, now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	mismatched := newPKI(t, now.Add(-time.Hour), now.Add(time.Hour))
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	mismatched.leafKey = other
	for _, tc := range []struct {
		name     string
		p12      []byte
		password string
	}{
		{"wrong password", good.p12(t, "right"), "wrong"},
		{"not a p12 file", []byte("-----BEGIN CERTIFICATE-----\n"), "x"},
		{"empty file", nil, ""},
		{"expired certificate", expired.p12(t, "pw"), "pw"},
		{"key of another certificate", mismatched.p12(t, "pw"), "pw"},
	} {
		if s, err := LoadSigner(tc.p12, tc.password); err == nil || s != nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

func TestOrderChainPutsIssuerFirst(t *testing.T) {
	pki := newPKI(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	unrelated := newPKI(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour)).root
	path, rest := orderChain(pki.leaf, []*x509.Certificate{pki.root, unrelated, pki.leaf, pki.inter})
	if len(path) != 2 || !path[0].Equal(pki.inter) || !path[1].Equal(pki.root) {
		t.Errorf("path %v", path)
	}
	if len(rest) != 1 || !rest[0].Equal(unrelated) {
		t.Errorf("rest %v", rest)
	}
}

// TestSignsWithAnRSAKey covers the key type most profile-signing
// certificates (Apple Developer ID, commercial CAs) use.
func TestSignsWithAnRSAKey(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: "RSA signer"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	p12, err := pkcs12.Modern.Encode(key, cert, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := LoadSigner(p12, "")
	if err != nil {
		t.Fatal(err)
	}
	p7, err := pkcs7.Parse(must(MobileConfig(fixtures()["libero"], Options{Signer: signer})))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	if err := p7.VerifyWithChain(pool); err != nil {
		t.Errorf("RSA signature: %v", err)
	}
	if signer.Subject() != "CN=RSA signer" {
		t.Errorf("subject %q", signer.Subject())
	}
}
