package gui

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/postino-mail/postino/assets/buildinfo"
	"github.com/postino-mail/postino/detect/labtest"
)

// The extra CA file is a setting like the others: the form refuses a
// file that holds no certificate, saves a good one, and the network the
// engine builds then trusts it (what the CLI's --ca-file does).
func TestCAFileSettingIsValidatedSavedAndUsed(t *testing.T) {
	lab := labtest.New(t)
	dir := t.TempDir()
	good := lab.WriteCAFile(dir)
	bad := filepath.Join(dir, "notes.txt")
	os.WriteFile(bad, []byte("not a certificate"), 0o644)

	f := newSettingsForm(Settings{})
	for _, it := range f.items() {
		if it.Widget == f.caFile && it.Text == "" {
			t.Fatal("the CA file entry has no label")
		}
	}
	for path, ok := range map[string]bool{"": true, good: true, bad: false, filepath.Join(dir, "missing.pem"): false} {
		if err := f.caFile.Validator(path); (err == nil) != ok {
			t.Errorf("validator(%q) = %v, want ok=%v", filepath.Base(path), err, ok)
		}
	}
	f.caFile.SetText(" " + good + " ")
	s := f.result(Settings{})
	if s.CAFile != good {
		t.Fatalf("result CAFile = %q, want %q", s.CAFile, good)
	}

	p := test.NewTempApp(t).Preferences()
	s.Save(p)
	if got := LoadSettings(p).CAFile; got != good {
		t.Fatalf("after save and load: %q", got)
	}
	if f := newSettingsForm(s); f.caFile.Text != good {
		t.Fatalf("the form reopens with %q", f.caFile.Text)
	}

	if s.engineSettings().CAFile != good {
		t.Fatal("the CA file does not reach the engine's settings")
	}
}

// The About box says what `postino --version` says.
func TestAboutBoxShowsVersionCommitAndGo(t *testing.T) {
	h := newHarness(t)
	h.ui.showAbout()
	info := buildinfo.Get()
	box := h.overlay()
	for _, want := range []string{info.Version, info.Commit, runtime.Version(), info.String()} {
		found := false
		for _, s := range texts(box) {
			if strings.Contains(s, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("the About box lacks %q: %q", want, texts(box))
		}
	}
}

// The About box is reached from the help dialog.
func TestHelpDialogOpensAbout(t *testing.T) {
	h := newHarness(t)
	h.ui.showHelp()
	b := findButton(h.overlay(), "About Postino")
	if b == nil {
		t.Fatalf("no About button in the help dialog: %q", texts(h.overlay()))
	}
	test.Tap(b)
	if !hasText(h.overlay(), buildinfo.Get().String()) {
		t.Fatalf("tapping About did not show the version line: %q", texts(h.overlay()))
	}
}
