package deptest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// moduleRoot is the directory of go.mod, three levels above this file.
func moduleRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test file")
	}
	root := filepath.Join(filepath.Dir(file), "..", "..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", root, err)
	}
	return root
}

// goList runs `go list -deps` with args (flags, then patterns) without
// touching the network (GOPROXY=off: the module cache that built the
// test holds everything) and returns every package they pull in, each
// with the packages that import it.
func goList(t *testing.T, args ...string) map[string][]string {
	t.Helper()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	cmd := exec.Command(goBin, append([]string{"list", "-deps", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`}, args...)...)
	cmd.Dir = moduleRoot(t)
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOWORK=off", "GOFLAGS=-mod=readonly")
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go list: %v\n%s", err, msg)
	}
	importedBy := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if _, ok := importedBy[f[0]]; !ok {
			importedBy[f[0]] = nil
		}
		for _, imp := range f[1:] {
			importedBy[imp] = append(importedBy[imp], f[0])
		}
	}
	return importedBy
}

// No package under detect/ or export/, nor the catalogue they render
// with, may depend on fyne.io: the engine speaks codes and the front
// ends choose the words. A package that needs Fyne belongs in gui/.
// Both with the default build tags and with -tags ci (the tests' set).
func TestEngineDoesNotDependOnFyne(t *testing.T) {
	for _, tags := range [][]string{nil, {"-tags", "ci"}} {
		deps := goList(t, append(tags, "./detect/...", "./export/...", "./assets/i18n")...)
		if len(deps) < 20 {
			t.Fatalf("%v: go list found only %d packages; the patterns matched nothing?", tags, len(deps))
		}
		for pkg, by := range deps {
			if strings.HasPrefix(pkg, "fyne.io/") {
				t.Errorf("%v: %s is pulled into the engine (imported by %v)", tags, pkg, by)
			}
		}
	}
}

// The rule is not vacuous: the same listing of the window's package
// does find Fyne.
func TestDependencyListingSeesFyneInTheWindow(t *testing.T) {
	deps := goList(t, "./gui")
	if _, ok := deps["fyne.io/fyne/v2"]; !ok {
		t.Fatal("go list of ./gui does not show fyne.io/fyne/v2: the dependency test cannot see what it checks")
	}
}
