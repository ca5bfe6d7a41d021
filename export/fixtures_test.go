package export

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/postino-mail/postino/detect/mail"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixtures are the settings every format is tested with.
func fixtures() map[string]Settings {
	return map[string]Settings{
		// An IMAP account with every kind of alternative and two notes.
		"libero": {
			Address:      "mario.rossi@libero.it",
			DisplayName:  "Mario Rossi",
			Domain:       "libero.it",
			ProviderName: "Libero Mail",
			Incoming:     mail.Server{Protocol: mail.IMAP, Host: "imapmail.libero.it", Port: 993, Security: mail.TLS, Username: "mario.rossi@libero.it", Auth: []mail.Auth{mail.AuthPasswordCleartext}},
			Outgoing:     mail.Server{Protocol: mail.SMTP, Host: "smtp.libero.it", Port: 465, Security: mail.TLS, Username: "mario.rossi@libero.it", Auth: []mail.Auth{mail.AuthPasswordCleartext}},
			AlternativesIn: []mail.Server{
				{Protocol: mail.IMAP, Host: "imapmail.libero.it", Port: 143, Security: mail.STARTTLS, Username: "mario.rossi@libero.it"},
				{Protocol: mail.POP3, Host: "popmail.libero.it", Port: 995, Security: mail.TLS, Username: "mario.rossi@libero.it"},
			},
			AlternativesOut: []mail.Server{
				{Protocol: mail.SMTP, Host: "smtp.libero.it", Port: 587, Security: mail.STARTTLS, Username: "mario.rossi@libero.it"},
			},
			Notes: []mail.Note{
				{Code: "enable-imap", URL: "https://aiuto.libero.it/articolo/mail/imap/"},
				{Code: "app-password"},
			},
			Password: "S3greta!",
		},
		// A POP3 account whose login is the local part, with STARTTLS
		// submission, port 2525 as a fallback and a note nobody translated.
		"tiscali": {
			Address:      "utente@tiscali.it",
			Domain:       "tiscali.it",
			ProviderName: "Tiscali",
			Incoming:     mail.Server{Protocol: mail.POP3, Host: "pop.tiscali.it", Port: 995, Security: mail.TLS, Username: "utente", Auth: []mail.Auth{mail.AuthPasswordCleartext, mail.AuthPasswordEncrypted}},
			Outgoing:     mail.Server{Protocol: mail.SMTP, Host: "smtp.tiscali.it", Port: 587, Security: mail.STARTTLS, Username: "utente"},
			AlternativesOut: []mail.Server{
				{Protocol: mail.SMTP, Host: "smtp.tiscali.it", Port: 2525, Security: mail.STARTTLS, Username: "utente"},
			},
			Notes: []mail.Note{
				{Code: "use-2525"},
				{Code: "x-unknown", Text: "Use the webmail to change the password."},
			},
			Password: "tiscali-secret",
		},
		// Names that every format must escape, in both fields that carry
		// names, and a login that is neither the address nor the local part.
		// The Thunderbird file must leave out what its readers refuse: the
		// NTLM method, the relay without encryption, the host name with an
		// underscore.
		"escaping": {
			Address:      "tom.jerry@xn--universit-y1a.example",
			DisplayName:  `Tom & "Jerry" <IT>`,
			Domain:       "xn--universit-y1a.example",
			ProviderName: "Niccolò Università",
			Incoming:     mail.Server{Protocol: mail.IMAP, Host: "mail.xn--universit-y1a.example", Port: 143, Security: mail.STARTTLS, Username: "UNI\\tjerry", Auth: []mail.Auth{mail.AuthNone, mail.AuthNTLM, mail.AuthPasswordCleartext}},
			Outgoing:     mail.Server{Protocol: mail.SMTP, Host: "mail.xn--universit-y1a.example", Port: 25, Security: mail.Plain, Username: "UNI\\tjerry", Auth: []mail.Auth{mail.AuthNone}},
			AlternativesOut: []mail.Server{
				{Protocol: mail.SMTP, Host: "relay_1.xn--universit-y1a.example", Port: 465, Security: mail.TLS, Username: "UNI\\tjerry"},
				{Protocol: mail.SMTP, Host: "mail.xn--universit-y1a.example", Port: 587, Security: mail.STARTTLS, Username: "UNI\\tjerry", Auth: []mail.Auth{mail.AuthPasswordCleartext}},
			},
			Password: `p<a>&"ss`,
		},
	}
}

// fakeNotes stands in for the providers area's note texts, which other
// engineers edit, so that the golden files stay stable.
var fakeNotes = map[string]string{
	"en/note.app-password":   "Use an app password, not your normal password.",
	"it/note.app-password":   "Usa una password per le app, non la password normale.",
	"en/note.enable-imap":    "Turn IMAP on in the webmail settings first.",
	"it/note.enable-imap":    "Prima attiva IMAP nelle impostazioni della webmail.",
	"en/note.use-2525":       "If port 587 is blocked, use port 2525.",
	"it/note.use-2525":       "Se la porta 587 è bloccata, usa la porta 2525.",
	"en/note.port25-blocked": "Port 25 is often blocked: use 465 or 587.",
	"it/note.port25-blocked": "La porta 25 è spesso bloccata: usa la 465 o la 587.",
}

func useFakeNotes(t *testing.T) {
	t.Helper()
	saved := noteLookup
	noteLookup = func(lng, key string, _ ...any) string {
		if v, ok := fakeNotes[lng+"/"+key]; ok {
			return v
		}
		return key
	}
	t.Cleanup(func() { noteLookup = saved })
}

var uuidPattern = regexp.MustCompile(`[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}`)

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./export -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./export -update to accept):\n--- got ---\n%s", name, got)
	}
}
