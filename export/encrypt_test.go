package export

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"
	"howett.net/plist"
)

// deviceCert is an RSA certificate as a device enrolls with, and its key.
func deviceCert(t *testing.T, notAfter time.Time) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "Postino test device"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: notAfter,
		KeyUsage: x509.KeyUsageKeyEncipherment | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// TestEncryptedProfileHidesThePasswordAndDecryptsWithOpenSSL: with
// EncryptTo the profile carries no PayloadContent, IsEncrypted is true,
// the password appears nowhere in clear, and openssl cms -decrypt with
// the device key gives back payloads that pass Apple's schema; signed
// too, openssl cms -verify still accepts it.
func TestEncryptedProfileHidesThePasswordAndDecryptsWithOpenSSL(t *testing.T) {
	cert, key := deviceCert(t, time.Now().Add(time.Hour))
	s := fixtures()["libero"]
	out := must(MobileConfig(s, Options{EncryptTo: cert, IncludePassword: true}))
	if strings.Contains(string(out), s.Password) || strings.Contains(string(out), "IncomingMailServerHostName") {
		t.Fatal("password or payload readable in the encrypted profile")
	}
	decrypt := func(enc []byte) ([]byte, error) {
		p7, err := pkcs7.Parse(enc)
		if err != nil {
			return nil, err
		}
		return p7.Decrypt(cert, key)
	}
	if err := checkAppleMailProfile(out, decrypt); err != nil {
		t.Fatal(err)
	}
	var top struct {
		EncryptedPayloadContent []byte
	}
	if _, err := plist.Unmarshal(out, &top); err != nil {
		t.Fatal(err)
	}
	plain, err := decrypt(top.EncryptedPayloadContent)
	if err != nil {
		t.Fatal(err)
	}
	var payloads []mailPayload
	if _, err := plist.Unmarshal(plain, &payloads); err != nil || len(payloads) != 1 || payloads[0].IncomingPassword != s.Password || payloads[0].OutgoingPassword != s.Password {
		t.Fatalf("decrypted payloads %+v, %v", payloads, err)
	}

	openssl := tool(t, "openssl")
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	enc := write("enc.der", top.EncryptedPayloadContent)
	certPEM := write("device.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
	keyPEM := write("device.key", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	got, err := exec.Command(openssl, "cms", "-decrypt", "-inform", "DER", "-in", enc, "-recip", certPEM, "-inkey", keyPEM).Output()
	if err != nil {
		t.Fatalf("openssl cms -decrypt: %v", err)
	}
	if string(got) != string(plain) {
		t.Error("openssl decrypted something else")
	}

	// Encrypted and signed: the signature still verifies.
	pki := newPKI(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	signer, err := LoadSigner(pki.p12(t, "pw"), "pw")
	if err != nil {
		t.Fatal(err)
	}
	signed := write("signed.mobileconfig", must(MobileConfig(s, Options{EncryptTo: cert, Signer: signer})))
	ca := write("ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pki.root.Raw}))
	content, err := exec.Command(openssl, "cms", "-verify", "-purpose", "any", "-inform", "DER", "-in", signed, "-CAfile", ca).Output()
	if err != nil {
		t.Fatalf("openssl cms -verify of the encrypted profile: %v", err)
	}
	if err := checkAppleMailProfile(content, decrypt); err != nil {
		t.Error(err)
	}
}

func TestLoadEncryptionCertRejectsBadInput(t *testing.T) {
	cert, _ := deviceCert(t, time.Now().Add(time.Hour))
	pemData := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	if _, err := LoadEncryptionCert(pemData); err != nil {
		t.Errorf("PEM: %v", err)
	}
	if _, err := LoadEncryptionCert(cert.Raw); err != nil {
		t.Errorf("DER: %v", err)
	}
	expired, _ := deviceCert(t, time.Now().Add(-time.Minute))
	pki := newPKI(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour)) // ECDSA keys
	for name, data := range map[string][]byte{
		"garbage": []byte("not a certificate"),
		"key":     pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}}),
		"expired": expired.Raw,
		"ecdsa":   pki.leaf.Raw,
	} {
		if _, err := LoadEncryptionCert(data); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}
