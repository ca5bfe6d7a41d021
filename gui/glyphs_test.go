package gui

import (
	"bytes"
	"strings"
	"testing"

	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/health"
)

// TestEveryTextTheWindowShowsIsDrawable checks every message of the areas
// the window shows, in both languages, after screenText: each character
// must be in Fyne's text font, or come from its symbol font with no
// whitespace right after it (which Fyne would draw as a box).
func TestEveryTextTheWindowShowsIsDrawable(t *testing.T) {
	text, err := font.ParseTTF(bytes.NewReader(theme.DefaultTextFont().Content()))
	if err != nil {
		t.Fatal(err)
	}
	symbol, err := font.ParseTTF(bytes.NewReader(theme.DefaultSymbolFont().Content()))
	if err != nil {
		t.Fatal(err)
	}
	has := func(f *font.Face, r rune) bool { _, ok := f.NominalGlyph(r); return ok }
	shown := []string{"gui.", "fyne.", "problem.", "recommend.", "health.", "providers.", "discover.", "address.", "export."}
	for _, lang := range []string{"en", "it"} {
		msgs, err := i18n.Messages(lang)
		if err != nil {
			t.Fatal(err)
		}
		for key, msg := range msgs {
			if !slicesHasPrefix(shown, key) || strings.Contains(key, ".cli.") {
				continue
			}
			runes := []rune(screenText(msg))
			for i, r := range runes {
				if r == '\n' || has(text, r) {
					continue
				}
				next := i+1 < len(runes) && strings.ContainsRune(" \u00a0\u2009\t\n", runes[i+1])
				if !has(symbol, r) || next {
					t.Errorf("%s %s: %q cannot be drawn in %q", lang, key, r, msg)
				}
			}
		}
	}
}

func slicesHasPrefix(prefixes []string, s string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// TestHealthMXLineShowsNoStrayGlyph renders the MX detail the way the
// Health tab does and checks the arrow was swapped.
func TestHealthMXLineShowsNoStrayGlyph(t *testing.T) {
	c := health.Check{Name: "mx", Verdict: health.OK, Details: []health.Text{{Key: "health.mx.detail.host",
		Data: map[string]any{"Pref": 10, "Host": "mx.studio-rossi.it", "Addresses": "127.137.0.2"}}}}
	card, _ := healthCard("mx", c, true, false)
	got := strings.Join(texts(card), "\n")
	if !strings.Contains(got, "10 mx.studio-rossi.it » 127.137.0.2") {
		t.Fatalf("MX line: %q", got)
	}
}
