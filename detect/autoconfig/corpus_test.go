package autoconfig

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
)

// TestParsesEveryFileOfALocalISPDBCorpus runs the parser over a folder of
// real ISPDB files when POSTINO_ISPDB_CORPUS names one (the project keeps
// such files out of the repository; ../shared/ispdb-corpus has 46). Every
// file must give a provider with at least one server; warnings are
// logged so a person can judge them (go test -v).
func TestParsesEveryFileOfALocalISPDBCorpus(t *testing.T) {
	dir := os.Getenv("POSTINO_ISPDB_CORPUS")
	if dir == "" {
		t.Skip("POSTINO_ISPDB_CORPUS not set")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no XML files in %s (%v)", dir, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, warnings, err := Parse(data)
		name := filepath.Base(f)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		t.Logf("%s: id=%s domains=%d name=%q short=%q in=%v out=%v docs=%d notes=%+v", name, p.ID, len(p.Domains), p.DisplayName, p.ShortName, p.Incoming, p.Outgoing, len(p.Documentation), p.Notes)
		for _, w := range warnings {
			t.Logf("%s: warning: %s", name, w.In(i18n.For("en")))
		}
	}
}
