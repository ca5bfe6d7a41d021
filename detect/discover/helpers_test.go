package discover_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// recorder is an event.Sink that keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []event.Event
}

func (r *recorder) sink(e event.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) all() []event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event.Event(nil), r.events...)
}

// run discovers email against the lab with a private override directory.
func run(t *testing.T, lab *labtest.Lab, email string, tweak ...func(*discover.Options)) (*discover.Result, *recorder) {
	t.Helper()
	addr, err := address.Parse(email)
	if err != nil {
		t.Fatalf("address %q: %v", email, err)
	}
	opts := discover.Options{Network: lab.Network(), OverrideDir: t.TempDir(), Timeout: 10 * time.Second}
	for _, f := range tweak {
		f(&opts)
	}
	rec := &recorder{}
	res := discover.Run(context.Background(), opts, addr, rec.sink)
	return res, rec
}

// configXML writes a Thunderbird autoconfig document.
func configXML(id, name string, servers ...mail.Server) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="%s">
    <domain>%s</domain>
    <displayName>%s</displayName>
`, id, id, name)
	socket := map[mail.Security]string{mail.TLS: "SSL", mail.STARTTLS: "STARTTLS", mail.Plain: "plain"}
	for _, s := range servers {
		tag := "incomingServer"
		if s.Protocol == mail.SMTP {
			tag = "outgoingServer"
		}
		user := s.Username
		if user == "" {
			user = "%EMAILADDRESS%"
		}
		fmt.Fprintf(&b, `    <%s type="%s">
      <hostname>%s</hostname>
      <port>%d</port>
      <socketType>%s</socketType>
      <username>%s</username>
      <authentication>password-cleartext</authentication>
    </%s>
`, tag, s.Protocol, s.Host, s.Port, socket[s.Security], user, tag)
	}
	b.WriteString("  </emailProvider>\n</clientConfig>\n")
	return b.String()
}

func imap(host string) mail.Server {
	return mail.Server{Protocol: mail.IMAP, Host: host, Port: 993, Security: mail.TLS}
}

func smtp(host string) mail.Server {
	return mail.Server{Protocol: mail.SMTP, Host: host, Port: 465, Security: mail.TLS}
}

// serveXML answers every request with doc.
func serveXML(doc string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, doc)
	})
}

// ispdb serves the lab's ISPDB at the default address with one document
// per domain.
func ispdb(lab *labtest.Lab, docs map[string]string) {
	lab.HTTPS("autoconfig.thunderbird.net", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		doc, ok := docs[strings.TrimPrefix(r.URL.Path, "/v1.1/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, doc)
	}))
}

func writeOverride(t *testing.T, dir, domain, doc string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, domain+".xml"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}

func source(t *testing.T, res *discover.Result, name discover.SourceName) discover.SourceReport {
	t.Helper()
	for _, s := range res.Sources {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no report for source %s in %+v", name, res.Sources)
	return discover.SourceReport{}
}

func candidate(res *discover.Result, proto mail.Protocol, host string, port int) (mail.Candidate, bool) {
	for _, c := range res.Candidates {
		if c.Protocol == proto && c.Host == host && c.Port == port {
			return c, true
		}
	}
	return mail.Candidate{}, false
}

func hostsOf(cands []mail.Candidate) []string {
	var out []string
	for _, c := range cands {
		out = append(out, fmt.Sprintf("%s:%s:%d", c.Protocol, c.Host, c.Port))
	}
	return out
}

func fromSource(res *discover.Result, name discover.SourceName) []mail.Candidate {
	var out []mail.Candidate
	for _, c := range res.Candidates {
		for _, s := range c.Sources {
			if s == string(name) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}
