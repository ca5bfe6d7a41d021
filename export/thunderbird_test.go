package export

import (
	"bytes"
	"encoding/xml"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/postino-mail/postino/detect/mail"
)

// TestThunderbirdFollowsWhatThunderbirdAccepts enforces the rules
// Thunderbird's reader applies: socketType spelled exactly SSL, STARTTLS
// or plain; outgoing servers only of type smtp; never "none" as the
// authentication of an incoming server; UTF-8 without a byte order mark.
func TestThunderbirdFollowsWhatThunderbirdAccepts(t *testing.T) {
	cases := fixtures()
	// Methods that mean "no login" on an incoming server, alone and
	// mixed: Thunderbird would reject the server.
	noLogin := cases["tiscali"]
	noLogin.Incoming.Auth = []mail.Auth{mail.AuthClientIP}
	noLogin.AlternativesIn = []mail.Server{{Protocol: mail.IMAP, Host: "imap.tiscali.it", Port: 993, Security: mail.TLS,
		Auth: []mail.Auth{mail.AuthNone, mail.AuthClientIP, mail.AuthOAuth2}}}
	noLogin.Outgoing.Auth = []mail.Auth{mail.AuthClientIP, mail.AuthNone}
	// The relay without login is left out (Thunderbird for Android knows
	// no such method); the submission server with a password stays.
	noLogin.AlternativesOut = []mail.Server{{Protocol: mail.SMTP, Host: "smtp.tiscali.it", Port: 465, Security: mail.TLS}}
	cases["no-login methods"] = noLogin
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := Thunderbird(s, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if bytes.HasPrefix(out, []byte("\xef\xbb\xbf")) {
				t.Error("starts with a UTF-8 byte order mark")
			}
			if !utf8.Valid(out) {
				t.Error("not valid UTF-8")
			}
			if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
				t.Errorf("no UTF-8 XML declaration: %.60s", out)
			}
			var doc tbConfig
			if err := xml.Unmarshal(out, &doc); err != nil {
				t.Fatalf("not well-formed: %v", err)
			}
			if doc.Version != "1.1" || doc.Provider.ID != s.Domain {
				t.Errorf("version %q id %q", doc.Version, doc.Provider.ID)
			}
			check := func(srv tbServer, incoming bool) {
				if !slices.Contains([]string{"SSL", "STARTTLS", "plain"}, srv.SocketType) {
					t.Errorf("%s: socketType %q", srv.Hostname, srv.SocketType)
				}
				if incoming && srv.Type != "imap" && srv.Type != "pop3" {
					t.Errorf("incoming type %q", srv.Type)
				}
				if !incoming && srv.Type != "smtp" {
					t.Errorf("outgoing type %q", srv.Type)
				}
				if len(srv.Authentication) == 0 {
					t.Errorf("%s: no authentication", srv.Hostname)
				}
				allowed := tbIncomingAuth
				if !incoming {
					allowed = append(slices.Clone(tbIncomingAuth), "none", "client-IP-address")
				}
				for _, a := range srv.Authentication {
					if !slices.Contains(allowed, a) {
						t.Errorf("%s (incoming %v): authentication %q, which Thunderbird rejects there", srv.Hostname, incoming, a)
					}
				}
			}
			for _, srv := range doc.Provider.Incoming {
				check(srv, true)
			}
			for _, srv := range doc.Provider.Outgoing {
				check(srv, false)
			}
		})
	}
}

// tbIncomingAuth are the authentication values Thunderbird's reader
// (readFromXML) accepts on an incoming server; outgoing servers also
// take "none" and "client-IP-address".
var tbIncomingAuth = []string{"password-cleartext", "password-encrypted", "GSSAPI", "NTLM", "OAuth2", "TLS-client-cert"}

func TestThunderbirdListsChosenServersFirstThenAlternatives(t *testing.T) {
	s := fixtures()["libero"]
	s.AlternativesIn = append(s.AlternativesIn, s.Incoming) // a duplicate of the chosen one is dropped
	out, err := Thunderbird(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var doc tbConfig
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, srv := range append(doc.Provider.Incoming, doc.Provider.Outgoing...) {
		got = append(got, srv.Type+" "+srv.Hostname+" "+portString(srv.Port)+" "+srv.SocketType)
	}
	want := []string{
		"imap imapmail.libero.it 993 SSL",
		"imap imapmail.libero.it 143 STARTTLS",
		"pop3 popmail.libero.it 995 SSL",
		"smtp smtp.libero.it 465 SSL",
		"smtp smtp.libero.it 587 STARTTLS",
	}
	if !slices.Equal(got, want) {
		t.Errorf("servers:\n got %q\nwant %q", got, want)
	}
}

func TestThunderbirdWritesUsernameTemplates(t *testing.T) {
	for _, tc := range []struct {
		login, want string
	}{
		{"mario.rossi@libero.it", "%EMAILADDRESS%"},
		{"MARIO.ROSSI@LIBERO.IT", "%EMAILADDRESS%"},
		{"mario.rossi", "%EMAILLOCALPART%"},
		{"", "%EMAILADDRESS%"}, // no login given means the address
		{"mrossi", "mrossi"},
	} {
		s := fixtures()["libero"]
		s.Incoming.Username = tc.login
		out, err := Thunderbird(s, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var doc tbConfig
		if err := xml.Unmarshal(out, &doc); err != nil {
			t.Fatal(err)
		}
		if got := doc.Provider.Incoming[0].Username; got != tc.want {
			t.Errorf("login %q: username %q, want %q", tc.login, got, tc.want)
		}
	}
}

func TestThunderbirdMapsSecurityToSocketType(t *testing.T) {
	for sec, want := range map[mail.Security]string{mail.TLS: "SSL", mail.STARTTLS: "STARTTLS", mail.Plain: "plain"} {
		if got := tbSocketType(sec); got != want {
			t.Errorf("%s: %q, want %q", sec, got, want)
		}
	}
}
