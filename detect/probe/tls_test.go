package probe

import (
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/labtest"
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
			var log *authLog
			var ep config.Server
			switch i % 3 {
			case 0:
				log = startIMAP(t, lab, host, 993, config.TLS, cert, nil)
				ep = config.Server{Protocol: config.IMAP, Host: host, Port: 993, Security: config.TLS}
			case 1:
				be := &smtpBackend{}
				startSMTP(t, lab, host, 587, config.STARTTLS, cert, be)
				log = &be.log
				ep = config.Server{Protocol: config.SMTP, Host: host, Port: 587, Security: config.STARTTLS}
			case 2:
				startPOP3(t, lab, host, 995, config.TLS, cert, nil)
				ep = config.Server{Protocol: config.POP3, Host: host, Port: 995, Security: config.TLS}
			}
			res := probeOnce(t, nw, ep, withLogin())
			if res.TLS == nil || res.TLS.Verified {
				t.Fatalf("TLS %+v", res.TLS)
			}
			if !hasProblem(res, c.code) || !hasProblem(res, "login-not-sent-insecure") {
				t.Errorf("problems %v", codes(res))
			}
			if res.Status != StatusWarning || res.Login != LoginSkipped {
				t.Errorf("status %s login %s", res.Status, res.Login)
			}
			if i18n.Language() == "en" && !strings.Contains(res.TLS.Error, c.verdict) {
				t.Errorf("verdict %q, want %q", res.TLS.Error, c.verdict)
			}
			if log != nil {
				if n, _ := log.count(); n != 0 {
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
	res := probeOnce(t, lab.Network(), config.Server{Protocol: config.IMAP, Host: "old.example.it", Port: 993, Security: config.TLS}, withLogin())
	if res.TLS == nil || res.TLS.Version != "TLS 1.1" || !hasProblem(res, "old-tls") || res.Status != StatusWarning || res.Login != LoginOK {
		t.Fatalf("TLS %+v problems %v status %s login %s", res.TLS, codes(res), res.Status, res.Login)
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
	res := probeOnce(t, lab.Network(), config.Server{Protocol: config.POP3, Host: "ancient.example.it", Port: 995, Security: config.TLS}, noLogin())
	if !hasProblem(res, "no-common-tls") || res.Status != StatusFailed {
		t.Fatalf("problems %v status %s", codes(res), res.Status)
	}
}

func TestProbeRecognisesPlaintextServiceOnTLSPort(t *testing.T) {
	lab := labtest.New(t)
	startIMAP(t, lab, "plain.example.it", 993, config.Plain, tls.Certificate{}, nil)
	res := probeOnce(t, lab.Network(), config.Server{Protocol: config.IMAP, Host: "plain.example.it", Port: 993, Security: config.TLS}, noLogin())
	if !hasProblem(res, "not-this-protocol") || res.Status != StatusFailed {
		t.Fatalf("problems %v status %s", codes(res), res.Status)
	}
}
