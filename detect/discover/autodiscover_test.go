package discover_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
)

const poxHead = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
 <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
`
const poxTail = ` </Response>
</Autodiscover>`

func poxSettings(display, domain, login string) string {
	return poxHead + fmt.Sprintf(`  <User><DisplayName>%s</DisplayName></User>
  <Account>
   <AccountType>email</AccountType>
   <Action>settings</Action>
   <Protocol><Type>IMAP</Type><Server>imap.%s</Server><Port>993</Port><SSL>on</SSL><LoginName>%s</LoginName></Protocol>
   <Protocol><Type>SMTP</Type><Server>smtp.%s</Server><Port>465</Port><SSL>on</SSL><LoginName>%s</LoginName></Protocol>
  </Account>
`, display, domain, login, domain, login) + poxTail
}

func poxRedirect(action, value string) string {
	tag := "RedirectAddr"
	if action == "redirectUrl" {
		tag = "RedirectUrl"
	}
	return poxHead + fmt.Sprintf(`  <Account><AccountType>email</AccountType><Action>%s</Action><%s>%s</%s></Account>
`, action, tag, value, tag) + poxTail
}

// poxServer records every request and answers with answer.
type poxServer struct {
	mu       sync.Mutex
	bodies   []string
	problems []string
	answer   func(w http.ResponseWriter, r *http.Request)
}

func (p *poxServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	p.bodies = append(p.bodies, string(body))
	if r.Method != http.MethodPost {
		p.problems = append(p.problems, "method "+r.Method)
	}
	if r.Header.Get("Authorization") != "" {
		p.problems = append(p.problems, "an Authorization header was sent")
	}
	if strings.Contains(strings.ToLower(string(body)), "password") {
		p.problems = append(p.problems, "the body mentions a password")
	}
	p.mu.Unlock()
	p.answer(w, r)
}

func xmlAnswer(doc string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, doc)
	}
}

func TestAutodiscoverGivesServersAndNeverAPassword(t *testing.T) {
	lab := labtest.New(t)
	srv := &poxServer{answer: xmlAnswer(poxSettings("Example Exchange", "example.com", "anna@example.com"))}
	lab.HTTPS("autodiscover.example.com", srv)

	res, _ := run(t, lab, "anna@example.com")
	s := source(t, res, discover.SourceAutodiscover)
	if s.Status != discover.StatusFound || s.Trust != discover.TrustHTTPS || !s.Trusted || s.Provider != "Example Exchange" {
		t.Fatalf("autodiscover report %+v", s)
	}
	c, ok := candidate(res, mail.IMAP, "imap.example.com", 993)
	if !ok || !c.Trusted || c.Username != mail.PlaceholderAddress {
		t.Fatalf("IMAP candidate %+v", c)
	}
	if _, ok := candidate(res, mail.SMTP, "smtp.example.com", 465); !ok {
		t.Fatalf("candidates %v", hostsOf(res.Candidates))
	}
	if res.Provider == nil || res.Provider.ID != "example.com" || res.Provider.DisplayName != "Example Exchange" || c.ProviderID != "example.com" {
		t.Fatalf("provider %+v, candidate provider id %q: want example.com", res.Provider, c.ProviderID)
	}
	if len(srv.bodies) == 0 || !strings.Contains(srv.bodies[0], "anna@example.com") {
		t.Fatalf("request bodies %q", srv.bodies)
	}
	if len(srv.problems) > 0 {
		t.Fatalf("request problems: %v", srv.problems)
	}
}

func TestAutodiscoverRedirectsToAnotherDomainAreUntrusted(t *testing.T) {
	cases := map[string]func(w http.ResponseWriter, r *http.Request){
		"redirectAddr": xmlAnswer(poxRedirect("redirectAddr", "anna@hoster.test")),
		"redirectUrl":  xmlAnswer(poxRedirect("redirectUrl", "https://autodiscover.hoster.test/autodiscover/autodiscover.xml")),
		"HTTP 302": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://autodiscover.hoster.test/autodiscover/autodiscover.xml", http.StatusFound)
		},
	}
	for name, first := range cases {
		t.Run(name, func(t *testing.T) {
			lab := labtest.New(t)
			lab.HTTPS("autodiscover.example.com", &poxServer{answer: first})
			hoster := &poxServer{answer: xmlAnswer(poxSettings("Hoster", "hoster.test", "anna@hoster.test"))}
			lab.HTTPS("autodiscover.hoster.test", hoster)

			res, _ := run(t, lab, "anna@example.com")
			s := source(t, res, discover.SourceAutodiscover)
			if s.Status != discover.StatusFound || s.Trust != discover.TrustRedirectUntrusted || s.Trusted {
				t.Fatalf("report %+v", s)
			}
			c, ok := candidate(res, mail.IMAP, "imap.hoster.test", 993)
			wantID := "example.com" // the address Autodiscover answered for
			if name == "redirectAddr" {
				wantID = "hoster.test"
			}
			if !ok || c.Trusted || c.ProviderID != wantID {
				t.Fatalf("candidate %+v", c)
			}
			if len(hoster.problems) > 0 {
				t.Fatalf("redirected request: %v", hoster.problems)
			}
		})
	}
}

func TestAutodiscoverRedirectLoopIsCapped(t *testing.T) {
	lab := labtest.New(t)
	loop := &poxServer{answer: xmlAnswer(poxRedirect("redirectUrl", "https://autodiscover.example.com/autodiscover/autodiscover.xml"))}
	lab.HTTPS("autodiscover.example.com", loop)
	res, _ := run(t, lab, "anna@example.com")
	if s := source(t, res, discover.SourceAutodiscover); s.Status != discover.StatusError || s.ErrorCode != discover.CodeTooManyRedirects {
		t.Fatalf("report %+v", s)
	}
	if n := len(loop.bodies); n != discover.MaxAutodiscoverRedirects+1 {
		t.Fatalf("%d requests in the loop, want %d", n, discover.MaxAutodiscoverRedirects+1)
	}
}

func TestAutodiscoverRefusesARedirectToPlainHTTP(t *testing.T) {
	lab := labtest.New(t)
	lab.HTTPS("autodiscover.example.com", &poxServer{answer: func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://autodiscover.example.com/autodiscover/autodiscover.xml", http.StatusFound)
	}})
	plain := &poxServer{answer: xmlAnswer(poxSettings("Plain", "example.com", "anna@example.com"))}
	lab.HTTP("autodiscover.example.com", plain)
	res, _ := run(t, lab, "anna@example.com")
	if s := source(t, res, discover.SourceAutodiscover); s.Status != discover.StatusError || s.ErrorCode != discover.CodeInsecureRedirect {
		t.Fatalf("report %+v", s)
	}
	if len(plain.bodies) != 0 {
		t.Fatal("the request was sent over plain HTTP")
	}
}

func TestAutodiscoverSRVTargetOutsideTheDomainIsUntrusted(t *testing.T) {
	lab := labtest.New(t)
	lab.SRV("_autodiscover._tcp.example.com", 0, 0, 443, "mail.hoster.test")
	lab.HTTPS("mail.hoster.test", &poxServer{answer: xmlAnswer(poxSettings("Via SRV", "hoster.test", "anna@example.com"))})
	res, _ := run(t, lab, "anna@example.com")
	s := source(t, res, discover.SourceAutodiscover)
	if s.Status != discover.StatusFound || s.Trusted || !strings.HasPrefix(s.URL, "https://mail.hoster.test/") {
		t.Fatalf("report %+v", s)
	}
}

func TestAutodiscoverAskingForAPasswordIsNothingFound(t *testing.T) {
	lab := labtest.New(t)
	srv := &poxServer{answer: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Basic realm="autodiscover"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	}}
	lab.HTTPS("autodiscover.example.com", srv)
	res, _ := run(t, lab, "anna@example.com")
	s := source(t, res, discover.SourceAutodiscover)
	if s.Status != discover.StatusNotFound || s.ErrorCode != discover.CodeAuthRequired {
		t.Fatalf("report %+v", s)
	}
	if len(srv.problems) > 0 {
		t.Fatalf("request problems: %v", srv.problems)
	}
}

func TestAutodiscoverOnAnOrdinaryWebSiteIsNothingFound(t *testing.T) {
	lab := labtest.New(t)
	// The domain's web site refuses the POST (405), as most do; no
	// autodiscover.DOMAIN host exists.
	lab.HTTPS("example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		http.NotFound(w, r)
	}))
	res, _ := run(t, lab, "anna@example.com")
	s := source(t, res, discover.SourceAutodiscover)
	if s.Status != discover.StatusNotFound || s.ErrorCode != discover.CodeNotFound {
		t.Fatalf("report %+v, want not-found", s)
	}
}
