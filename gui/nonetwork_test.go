package gui

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestTheWindowBuildsNoNetwork: the window renders engines' events and
// holds no network code; building networks and running checks is the
// adapter's job (gui/engine), which main.go hands to gui.Options.
func TestTheWindowBuildsNoNetwork(t *testing.T) {
	forbidden := []string{"/detect/network", "/detect/labtest", "/gui/engine", "net/http"}
	for _, dir := range []string{".", "backend"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				for _, bad := range forbidden {
					if strings.HasSuffix(path, bad) || path == bad {
						t.Errorf("%s imports %s", f, path)
					}
				}
			}
		}
	}
}
