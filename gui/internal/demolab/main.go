// Command demolab runs a fictional mail provider, studio-rossi.it, on
// loopback addresses for `make screenshots` (.ci/screenshots.sh): a DNS
// zone, a test CA, an HTTPS autoconfig file, IMAP on 993 and 143, SMTP on
// 465 and 587, and a POP3 server whose certificate has expired. Nothing
// listens on 110, 25 or 2525, so those rows show "Refused".
//
// It needs root (real port numbers on 127.0.0.x, labtest RealPorts). It
// prints the environment that points Postino at it (POSTINO_DNS,
// SSL_CERT_FILE), then READY, and serves until stdin closes or it gets
// SIGTERM/SIGINT.
//
// The mailbox is mario@studio-rossi.it with the password "demo-password".
package main

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/postino-mail/postino/detect/labtest"
)

const (
	domain   = "studio-rossi.it"
	user     = "mario@" + domain
	password = "demo-password"
)

const autoconfigXML = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="studio-rossi.it">
    <domain>studio-rossi.it</domain>
    <displayName>Studio Rossi Mail</displayName>
    <displayShortName>Studio Rossi</displayShortName>
    <incomingServer type="imap">
      <hostname>imap.studio-rossi.it</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>pop.studio-rossi.it</hostname>
      <port>995</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.studio-rossi.it</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.studio-rossi.it</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>
`

func main() {
	log.SetFlags(0)
	log.SetPrefix("demolab: ")
	lab, err := labtest.Start(labtest.Options{RealPorts: true})
	if err != nil {
		log.Fatal(err)
	}
	defer lab.Close()

	lab.MX(domain, 10, "mx."+domain)
	lab.Host("mx." + domain)
	lab.SRV("_imaps._tcp."+domain, 0, 1, 993, "imap."+domain)
	lab.SRV("_submission._tcp."+domain, 0, 1, 587, "smtp."+domain)
	lab.HTTPS("autoconfig."+domain, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/mail/config-v1.1.xml") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, autoconfigXML)
	}))

	var wg sync.WaitGroup
	imapTLS := &tls.Config{Certificates: []tls.Certificate{lab.Cert("imap." + domain)}}
	serveIMAP(&wg, lab.Listen("imap."+domain, 993), imapTLS, true)
	serveIMAP(&wg, lab.Listen("imap."+domain, 143), imapTLS, false)

	smtpTLS := &tls.Config{Certificates: []tls.Certificate{lab.Cert("smtp." + domain)}}
	serveSMTP(&wg, lab.Listen("smtp."+domain, 465), smtpTLS, true)
	serveSMTP(&wg, lab.Listen("smtp."+domain, 587), smtpTLS, false)

	expired := lab.CertWith(labtest.CertOptions{
		Names:     []string{"pop." + domain},
		NotBefore: time.Now().AddDate(-2, 0, 0),
		NotAfter:  time.Now().AddDate(0, -3, 0),
	})
	servePOP3(&wg, lab.Listen("pop."+domain, 995), &tls.Config{Certificates: []tls.Certificate{expired}})

	for _, kv := range lab.Env() {
		fmt.Println(kv)
	}
	fmt.Println("READY")

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		io.Copy(io.Discard, os.Stdin)
		stop <- syscall.SIGTERM
	}()
	<-stop
}

func serveIMAP(wg *sync.WaitGroup, ln net.Listener, cfg *tls.Config, implicit bool) {
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(user, password)
	if err := u.Create("INBOX", nil); err != nil {
		log.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), &imapserver.GreetingData{}, nil
		},
		Caps:      imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}, imap.CapIdle: {}},
		TLSConfig: cfg,
		Logger:    log.New(io.Discard, "", 0),
	})
	if implicit {
		ln = tls.NewListener(ln, cfg)
	}
	wg.Add(1)
	go func() { defer wg.Done(); serveUntilClosed(srv.Serve(ln)) }()
}

func serveSMTP(wg *sync.WaitGroup, ln net.Listener, cfg *tls.Config, implicit bool) {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{}, nil }))
	srv.Domain = "smtp." + domain
	srv.TLSConfig = cfg
	srv.MaxMessageBytes = 25 << 20
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if implicit {
		ln = tls.NewListener(ln, cfg)
	}
	wg.Add(1)
	go func() { defer wg.Done(); serveUntilClosed(srv.Serve(ln)) }()
}

// smtpSession accepts the demo user's AUTH PLAIN and nothing else; it
// never relays mail.
type smtpSession struct{ authed bool }

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	check := func(username, pass string) error {
		if username != user || pass != password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		s.authed = true
		return nil
	}
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, pass string) error { return check(username, pass) }), nil
}

func (s *smtpSession) Mail(string, *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	return nil
}
func (s *smtpSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *smtpSession) Data(r io.Reader) error               { _, err := io.Copy(io.Discard, r); return err }
func (s *smtpSession) Reset()                               {}
func (s *smtpSession) Logout() error                        { return nil }

// servePOP3 answers just enough POP3 (RFC 1939, CAPA from RFC 2449) for a
// probe to see a greeting after the (expired-certificate) TLS handshake.
func servePOP3(wg *sync.WaitGroup, ln net.Listener, cfg *tls.Config) {
	ln = tls.NewListener(ln, cfg)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				serveUntilClosed(err)
				return
			}
			go pop3Conn(c)
		}
	}()
}

func pop3Conn(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	w := bufio.NewWriter(c)
	say := func(s string) { w.WriteString(s + "\r\n"); w.Flush() }
	say("+OK Studio Rossi POP3 ready")
	r := bufio.NewReader(io.LimitReader(c, 64<<10))
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.Fields(line + " x")[0])
		switch cmd {
		case "CAPA":
			say("+OK\r\nUSER\r\nSASL PLAIN\r\n.")
		case "QUIT":
			say("+OK bye")
			return
		case "USER":
			say("+OK")
		case "PASS":
			say("-ERR [AUTH] invalid credentials")
		default:
			say("-ERR unknown command")
		}
	}
}

func serveUntilClosed(err error) {
	if err != nil && !errors.Is(err, net.ErrClosed) && !strings.Contains(err.Error(), "closed") {
		log.Print(err)
	}
}
