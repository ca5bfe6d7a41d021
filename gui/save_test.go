package gui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/storage"
)

// A profile holding the password is saved like the CLI's: 0600, whole
// or not at all, and a symlink at the chosen name is replaced, never
// written through (the file it points to keeps its content).
func TestSavedProfileWithPasswordIsPrivateAtomicAndNoSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere.txt")
	if err := os.WriteFile(target, []byte("untouched"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "profile.mobileconfig")
	if err := os.Symlink(target, path); err != nil {
		t.Skip("no symlinks here: ", err)
	}
	if err := writePrivateFile(path, []byte("secret profile")); err != nil {
		t.Fatal(err)
	}
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode()&os.ModeSymlink != 0 || info.Mode().Perm() != 0o600 {
		t.Errorf("saved file mode %v, want a regular file with 0600", info.Mode())
	}
	if b, _ := os.ReadFile(target); string(b) != "untouched" {
		t.Errorf("the symlink's target was written: %q", b)
	}
	if b, _ := os.ReadFile(path); string(b) != "secret profile" {
		t.Errorf("saved %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

// Through the writer Fyne's save dialog hands over: with the password
// the file ends up 0600; without it the writer is used as before.
func TestWriteSavedUsesThePrivateWriteOnlyWithAPassword(t *testing.T) {
	dir := t.TempDir()
	for _, withPass := range []bool{true, false} {
		path := filepath.Join(dir, map[bool]string{true: "with.mobileconfig", false: "without.txt"}[withPass])
		w, err := storage.Writer(storage.NewFileURI(path))
		if err != nil {
			t.Fatal(err)
		}
		if err := writeSaved(w, []byte("data"), withPass); err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if withPass && info.Mode().Perm() != 0o600 {
			t.Errorf("with the password: mode %v, want 0600", info.Mode().Perm())
		}
		if b, _ := os.ReadFile(path); string(b) != "data" {
			t.Errorf("%s holds %q", path, b)
		}
	}
}
