// Command demolab runs a fictional mail provider, studio-rossi.it, on
// loopback addresses for `make screenshots`, `make bench-gui` and the
// package checks (.ci/screenshots.sh, .ci/check-deb.sh,
// .ci/check-wine.sh): a DNS zone, a test CA, an HTTPS autoconfig file
// and the lab's mail servers (detect/labtest/mailserver): IMAP on 993
// and 143, SMTP on 465 and 587, and a POP3 server whose certificate has
// expired. Nothing listens on 110, 25 or 2525, so those rows show
// "Refused".
//
// It needs root (real port numbers on 127.0.0.x, labtest RealPorts). It
// prints the environment that points Postino at it (POSTINO_DNS,
// SSL_CERT_FILE), then READY, and serves until stdin closes or it gets
// SIGTERM/SIGINT.
//
// The mailbox is mario@studio-rossi.it with the password "demo-password".
//
// A second provider, ufficio-bianchi.it, is a small office on one
// server that publishes nothing (no autoconfig, no SRV): its settings
// are only guessed, so a check of anna@ufficio-bianchi.it probes 24
// endpoints, the check issue 16's memory and lag targets are about
// (make bench-gui). imap., pop., smtp. and mail. all point at the one
// server, which answers IMAP on 993 and 143, POP3 on 995 and 110 and
// SMTP on 465, 587 and 25 (not 2525); the bare domain is a web server,
// whose 8 mail ports refuse.
package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
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

	servers := &lifetime{}
	defer servers.stop()
	serveIMAP(lab, servers, "imap."+domain, mailserver.NewUser(servers, user, password), lab.Cert("imap."+domain),
		imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}, imap.CapIdle: {}})
	serveSubmission(lab, servers, "smtp."+domain, user, lab.Cert("smtp."+domain), 465, 587)

	// POP3 answers just enough for a probe to see a greeting after the
	// (expired-certificate) TLS handshake; it knows no user, so every
	// login is refused.
	expired := lab.CertWith(labtest.CertOptions{
		Names:     []string{"pop." + domain},
		NotBefore: time.Now().AddDate(-2, 0, 0),
		NotAfter:  time.Now().AddDate(0, -3, 0),
	})
	mailserver.ServePOP3(servers, lab.Listen("pop."+domain, 995), &mailserver.POP3{
		Greeting: "Studio Rossi POP3 ready", Capa: []string{"USER", "SASL PLAIN"},
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{expired}}, ImplicitTLS: true,
		Timeout: 30 * time.Second,
	})

	serveOffice(lab, servers)

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

// office is the second provider (see the package comment).
const office = "ufficio-bianchi.it"

// serveOffice starts ufficio-bianchi.it's one mail server and its DNS.
func serveOffice(lab *labtest.Lab, servers *lifetime) {
	ip := lab.Host("mail." + office).String()
	for _, name := range []string{"imap.", "pop.", "smtp."} {
		lab.A(name+office, ip)
	}
	lab.Host(office) // the web server: no mail port open
	lab.MX(office, 10, "mail."+office)
	cert := lab.CertWith(labtest.CertOptions{Names: []string{"mail." + office, "imap." + office, "pop." + office, "smtp." + office}})
	serveIMAP(lab, servers, "mail."+office, mailserver.NewUser(servers, "anna@"+office, password), cert, imap.CapSet{imap.CapIMAP4rev1: {}})
	for port, implicit := range map[int]bool{995: true, 110: false} {
		mailserver.ServePOP3(servers, lab.Listen("mail."+office, port), &mailserver.POP3{
			Greeting: "Ufficio Bianchi POP3", Capa: []string{"USER", "SASL PLAIN"},
			TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}, ImplicitTLS: implicit,
			Timeout: 30 * time.Second,
		})
	}
	serveSubmission(lab, servers, "mail."+office, "anna@"+office, cert, 465, 587, 25)
}

// serveIMAP serves user on host's 993 (TLS) and 143 (STARTTLS).
func serveIMAP(lab *labtest.Lab, servers *lifetime, host string, user *imapmemserver.User, cert tls.Certificate, caps imap.CapSet) {
	for port, mode := range map[int]mailserver.TLSMode{993: mailserver.Implicit, 143: mailserver.StartTLS} {
		mailserver.ServeIMAPWith(servers, lab.Listen(host, port), mailserver.IMAPOptions{User: user, Caps: caps, Cert: cert, TLS: mode})
	}
}

// serveSubmission serves SMTP on host's ports (465 with TLS from the
// first byte, the others with STARTTLS). It takes user's AUTH PLAIN, and
// mail only after it, and never relays what it gets.
func serveSubmission(lab *labtest.Lab, servers *lifetime, host, user string, cert tls.Certificate, ports ...int) {
	be := mailserver.NewSubmission(nil, user, password, nil)
	be.RequireAuth(true)
	for _, port := range ports {
		mode := mailserver.StartTLS
		if port == 465 {
			mode = mailserver.Implicit
		}
		mailserver.ServeSMTPWith(servers, lab.Listen(host, port), be, mailserver.SMTPOptions{
			Domain: host, Cert: cert, TLS: mode, MaxMessageBytes: 25 << 20, Timeout: 30 * time.Second,
		})
	}
}

// lifetime is the demo's mailserver.TB: the servers it starts stop, in
// reverse order, when main returns.
type lifetime struct{ stops []func() }

func (*lifetime) Helper()               {}
func (*lifetime) Fatal(args ...any)     { log.Fatal(args...) }
func (l *lifetime) Cleanup(stop func()) { l.stops = append(l.stops, stop) }

func (l *lifetime) stop() {
	for i := len(l.stops) - 1; i >= 0; i-- {
		l.stops[i]()
	}
}
