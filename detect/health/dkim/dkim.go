// Package dkim parses DKIM public-key records (RFC 6376 §3.6.1), the TXT
// records at SELECTOR._domainkey.DOMAIN, and measures their keys.
package dkim

import (
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/postino-mail/postino/detect/health/internal/tags"
)

// MinRSABits is the smallest RSA key verifiers accept: RFC 8301 §3.2 says
// signers MUST use at least 1024 bits and verifiers MUST NOT consider
// shorter keys valid.
const MinRSABits = 1024

// Key is a parsed DKIM key record.
type Key struct {
	// Type is "rsa" or "ed25519" (the k= tag, RFC 6376 §3.6.1; RFC 8463).
	Type string
	// Bits is the key size (the RSA modulus length; 256 for ed25519).
	Bits int
	// Revoked is true when p= is empty: the key was withdrawn (RFC 6376
	// §3.6.1 "An empty value means that this public key has been revoked").
	Revoked bool
	// Testing is the t=y flag: verifiers must not treat failures
	// differently from unsigned mail.
	Testing bool
	// Hashes is the h= list of acceptable hash algorithms (empty: any).
	Hashes []string
}

// IsRecord reports whether a TXT record looks like a DKIM key: either it
// starts with v=DKIM1 or it has a p= tag.
func IsRecord(txt string) bool {
	if tags.HasVersion(txt, "DKIM1") {
		return true
	}
	l, err := tags.Parse(txt)
	if err != nil {
		return strings.Contains(txt, "p=")
	}
	_, ok := l.Get("p")
	return ok
}

// Parse parses a key record and decodes its public key.
func Parse(txt string) (*Key, error) {
	l, err := tags.Parse(txt)
	if err != nil {
		return nil, err
	}
	if v, ok := l.Get("v"); ok {
		// RFC 6376 §3.6.1: v= is optional, but when present it must be
		// first and exactly DKIM1.
		if l.First().Name != "v" || v != "DKIM1" {
			return nil, fmt.Errorf("v=%s: the version must be the first tag and exactly DKIM1", v)
		}
	}
	k := &Key{Type: "rsa"}
	if kt, ok := l.Get("k"); ok {
		k.Type = strings.ToLower(kt)
	}
	if h, ok := l.Get("h"); ok {
		for _, a := range strings.Split(h, ":") {
			if a = strings.TrimSpace(a); a != "" {
				k.Hashes = append(k.Hashes, strings.ToLower(a))
			}
		}
	}
	if t, ok := l.Get("t"); ok {
		for _, f := range strings.Split(t, ":") {
			if strings.EqualFold(strings.TrimSpace(f), "y") {
				k.Testing = true
			}
		}
	}
	p, ok := l.Get("p")
	if !ok {
		return nil, fmt.Errorf("no p= tag (public key)")
	}
	// Long keys are split over several quoted strings and sometimes carry
	// spaces (FWS is allowed inside base64 by RFC 6376 §3.6.1).
	p = strings.Join(strings.Fields(p), "")
	if p == "" {
		k.Revoked = true
		return k, nil
	}
	der, err := base64.StdEncoding.DecodeString(p)
	if err != nil {
		return nil, fmt.Errorf("p= is not valid base64: %w", err)
	}
	switch k.Type {
	case "rsa":
		pub, err := parseRSA(der)
		if err != nil {
			return nil, err
		}
		k.Bits = pub.N.BitLen()
	case "ed25519":
		// RFC 8463 §4.2: p= is the raw 32-byte public key.
		if len(der) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("ed25519 key is %d bytes, want %d", len(der), ed25519.PublicKeySize)
		}
		k.Bits = 256
	default:
		return nil, fmt.Errorf("unknown key type k=%s", k.Type)
	}
	return k, nil
}

// parseRSA accepts the SubjectPublicKeyInfo DER RFC 6376 specifies, and
// the bare PKCS#1 RSAPublicKey some generators publish.
func parseRSA(der []byte) (*rsa.PublicKey, error) {
	if pub, err := x509.ParsePKIXPublicKey(der); err == nil {
		if rp, ok := pub.(*rsa.PublicKey); ok {
			return rp, nil
		}
		return nil, fmt.Errorf("k=rsa but the key is a %T", pub)
	}
	if rp, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return rp, nil
	}
	return nil, fmt.Errorf("p= is not an RSA public key")
}
