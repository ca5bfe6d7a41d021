package export

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"howett.net/plist"

	"github.com/postino-mail/postino/detect/mail"
)

func decodeProfile(t *testing.T, data []byte) profile {
	t.Helper()
	var p profile
	if _, err := plist.Unmarshal(data, &p); err != nil {
		t.Fatalf("profile does not parse: %v", err)
	}
	if len(p.PayloadContent) != 1 {
		t.Fatalf("%d payloads, want 1", len(p.PayloadContent))
	}
	return p
}

func TestMobileConfigHasEveryKeyAppleNeeds(t *testing.T) {
	s := fixtures()["tiscali"]
	out, err := MobileConfig(s, Options{Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	// Every key, by name, in the raw plist (a typo in a struct tag
	// would otherwise go unnoticed by a round trip through the same struct).
	for _, key := range []string{
		"PayloadContent", "PayloadType", "PayloadVersion", "PayloadIdentifier", "PayloadUUID",
		"PayloadDisplayName", "PayloadDescription", "PayloadOrganization",
		"EmailAccountType", "EmailAccountDescription", "EmailAddress",
		"IncomingMailServerHostName", "IncomingMailServerPortNumber", "IncomingMailServerUseSSL",
		"IncomingMailServerAuthentication", "IncomingMailServerUsername",
		"OutgoingMailServerHostName", "OutgoingMailServerPortNumber", "OutgoingMailServerUseSSL",
		"OutgoingMailServerAuthentication", "OutgoingMailServerUsername", "OutgoingPasswordSameAsIncomingPassword",
	} {
		if !strings.Contains(string(out), "<key>"+key+"</key>") {
			t.Errorf("missing key %s", key)
		}
	}
	p := decodeProfile(t, out)
	m := p.PayloadContent[0]
	if p.PayloadType != "Configuration" || p.PayloadVersion != 1 || m.PayloadType != "com.apple.mail.managed" || m.PayloadVersion != 1 {
		t.Errorf("payload types/versions: %q %d %q %d", p.PayloadType, p.PayloadVersion, m.PayloadType, m.PayloadVersion)
	}
	if m.EmailAccountType != "EmailTypePOP" || m.IncomingMailServerHostName != "pop.tiscali.it" || m.IncomingMailServerPortNumber != 995 ||
		!m.IncomingMailServerUseSSL || m.IncomingMailServerUsername != "utente" || m.IncomingMailServerAuthentication != "EmailAuthPassword" {
		t.Errorf("incoming: %+v", m)
	}
	if m.OutgoingMailServerHostName != "smtp.tiscali.it" || m.OutgoingMailServerPortNumber != 587 || !m.OutgoingMailServerUseSSL ||
		!m.OutgoingPasswordSameAsIncomingPassword || m.OutgoingMailServerUsername != "utente" {
		t.Errorf("outgoing: %+v", m)
	}
	if !strings.Contains(string(out), "<integer>995</integer>") {
		t.Error("port is not a plist integer")
	}
}

func TestMobileConfigUsesSSLOnlyWhenEncrypted(t *testing.T) {
	for sec, want := range map[mail.Security]bool{mail.TLS: true, mail.STARTTLS: true, mail.Plain: false} {
		s := fixtures()["libero"]
		s.Incoming.Security, s.Outgoing.Security = sec, sec
		p := decodeProfile(t, must(MobileConfig(s, Options{})))
		if m := p.PayloadContent[0]; m.IncomingMailServerUseSSL != want || m.OutgoingMailServerUseSSL != want {
			t.Errorf("%s: UseSSL %v/%v, want %v", sec, m.IncomingMailServerUseSSL, m.OutgoingMailServerUseSSL, want)
		}
	}
}

// TestMobileConfigMapsAuthentication: CRAM-MD5 only when the server
// announced it and no plain password; SCRAM-only and unknown mechanisms
// get the password setting; no login at all only for outgoing mail.
func TestMobileConfigMapsAuthentication(t *testing.T) {
	cram := map[string][]string{}
	scram := map[string][]string{}
	both := map[string][]string{}
	for _, p := range []mail.Protocol{mail.IMAP, mail.SMTP} {
		key := mail.Server{Protocol: p}.Key()
		cram[key] = []string{"CRAM-MD5"}
		scram[key] = []string{"SCRAM-SHA-256", "SCRAM-SHA-1"}
		both[key] = []string{"CRAM-MD5", "PLAIN"}
	}
	for _, tc := range []struct {
		proto mail.Protocol
		auth  []mail.Auth
		mechs map[string][]string
		want  string
	}{
		{mail.SMTP, nil, nil, "EmailAuthPassword"},
		{mail.SMTP, []mail.Auth{mail.AuthPasswordCleartext}, nil, "EmailAuthPassword"},
		{mail.SMTP, []mail.Auth{mail.AuthPasswordEncrypted}, cram, "EmailAuthCRAMMD5"},
		{mail.IMAP, []mail.Auth{mail.AuthPasswordEncrypted}, cram, "EmailAuthCRAMMD5"},
		{mail.IMAP, []mail.Auth{mail.AuthPasswordEncrypted}, scram, "EmailAuthPassword"},
		{mail.IMAP, []mail.Auth{mail.AuthPasswordEncrypted}, nil, "EmailAuthPassword"},
		{mail.IMAP, []mail.Auth{mail.AuthPasswordEncrypted}, both, "EmailAuthPassword"},
		{mail.IMAP, []mail.Auth{mail.AuthPasswordEncrypted, mail.AuthPasswordCleartext}, cram, "EmailAuthPassword"},
		{mail.SMTP, []mail.Auth{mail.AuthNTLM}, nil, "EmailAuthNTLM"},
		{mail.SMTP, []mail.Auth{mail.AuthOAuth2, mail.AuthPasswordEncrypted}, cram, "EmailAuthCRAMMD5"},
		{mail.SMTP, []mail.Auth{mail.AuthNone}, nil, "EmailAuthNone"},
		{mail.SMTP, []mail.Auth{mail.AuthClientIP}, nil, "EmailAuthNone"},
		{mail.IMAP, []mail.Auth{mail.AuthNone}, nil, "EmailAuthPassword"},
		{mail.IMAP, []mail.Auth{mail.AuthClientIP}, nil, "EmailAuthPassword"},
	} {
		s := Settings{Mechanisms: tc.mechs}
		if got := s.appleAuth(mail.Server{Protocol: tc.proto, Auth: tc.auth}); got != tc.want {
			t.Errorf("%s %v %v: %s, want %s", tc.proto, tc.auth, tc.mechs, got, tc.want)
		}
	}
}

// TestMobileConfigRefusesOAuth2OnlyProviders: Microsoft 365 and
// Outlook.com take only their own sign-in, which no mail payload can
// express; the refusal says how to add the account instead.
func TestMobileConfigRefusesOAuth2OnlyProviders(t *testing.T) {
	s := fixtures()["libero"]
	s.ProviderName = "Microsoft 365"
	s.Incoming.Auth = []mail.Auth{mail.AuthOAuth2}
	for _, lng := range []string{"en", "it"} {
		_, err := MobileConfig(s, Options{Lang: lng})
		if !errors.Is(err, ErrOAuthOnly) || !errors.Is(err, ErrInvalid) {
			t.Fatalf("%s: %v, want ErrOAuthOnly", lng, err)
		}
		if !strings.Contains(err.Error(), "Microsoft 365") || !strings.Contains(err.Error(), "Mail") {
			t.Errorf("%s: refusal gives no steps: %v", lng, err)
		}
		if _, err := Autodiscover(s, Options{Lang: lng}); !errors.Is(err, ErrOAuthOnly) {
			t.Errorf("%s autodiscover: %v, want ErrOAuthOnly", lng, err)
		}
	}
	// OAuth2 next to a password is fine: the password is used.
	s.Incoming.Auth = []mail.Auth{mail.AuthOAuth2, mail.AuthPasswordCleartext}
	if _, err := MobileConfig(s, Options{}); err != nil {
		t.Error(err)
	}
}

var uuidExact = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`)

func TestMobileConfigUUIDsDifferAcrossPayloadsAndRuns(t *testing.T) {
	s := fixtures()["libero"]
	seen := map[string]bool{}
	for range 3 {
		p := decodeProfile(t, must(MobileConfig(s, Options{})))
		for _, id := range []string{p.PayloadUUID, p.PayloadContent[0].PayloadUUID} {
			if !uuidExact.MatchString(id) {
				t.Errorf("PayloadUUID %q is not an upper-case random UUID", id)
			}
			if seen[id] {
				t.Errorf("PayloadUUID %s used twice", id)
			}
			seen[id] = true
		}
	}
}

func TestMobileConfigIdentifierIsStablePerAddress(t *testing.T) {
	s := fixtures()["libero"]
	a := decodeProfile(t, must(MobileConfig(s, Options{})))
	s.Address = "Mario.Rossi@LIBERO.it"
	b := decodeProfile(t, must(MobileConfig(s, Options{Lang: "it"})))
	if a.PayloadIdentifier != b.PayloadIdentifier || a.PayloadContent[0].PayloadIdentifier != b.PayloadContent[0].PayloadIdentifier {
		t.Errorf("identifier changed with case or language: %s vs %s", a.PayloadIdentifier, b.PayloadIdentifier)
	}
	if !regexp.MustCompile(`^it\.libero\.mail\.[a-z0-9-]+$`).MatchString(a.PayloadIdentifier) {
		t.Errorf("identifier %q is not reverse-DNS", a.PayloadIdentifier)
	}
	if !strings.HasPrefix(a.PayloadContent[0].PayloadIdentifier, a.PayloadIdentifier+".") {
		t.Errorf("account payload identifier %q is not under %q", a.PayloadContent[0].PayloadIdentifier, a.PayloadIdentifier)
	}
	// Local parts that reduce to the same characters still differ.
	if profileIdentifier("a+b@x.it") == profileIdentifier("a-b@x.it") {
		t.Error("a+b and a-b share an identifier")
	}
}

func TestMobileConfigCarriesPasswordOnlyWhenAsked(t *testing.T) {
	s := fixtures()["libero"]
	without := decodeProfile(t, must(MobileConfig(s, Options{})))
	if without.PayloadContent[0].IncomingPassword != "" || strings.Contains(string(must(MobileConfig(s, Options{}))), "<key>IncomingPassword</key>") {
		t.Error("password written without IncludePassword")
	}
	with := decodeProfile(t, must(MobileConfig(s, Options{IncludePassword: true})))
	if with.PayloadContent[0].IncomingPassword != s.Password {
		t.Errorf("IncomingPassword %q, want %q", with.PayloadContent[0].IncomingPassword, s.Password)
	}
	if with.PayloadContent[0].OutgoingPassword != s.Password {
		t.Errorf("OutgoingPassword %q, want %q (Apple's example sets both)", with.PayloadContent[0].OutgoingPassword, s.Password)
	}
	if !with.PayloadContent[0].OutgoingPasswordSameAsIncomingPassword {
		t.Error("outgoing password not tied to the incoming one")
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
