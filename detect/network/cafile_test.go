package network_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/network"
)

// A server whose certificate comes from a private CA fails until that
// CA's file is trusted with TrustCAFile (what --ca-file does), in PEM or
// in DER as Windows exports a .cer.
func TestTrustCAFileAddsThePrivateCA(t *testing.T) {
	lab := labtest.New(t)
	lab.HTTPS("autoconfig.corp.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	dir := t.TempDir()
	pemFile := lab.WriteCAFile(dir)
	derFile := filepath.Join(dir, "corp.cer")
	if err := os.WriteFile(derFile, lab.CACert().Raw, 0o644); err != nil {
		t.Fatal(err)
	}

	untrusting := lab.Network()
	untrusting.RootCAs = nil // the system's store, which does not know the lab's CA
	if _, err := untrusting.Get(testCtx(t), "https://autoconfig.corp.test/", 0); err == nil {
		t.Fatal("the lab's certificate verified without its CA: the test proves nothing")
	}
	for _, file := range []string{pemFile, derFile} {
		n := lab.Network()
		n.RootCAs = nil
		if err := n.TrustCAFile(file); err != nil {
			t.Fatalf("TrustCAFile(%s): %v", filepath.Base(file), err)
		}
		res, err := n.Get(testCtx(t), "https://autoconfig.corp.test/", 0)
		if err != nil || string(res.Body) != "ok" {
			t.Fatalf("with %s trusted: %v", filepath.Base(file), err)
		}
	}
}

// Adding a CA to a network that already has a pool leaves that pool
// alone (it may be shared) and keeps trusting what it trusted.
func TestTrustCAFileKeepsTheExistingPool(t *testing.T) {
	lab := labtest.New(t)
	other := labtest.New(t)
	other.HTTPS("mail.other.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	n := other.Network()
	before := n.RootCAs
	if err := n.TrustCAFile(lab.WriteCAFile(t.TempDir())); err != nil {
		t.Fatal(err)
	}
	if n.RootCAs == before || before.Equal(n.RootCAs) {
		t.Fatal("TrustCAFile changed the shared pool in place or added nothing")
	}
	if _, err := n.Get(testCtx(t), "https://mail.other.test/", 0); err != nil {
		t.Fatalf("the CA trusted before is no longer trusted: %v", err)
	}
}

func TestTrustCAFileRefusesWhatIsNotACertificate(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "key.pem")
	os.WriteFile(key, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600)
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("not a certificate"), 0o644)
	for _, c := range []struct {
		path string
		want error
	}{
		{key, network.ErrNoCertificate},
		{text, network.ErrNoCertificate},
		{dir, network.ErrNoCertificate},
		{filepath.Join(dir, "missing.pem"), os.ErrNotExist},
	} {
		n := &network.Network{}
		err := n.TrustCAFile(c.path)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), filepath.Base(c.path)) {
			t.Errorf("TrustCAFile(%s) = %v, want %v naming the file", filepath.Base(c.path), err, c.want)
		}
		if n.RootCAs != nil {
			t.Errorf("TrustCAFile(%s) failed but changed the trust store", filepath.Base(c.path))
		}
	}
	if err := (&network.Network{}).TrustCAFile(""); err != nil {
		t.Errorf("an empty path: %v, want nothing done", err)
	}
}
