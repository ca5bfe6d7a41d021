package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestWriteReplacesWholeAndLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "profile.xml")
	if err := Write(path, []byte("old"), Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("new"), Options{Mode: 0o600}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Errorf("content %q", got)
	}
	if info, _ := os.Stat(path); runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 (the file may hold a password)", info.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only the file", len(entries))
	}
}

func TestWriteKeepRefusesAnExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profile.xml")
	os.WriteFile(path, []byte("mine"), 0o644)
	err := Write(path, []byte("theirs"), Options{Keep: true})
	if !errors.Is(err, ErrExists) {
		t.Fatalf("error %v, want ErrExists", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "mine" {
		t.Errorf("the existing file was changed: %q", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("a temporary file was left behind: %d entries", len(entries))
	}
}

func TestWriteRefusesAFolderAndMissingParents(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, []byte("x"), Options{}); !errors.Is(err, ErrIsDir) {
		t.Errorf("writing over a folder: %v, want ErrIsDir", err)
	}
	deep := filepath.Join(dir, "a", "b", "c.txt")
	if err := Write(deep, []byte("x"), Options{}); err == nil {
		t.Error("missing parents without MakeDirs: no error")
	}
	if err := Write(deep, []byte("x"), Options{MakeDirs: true, NoSync: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(deep); string(got) != "x" {
		t.Errorf("content %q", got)
	}
}

// A write that fails half-way leaves the old file as it was.
func TestWriteFailureKeepsTheOldFile(t *testing.T) {
	if runtime.GOOS == "windows" || os.Getuid() == 0 {
		t.Skip("needs a folder this user cannot write (root writes anywhere)")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	os.WriteFile(path, []byte("old"), 0o644)
	os.Chmod(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	err := Write(path, []byte("new"), Options{})
	if err == nil || !strings.Contains(err.Error(), "permission") {
		t.Errorf("error %v, want permission denied", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("content %q", got)
	}
}

// A temporary file left by a crashed process that had this pid does not
// stop the write.
func TestWriteSkipsAStaleTemporaryName(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	next := seq.Load() + 1
	stale := filepath.Join(dir, fmt.Sprintf(".f.tmp-%d-%d", os.Getpid(), next))
	if err := os.WriteFile(stale, []byte("left over"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("new"), Options{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Errorf("content %q", got)
	}
}
