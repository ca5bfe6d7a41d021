package export

import (
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
)

func TestInstructionsNameEncryptionAsMailClientsDo(t *testing.T) {
	for _, tc := range []struct {
		sec    mail.Security
		en, it string
	}{
		{mail.TLS, "SSL/TLS", "SSL/TLS"},
		{mail.STARTTLS, "STARTTLS", "STARTTLS"},
		{mail.Plain, "None", "Nessuna"},
	} {
		if got := encryptionName("en", tc.sec); got != tc.en {
			t.Errorf("en %s: %q", tc.sec, got)
		}
		if got := encryptionName("it", tc.sec); got != tc.it {
			t.Errorf("it %s: %q", tc.sec, got)
		}
	}
	if authName("en", mail.AuthPasswordCleartext) != "Normal password" || authName("it", mail.AuthPasswordCleartext) != "Password normale" {
		t.Error("normal password is not named as Thunderbird names it")
	}
	if authName("it", "SCRAM-SHA-256") != "SCRAM-SHA-256" {
		t.Error("an unknown method should be shown as is")
	}
}

func TestInstructionsFollowTheChosenLanguage(t *testing.T) {
	s := fixtures()["libero"]
	en := string(must(Text(s, Options{Lang: "en"})))
	it := string(must(Text(s, Options{Lang: "it"})))
	if !strings.Contains(en, "Incoming mail (IMAP)") || !strings.Contains(it, "Posta in arrivo (IMAP)") {
		t.Errorf("section titles:\n%s\n%s", en, it)
	}
	// Without a choice the interface language applies.
	i18n.SetLanguage("it")
	defer i18n.SetLanguage("")
	if def := string(must(Text(s, Options{}))); def != it {
		t.Error("default language is not the interface language")
	}
}

func TestNoteTextFallsBackWhenNobodyTranslatedTheCode(t *testing.T) {
	useFakeNotes(t)
	for _, tc := range []struct {
		lng  string
		note mail.Note
		want string
	}{
		{"it", mail.Note{Code: "app-password", Text: "ignored"}, fakeNotes["it/note.app-password"]},
		{"en", mail.Note{Code: "x-new", Text: "Source text."}, "Source text."},
		{"en", mail.Note{Code: "x-new"}, "Provider note: x-new"},
		{"it", mail.Note{Code: "x-new"}, "Nota del gestore: x-new"},
	} {
		if got := noteText(tc.lng, tc.note); got != tc.want {
			t.Errorf("%s %+v: %q, want %q", tc.lng, tc.note, got, tc.want)
		}
	}
}

// TestNoteTextUsesTheProvidersTranslations checks the real lookup (not
// the golden tests' stand-in): a code with a translation in any area
// file is shown in that translation.
func TestNoteTextUsesTheProvidersTranslations(t *testing.T) {
	msgs, err := i18n.Messages("it")
	if err != nil {
		t.Fatal(err)
	}
	for key := range msgs {
		code, ok := strings.CutPrefix(key, "note.")
		if !ok {
			continue
		}
		for _, lng := range i18n.Languages {
			n := mail.Note{Code: code, Text: "imap.example.it", URL: "https://help.example.it/"}
			got := noteText(lng, n)
			if want := i18n.TIn(lng, key, noteData(n)); got != want {
				t.Errorf("%s %s: %q, want %q", lng, code, got, want)
			}
			if strings.Contains(got, "<no value>") || strings.Contains(got, "{{") {
				t.Errorf("%s %s: template not filled: %q", lng, code, got)
			}
		}
	}
	if got := noteText("en", mail.Note{Code: "surely-not-a-code", Text: "fallback"}); got != "fallback" {
		t.Errorf("missing key: %q", got)
	}
}

func TestTextAlignsValues(t *testing.T) {
	out := string(must(Text(fixtures()["libero"], Options{Lang: "it"})))
	col := -1
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "  -") || strings.HasPrefix(line, "    ") {
			continue
		}
		i := strings.Index(line, ":")
		j := i + 1 + len(line[i+1:]) - len(strings.TrimLeft(line[i+1:], " "))
		if col >= 0 && j != col {
			t.Errorf("value column %d, want %d: %q", j, col, line)
		}
		col = j
	}
}

// TestInstructionsAddTheNotesTheServersCallFor: sending on port 25
// brings the warning that many connections block it, and a port 2525
// server the fallback note, once even when the provider gave it too.
func TestInstructionsAddTheNotesTheServersCallFor(t *testing.T) {
	useFakeNotes(t)
	port25 := fakeNotes["en/note.port25-blocked"]
	use2525 := fakeNotes["en/note.use-2525"]
	for _, tc := range []struct {
		name      string
		s         Settings
		want, not []string
	}{
		{"relay on port 25", fixtures()["escaping"], []string{port25}, []string{use2525}},
		{"2525 given by the provider and found", fixtures()["tiscali"], []string{use2525}, []string{port25}},
		{"submission only", fixtures()["libero"], nil, []string{port25, use2525}},
	} {
		out := string(must(Text(tc.s, Options{Lang: "en"})))
		for _, w := range tc.want {
			if strings.Count(out, w) != 1 {
				t.Errorf("%s: %q not shown exactly once:\n%s", tc.name, w, out)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(out, n) {
				t.Errorf("%s: %q shown:\n%s", tc.name, n, out)
			}
		}
	}
	s := fixtures()["libero"]
	s.AlternativesOut = append(s.AlternativesOut, mail.Server{Protocol: mail.SMTP, Host: "smtp.libero.it", Port: 2525, Security: mail.STARTTLS})
	if out := string(must(Text(s, Options{Lang: "it"}))); !strings.Contains(out, fakeNotes["it/note.use-2525"]) {
		t.Errorf("an alternative on 2525 brings no note:\n%s", out)
	}
}

// sectionRows returns the rows of the section whose title starts with title.
func sectionRows(t *testing.T, in instructions, title string) map[string]string {
	t.Helper()
	for _, sec := range in.Sections {
		if strings.HasPrefix(sec.Title, title) {
			rows := map[string]string{}
			for _, r := range sec.Rows {
				rows[r.Label] = r.Value
			}
			return rows
		}
	}
	t.Fatalf("no section %q", title)
	return nil
}

func TestInstructionsAskOnlyForWhatTheServerNeeds(t *testing.T) {
	in, err := buildInstructions(fixtures()["escaping"], Options{Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	incoming, outgoing := sectionRows(t, in, "Incoming"), sectionRows(t, in, "Outgoing")
	if incoming["Account type"] != "IMAP" || incoming["User name"] != `UNI\tjerry` || incoming["Password"] == "" {
		t.Errorf("incoming rows %v", incoming)
	}
	// A relay that takes mail without a login: no user name, no
	// password; and no account type, which belongs to incoming mail.
	for _, label := range []string{"Account type", "User name", "Password"} {
		if _, ok := outgoing[label]; ok {
			t.Errorf("outgoing relay shows %q: %v", label, outgoing)
		}
	}
	if outgoing["Authentication"] != "No authentication" || outgoing["Port"] != "25" {
		t.Errorf("outgoing rows %v", outgoing)
	}
}

func TestInstructionsAskForTheAppPasswordWhenTheProviderWantsOne(t *testing.T) {
	for _, tc := range []struct {
		fixture, lng, want string
	}{
		{"libero", "en", i18n.TIn("en", "export.value.app_password")},
		{"libero", "it", i18n.TIn("it", "export.value.app_password")},
		{"tiscali", "en", i18n.TIn("en", "export.value.password")},
	} {
		in, err := buildInstructions(fixtures()[tc.fixture], Options{Lang: tc.lng})
		if err != nil {
			t.Fatal(err)
		}
		for _, sec := range in.Sections {
			if got := sec.Rows[len(sec.Rows)-1].Value; got != tc.want {
				t.Errorf("%s %s %s: password row %q, want %q", tc.fixture, tc.lng, sec.Title, got, tc.want)
			}
		}
	}
	if i18n.TIn("en", "export.value.app_password") == i18n.TIn("en", "export.value.password") {
		t.Error("the two password texts are the same")
	}
}

// TestInstructionsShowAnInternationalDomainAsPeopleWriteIt: the title
// and the address row read "università", the login stays the ASCII form
// the servers accepted.
func TestInstructionsShowAnInternationalDomainAsPeopleWriteIt(t *testing.T) {
	s := fixtures()["escaping"]
	s.Incoming.Username, s.Outgoing.Username = "", ""
	in, err := buildInstructions(s, Options{Lang: "it"})
	if err != nil {
		t.Fatal(err)
	}
	const unicode = "tom.jerry@università.example"
	if !strings.Contains(in.Title, unicode) || in.Identity[1].Value != unicode {
		t.Errorf("title %q, address row %q", in.Title, in.Identity[1].Value)
	}
	if got := sectionRows(t, in, "Posta in arrivo")["Nome utente"]; got != s.Address {
		t.Errorf("login %q, want the ASCII %q", got, s.Address)
	}
	if got := fixtures()["libero"].displayAddress(); got != "mario.rossi@libero.it" {
		t.Errorf("ASCII address changed: %q", got)
	}
}
