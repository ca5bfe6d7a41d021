package export

import (
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/config"
)

func TestInstructionsNameEncryptionAsMailClientsDo(t *testing.T) {
	for _, tc := range []struct {
		sec    config.Security
		en, it string
	}{
		{config.TLS, "SSL/TLS", "SSL/TLS"},
		{config.STARTTLS, "STARTTLS", "STARTTLS"},
		{config.Plain, "None", "Nessuna"},
	} {
		if got := encryptionName("en", tc.sec); got != tc.en {
			t.Errorf("en %s: %q", tc.sec, got)
		}
		if got := encryptionName("it", tc.sec); got != tc.it {
			t.Errorf("it %s: %q", tc.sec, got)
		}
	}
	if authName("en", config.AuthPasswordCleartext) != "Normal password" || authName("it", config.AuthPasswordCleartext) != "Password normale" {
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
		note config.Note
		want string
	}{
		{"it", config.Note{Code: "app-password", Text: "ignored"}, fakeNotes["it/note.app-password"]},
		{"en", config.Note{Code: "x-new", Text: "Source text."}, "Source text."},
		{"en", config.Note{Code: "x-new"}, "Provider note: x-new"},
		{"it", config.Note{Code: "x-new"}, "Nota del gestore: x-new"},
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
			n := config.Note{Code: code, Text: "imap.example.it", URL: "https://help.example.it/"}
			got := noteText(lng, n)
			if want := i18n.TIn(lng, key, noteData(n)); got != want {
				t.Errorf("%s %s: %q, want %q", lng, code, got, want)
			}
			if strings.Contains(got, "<no value>") || strings.Contains(got, "{{") {
				t.Errorf("%s %s: template not filled: %q", lng, code, got)
			}
		}
	}
	if got := noteText("en", config.Note{Code: "surely-not-a-code", Text: "fallback"}); got != "fallback" {
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
