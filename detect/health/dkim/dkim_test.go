//go:debug rsa1024min=0

package dkim

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"testing"
)

func rsaP(t *testing.T, bits int, pkcs1 bool) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	var der []byte
	if pkcs1 {
		der = x509.MarshalPKCS1PublicKey(&k.PublicKey)
	} else if der, err = x509.MarshalPKIXPublicKey(&k.PublicKey); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(der)
}

func TestParseMeasuresKeys(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	p2048 := rsaP(t, 2048, false)
	cases := []struct {
		name, txt string
		typ       string
		bits      int
		revoked   bool
		testing   bool
	}{
		{"RSA 2048 SPKI", "v=DKIM1; k=rsa; p=" + p2048, "rsa", 2048, false, false},
		{"RSA 1024 PKCS#1", "p=" + rsaP(t, 1024, true), "rsa", 1024, false, false},
		{"RSA 512", "v=DKIM1; p=" + rsaP(t, 512, false), "rsa", 512, false, false},
		{"base64 with spaces", "v=DKIM1; p=" + p2048[:40] + " " + p2048[40:], "rsa", 2048, false, false},
		{"ed25519", "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub), "ed25519", 256, false, false},
		{"revoked", "v=DKIM1; k=rsa; p=", "rsa", 0, true, false},
		{"testing flag", "v=DKIM1; t=y:s; p=" + p2048, "rsa", 2048, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k, err := Parse(tc.txt)
			if err != nil {
				t.Fatal(err)
			}
			if k.Type != tc.typ || k.Bits != tc.bits || k.Revoked != tc.revoked || k.Testing != tc.testing {
				t.Errorf("got %+v", k)
			}
		})
	}
}

func TestParseRejectsBrokenKeys(t *testing.T) {
	for _, txt := range []string{
		"v=DKIM1; k=rsa",             // no p=
		"v=DKIM1; p=!!!",             // not base64
		"v=DKIM1; p=AAAA",            // not a key
		"k=rsa; v=DKIM1; p=AAAA",     // v= not first
		"v=DKIM2; p=",                // wrong version
		"v=DKIM1; k=dsa; p=AAAA",     // unknown type
		"v=DKIM1; k=ed25519; p=AAAA", // wrong ed25519 length
		"v=DKIM1; p=AAAA; p=BBBB",    // duplicate tag
		"v=DKIM1; p",                 // not tag=value
	} {
		if _, err := Parse(txt); err == nil {
			t.Errorf("Parse(%q) accepted a broken key", txt)
		}
	}
}

func TestIsRecord(t *testing.T) {
	for txt, want := range map[string]bool{"v=DKIM1; p=": true, "k=rsa; p=abc": true, "v=spf1 -all": false, "hello": false} {
		if IsRecord(txt) != want {
			t.Errorf("IsRecord(%q) = %v", txt, !want)
		}
	}
}
