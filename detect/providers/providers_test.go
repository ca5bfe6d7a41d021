package providers

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/mail"
)

var hostPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)

func TestEveryEntryIsWellFormed(t *testing.T) {
	seenID := map[string]bool{}
	seenDomain := map[string]string{}
	seenMX := map[string]string{}
	knownNote := map[string]bool{}
	for _, c := range NoteCodes {
		knownNote[c] = true
	}
	for _, e := range All() {
		if e.ID == "" || seenID[e.ID] {
			t.Errorf("entry %q: empty or duplicate id", e.ID)
		}
		seenID[e.ID] = true
		if e.DisplayName == "" || e.ShortName == "" {
			t.Errorf("%s: needs a display name and a short name", e.ID)
		}
		if len(e.Incoming)+len(e.Outgoing) == 0 {
			t.Errorf("%s: no server", e.ID)
		}
		if len(e.Outgoing) == 0 {
			t.Errorf("%s: no outgoing server", e.ID)
		}
		if len(e.Domains)+len(e.MXDomains) == 0 {
			t.Errorf("%s: can be found neither by domain nor by MX", e.ID)
		}
		if _, err := time.Parse("2006-01-02", e.LastVerified); err != nil {
			t.Errorf("%s: LastVerified %q is not a date", e.ID, e.LastVerified)
		}
		for _, d := range e.Domains {
			if !hostPattern.MatchString(d) {
				t.Errorf("%s: domain %q is not a lowercase host name", e.ID, d)
			}
			if other, dup := seenDomain[d]; dup {
				t.Errorf("%s: domain %q also in %s", e.ID, d, other)
			}
			seenDomain[d] = e.ID
		}
		for _, m := range e.MXDomains {
			if !hostPattern.MatchString(m) {
				t.Errorf("%s: MX domain %q is not a lowercase host name", e.ID, m)
			}
			if other, dup := seenMX[m]; dup {
				t.Errorf("%s: MX domain %q also in %s", e.ID, m, other)
			}
			seenMX[m] = e.ID
		}
		keys := map[string]bool{}
		for _, s := range append(append([]mail.Server{}, e.Incoming...), e.Outgoing...) {
			if !s.Protocol.Valid() || !s.Security.Valid() {
				t.Errorf("%s: %v has an unknown protocol or security", e.ID, s)
			}
			if s.Security == mail.Plain {
				t.Errorf("%s: %v is unencrypted; the table lists only protected endpoints", e.ID, s)
			}
			if s.Port < 1 || s.Port > 65535 {
				t.Errorf("%s: %v has port %d", e.ID, s, s.Port)
			}
			if !hostPattern.MatchString(s.Host) {
				t.Errorf("%s: host %q is not a lowercase host name", e.ID, s.Host)
			}
			if s.Username == "" || len(s.Auth) == 0 {
				t.Errorf("%s: %v needs a user-name form and an authentication", e.ID, s)
			}
			if keys[s.Key()] {
				t.Errorf("%s: %v listed twice", e.ID, s)
			}
			keys[s.Key()] = true
		}
		for _, s := range e.Incoming {
			if !s.Protocol.Incoming() {
				t.Errorf("%s: %v listed as incoming", e.ID, s)
			}
		}
		for _, s := range e.Outgoing {
			if s.Protocol != mail.SMTP {
				t.Errorf("%s: %v listed as outgoing", e.ID, s)
			}
		}
		for _, d := range e.Documentation {
			checkHTTPS(t, e.ID, d)
		}
		for _, n := range e.Notes {
			if !knownNote[n.Code] {
				t.Errorf("%s: unknown note code %q", e.ID, n.Code)
			}
			if n.URL != "" {
				checkHTTPS(t, e.ID, n.URL)
			}
		}
		if (len(e.Incoming) == 0) != hasNote(e.Notes, NoteOutgoingOnly) {
			t.Errorf("%s: an entry without incoming servers, and only such an entry, carries the outgoing-only note", e.ID)
		}
	}
}

func checkHTTPS(t *testing.T, id, raw string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		t.Errorf("%s: %q is not an https URL", id, raw)
	}
}

func hasNote(notes []mail.Note, code string) bool {
	for _, n := range notes {
		if n.Code == code {
			return true
		}
	}
	return false
}

// The providers issue 2 names, with the host each must offer.
func TestSeedProvidersArePresentWithTheirServers(t *testing.T) {
	cases := []struct {
		domain string
		want   []string // protocol host:port security
	}{
		{"ionos.it", []string{"smtp smtp.ionos.it:465 tls", "smtp smtp.ionos.it:587 starttls", "imap imap.ionos.it:993 tls"}},
		{"libero.it", []string{"smtp smtp.libero.it:465 tls", "imap imapmail.libero.it:993 tls", "pop3 popmail.libero.it:995 tls"}},
		{"gmail.com", []string{"smtp smtp.gmail.com:465 tls", "smtp smtp.gmail.com:587 starttls", "imap imap.gmail.com:993 tls", "pop3 pop.gmail.com:995 tls"}},
		{"gmx.net", []string{"smtp mail.gmx.net:465 tls", "smtp mail.gmx.net:587 starttls", "imap imap.gmx.net:993 tls", "pop3 pop.gmx.net:995 tls"}},
		{"tim.it", []string{"smtp smtp.tim.it:587 starttls", "imap imap.tim.it:143 starttls", "pop3 pop.tim.it:110 starttls"}},
		{"outlook.com", []string{"smtp smtp-mail.outlook.com:587 starttls", "imap outlook.office365.com:993 tls"}},
		{"hotmail.it", []string{"smtp smtp-mail.outlook.com:587 starttls"}},
		{"fastwebnet.it", []string{"smtp smtp.fastwebnet.it:587 starttls", "imap imap.fastwebnet.it:993 tls", "pop3 pop.fastwebnet.it:995 tls"}},
		{"poste.it", []string{"smtp smtp.postemail.poste.it:465 tls"}},
		{"tiscali.it", []string{"smtp smtp.tiscali.it:465 tls", "imap imap.tiscali.it:993 tls", "pop3 pop.tiscali.it:995 tls"}},
		{"virgilio.it", []string{"smtp out.virgilio.it:465 tls", "imap in.virgilio.it:993 tls"}},
		{"yahoo.com", []string{"smtp smtp.mail.yahoo.com:465 tls", "imap imap.mail.yahoo.com:993 tls"}},
		{"yahoo.it", []string{"smtp smtp.mail.yahoo.com:465 tls"}},
		{"mailpro.com", []string{"smtp smtp.mailpro.com:587 starttls"}},
		{"aruba.it", []string{"imap imaps.aruba.it:993 tls", "smtp smtps.aruba.it:465 tls"}},
		{"alice.it", []string{"smtp smtp.tim.it:587 starttls", "imap imap.tim.it:143 starttls"}},
		{"icloud.com", []string{"imap imap.mail.me.com:993 tls", "smtp smtp.mail.me.com:587 starttls"}},
		{"me.com", []string{"imap imap.mail.me.com:993 tls"}},
		{"mac.com", []string{"imap imap.mail.me.com:993 tls"}},
		{"fastmail.com", []string{"imap imap.fastmail.com:993 tls", "smtp smtp.fastmail.com:465 tls"}},
		{"zoho.com", []string{"imap imap.zoho.com:993 tls", "smtp smtp.zoho.com:465 tls"}},
		{"zoho.eu", []string{"imap imap.zoho.eu:993 tls", "smtp smtp.zoho.eu:465 tls"}},
		{"web.de", []string{"imap imap.web.de:993 tls", "smtp smtp.web.de:587 starttls"}},
		{"gmx.com", []string{"imap imap.gmx.com:993 tls", "smtp mail.gmx.com:587 starttls"}},
		{"aol.com", []string{"imap imap.aol.com:993 tls", "smtp smtp.aol.com:465 tls"}},
		{"pec.it", []string{"imap imaps.pec.aruba.it:993 tls", "pop3 pop3s.pec.aruba.it:995 tls"}},
		{"postecert.it", []string{"imap mail.postecert.it:993 tls"}},
	}
	for _, c := range cases {
		e, ok := Lookup(c.domain)
		if !ok {
			t.Errorf("Lookup(%q): not found", c.domain)
			continue
		}
		have := map[string]bool{}
		for _, s := range append(append([]mail.Server{}, e.Incoming...), e.Outgoing...) {
			have[s.String()] = true
		}
		for _, w := range c.want {
			p := strings.Fields(w)
			key := p[0] + " " + p[1] + " (" + p[2] + ")"
			if !have[key] {
				t.Errorf("%s (%s): missing %s", c.domain, e.ID, key)
			}
		}
	}
}

func TestLookupIgnoresCaseAndTrailingDot(t *testing.T) {
	for _, d := range []string{"LIBERO.IT", "Libero.It.", " libero.it "} {
		if e, ok := Lookup(d); !ok || e.ID != "libero.it" {
			t.Errorf("Lookup(%q) = %v, %v; want libero.it", d, e, ok)
		}
	}
	for _, d := range []string{"", "example.com", "mail.libero.it", "it", "notlibero.it"} {
		if e, ok := Lookup(d); ok {
			t.Errorf("Lookup(%q) found %s; want nothing", d, e.ID)
		}
	}
}

func TestLookupByMXRecognisesHostingCustomers(t *testing.T) {
	cases := map[string]string{
		"aspmx.l.google.com":                          "google-workspace",
		"alt1.aspmx.l.google.com.":                    "google-workspace",
		"smtp.google.com":                             "google-workspace",
		"aspmx2.googlemail.com":                       "google-workspace",
		"studio-rossi-it.mail.protection.outlook.com": "office365",
		"hotmail-com.olc.protection.outlook.com":      "outlook.com",
		"mx00.ionos.it":                               "ionos.it",
		"mx01.kundenserver.de":                        "ionos.de",
		"mx.aruba.it":                                 "aruba.it",
		"mx.pec.aruba.it":                             "arubapec.it",
		"in1-smtp.messagingengine.com":                "fastmail.com",
		"mx.zoho.eu":                                  "zoho.eu",
		"MX.ZOHO.COM":                                 "zoho.com",
		"mx01.mail.icloud.com":                        "icloud.com",
		"mta5.am0.yahoodns.net":                       "yahoo.com",
		"mx-aol.mail.gm0.yahoodns.net":                "aol.com",
		"smtp-in.libero.it":                           "libero.it",
		"mx00.emig.gmx.net":                           "gmx.net",
	}
	for host, want := range cases {
		e, ok := LookupByMX(host)
		if !ok || e.ID != want {
			id := ""
			if e != nil {
				id = e.ID
			}
			t.Errorf("LookupByMX(%q) = %q, %v; want %q", host, id, ok, want)
		}
	}
	for _, host := range []string{"", "mx.example.com", "protection.outlook.com", "yahoodns.net", "evilgoogle.com", "google.com.evil.example", "com"} {
		if e, ok := LookupByMX(host); ok {
			t.Errorf("LookupByMX(%q) found %s; want nothing", host, e.ID)
		}
	}
}

func TestLookupReturnsCopiesThatCannotChangeTheTable(t *testing.T) {
	e, _ := Lookup("gmail.com")
	e.Incoming[0].Host = "evil.example"
	e.Incoming[0].Auth[0] = mail.AuthNone
	e.Domains[0] = "evil.example"
	e.Notes = nil
	again, _ := Lookup("gmail.com")
	if again.Incoming[0].Host != "imap.gmail.com" || again.Incoming[0].Auth[0] != mail.AuthOAuth2 || again.Domains[0] != "gmail.com" || len(again.Notes) == 0 {
		t.Errorf("the table was changed through a returned entry: %+v", again)
	}
	all := All()
	all[0].Outgoing[0].Port = 1
	if All()[0].Outgoing[0].Port == 1 {
		t.Error("All returned the table itself")
	}
}

func TestOAuthOnlyProvidersNeverOfferPasswords(t *testing.T) {
	for _, e := range All() {
		if !hasNote(e.Notes, NoteOAuthOnly) {
			continue
		}
		for _, s := range append(append([]mail.Server{}, e.Incoming...), e.Outgoing...) {
			for _, a := range s.Auth {
				if a != mail.AuthOAuth2 {
					t.Errorf("%s: %v offers %s despite the oauth-only note", e.ID, s, a)
				}
			}
		}
	}
}
