package discover_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
)

// quirkyConfig has what real files have: no XML declaration, unknown
// elements, several <authentication>, a URL-only server type, a broken
// section and a wrong port.
const quirkyConfig = `<clientConfig version="1.1">
 <emailProvider id="example.com">
  <domain>example.com</domain>
  <displayName>Quirky Mail</displayName>
  <webmail><loginPage url="https://webmail.example.com/"/></webmail>
  <incomingServer type="imap">
   <hostname>imap.example.com</hostname>
   <port>993</port>
   <socketType>SSL</socketType>
   <username>%EMAILLOCALPART%</username>
   <authentication>OAuth2</authentication>
   <authentication>password-cleartext</authentication>
   <futureElement>ignored</futureElement>
  </incomingServer>
  <incomingServer type="exchange">
   <hostname>ews.example.com</hostname>
   <url>https://ews.example.com/EWS/Exchange.asmx</url>
  </incomingServer>
  <incomingServer type="pop3">
   <hostname></hostname>
   <port>not-a-port</port>
  </incomingServer>
  <outgoingServer type="smtp">
   <hostname>smtp.example.com</hostname>
   <port>5870</port>
   <socketType>STARTTLS</socketType>
   <username>%EMAILADDRESS%</username>
   <authentication>password-cleartext</authentication>
  </outgoingServer>
 </emailProvider>
</clientConfig>`

func TestQuirkyAutoconfigFileIsReadTolerantly(t *testing.T) {
	lab := labtest.New(t)
	lab.HTTPS("autoconfig.example.com", serveXML(quirkyConfig))
	res, _ := run(t, lab, "anna@example.com")
	s := source(t, res, discover.SourceAutoconfig)
	if s.Status != discover.StatusFound || s.Provider != "Quirky Mail" {
		t.Fatalf("autoconfig report %+v", s)
	}
	got := hostsOf(fromSource(res, discover.SourceAutoconfig))
	want := []string{"imap:imap.example.com:993", "smtp:smtp.example.com:5870"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("candidates %v, want %v (URL-only and broken sections skipped, wrong port kept)", got, want)
	}
	c, _ := candidate(res, mail.IMAP, "imap.example.com", 993)
	if c.Username != mail.PlaceholderLocalPart || len(c.Auth) != 2 {
		t.Fatalf("IMAP candidate %+v", c)
	}
}

func TestOversizedAndMalformedDocumentsAreErrors(t *testing.T) {
	cases := []struct {
		name string
		body []byte
		code string
	}{
		{"oversized", bytes.Repeat([]byte("<a>"), network.MaxHTTPBody/3+10), discover.CodeTooLarge},
		{"malformed", []byte("<clientConfig><emailProvider id='x'><incomingServer"), discover.CodeMalformed},
		{"not xml", []byte("<!DOCTYPE html><html><body>Welcome to nginx</body>"), discover.CodeMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lab := labtest.New(t)
			lab.HTTPS("autoconfig.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(c.body) }))
			res, _ := run(t, lab, "anna@example.com")
			s := source(t, res, discover.SourceAutoconfig)
			if s.Status != discover.StatusError || s.ErrorCode != c.code {
				t.Fatalf("report %+v, want error %s", s, c.code)
			}
		})
	}
}

func TestAutoconfigRedirectsAreCappedAndNeverDowngraded(t *testing.T) {
	cases := []struct {
		name   string
		target string
		code   string
	}{
		{"loop", "https://autoconfig.example.com/mail/config-v1.1.xml", discover.CodeTooManyRedirects},
		{"https to http", "http://autoconfig.example.com/plain.xml", discover.CodeInsecureRedirect},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lab := labtest.New(t)
			lab.HTTPS("autoconfig.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, c.target, http.StatusFound)
			}))
			lab.HTTP("autoconfig.example.com", serveXML(configXML("example.com", "Plain", imap("imap.example.com"))))
			res, _ := run(t, lab, "anna@example.com")
			if s := source(t, res, discover.SourceAutoconfig); s.Status != discover.StatusError || s.ErrorCode != c.code {
				t.Fatalf("report %+v, want error %s", s, c.code)
			}
		})
	}
}

func TestDNSFailuresAreReportedPerSource(t *testing.T) {
	cases := []struct {
		name      string
		behaviour labtest.DNSBehaviour
		status    discover.Status
		code      string
	}{
		{"NXDOMAIN", labtest.Answer, discover.StatusNotFound, ""},
		{"SERVFAIL", labtest.ServFail, discover.StatusError, discover.CodeDNS},
		{"timeout", labtest.Timeout, discover.StatusError, discover.CodeTimeout},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lab := labtest.New(t)
			lab.DNSFail("example.com", c.behaviour)
			res, _ := run(t, lab, "anna@example.com", func(o *discover.Options) {
				if c.behaviour == labtest.Timeout {
					o.Network.DNSTimeout = 300 * time.Millisecond
				}
			})
			for _, name := range []discover.SourceName{discover.SourceSRV, discover.SourceMX} {
				s := source(t, res, name)
				if s.Status != c.status || s.ErrorCode != c.code && c.code != "" {
					t.Errorf("%s: %+v, want %s %s", name, s, c.status, c.code)
				}
			}
		})
	}
}

func TestTruncatedSRVAnswerIsCompletedOverTCP(t *testing.T) {
	lab := labtest.New(t)
	lab.SRV("_imaps._tcp.example.com", 0, 0, 993, "imap.example.com")
	lab.DNSFail("_imaps._tcp.example.com", labtest.Truncate)
	res, _ := run(t, lab, "anna@example.com")
	if _, ok := candidate(res, mail.IMAP, "imap.example.com", 993); !ok {
		t.Fatalf("candidates %v", hostsOf(res.Candidates))
	}
}

func TestIDNAddressQueriesTheASCIIDomain(t *testing.T) {
	lab := labtest.New(t)
	var asked string
	lab.HTTPS("autoconfig.xn--citt-3na.it", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = r.URL.Query().Get("emailaddress")
		w.Write([]byte(configXML("xn--citt-3na.it", "Città", imap("imap.xn--citt-3na.it"), smtp("smtp.xn--citt-3na.it"))))
	}))
	res, _ := run(t, lab, "mario@città.it")
	if res.Domain != "xn--citt-3na.it" || res.DomainUnicode != "città.it" {
		t.Fatalf("domain %q / %q", res.Domain, res.DomainUnicode)
	}
	if s := source(t, res, discover.SourceAutoconfig); s.Status != discover.StatusFound {
		t.Fatalf("autoconfig %+v", s)
	}
	if asked != "mario@xn--citt-3na.it" {
		t.Fatalf("emailaddress=%q", asked)
	}
}

// hangMargin is how long after its deadline a run may take to unwind. It
// is generous because CI machines are shared and the race detector is
// slow, yet far below the 5 s DNS and dial timeouts the hang tests set,
// so a run that waited for those would still fail.
const hangMargin = 1500 * time.Millisecond

func TestRunWhoseSourcesAllHangReturnsWithinTheDeadline(t *testing.T) {
	lab := labtest.New(t)
	lab.DNSFail(".", labtest.Timeout)
	addr, _ := address.Parse("anna@hang.example")
	const deadline = 600 * time.Millisecond
	n := lab.Network()
	n.DNSTimeout = 5 * time.Second // longer than the run: the run's deadline must cut it
	start := time.Now()
	res := discover.Run(context.Background(), discover.Options{Network: n, OverrideDir: t.TempDir(), Timeout: deadline}, addr, nil)
	elapsed := time.Since(start)
	if elapsed > deadline+hangMargin {
		t.Fatalf("run took %v with a %v deadline", elapsed, deadline)
	}
	for _, s := range res.Sources {
		switch s.Name {
		case discover.SourceOverride, discover.SourceBuiltin:
			continue // local: they answer at once
		}
		if s.Status != discover.StatusError || s.ErrorCode != discover.CodeTimeout {
			t.Errorf("%s: %+v, want a timeout error", s.Name, s)
		}
	}
}

func TestRunWhoseServersHangReturnsWithinTheDeadline(t *testing.T) {
	lab := labtest.New(t)
	// Names resolve, but connections hang (filtered ports) or servers
	// never answer (handlers that wait for the client to give up).
	hang := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	})
	lab.Filter("autoconfig.example.com", 443)
	lab.Filter("autoconfig.example.com", 80)
	lab.HTTPS("example.com", hang)
	lab.HTTP("example.com", hang)
	lab.HTTPS("autoconfig.thunderbird.net", hang)
	lab.HTTPS("autodiscover.example.com", hang)
	lab.MX("example.com", 10, "mx.hoster.test")
	lab.HTTPS("autoconfig.hoster.test", hang)
	for _, name := range []string{"_imaps._tcp.example.com", "_imap._tcp.example.com", "_pop3s._tcp.example.com",
		"_pop3._tcp.example.com", "_submissions._tcp.example.com", "_submission._tcp.example.com",
		"_autodiscover._tcp.example.com", "imap.example.com", "smtp.example.com", "pop.example.com",
		"pop3.example.com", "mail.example.com"} {
		lab.DNSFail(name, labtest.Timeout)
	}
	addr, _ := address.Parse("anna@example.com")
	const deadline = 700 * time.Millisecond
	n := lab.Network()
	n.DNSTimeout, n.DialTimeout = 5*time.Second, 5*time.Second
	start := time.Now()
	res := discover.Run(context.Background(), discover.Options{Network: n, OverrideDir: "-", Timeout: deadline}, addr, nil)
	if elapsed := time.Since(start); elapsed > deadline+hangMargin {
		t.Fatalf("run took %v with a %v deadline", elapsed, deadline)
	}
	for _, s := range res.Sources {
		switch s.Name {
		case discover.SourceBuiltin:
			continue
		case discover.SourceGuess:
			// example.com itself resolves (its web server hangs), so
			// the guesses may legitimately be ready when the deadline
			// strikes; all that matters is that they did not wait.
			if s.Status == discover.StatusFound {
				continue
			}
		}
		if s.Status != discover.StatusError || s.ErrorCode != discover.CodeTimeout {
			t.Errorf("%s: %+v, want a timeout error", s.Name, s)
		}
	}
}

func TestZeroAddressOrNetworkDoesNotPanic(t *testing.T) {
	res := discover.Run(context.Background(), discover.Options{Timeout: time.Second}, address.Address{}, nil)
	if res == nil || len(res.Candidates) != 0 {
		t.Fatalf("zero address: %+v", res)
	}
}

func TestCancelledContextStopsTheRun(t *testing.T) {
	lab := labtest.New(t)
	lab.DNSFail(".", labtest.Timeout)
	addr, _ := address.Parse("anna@example.com")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	n := lab.Network()
	n.DNSTimeout = 10 * time.Second
	res := discover.Run(ctx, discover.Options{Network: n, OverrideDir: "-"}, addr, nil)
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("cancelled run took %v", el)
	}
	if s := source(t, res, discover.SourceSRV); s.Status != discover.StatusError || s.ErrorCode != discover.CodeCanceled {
		t.Fatalf("SRV after cancel: %+v", s)
	}
}
