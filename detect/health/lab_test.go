//go:debug rsa1024min=0

package health

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/network"
)

// The rsa1024min=0 setting above lets the tests generate the 512-bit key
// that the DKIM check must flag; the product itself never generates keys.

const domain = "example.test"

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newLab returns a lab with a healthy mail setup for example.test: two MX
// hosts, SPF, DKIM (selector "google", RSA 2048), DMARC p=reject,
// MTA-STS in enforce mode and TLS-RPT. Tests break one part at a time.
func newLab(t *testing.T) (*labtest.Lab, *network.Network) {
	t.Helper()
	lab := labtest.New(t)
	lab.Host("mx1." + domain)
	lab.Host("mx2." + domain)
	lab.MX(domain, 20, "mx2."+domain)
	lab.MX(domain, 10, "mx1."+domain)
	return lab, lab.Network()
}

func rsaKeyRecord(t *testing.T, bits int) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatalf("generating a %d-bit key: %v", bits, err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
}

func ed25519KeyRecord(t *testing.T) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
}

// assertCheck checks verdict and code, and that every text of the check
// renders in both languages (a missing translation renders as its key).
func assertCheck(t *testing.T, c Check, verdict Verdict, code string) {
	t.Helper()
	if c.Verdict != verdict || c.Code != code {
		t.Errorf("got %s/%s, want %s/%s\n%s", c.Verdict, c.Code, verdict, code, dump(c))
	}
	assertTranslated(t, c)
}

func assertTranslated(t *testing.T, c Check) {
	t.Helper()
	texts := append([]Text{c.Summary, c.Explanation, c.Remedy}, c.Details...)
	for _, lng := range i18n.Languages {
		for _, tx := range texts {
			out := tx.In(i18n.For(lng))
			if out == "" || strings.HasPrefix(out, "health.") || strings.Contains(out, "<no value>") || strings.Contains(out, "health.") {
				t.Errorf("%s: text %q renders as %q in %s", c.Name, tx.Key, out, lng)
			}
		}
	}
}

func dump(c Check) string {
	var b strings.Builder
	b.WriteString("  " + c.Summary.In(i18n.For("en")) + "\n")
	for _, d := range c.Details {
		b.WriteString("  - " + d.In(i18n.For("en")) + "\n")
	}
	for _, r := range c.Records {
		b.WriteString("  | " + r + "\n")
	}
	return b.String()
}

func hasDetail(c Check, substr string) bool {
	for _, d := range c.Details {
		if strings.Contains(d.In(i18n.For("en")), substr) {
			return true
		}
	}
	return false
}
