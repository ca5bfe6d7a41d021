package providers

import (
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
)

func TestEveryNoteCodeHasASentenceInBothLanguages(t *testing.T) {
	for _, code := range NoteCodes {
		for _, lng := range i18n.Languages {
			msg := NoteTextIn(lng, mail.Note{Code: code, Text: "TEXT", URL: "https://example.com"})
			if msg == "note."+code || strings.TrimSpace(msg) == "" || strings.Contains(msg, "<no value>") {
				t.Errorf("note %q has no %s sentence (got %q)", code, lng, msg)
			}
		}
	}
}

func TestNoteTextCarriesTheProvidersOwnWords(t *testing.T) {
	n := mail.Note{Code: NoteEnable, Text: "Set an e-mail password first."}
	for _, lng := range i18n.Languages {
		if got := NoteTextIn(lng, n); !strings.Contains(got, n.Text) {
			t.Errorf("%s: %q does not include the provider's text", lng, got)
		}
	}
}
