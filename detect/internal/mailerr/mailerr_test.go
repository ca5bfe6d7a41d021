package mailerr

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"net/textproto"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/internal/mailconn"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/pop3"
	"github.com/postino-mail/postino/detect/problem"
)

var srv = mail.Server{Protocol: mail.IMAP, Host: "mail.example.it", Port: 993, Security: mail.TLS}

// The probe records the conversation and the round trip does not; a
// failure both can see gets the same code from either.
func TestTheSameFailureGetsTheSameCodeWhoeverMetIt(t *testing.T) {
	probe := Facts{Server: srv, Recorded: true, LastLine: "HTTP/1.1 400 Bad Request", LoginWait: 15 * time.Second}
	roundtrip := Facts{Server: srv}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"refused", &network.DialError{Kind: network.Refused}, problem.Refused},
		{"line too long (ours)", fmt.Errorf("read: %w", mailconn.ErrLineTooLong), problem.LineTooLong},
		{"line too long (POP3 client)", pop3.ErrLineTooLong, problem.LineTooLong},
		{"too much data", pop3.ErrTooManyLines, problem.TooMuchData},
		{"timeout", os.ErrDeadlineExceeded, problem.Timeout},
		{"closed", io.EOF, problem.Closed},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), problem.Closed},
		{"reply", &textproto.Error{Code: 535, Msg: "5.7.8 no"}, "smtp-535"},
		{"foreign protocol", &NotProtocol{Line: "HTTP/1.1 400"}, problem.NotThisProtocol},
		{"not TLS", &HandshakeError{Err: tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}}, problem.NotThisProtocol},
		{"closed in TLS", &HandshakeError{Err: io.EOF}, problem.TLSFailed},
		{"no common TLS", &HandshakeError{Err: fmt.Errorf("remote error: tls: protocol version not supported")}, problem.NoCommonTLS},
		{"data before TLS", mailconn.ErrDataBeforeTLS, problem.StartTLSFailed},
		{"data after STLS", pop3.ErrDataAfterSTLS, problem.StartTLSFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if p := Classify(tc.err, probe); p.Code != tc.want {
				t.Errorf("probe: %q, want %q", p.Code, tc.want)
			}
			if p := Classify(tc.err, roundtrip); p.Code != tc.want {
				t.Errorf("round trip: %q, want %q", p.Code, tc.want)
			}
		})
	}
}

// The probe's subtle cases rest on facts the error has lost.
func TestFactsDecideWhatTheErrorCannotSay(t *testing.T) {
	parse := textproto.ProtocolError("short response: 22")
	for _, tc := range []struct {
		name string
		err  error
		f    Facts
		want string
	}{
		{"a late answer to the credentials", parse, Facts{LoginStep: true, LoginWait: time.Second, CutOff: true}, problem.LoginTimeout},
		{"a late answer, the library says closed", io.EOF, Facts{LoginStep: true, LoginWait: time.Second, Expired: true}, problem.LoginTimeout},
		{"canceled at the login", io.EOF, Facts{LoginStep: true, LoginWait: time.Second, Canceled: true}, problem.Canceled},
		{"a line cut off by the deadline", parse, Facts{CutOff: true}, problem.Timeout},
		{"a complete foreign line", parse, Facts{}, problem.NotThisProtocol},
		{"not a byte, then the deadline", os.ErrDeadlineExceeded, Facts{Silent: true}, problem.NoGreeting},
		{"not a byte, then closed", io.EOF, Facts{Silent: true}, problem.NoGreeting},
		{"a reply after the deadline is what closing made", &textproto.Error{Code: 421}, Facts{Expired: true}, problem.Timeout},
		{"a connect the deadline ended", &network.DialError{Kind: network.Canceled}, Facts{Expired: true}, problem.Filtered},
		{"a connect the person canceled", &network.DialError{Kind: network.Canceled}, Facts{Canceled: true}, problem.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Server = srv
			if p := Classify(tc.err, tc.f); p.Code != tc.want {
				t.Errorf("%q, want %q", p.Code, tc.want)
			}
		})
	}
}

// A certificate crypto/tls refused is judged as the probe judges the
// chain it fetched: a certificate not valid yet is not "expired".
func TestARefusedCertificateGetsTheProbesVerdict(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name     string
		from, to time.Time
		names    []string
		want     string
	}{
		{"expired", now.Add(-48 * time.Hour), now.Add(-24 * time.Hour), []string{srv.Host}, problem.CertExpired},
		{"not yet valid", now.Add(24 * time.Hour), now.Add(48 * time.Hour), []string{srv.Host}, problem.CertNotYetValid},
		{"wrong host", now.Add(-time.Hour), now.Add(time.Hour), []string{"other.example.it"}, problem.CertWrongHost},
		{"self-signed", now.Add(-time.Hour), now.Add(time.Hour), []string{srv.Host}, problem.CertSelfSigned},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cert := selfSigned(t, tc.from, tc.to, tc.names)
			cv := &tls.CertificateVerificationError{UnverifiedCertificates: []*x509.Certificate{cert}, Err: x509.UnknownAuthorityError{Cert: cert}}
			f := Facts{Server: srv, Roots: x509.NewCertPool()}
			if p := Classify(fmt.Errorf("handshake: %w", cv), f); p.Code != tc.want {
				t.Errorf("%q, want %q", p.Code, tc.want)
			}
		})
	}
}

func selfSigned(t *testing.T, from, to time.Time, names []string) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: from, NotAfter: to,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}
