package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The page names every command and every flag the program's help lists,
// so a new flag reaches the manual without anyone remembering to add it.
func TestPageCoversEveryCommandAndFlag(t *testing.T) {
	var b bytes.Buffer
	if err := write(&b, "9.8.7"); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if !strings.HasPrefix(page, `.\"`) || !strings.Contains(page, `.TH POSTINO 1 "" "postino 9.8.7"`) {
		t.Fatalf("no header:\n%.300s", page)
	}
	names, _ := commands()
	for _, want := range []string{"check", "detect", "export", "health"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("postino help does not list %s: %q", want, names)
		}
	}
	for _, name := range names {
		if !strings.Contains(page, ".SS "+name+"\n") {
			t.Errorf("no section for %s", name)
		}
		_, flags := parseCommandHelp(help(name, "--help"))
		if len(flags) == 0 {
			t.Errorf("%s --help gave no flags", name)
		}
		for _, f := range flags {
			if !strings.Contains(page, esc(f.name)) || f.text == "" {
				t.Errorf("%s: flag %q missing or without text", name, f.name)
			}
		}
	}
	for _, want := range []string{`\-\-ca\-file`, `\-\-json`, "POSTINO_CA_FILE", ".SH EXIT STATUS"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Every line starting with a dot is one of our macros, never text
	// that happened to start with a dot.
	for _, l := range strings.Split(page, "\n") {
		if strings.HasPrefix(l, ".") && !strings.HasPrefix(l, `.\"`) {
			macro := strings.Fields(l)[0]
			switch macro {
			case ".TH", ".SH", ".SS", ".PP", ".TP", ".B", ".BI", ".I", ".br":
			default:
				t.Errorf("unexpected roff request %q", l)
			}
		}
	}
	// man(1), when present, renders it without warnings.
	if _, err := exec.LookPath("man"); err == nil {
		f := filepath.Join(t.TempDir(), "postino.1")
		os.WriteFile(f, b.Bytes(), 0o644)
		cmd := exec.Command("man", "--warnings", "-l", f)
		cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() > 0 || !strings.Contains(string(out), "--ca-file") {
			t.Errorf("man: %v, warnings %q", err, stderr.String())
		}
	}
}

func TestEscapeKeepsTextText(t *testing.T) {
	for in, want := range map[string]string{
		`.hidden`:     `\&.hidden`,
		`'quote`:      `\&'quote`,
		`a\b`:         `a\eb`,
		`--ca-file`:   `\-\-ca\-file`,
		`plain words`: `plain words`,
		`a,b, c`:      `a,\:b, c`,
	} {
		if got := esc(in); got != want {
			t.Errorf("esc(%q) = %q, want %q", in, got, want)
		}
	}
}
