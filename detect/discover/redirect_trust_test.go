package discover_test

import (
	"net/http"
	"testing"

	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
)

// An HTTPS autoconfig answer reached through a redirect to another
// domain is only as trustworthy as where it ended: the source reports
// the final URL and redirect-untrusted, and its candidates are not
// trusted (so no password goes to them, see detect's login gate). Its
// notes are marked untrusted.
func TestHTTPSAutoconfigRedirectedToAnotherDomainIsUntrusted(t *testing.T) {
	lab := labtest.New(t)
	lab.HTTPS("autoconfig.example.com", http.RedirectHandler("https://config.attacker.example/mail.xml", http.StatusFound))
	lab.HTTPS("example.com", http.NotFoundHandler())
	doc := configXML("example.com", "Forged", imap("imap.attacker.example"), smtp("smtp.attacker.example"))
	lab.HTTPS("config.attacker.example", serveXML(doc))
	res, _ := run(t, lab, "anna@example.com", func(o *discover.Options) { o.NoHTTP = true; o.ISPDBURL = "https://ispdb.invalid.test/" })
	src := source(t, res, discover.SourceAutoconfig)
	if src.Trust != discover.TrustRedirectUntrusted || src.Trusted || src.URL != "https://config.attacker.example/mail.xml" {
		t.Fatalf("autoconfig source %+v, want redirect-untrusted at the final URL", src)
	}
	c, ok := candidate(res, mail.IMAP, "imap.attacker.example", 993)
	if !ok || c.Trusted {
		t.Fatalf("attacker candidate %+v (found %v), want it untrusted", c, ok)
	}
}

// A redirect that stays inside the address's domain keeps the trust.
func TestHTTPSAutoconfigRedirectedInsideTheDomainStaysTrusted(t *testing.T) {
	lab := labtest.New(t)
	lab.HTTPS("autoconfig.example.com", http.RedirectHandler("https://www.example.com/mail.xml", http.StatusFound))
	lab.HTTPS("example.com", http.NotFoundHandler())
	lab.HTTPS("www.example.com", serveXML(configXML("example.com", "Example", imap("imap.example.com"))))
	res, _ := run(t, lab, "anna@example.com", func(o *discover.Options) { o.NoHTTP = true; o.ISPDBURL = "https://ispdb.invalid.test/" })
	src := source(t, res, discover.SourceAutoconfig)
	if src.Trust != discover.TrustHTTPS || !src.Trusted {
		t.Fatalf("autoconfig source %+v, want https", src)
	}
	if c, ok := candidate(res, mail.IMAP, "imap.example.com", 993); !ok || !c.Trusted {
		t.Fatalf("candidate %+v (found %v), want it trusted", c, ok)
	}
}
