package export

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"sync"
	"time"

	"github.com/smallstep/pkcs7"
	"howett.net/plist"
)

// pkcs7Mu guards the pkcs7 package's algorithm settings, which are
// package variables.
var pkcs7Mu sync.Mutex

// encryptPayloads makes EncryptedPayloadContent: the PayloadContent array
// as an XML property list, in CMS EnvelopedData (RFC 5652) for the
// device's certificate, with AES-256-CBC for the content and RSA
// PKCS #1 v1.5 for the key, as MDM servers encrypt profiles.
func encryptPayloads(payloads []mailPayload, to *x509.Certificate) ([]byte, error) {
	var b bytes.Buffer
	enc := plist.NewEncoderForFormat(&b, plist.XMLFormat)
	if err := enc.Encode(payloads); err != nil {
		return nil, err
	}
	pkcs7Mu.Lock()
	defer pkcs7Mu.Unlock()
	pkcs7.ContentEncryptionAlgorithm = pkcs7.EncryptionAlgorithmAES256CBC
	pkcs7.KeyEncryptionAlgorithm = pkcs7.OIDEncryptionAlgorithmRSA
	return pkcs7.Encrypt(b.Bytes(), []*x509.Certificate{to})
}

// LoadEncryptionCert reads the device certificate a profile is encrypted
// to (--encrypt-to): PEM or DER, an RSA key (what devices enroll with),
// valid now.
func LoadEncryptionCert(data []byte) (*x509.Certificate, error) {
	der := data
	if blk, _ := pem.Decode(data); blk != nil {
		if blk.Type != "CERTIFICATE" {
			return nil, invalid("domainfiles.err.encrypt_cert", map[string]any{"Error": blk.Type})
		}
		der = blk.Bytes
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, invalid("domainfiles.err.encrypt_cert", map[string]any{"Error": err.Error()})
	}
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return nil, invalid("domainfiles.err.encrypt_cert_rsa", map[string]any{"Subject": cert.Subject.String()})
	}
	now := time.Now()
	if now.After(cert.NotAfter) || now.Before(cert.NotBefore) {
		return nil, invalid("domainfiles.err.encrypt_cert_validity", map[string]any{
			"Subject": cert.Subject.String(), "NotBefore": cert.NotBefore.UTC().Format(time.DateOnly), "NotAfter": cert.NotAfter.UTC().Format(time.DateOnly),
		})
	}
	return cert, nil
}
