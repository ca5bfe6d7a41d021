package assets

import (
	"os"
	"regexp"
	"testing"
)

// TestFyneAppTomlDescribesThePackage checks what fyne package reads
// (issue 5): the name Postino, a reverse-DNS ID, a version, a build
// number and our icon.
func TestFyneAppTomlDescribesThePackage(t *testing.T) {
	b, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`(?m)^\s*Name\s*=\s*"Postino"$`,
		`(?m)^\s*ID\s*=\s*"[a-z]+\.[a-z0-9_]+\.[a-z0-9_]+(\.[a-z0-9_]+)*"$`,
		`(?m)^\s*Version\s*=\s*"\d+\.\d+\.\d+"$`,
		`(?m)^\s*Build\s*=\s*[1-9]\d*$`,
		`(?m)^\s*Icon\s*=\s*"assets/icon.png"$`,
	} {
		if !regexp.MustCompile(want).Match(b) {
			t.Errorf("FyneApp.toml has no line matching %s", want)
		}
	}
}
