package detect

import (
	"context"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/export"
)

// TestDomainFilesServedOverHTTPSAreDetectedBack closes the loop for
// IT staff: check a provider, write the domain files from the report,
// publish the tree with the lab's HTTPS server (a plain static file
// server, as nginx or Apache would be) in place of the provider's own
// autoconfig, and detect the domain again. Discovery must find the
// published file over trusted HTTPS and come back with exactly the
// servers the check verified, in the same order, with the login
// templates, and a new check must recommend the same servers.
func TestDomainFilesServedOverHTTPSAreDetectedBack(t *testing.T) {
	opts, _ := e2eProvider(t)
	lab := opts.lab
	lab.HTTPS("autoconfig.example.org", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example.org">`+
			`<domain>example.org</domain><displayName>Example Mail</displayName>`+
			server("incoming", "imap", 143, "STARTTLS")+server("incoming", "imap", 993, "SSL")+
			server("outgoing", "smtp", 587, "STARTTLS")+server("outgoing", "smtp", 465, "SSL")+
			`</emailProvider></clientConfig>`)
	}))
	opts.ISPDBURL = "https://ispdb.example.net/v1.1/"
	opts.Password = e2ePassword
	addr := mustAddr(t, "anna@example.org")
	rep := Check(context.Background(), opts.CheckOptions, addr, nil)
	s, err := rep.DomainSettings()
	if err != nil {
		t.Fatal(err)
	}
	files, err := export.DomainFiles(s, export.DomainFilesOptions{Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := export.WriteTree(dir, files); err != nil {
		t.Fatal(err)
	}
	site := http.FileServer(http.Dir(dir))
	lab.HTTPS("autoconfig.example.org", site)
	lab.HTTPS("example.org", site)

	res := discover.Run(context.Background(), discover.Options{Network: lab.Network(), ISPDBURL: opts.ISPDBURL, Timeout: 5 * time.Second, OverrideDir: "-"}, addr, nil)
	found := false
	for _, src := range res.Sources {
		if src.Name == discover.SourceAutoconfig {
			found = true
			if src.Status != discover.StatusFound || src.Trust != discover.TrustHTTPS || !src.Trusted {
				t.Fatalf("autoconfig source %+v, want found over trusted HTTPS", src)
			}
		}
	}
	if !found {
		t.Fatalf("no autoconfig source in %+v", res.Sources)
	}
	var got []mail.Server
	for _, c := range res.Candidates {
		if slices.Contains(c.Sources, string(discover.SourceAutoconfig)) {
			got = append(got, c.Server)
		}
	}
	want := append(append([]mail.Server{s.Incoming}, s.AlternativesIn...), append([]mail.Server{s.Outgoing}, s.AlternativesOut...)...)
	if len(want) != 4 {
		t.Fatalf("the check verified %d servers, want all 4: %v", len(want), want)
	}
	key := func(l []mail.Server, proto ...mail.Protocol) []string {
		var out []string
		for _, srv := range l {
			if slices.Contains(proto, srv.Protocol) {
				out = append(out, srv.Key())
			}
		}
		return out
	}
	for _, dir := range [][]mail.Protocol{{mail.IMAP, mail.POP3}, {mail.SMTP}} {
		if g, w := key(got, dir...), key(want, dir...); !slices.Equal(g, w) {
			t.Errorf("detected %v, want %v (same servers, same order)", g, w)
		}
	}
	for _, c := range got {
		if c.Username != mail.PlaceholderAddress {
			t.Errorf("%s: username %q, want %s", c, c.Username, mail.PlaceholderAddress)
		}
	}
	again := Check(context.Background(), opts.CheckOptions, addr, nil)
	if again.Recommended.Incoming == nil || again.Recommended.Outgoing == nil ||
		again.Recommended.Incoming.Key() != s.Incoming.Key() || again.Recommended.Outgoing.Key() != s.Outgoing.Key() {
		t.Errorf("check from the published files recommends %+v / %+v, want %s / %s", again.Recommended.Incoming, again.Recommended.Outgoing, s.Incoming, s.Outgoing)
	}
}
