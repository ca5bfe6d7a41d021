package network_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"go.uber.org/goleak"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/network"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func testCtx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestDNSFailuresAreReportedPrecisely(t *testing.T) {
	lab := labtest.New(t)
	lab.A("servfail.test", "127.0.0.5")
	lab.DNSFail("servfail.test", labtest.ServFail)
	lab.A("slow.test", "127.0.0.6")
	lab.DNSFail("slow.test", labtest.Timeout)
	cases := []struct {
		name     string
		notFound bool
		rcode    string
		timeout  bool
	}{
		{"missing.test", true, "", false},
		{"servfail.test", false, "SERVFAIL", false},
		{"slow.test", false, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := lab.Network()
			if c.timeout {
				n.DNSTimeout = 150 * time.Millisecond
			}
			_, err := n.LookupMX(testCtx(t), c.name)
			if c.notFound {
				if !errors.Is(err, network.ErrNotFound) {
					t.Fatalf("err = %v, want ErrNotFound", err)
				}
				return
			}
			var de *network.DNSError
			if !errors.As(err, &de) || de.Rcode != c.rcode || de.Timeout != c.timeout {
				t.Fatalf("err = %#v, want rcode %q timeout %v", err, c.rcode, c.timeout)
			}
		})
	}
}

func TestDNSQueryStopsWhenTheContextIsCancelled(t *testing.T) {
	lab := labtest.New(t)
	lab.DNSFail("slow.test", labtest.Timeout)
	n := lab.Network()
	n.DNSTimeout = 10 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := n.LookupMX(ctx, "slow.test")
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("cancelled query returned after %v", el)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestDNSMovesToTheNextServerAfterSERVFAIL(t *testing.T) {
	broken := labtest.New(t)
	broken.DNSFail(".", labtest.ServFail)
	good := labtest.New(t)
	good.MX("example.com", 10, "mx.example.com")
	n := good.Network()
	n.DNSServers = []string{broken.DNSAddr(), good.DNSAddr()}
	mx, err := n.LookupMX(testCtx(t), "example.com")
	if err != nil || len(mx) != 1 {
		t.Fatalf("MX = %v, %v", mx, err)
	}
}

func TestTruncatedUDPAnswerIsRetriedOverTCP(t *testing.T) {
	lab := labtest.New(t)
	lab.TXT("tc.test", "complete")
	lab.DNSFail("tc.test", labtest.Truncate)
	txt, err := lab.Network().LookupTXT(testCtx(t), "tc.test")
	if err != nil || len(txt) != 1 || txt[0] != "complete" {
		t.Fatalf("TXT = %q, %v", txt, err)
	}
}

func TestHundredsOfSRVRecordsAreCapped(t *testing.T) {
	lab := labtest.New(t)
	for i := 0; i < 400; i++ {
		lab.SRV("_imaps._tcp.many.test", 10, uint16(i), 993, fmt.Sprintf("h%d.many.test", i))
	}
	srv, err := lab.Network().LookupSRV(testCtx(t), "imaps", "tcp", "many.test")
	if err != nil || len(srv) != network.MaxAnswers {
		t.Fatalf("%d records, %v; want %d", len(srv), err, network.MaxAnswers)
	}
}

func TestNullMXAndSRVDotTargetBecomeEmptyHost(t *testing.T) {
	lab := labtest.New(t)
	lab.MX("nomail.test", 0, ".")
	lab.SRV("_pop3._tcp.nomail.test", 0, 0, 0, ".")
	n := lab.Network()
	mx, err := n.LookupMX(testCtx(t), "nomail.test")
	if err != nil || len(mx) != 1 || mx[0].Host != "" {
		t.Fatalf("null MX = %+v, %v", mx, err)
	}
	srv, err := n.LookupSRV(testCtx(t), "pop3", "tcp", "nomail.test")
	if err != nil || len(srv) != 1 || srv[0].Target != "" {
		t.Fatalf("SRV . = %+v, %v", srv, err)
	}
}

func TestPortMapRewritesTheDialedAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{})
	go func() {
		defer close(accepted)
		if c, err := ln.Accept(); err == nil {
			c.Close()
		}
	}()
	n := &network.Network{
		DNSServers:   []string{"127.0.0.1:1"},
		LoopbackOnly: true,
		PortMap:      map[string]string{"127.0.0.1:993": ln.Addr().String()},
	}
	conn, err := n.DialContext(testCtx(t), "tcp", "127.0.0.1:993")
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	<-accepted
}

func TestLoopbackOnlyRefusesOtherAddresses(t *testing.T) {
	n := &network.Network{DNSServers: []string{"192.0.2.53:53"}, LoopbackOnly: true}
	if _, err := n.LookupMX(testCtx(t), "example.com"); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("DNS to a non-loopback server: %v", err)
	}
	if _, err := n.DialContext(testCtx(t), "tcp", "192.0.2.1:443"); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("dial to a non-loopback address: %v", err)
	}
}

func TestDialClassifiesFailures(t *testing.T) {
	lab := labtest.New(t)
	lab.Host("mail.example.com")
	lab.Filter("mail.example.com", 465)
	n := lab.Network()
	n.DialTimeout = 200 * time.Millisecond
	cases := []struct {
		addr string
		want network.DialFailure
	}{
		{"mail.example.com:25", network.Refused},
		{"mail.example.com:465", network.Filtered},
		{"nowhere.example.com:25", network.Unresolved},
	}
	for _, c := range cases {
		_, err := n.DialContext(testCtx(t), "tcp", c.addr)
		var de *network.DialError
		if !errors.As(err, &de) || de.Kind != c.want {
			t.Errorf("%s: %v, want %s", c.addr, err, c.want)
		}
	}
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := n.DialContext(cctx, "tcp", "mail.example.com:465")
	var de *network.DialError
	if !errors.As(err, &de) || de.Kind != network.Canceled {
		t.Errorf("canceled dial: %v, want canceled", err)
	}
}

func TestHTTPGetCapsBodiesAndRedirects(t *testing.T) {
	lab := labtest.New(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "fine")
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("x"), network.MaxHTTPBody+1))
	})
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/r1", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/r2", http.StatusFound) })
	mux.HandleFunc("/r2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/down", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://web.test/ok", http.StatusFound)
	})
	lab.HTTPS("web.test", mux)
	lab.HTTP("web.test", mux)
	n := lab.Network()
	ctx := testCtx(t)

	res, err := n.Get(ctx, "https://web.test/r1", 0)
	if err != nil || string(res.Body) != "fine" || len(res.Redirects) != 2 || !res.Secure {
		t.Fatalf("two redirects: %+v, %v", res, err)
	}
	if res.ContentType != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type of the final answer = %q", res.ContentType)
	}
	if _, err := n.Get(ctx, "https://web.test/big", 0); !errors.Is(err, network.ErrBodyTooLarge) {
		t.Errorf("big body: %v", err)
	}
	if _, err := n.Get(ctx, "https://web.test/loop", 0); !errors.Is(err, network.ErrTooManyRedirects) {
		t.Errorf("redirect loop: %v", err)
	}
	if _, err := n.Get(ctx, "https://web.test/down", 0); !errors.Is(err, network.ErrInsecureRedirect) {
		t.Errorf("HTTPS→HTTP: %v", err)
	}
	var se *network.HTTPStatusError
	if _, err := n.Get(ctx, "https://web.test/missing", 0); !errors.As(err, &se) || !se.NotFound() {
		t.Errorf("404: %v", err)
	}
	if res, err := n.Get(ctx, "http://web.test/ok", 0); err != nil || res.Secure {
		t.Errorf("plain HTTP: %+v, %v (must not be Secure)", res, err)
	}
	if _, err := n.Get(ctx, "ftp://web.test/", 0); err == nil {
		t.Error("ftp URL accepted")
	}
}

func TestHTTPPostReturnsRedirectsWithoutFollowing(t *testing.T) {
	lab := labtest.New(t)
	var got []byte
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		if r.Header.Get("Authorization") != "" {
			http.Error(w, "credentials sent", http.StatusBadRequest)
			return
		}
		io.WriteString(w, "<ok/>")
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://other.test/echo", http.StatusFound)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("x"), 2048))
	})
	lab.HTTPS("web.test", mux)
	n := lab.Network()
	ctx := testCtx(t)

	res, err := n.Post(ctx, "https://web.test/echo", "text/xml", []byte("<req/>"), 0)
	if err != nil || string(res.Body) != "<ok/>" || string(got) != "<req/>" {
		t.Fatalf("post: %+v %v (server got %q)", res, err, got)
	}
	res, err = n.Post(ctx, "https://web.test/moved", "text/xml", nil, 0)
	if err != nil || res.Status != http.StatusFound || res.Location != "https://other.test/echo" {
		t.Fatalf("redirect: %+v %v", res, err)
	}
	if _, err := n.Post(ctx, "https://web.test/big", "text/xml", nil, 1024); !errors.Is(err, network.ErrBodyTooLarge) {
		t.Fatalf("capped body: %v", err)
	}
}

func TestExchangeRejectsEmptyServerList(t *testing.T) {
	n := &network.Network{DNSServers: nil}
	// With no servers and no resolv.conf the system resolver would be
	// used; Exchange itself needs an explicit server.
	if _, err := n.Exchange(testCtx(t), "example.com", dns.TypeMX); err == nil {
		t.Fatal("Exchange with no server succeeded")
	}
}
