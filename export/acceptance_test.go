package export

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/postino-mail/postino/detect/mail"
)

// TestGoldenExportsPassEveryConsumer: each fixture's Thunderbird file is
// accepted whole by Thunderbird for Android and by Thunderbird desktop
// without dropping a server, and each Apple profile passes Apple's
// schema, in both languages.
func TestGoldenExportsPassEveryConsumer(t *testing.T) {
	for name, s := range fixtures() {
		t.Run(name, func(t *testing.T) {
			tb := must(Thunderbird(s, Options{}))
			if err := checkThunderbirdAndroid(tb, s.Address); err != nil && !(errors.Is(err, errNoIMAPForAndroid) && s.Incoming.Protocol == mail.POP3) {
				t.Errorf("Thunderbird for Android rejects the file: %v", err)
			}
			if _, dropped, err := checkThunderbirdDesktop(tb); err != nil || dropped > 0 {
				t.Errorf("Thunderbird desktop: %v, %d servers dropped", err, dropped)
			}
			for _, lng := range []string{"en", "it"} {
				if err := checkAppleMailProfile(must(MobileConfig(s, Options{Lang: lng, IncludePassword: true})), nil); err != nil {
					t.Errorf("Apple schema (%s): %v", lng, err)
				}
			}
			files, err := DomainFiles(s, DomainFilesOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				if strings.HasSuffix(f.Path, "config-v1.1.xml") {
					if err := checkThunderbirdAndroid(f.Data, "someone@"+s.Domain); err != nil && !errors.Is(err, errNoIMAPForAndroid) {
						t.Errorf("%s: Thunderbird for Android: %v", f.Path, err)
					}
				}
			}
		})
	}
}

// TestThunderbirdCheckersCatchWhatTheClientsRefuse keeps the checkers
// honest: the files the clients refuse must fail them.
func TestThunderbirdCheckersCatchWhatTheClientsRefuse(t *testing.T) {
	good := string(must(Thunderbird(fixtures()["libero"], Options{})))
	for name, bad := range map[string]string{
		"plain socket":    strings.Replace(good, "<socketType>STARTTLS</socketType>", "<socketType>plain</socketType>", 1),
		"unknown method":  strings.Replace(good, "<authentication>password-cleartext</authentication>", "<authentication>NTLM</authentication>", 1),
		"underscore host": strings.Replace(good, "<hostname>imapmail.libero.it</hostname>", "<hostname>imap_mail.libero.it</hostname>", 1),
		"no username":     strings.Replace(good, "<username>%EMAILADDRESS%</username>", "", 1),
		"bad provider id": strings.Replace(good, `id="libero.it"`, `id="libero it"`, 1),
		"space in host":   strings.Replace(good, "<hostname>imapmail.libero.it</hostname>", "<hostname>imap mail.libero.it</hostname>", 1),
		"port too large":  strings.Replace(good, "<port>993</port>", "<port>65536</port>", 1),
		"no socketType":   strings.Replace(good, "<socketType>SSL</socketType>", "", 1),
	} {
		if err := checkThunderbirdAndroid([]byte(bad), "a@libero.it"); err == nil {
			t.Errorf("%s: Android checker accepted it", name)
		}
	}
	dropping := strings.Replace(good, "<hostname>imapmail.libero.it</hostname>", "<hostname>imap_mail.libero.it</hostname>", 1)
	if _, dropped, err := checkThunderbirdDesktop([]byte(dropping)); err != nil || dropped != 1 {
		t.Errorf("desktop checker: %v, dropped %d, want 1", err, dropped)
	}
	certOnly := strings.Replace(good, "<authentication>password-cleartext</authentication>", "<authentication>TLS-client-cert</authentication>", 1)
	if _, dropped, _ := checkThunderbirdDesktop([]byte(certOnly)); dropped != 1 {
		t.Errorf("desktop checker kept a server whose only method it does not know")
	}
	oauthUnknown := strings.Replace(good, "<authentication>password-cleartext</authentication>", "<authentication>OAuth2</authentication>", 1)
	if _, dropped, _ := checkThunderbirdDesktop([]byte(oauthUnknown)); dropped != 1 {
		t.Errorf("desktop checker kept OAuth2 for a host it has no OAuth2 details for")
	}
	p := string(must(MobileConfig(fixtures()["libero"], Options{})))
	for name, bad := range map[string]string{
		"unknown auth":     strings.Replace(p, "EmailAuthPassword", "EmailAuthOAuth", 1),
		"incoming none":    strings.Replace(p, "EmailAuthPassword", "EmailAuthNone", 1),
		"port as string":   strings.Replace(p, "<integer>993</integer>", "<string>993</string>", 1),
		"unknown key":      strings.Replace(p, "<key>EmailAddress</key>", "<key>EmailAdress</key>", 1),
		"bad account type": strings.Replace(p, "EmailTypeIMAP", "EmailTypeExchange", 1),
	} {
		if err := checkAppleMailProfile([]byte(bad), nil); err == nil {
			t.Errorf("%s: Apple checker accepted it", name)
		}
	}
}

// genSettings makes random but valid settings: host names (some with
// "_", some IP addresses), ports, security, methods (all of them),
// alternatives, and names with XML specials and non-Latin text.
func genSettings(r *rand.Rand) Settings {
	pick := func(list ...string) string { return list[r.IntN(len(list))] }
	names := []string{`Tom & "Jerry" <IT>`, "O'Brien & Co", "Università di Bologna", "Почта", "メール", "北京邮箱", "a<b>c", `x"y'z`, "Ελληνικά & <λ>"}
	hosts := []string{"mail.example.it", "imap.example.it", "smtp-1.example.it", "relay_1.example.it", "192.0.2.7", "2001:db8::25", "MAIL.Example.IT", "x.y", "a-b.c-d.example"}
	methods := []mail.Auth{mail.AuthPasswordCleartext, mail.AuthPasswordEncrypted, mail.AuthOAuth2, mail.AuthNTLM, mail.AuthGSSAPI, mail.AuthClientIP, mail.AuthTLSClientCert, mail.AuthNone}
	secs := []mail.Security{mail.TLS, mail.STARTTLS, mail.Plain}
	server := func(p mail.Protocol) mail.Server {
		srv := mail.Server{Protocol: p, Host: pick(hosts...), Port: 1 + r.IntN(65535), Security: secs[r.IntN(3)]}
		if r.IntN(3) > 0 {
			srv.Security = mail.TLS
		}
		for i := r.IntN(4); i > 0; i-- {
			srv.Auth = append(srv.Auth, methods[r.IntN(len(methods))])
		}
		srv.Username = pick("", "%EMAILADDRESS%", "%EMAILLOCALPART%", "DOM\\user", "ü&<>")
		return srv
	}
	in := mail.IMAP
	if r.IntN(3) == 0 {
		in = mail.POP3
	}
	s := Settings{
		Address:      pick("mario.rossi", "o'brien", "a+b", "x&y") + "@example.it",
		DisplayName:  pick(names...),
		Domain:       "example.it",
		ProviderName: pick(names...),
		Incoming:     server(in),
		Outgoing:     server(mail.SMTP),
		Notes:        []mail.Note{{Code: "x-" + fmt.Sprint(r.IntN(9)), Text: pick(names...)}},
	}
	for i := r.IntN(4); i > 0; i-- {
		s.AlternativesIn = append(s.AlternativesIn, server([]mail.Protocol{mail.IMAP, mail.POP3}[r.IntN(2)]))
	}
	for i := r.IntN(4); i > 0; i-- {
		s.AlternativesOut = append(s.AlternativesOut, server(mail.SMTP))
	}
	return s
}

// TestPropertyEveryExportPassesEveryConsumer: over generated settings, a
// Thunderbird file is either refused with ErrInvalid (nothing both
// Thunderbirds accept in one direction) or accepted whole by both, with
// nothing dropped and every left-out server named in the file; an Apple
// profile is either refused as OAuth2-only or passes Apple's schema; the
// domain files follow the Thunderbird file.
func TestPropertyEveryExportPassesEveryConsumer(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 2026))
	refused := 0
	const runs = 600
	for i := range runs {
		s := genSettings(r)
		if err := s.Validate(); err != nil {
			t.Fatalf("run %d: generator made invalid settings: %v", i, err)
		}
		tb, err := Thunderbird(s, Options{Lang: []string{"en", "it"}[i%2]})
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("run %d: %v", i, err)
			}
			refused++
		} else {
			if err := checkThunderbirdAndroid(tb, s.Address); err != nil && !errors.Is(err, errNoIMAPForAndroid) {
				t.Fatalf("run %d: Thunderbird for Android rejects:\n%v\n%s", i, err, tb)
			}
			if _, dropped, err := checkThunderbirdDesktop(tb); err != nil || dropped > 0 {
				t.Fatalf("run %d: Thunderbird desktop: %v, %d dropped\n%s", i, err, dropped, tb)
			}
			for _, l := range ThunderbirdLeftOut(s) {
				if l.Reason != "pop3-android" && !strings.Contains(string(tb), fmt.Sprintf(":%d (%s)", l.Server.Port, l.Server.Security)) {
					t.Fatalf("run %d: %s left out without a word in the file", i, l.Server)
				}
			}
		}
		// The domain files fail where the Thunderbird file does, and
		// also for what the other formats refuse (OAuth2 only, an IP
		// address as SRV target): always as bad input.
		if _, derr := DomainFiles(s, DomainFilesOptions{}); (err != nil && derr == nil) || (derr != nil && !errors.Is(derr, ErrInvalid)) {
			t.Fatalf("run %d: domain files %v, Thunderbird file %v", i, derr, err)
		}
		mc, err := MobileConfig(s, Options{IncludePassword: i%2 == 0})
		if err != nil {
			if !errors.Is(err, ErrOAuthOnly) {
				t.Fatalf("run %d: profile: %v", i, err)
			}
			continue
		}
		if err := checkAppleMailProfile(mc, nil); err != nil {
			t.Fatalf("run %d: Apple schema: %v\n%s", i, err, mc)
		}
	}
	if refused == 0 || refused == runs {
		t.Errorf("%d of %d refused: the generator does not cover both outcomes", refused, runs)
	}
}
