package probe

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/problem"
)

func TestProbeExplainsBadCertificatesAndWithholdsThePassword(t *testing.T) {
	lab := labtest.New(t)
	nw := lab.Network()
	day := 24 * time.Hour
	cases := []struct {
		name    string
		cert    labtest.CertOptions
		code    string
		verdict string // in TLSInfo.Error, English
	}{
		{"expired", labtest.CertOptions{NotBefore: time.Now().Add(-90 * day), NotAfter: time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)},
			"cert-expired", "expired on 2026-01-02"},
		{"not yet valid", labtest.CertOptions{NotBefore: time.Now().Add(10 * day), NotAfter: time.Now().Add(100 * day)},
			"cert-not-yet-valid", "not valid before"},
		{"wrong host", labtest.CertOptions{Names: []string{"mail.other.example", "webmail.other.example"}},
			"cert-wrong-host", "issued for mail.other.example, webmail.other.example"},
		{"self-signed", labtest.CertOptions{SelfSigned: true}, "cert-self-signed", "self-signed"},
		{"incomplete chain", labtest.CertOptions{OmitIntermediate: true}, "cert-unknown-issuer", "unknown issuer"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			host := []string{"a", "b", "c", "d", "e"}[i] + ".example.it"
			if c.cert.Names == nil {
				c.cert.Names = []string{host}
			}
			cert := lab.CertWith(c.cert)
			// Rotate the protocols so each one's TLS path is exercised.
			var log *mailserver.Logins
			var ep mail.Server
			switch i % 3 {
			case 0:
				log = startIMAP(t, lab, host, 993, mail.TLS, cert, nil)
				ep = mail.Server{Protocol: mail.IMAP, Host: host, Port: 993, Security: mail.TLS}
			case 1:
				be := submission(nil)
				startSMTP(t, lab, host, 587, mail.STARTTLS, cert, be)
				log = be.Logins()
				ep = mail.Server{Protocol: mail.SMTP, Host: host, Port: 587, Security: mail.STARTTLS}
			case 2:
				log = startPOP3(t, lab, host, 995, mail.TLS, cert, nil).Logins
				ep = mail.Server{Protocol: mail.POP3, Host: host, Port: 995, Security: mail.TLS}
			}
			res := probeOnce(t, nw, ep, withLogin())
			if res.TLS == nil || res.TLS.Verified {
				t.Fatalf("TLS %+v", res.TLS)
			}
			if !hasProblem(res, c.code) || !hasProblem(res, "login-not-sent-insecure") {
				t.Errorf("problems %v", codes(res))
			}
			// One certificate fault is one problem: the lab's CA is
			// younger than an expired leaf, which must not add a second.
			certProblems := 0
			for _, code := range codes(res) {
				if strings.HasPrefix(code, "cert-") {
					certProblems++
				}
			}
			if certProblems != 1 {
				t.Errorf("%d certificate problems, want 1: %v", certProblems, codes(res))
			}
			if res.Status != StatusWarning || res.Login != LoginSkipped {
				t.Errorf("status %s login %s", res.Status, res.Login)
			}
			if !strings.Contains(res.TLS.ErrorIn(en), c.verdict) {
				t.Errorf("verdict %q, want %q", res.TLS.ErrorIn(en), c.verdict)
			}
			if log != nil {
				if n, _ := log.Count(""); n != 0 {
					t.Errorf("the server received %d login attempts", n)
				}
			}
			for _, l := range res.Transcript {
				if l.Dir == "C" && (strings.Contains(l.Text, "LOGIN") || strings.Contains(l.Text, "AUTH") || strings.Contains(l.Text, "PASS")) {
					t.Errorf("credentials went out: %q", l.Text)
				}
			}
			// The person may allow it for this run.
			opts := withLogin()
			opts.AllowInsecureTLS = true
			if res := probeOnce(t, nw, ep, opts); res.Login != LoginOK || res.Status != StatusWarning {
				t.Errorf("with AllowInsecureTLS: login %s status %s problems %v", res.Login, res.Status, codes(res))
			}
		})
	}
}

func TestProbeWarnsAboutOldTLS(t *testing.T) {
	lab := labtest.New(t)
	cert := lab.Cert("old.example.it")
	ln := lab.Listen("old.example.it", 993)
	startIMAPOn(t, tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}))
	res := probeOnce(t, lab.Network(), mail.Server{Protocol: mail.IMAP, Host: "old.example.it", Port: 993, Security: mail.TLS}, withLogin())
	// The server is reported as working with a warning, but no password
	// goes over TLS older than 1.2 (RFC 8996), even when allowed to skip
	// certificate checks.
	if res.TLS == nil || res.TLS.Version != "TLS 1.1" || !hasProblem(res, "old-tls") || !hasProblem(res, "login-not-sent-old-tls") ||
		res.Status != StatusWarning || res.Login != LoginSkipped {
		t.Fatalf("TLS %+v problems %v status %s login %s", res.TLS, codes(res), res.Status, res.Login)
	}
	for _, l := range res.Transcript {
		if l.Dir == "C" && strings.Contains(l.Text, "LOGIN") {
			t.Errorf("credentials went out over TLS 1.1: %q", l.Text)
		}
	}
}

// A server that only speaks a TLS version we do not answers our hello
// with a protocol_version alert (RFC 8446 §6.2).
func TestProbeReportsNoCommonTLSVersion(t *testing.T) {
	lab := labtest.New(t)
	startRaw(t, lab, "ancient.example.it", 995, func(c net.Conn) {
		buf := make([]byte, 512)
		c.Read(buf)
		c.Write([]byte{0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46}) // fatal protocol_version
		drain(c)
	})
	res := probeOnce(t, lab.Network(), mail.Server{Protocol: mail.POP3, Host: "ancient.example.it", Port: 995, Security: mail.TLS}, noLogin())
	if !hasProblem(res, "no-common-tls") || res.Status != StatusFailed {
		t.Fatalf("problems %v status %s", codes(res), res.Status)
	}
}

func TestProbeRecognisesPlaintextServiceOnTLSPort(t *testing.T) {
	lab := labtest.New(t)
	startIMAP(t, lab, "plain.example.it", 993, mail.Plain, tls.Certificate{}, nil)
	res := probeOnce(t, lab.Network(), mail.Server{Protocol: mail.IMAP, Host: "plain.example.it", Port: 993, Security: mail.TLS}, noLogin())
	if !hasProblem(res, "not-this-protocol") || res.Status != StatusFailed {
		t.Fatalf("problems %v status %s", codes(res), res.Status)
	}
}

// testChain issues certificates for TestVerifyJudgesTheChainAtTheRightMoment:
// a root, an intermediate with the given dates, and a leaf for
// mail.example.it with its own dates.
func testChain(t *testing.T, interFrom, interTo, leafFrom, leafTo time.Time) (*x509.CertPool, []*x509.Certificate) {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	issue := func(tmpl, parent *x509.Certificate, pub *ecdsa.PublicKey, signer *ecdsa.PrivateKey) *x509.Certificate {
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	now := time.Now()
	rootKey, interKey, leafKey := key(), key(), key()
	ca := func(serial int64, name string, from, to time.Time) *x509.Certificate {
		return &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: from, NotAfter: to, IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign,
		}
	}
	rootTmpl := ca(1, "Test Root", now.AddDate(-10, 0, 0), now.AddDate(10, 0, 0))
	root := issue(rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	inter := issue(ca(2, "Test Intermediate", interFrom, interTo), root, &interKey.PublicKey, rootKey)
	leaf := issue(&x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "mail.example.it"},
		DNSNames: []string{"mail.example.it"}, NotBefore: leafFrom, NotAfter: leafTo,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, inter, &leafKey.PublicKey, interKey)
	pool := x509.NewCertPool()
	pool.AddCert(root)
	return pool, []*x509.Certificate{leaf, inter}
}

// An expired server certificate is one problem, not two: the chain is
// judged at a moment the leaf was valid, and an intermediate renewed
// since then is not reported as a second, confusing failure. An
// intermediate that is out of date today is.
func TestVerifyJudgesTheChainAtTheRightMoment(t *testing.T) {
	now := time.Now()
	day := 24 * time.Hour
	cases := []struct {
		name               string
		interFrom, interTo time.Time
		leafFrom, leafTo   time.Time
		want               []string
	}{
		{"valid", now.Add(-400 * day), now.Add(400 * day), now.Add(-10 * day), now.Add(80 * day), nil},
		{"expired leaf, intermediate renewed since", now.Add(-30 * day), now.Add(900 * day), now.Add(-200 * day), now.Add(-100 * day),
			[]string{problem.CertExpired}},
		{"expired leaf, intermediate expired before it", now.Add(-900 * day), now.Add(-150 * day), now.Add(-200 * day), now.Add(-100 * day),
			[]string{problem.CertExpired, problem.CertInvalid}},
		{"valid leaf, expired intermediate", now.Add(-900 * day), now.Add(-1 * day), now.Add(-10 * day), now.Add(80 * day),
			[]string{problem.CertInvalid}},
		{"leaf not yet valid, intermediate fine", now.Add(-400 * day), now.Add(400 * day), now.Add(5 * day), now.Add(90 * day),
			[]string{problem.CertNotYetValid}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pool, chain := testChain(t, c.interFrom, c.interTo, c.leafFrom, c.leafTo)
			r := &run{nw: &network.Network{RootCAs: pool}, ep: mail.Server{Protocol: mail.IMAP, Host: "mail.example.it", Port: 993, Security: mail.TLS}}
			var got []string
			for _, p := range r.verify(chain, now) {
				got = append(got, p.Code)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("problems %v, want %v", got, c.want)
			}
		})
	}
}
