package input

import (
	"errors"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
)

func TestDNSServer(t *testing.T) {
	ok := map[string]string{
		"":                  "",
		"  ":                "",
		"9.9.9.9":           "9.9.9.9:53",
		" 127.0.0.1:5353 ":  "127.0.0.1:5353",
		"::1":               "[::1]:53",
		"[::1]":             "[::1]:53",
		"[2001:db8::1]:853": "[2001:db8::1]:853",
		"dns.example.net":   "dns.example.net:53",
		"DNS.Example.NET.":  "dns.example.net:53",
		"localhost:5353":    "localhost:5353",
	}
	for in, want := range ok {
		got, err := DNSServer(in)
		if err != nil || got != want {
			t.Errorf("DNSServer(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:dns", "dns server", "host:", ":53", "a..b", "-a.example", "https://9.9.9.9", "9.9.9.9:53:53", "ex@mple.net"} {
		_, err := DNSServer(in)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeDNSServer {
			t.Errorf("DNSServer(%q) = %v, want a %s error", in, err, CodeDNSServer)
		}
	}
}

func TestISPDBURL(t *testing.T) {
	for _, in := range []string{"", "https://autoconfig.thunderbird.net/v1.1/", "http://127.0.0.1:8080/ispdb/", "HTTPS://Example.org"} {
		if _, err := ISPDBURL(in); err != nil {
			t.Errorf("ISPDBURL(%q): %v", in, err)
		}
	}
	for _, in := range []string{"ftp://example.org/", "https://", "example.org/v1.1/", "https://user:pw@example.org/", "https://exa mple.org/", "file:///etc/passwd"} {
		_, err := ISPDBURL(in)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeISPDBURL {
			t.Errorf("ISPDBURL(%q) = %v, want a %s error", in, err, CodeISPDBURL)
		}
	}
}

func TestDKIMSelectorsReadsListsAndRefusesInsteadOfDropping(t *testing.T) {
	got, err := DKIMSelectors("s1, S2;s3", "s1", "", "k1.example")
	if err != nil || strings.Join(got, ",") != "s1,s2,s3,k1.example" {
		t.Fatalf("got %v, %v", got, err)
	}
	if got, err := DKIMSelectors(); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("no selectors: %v, %v", got, err)
	}
	for _, bad := range []string{"-s", "s!", "a..b", strings.Repeat("a", 64)} {
		_, err := DKIMSelectors(bad)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeDKIMSelector || e.Value != bad {
			t.Errorf("DKIMSelectors(%q) = %v", bad, err)
		}
	}
	var many []string
	for i := 0; i < MaxDKIMSelectors; i++ {
		many = append(many, "s"+strings.Repeat("x", i))
	}
	if got, err := DKIMSelectors(many...); err != nil || len(got) != MaxDKIMSelectors {
		t.Fatalf("%d selectors: %d, %v", MaxDKIMSelectors, len(got), err)
	}
	// One more is an explicit error, not a silent cut at twenty.
	_, err = DKIMSelectors(append(many, "one-more")...)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeDKIMTooMany || e.Value != "21" {
		t.Fatalf("21 selectors: %v", err)
	}
	if msg := e.In(i18n.For("it")); !strings.Contains(msg, "21") || !strings.Contains(msg, "20") || !strings.Contains(msg, "selettori") {
		t.Errorf("Italian message %q", msg)
	}
}

func TestEveryCodeHasAMessageInEveryLanguage(t *testing.T) {
	for _, lng := range i18n.Languages {
		msgs, err := i18n.Messages(lng)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range Codes {
			if msgs["input.err."+c] == "" {
				t.Errorf("%s: no message for %s", lng, c)
			}
		}
	}
}
