package export

import (
	"slices"
	"testing"

	"github.com/postino-mail/postino/detect/autoconfig"
	"github.com/postino-mail/postino/detect/autodiscover"
	"github.com/postino-mail/postino/detect/mail"
)

// TestThunderbirdFileReadsBackThroughOurAutoconfigParser exports every
// fixture and reads it with detect/autoconfig, the parser discovery uses
// for autoconfig.DOMAIN files: the same servers must come back, in the
// same order, with the same host, port, security, user name template
// and authentication.
func TestThunderbirdFileReadsBackThroughOurAutoconfigParser(t *testing.T) {
	for name, s := range fixtures() {
		t.Run(name, func(t *testing.T) {
			p, warnings, err := autoconfig.Parse(must(Thunderbird(s, Options{})))
			if err != nil {
				t.Fatal(err)
			}
			if len(warnings) > 0 {
				t.Errorf("parser warnings: %v", warnings)
			}
			if p.ID != s.Domain || !slices.Contains(p.Domains, s.Domain) || p.DisplayName != s.providerName() {
				t.Errorf("provider %q domains %v name %q", p.ID, p.Domains, p.DisplayName)
			}
			in, out, _ := tbServers(s)
			compare := func(kind string, got []mail.Server, want []tbServer) {
				if len(got) != len(want) {
					t.Fatalf("%s: %d servers, want %d", kind, len(got), len(want))
				}
				for i, w := range want {
					g := got[i]
					var wantAuth []mail.Auth
					for _, a := range w.Authentication {
						wantAuth = append(wantAuth, mail.Auth(a))
					}
					if string(g.Protocol) != w.Type || g.Host != w.Hostname || g.Port != w.Port || tbSocketType(g.Security) != w.SocketType || g.Username != w.Username || !slices.Equal(g.Auth, wantAuth) {
						t.Errorf("%s %d:\n got %v user %q auth %v\nwant %+v", kind, i, g, g.Username, g.Auth, w)
					}
				}
			}
			compare("incoming", p.Incoming, in)
			compare("outgoing", p.Outgoing, out)
		})
	}
}

// TestAutodiscoverResponseReadsBackThroughOurAutodiscoverParser exports
// every fixture as an Autodiscover response and reads it with
// detect/autodiscover, the parser discovery uses for Outlook's format:
// the same endpoints (host, port, security as Outlook means it), login
// names and display name must come back.
func TestAutodiscoverResponseReadsBackThroughOurAutodiscoverParser(t *testing.T) {
	for name, s := range fixtures() {
		t.Run(name, func(t *testing.T) {
			resp, err := autodiscover.Parse(must(Autodiscover(s, Options{})))
			if err != nil {
				t.Fatal(err)
			}
			if resp.DisplayName != s.DisplayName || resp.RedirectAddr != "" || resp.RedirectURL != "" {
				t.Errorf("display name %q redirect %q %q", resp.DisplayName, resp.RedirectAddr, resp.RedirectURL)
			}
			want := []mail.Server{s.Incoming, s.Outgoing}
			for _, a := range alternatives(s.Incoming, s.AlternativesIn) {
				if a.Protocol != s.Incoming.Protocol {
					want = append(want, a)
					break
				}
			}
			if len(resp.Servers) != len(want) {
				t.Fatalf("%d servers, want %d: %v", len(resp.Servers), len(want), resp.Servers)
			}
			for i, w := range want {
				g := resp.Servers[i]
				wantAuth := []mail.Auth{mail.AuthPasswordCleartext}
				if !w.Protocol.Incoming() && !needsLogin(w) {
					wantAuth = []mail.Auth{mail.AuthNone}
				}
				if g.Key() != w.Key() || g.Username != s.username(w) || !slices.Equal(g.Auth, wantAuth) {
					t.Errorf("server %d:\n got %v user %q auth %v\nwant %v user %q auth %v", i, g, g.Username, g.Auth, w, s.username(w), wantAuth)
				}
			}
		})
	}
}
