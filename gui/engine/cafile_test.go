package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/gui/backend"
)

// The settings' CA file is applied to a copy of main's network (never to
// the shared one); with none, $POSTINO_CA_FILE is used, as on the
// command line; a file in the settings wins; a bad file stops the run.
func TestCAFileSettingAndEnvironment(t *testing.T) {
	lab := labtest.New(t)
	dir := t.TempDir()
	good := lab.WriteCAFile(dir)
	bad := filepath.Join(dir, "notes.txt")
	os.WriteFile(bad, []byte("not a certificate"), 0o644)
	shared := lab.Network()
	before := shared.RootCAs
	d := Detect{Network: shared}

	nw, err := d.network(backend.Settings{CAFile: good})
	if err != nil || nw.RootCAs == nil || nw == shared {
		t.Fatalf("with a CA file: %v, same network %v", err, nw == shared)
	}
	if shared.RootCAs != before {
		t.Fatal("the CA file changed main's shared network")
	}
	if _, err := d.network(backend.Settings{CAFile: bad}); err == nil {
		t.Fatal("a CA file that went bad did not stop the check with an error")
	}
	t.Setenv("POSTINO_CA_FILE", filepath.Join(t.TempDir(), "missing.pem"))
	if _, err := d.network(backend.Settings{}); err == nil {
		t.Fatal("a missing $POSTINO_CA_FILE was ignored")
	}
	if _, err := d.network(backend.Settings{CAFile: good}); err != nil {
		t.Fatalf("the settings' CA file did not win over the environment: %v", err)
	}
}
