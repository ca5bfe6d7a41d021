package labtest_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"go.uber.org/goleak"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/network"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func ctx(t *testing.T, d time.Duration) context.Context {
	c, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return c
}

func TestZoneAnswersRecordsBuiltInGo(t *testing.T) {
	lab := labtest.New(t)
	lab.MX("example.com", 20, "mx2.example.com")
	lab.MX("example.com", 10, "mx1.example.com")
	lab.SRV("_imaps._tcp.example.com", 0, 1, 993, "imap.example.com")
	lab.TXT("example.com", "v=spf1 ", "-all")
	lab.A("imap.example.com", "127.0.0.9")
	lab.CNAME("mail.example.com", "imap.example.com")
	n := lab.Network()
	c := ctx(t, 5*time.Second)

	mx, err := n.LookupMX(c, "example.com")
	if err != nil || len(mx) != 2 || mx[0].Host != "mx1.example.com" || mx[1].Pref != 20 {
		t.Fatalf("MX = %+v, %v", mx, err)
	}
	srv, err := n.LookupSRV(c, "imaps", "tcp", "example.com")
	if err != nil || len(srv) != 1 || srv[0].Target != "imap.example.com" || srv[0].Port != 993 {
		t.Fatalf("SRV = %+v, %v", srv, err)
	}
	txt, err := n.LookupTXT(c, "EXAMPLE.com")
	if err != nil || len(txt) != 1 || txt[0] != "v=spf1 -all" {
		t.Fatalf("TXT = %q, %v", txt, err)
	}
	ips, err := n.LookupHost(c, "mail.example.com")
	if err != nil || len(ips) != 1 || ips[0].String() != "127.0.0.9" {
		t.Fatalf("CNAME → A = %v, %v", ips, err)
	}
}

func TestZoneSaysNXDOMAINForUnknownAndNODATAForMissingType(t *testing.T) {
	lab := labtest.New(t)
	lab.A("host.example.com", "127.0.0.5")
	n := lab.Network()
	c := ctx(t, 5*time.Second)

	resp, err := n.Exchange(c, "nothing.example.com", dns.TypeA)
	if !errors.Is(err, network.ErrNotFound) || resp.Rcode != dns.RcodeNameError {
		t.Fatalf("unknown name: rcode %v, err %v; want NXDOMAIN", resp, err)
	}
	resp, err = n.Exchange(c, "host.example.com", dns.TypeMX)
	if !errors.Is(err, network.ErrNotFound) || resp.Rcode != dns.RcodeSuccess {
		t.Fatalf("missing type: %v, %v; want NOERROR without answer", resp, err)
	}
	// example.com has no records of its own but a name below it: it
	// exists (empty non-terminal), so NODATA rather than NXDOMAIN.
	resp, _ = n.Exchange(c, "example.com", dns.TypeMX)
	if resp == nil || resp.Rcode != dns.RcodeSuccess {
		t.Fatalf("empty non-terminal answered %v", resp)
	}
}

func TestDNSBehavioursApplyToNameAndBelow(t *testing.T) {
	lab := labtest.New(t)
	lab.A("a.fail.test", "127.0.0.5")
	lab.A("ok.fail.test", "127.0.0.6")
	lab.DNSFail("fail.test", labtest.ServFail)
	lab.DNSFail("ok.fail.test", labtest.Answer)
	lab.A("refused.test", "127.0.0.7")
	lab.DNSFail("refused.test", labtest.Refused)
	n := lab.Network()
	c := ctx(t, 5*time.Second)

	var de *network.DNSError
	if _, err := n.LookupHost(c, "a.fail.test"); !errors.As(err, &de) || de.Rcode != "SERVFAIL" {
		t.Fatalf("servfail: %v", err)
	}
	if _, err := n.LookupHost(c, "refused.test"); !errors.As(err, &de) || de.Rcode != "REFUSED" {
		t.Fatalf("refused: %v", err)
	}
	if ips, err := n.LookupHost(c, "ok.fail.test"); err != nil || len(ips) != 1 {
		t.Fatalf("a more specific Answer must win: %v %v", ips, err)
	}
}

func TestDNSTimeoutNeverAnswers(t *testing.T) {
	lab := labtest.New(t)
	lab.A("slow.test", "127.0.0.5")
	lab.DNSFail("slow.test", labtest.Timeout)
	n := lab.Network()
	n.DNSTimeout = 200 * time.Millisecond
	start := time.Now()
	_, err := n.LookupMX(ctx(t, 5*time.Second), "slow.test")
	var de *network.DNSError
	if !errors.As(err, &de) || !de.Timeout {
		t.Fatalf("err = %v, want a DNS timeout", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("timeout took %v", el)
	}
}

func TestTruncateSetsTCOnUDPAndAnswersOverTCP(t *testing.T) {
	lab := labtest.New(t)
	lab.TXT("big.test", "hello")
	lab.DNSFail("big.test", labtest.Truncate)

	q := new(dns.Msg)
	q.SetQuestion("big.test.", dns.TypeTXT)
	udp := &dns.Client{Net: "udp", Timeout: 2 * time.Second}
	resp, _, err := udp.Exchange(q, lab.DNSAddr())
	if err != nil || !resp.Truncated || len(resp.Answer) != 0 {
		t.Fatalf("UDP: %v %v; want TC and no answer", resp, err)
	}
	txt, err := lab.Network().LookupTXT(ctx(t, 5*time.Second), "big.test")
	if err != nil || len(txt) != 1 || txt[0] != "hello" {
		t.Fatalf("TCP fallback: %q %v", txt, err)
	}
}

func TestOversizedAnswerIsTruncatedOnUDPAndCompleteOnTCP(t *testing.T) {
	lab := labtest.New(t)
	for i := 0; i < 300; i++ {
		lab.SRV("_imaps._tcp.many.test", uint16(i), 0, 993, fmt.Sprintf("imap%03d.many.test", i))
	}
	q := new(dns.Msg)
	q.SetQuestion("_imaps._tcp.many.test.", dns.TypeSRV)
	q.SetEdns0(4096, false)
	resp, _, err := (&dns.Client{Net: "udp", UDPSize: 4096}).Exchange(q, lab.DNSAddr())
	if err != nil || !resp.Truncated {
		t.Fatalf("UDP: TC=%v err=%v", resp != nil && resp.Truncated, err)
	}
	resp, _, err = (&dns.Client{Net: "tcp"}).Exchange(q, lab.DNSAddr())
	if err != nil || len(resp.Answer) != 300 {
		t.Fatalf("TCP: %d answers, %v", len(resp.Answer), err)
	}
}

func TestHostsGetDistinctLoopbackAddresses(t *testing.T) {
	lab := labtest.New(t)
	seen := map[string]bool{}
	for i := 0; i < 300; i++ {
		ip := lab.Host(fmt.Sprintf("h%d.test", i))
		if !ip.IsLoopback() || ip.Equal(net.IPv4(127, 0, 0, 1)) || ip[len(ip)-1] == 0 || ip[len(ip)-1] == 255 {
			t.Fatalf("host %d got %v", i, ip)
		}
		if seen[ip.String()] {
			t.Fatalf("host %d got %v twice", i, ip)
		}
		seen[ip.String()] = true
	}
	if !lab.Host("h0.test").Equal(lab.Host("H0.test.")) {
		t.Fatal("the same name must keep its address")
	}
}

func TestListenerIsReachedOnItsStandardPort(t *testing.T) {
	lab := labtest.New(t)
	ln := lab.Listen("imap.example.com", 993)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Write([]byte("* OK hello\r\n"))
		c.Close()
	}()
	conn, err := lab.Network().DialContext(ctx(t, 5*time.Second), "tcp", "imap.example.com:993")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	line, _ := io.ReadAll(conn)
	if string(line) != "* OK hello\r\n" {
		t.Fatalf("read %q", line)
	}
	<-done
}

func TestUnservedPortIsRefusedAndFilteredPortHangs(t *testing.T) {
	lab := labtest.New(t)
	lab.Host("mail.example.com")
	lab.Filter("mail.example.com", 587)
	n := lab.Network()

	_, err := n.DialContext(ctx(t, 5*time.Second), "tcp", "mail.example.com:25")
	var de *network.DialError
	if !errors.As(err, &de) || de.Kind != network.Refused {
		t.Fatalf("unserved port: %v, want refused", err)
	}
	start := time.Now()
	_, err = n.DialContext(ctx(t, 300*time.Millisecond), "tcp", "mail.example.com:587")
	if !errors.As(err, &de) || de.Kind != network.Filtered {
		t.Fatalf("filtered port: %v, want filtered", err)
	}
	if el := time.Since(start); el < 250*time.Millisecond || el > 2*time.Second {
		t.Fatalf("filtered dial returned after %v, want about the deadline", el)
	}
}

func TestHTTPSRoutesByHostWithLabCertificates(t *testing.T) {
	lab := labtest.New(t)
	for _, h := range []string{"autoconfig.example.com", "example.com"} {
		h := h
		lab.HTTPS(h, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "%s %s", h, r.URL.Path)
		}))
	}
	lab.HTTP("example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "plain")
	}))
	n := lab.Network()
	c := ctx(t, 5*time.Second)
	for url, want := range map[string]string{
		"https://autoconfig.example.com/mail/config-v1.1.xml": "autoconfig.example.com /mail/config-v1.1.xml",
		"https://example.com/x":                               "example.com /x",
		"http://example.com/":                                 "plain",
	} {
		res, err := n.Get(c, url, 0)
		if err != nil || string(res.Body) != want {
			t.Errorf("%s: %v %q", url, err, body(res))
		}
	}
}

func body(r *network.HTTPResult) string {
	if r == nil {
		return ""
	}
	return string(r.Body)
}

func TestBrokenCertificatesFailVerification(t *testing.T) {
	lab := labtest.New(t)
	past := time.Now().Add(-48 * time.Hour)
	cases := map[string]labtest.CertOptions{
		"expired.test":     {Names: []string{"expired.test"}, NotBefore: past, NotAfter: past.Add(time.Hour)},
		"selfsigned.test":  {Names: []string{"selfsigned.test"}, SelfSigned: true},
		"nochain.test":     {Names: []string{"nochain.test"}, OmitIntermediate: true},
		"wrongname.test":   {Names: []string{"other.test"}},
		"notyetvalid.test": {Names: []string{"notyetvalid.test"}, NotBefore: time.Now().Add(time.Hour)},
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	for host, o := range cases {
		lab.HTTPSCert(host, lab.CertWith(o), ok)
	}
	lab.HTTPS("good.test", ok)
	n := lab.Network()
	c := ctx(t, 5*time.Second)
	for host := range cases {
		if _, err := n.Get(c, "https://"+host+"/", 0); err == nil {
			t.Errorf("%s: fetched despite a bad certificate", host)
		}
	}
	if _, err := n.Get(c, "https://good.test/", 0); err != nil {
		t.Errorf("good.test: %v", err)
	}
}

func TestChainIsLeafThenIntermediateUnlessOmitted(t *testing.T) {
	lab := labtest.New(t)
	full := lab.Cert("imap.example.com")
	if len(full.Certificate) != 2 {
		t.Fatalf("chain has %d certificates, want leaf + intermediate", len(full.Certificate))
	}
	inter, _ := x509.ParseCertificate(full.Certificate[1])
	opts := x509.VerifyOptions{DNSName: "imap.example.com", Roots: lab.CAPool(), Intermediates: x509.NewCertPool()}
	opts.Intermediates.AddCert(inter)
	if _, err := full.Leaf.Verify(opts); err != nil {
		t.Fatalf("valid chain did not verify: %v", err)
	}
	bare := lab.CertWith(labtest.CertOptions{Names: []string{"imap.example.com"}, OmitIntermediate: true})
	if len(bare.Certificate) != 1 {
		t.Fatalf("OmitIntermediate sent %d certificates", len(bare.Certificate))
	}
	opts.Intermediates = x509.NewCertPool()
	if _, err := bare.Leaf.Verify(opts); err == nil {
		t.Fatal("a leaf without its intermediate verified")
	}
}

func TestLatencyIsAddedPerConnectAndPerTurn(t *testing.T) {
	lab := labtest.NewWith(t, labtest.Options{Latency: 100 * time.Millisecond})
	ln := lab.Listen("smtp.example.com", 587)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 5)
		io.ReadFull(c, buf)
		c.Write(buf)
	}()
	start := time.Now()
	conn, err := lab.Network().DialContext(ctx(t, 5*time.Second), "tcp", "smtp.example.com:587")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("EHLO\n"))
	buf := make([]byte, 5)
	if _, err := io.ReadFull(conn, buf); err != nil {
		t.Fatal(err)
	}
	// One connect and one write→read turn: two latencies at least.
	if el := time.Since(start); el < 200*time.Millisecond {
		t.Fatalf("round trip took %v, want ≥ 200ms", el)
	}
	<-done
}

func TestEnvPointsABinaryAtTheLab(t *testing.T) {
	lab := labtest.New(t)
	env := strings.Join(lab.Env(), "\n")
	if !strings.Contains(env, "POSTINO_DNS="+lab.DNSAddr()) {
		t.Fatalf("env %q lacks POSTINO_DNS", env)
	}
	var file string
	for _, kv := range lab.Env() {
		if v, ok := strings.CutPrefix(kv, "SSL_CERT_FILE="); ok {
			file = v
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("CA file is not PEM")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil || !cert.Equal(lab.CACert()) {
		t.Fatalf("CA file holds another certificate: %v", err)
	}
}

func TestNetworkRefusesAddressesOutsideLoopback(t *testing.T) {
	lab := labtest.New(t)
	lab.A("outside.test", "192.0.2.1")
	_, err := lab.Network().DialContext(ctx(t, 5*time.Second), "tcp", "outside.test:443")
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("dial outside loopback: %v", err)
	}
}

func TestTLSListenerServesLabCertificate(t *testing.T) {
	lab := labtest.New(t)
	ln := tls.NewListener(lab.Listen("imap.example.com", 993), &tls.Config{Certificates: []tls.Certificate{lab.Cert("imap.example.com")}})
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Write([]byte("* OK\r\n"))
		c.Close()
	}()
	n := lab.Network()
	raw, err := n.DialContext(ctx(t, 5*time.Second), "tcp", "imap.example.com:993")
	if err != nil {
		t.Fatal(err)
	}
	conn := tls.Client(raw, n.TLSConfig("imap.example.com"))
	defer conn.Close()
	if err := conn.Handshake(); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	<-done
}

func TestRealPortsBindTheStandardPortItself(t *testing.T) {
	lab := labtest.NewWith(t, labtest.Options{RealPorts: true})
	// An unprivileged port, so the test needs no root; 127.0.0.x
	// addresses are private to this lab's host names.
	ln := lab.Listen("imap.realports.test", 10993)
	ip := lab.Host("imap.realports.test")
	if want := net.JoinHostPort(ip.String(), "10993"); ln.Addr().String() != want {
		t.Fatalf("listener on %s, want %s", ln.Addr(), want)
	}
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
		}
	}()
	// A program that knows nothing of the lab's mapping (the real binary)
	// reaches it by address alone.
	c, err := net.DialTimeout("tcp", ln.Addr().String(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

func TestRealPortsLabsTakeAnAddressBlockOfTheirOwn(t *testing.T) {
	// Two labs binding real ports at once must not answer each other's
	// refused ports: their hosts live outside 127.0.0.0/16, where a
	// lab on ephemeral ports (and the system) allocates.
	real := labtest.NewWith(t, labtest.Options{RealPorts: true})
	plain := labtest.New(t)
	r, p := real.Host("imap.example.com").To4(), plain.Host("imap.example.com").To4()
	if !r.IsLoopback() || r[1] < 16 || r[1] > 250 || r[1] == labtest.RealServersBlock {
		t.Fatalf("RealPorts host at %s, want 127.16-250.x.y outside the real servers' block", r)
	}
	if p[1] != 0 {
		t.Fatalf("ephemeral-port host at %s, want 127.0.x.y", p)
	}
	ips, err := real.Network().LookupHost(context.Background(), "imap.example.com")
	if err != nil || len(ips) != 1 || !ips[0].Equal(r) {
		t.Fatalf("the lab's DNS gives %v, %v; want %s", ips, err, r)
	}
}
