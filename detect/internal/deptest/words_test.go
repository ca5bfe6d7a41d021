package deptest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const i18nPath = "github.com/postino-mail/postino/assets/i18n"

// processWide are the catalogue's functions that read the process-wide
// language (set by i18n.SetLanguage, or the system locale), and the
// setter itself.
var processWide = map[string]bool{
	"T": true, "TIn": true, "Seconds": true, "SecondsIn": true, "Language": true, "SetLanguage": true,
}

// stillProcessWide lists the uses the engine keeps, each with why, as
// "file: call". An entry that is no longer needed fails the test too, so
// the list only shrinks. It is empty: keep it so, and when a use must
// stay, name it here with the reason.
var stillProcessWide = map[string]string{}

// processWideUses returns, for one Go file, every use of the process-
// wide language: a call or reference to one of processWide, the zero
// Localizer (i18n.Localizer{}, which renders in the process-wide
// language) and i18n.For("") (the same, said explicitly), as
// "file: i18n.Name" strings with their positions.
func processWideUses(fset *token.FileSet, name string, f *ast.File) (uses []string, where []string) {
	local := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == i18nPath {
			local = "i18n"
			if imp.Name != nil {
				local = imp.Name.Name
			}
		}
	}
	if local == "" {
		return nil, nil
	}
	isI18n := func(e ast.Expr, sel string) bool {
		s, ok := e.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		id, ok := s.X.(*ast.Ident)
		return ok && id.Name == local && (sel == "" || s.Sel.Name == sel)
	}
	add := func(n ast.Node, what string) {
		uses = append(uses, name+": "+what)
		where = append(where, fset.Position(n.Pos()).String()+": "+what)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if isI18n(n, "") && processWide[n.Sel.Name] {
				add(n, "i18n."+n.Sel.Name)
			}
		case *ast.CompositeLit:
			if isI18n(n.Type, "Localizer") {
				add(n, "i18n.Localizer{}")
			}
		case *ast.CallExpr:
			if isI18n(n.Fun, "For") && len(n.Args) == 1 {
				if lit, ok := n.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING && lit.Value == `""` {
					add(n, `i18n.For("")`)
				}
			}
		}
		return true
	})
	return uses, where
}

// The engine speaks codes and typed data; the front ends choose the
// words, in a language they name. So no package under detect/ (but
// detect/cli, the command-line front end) nor export/ renders in the
// process-wide language: a result, an error or an export in words would
// be in whatever language the process happened to have (and a GUI and a
// CLI in one process, or two exports in two languages, would disagree).
func TestEngineDoesNotUseTheProcessWideLanguage(t *testing.T) {
	root := moduleRoot(t)
	seen := map[string]bool{}
	files := 0
	var found []string
	for _, top := range []string{"detect", "export"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if rel == "detect/cli" || d.Name() == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			files++
			uses, where := processWideUses(fset, rel, f)
			for i, u := range uses {
				if _, ok := stillProcessWide[u]; ok {
					seen[u] = true
					continue
				}
				found = append(found, where[i])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 100 {
		t.Fatalf("read only %d files under detect/ and export/: is the walk looking in the right place?", files)
	}
	sort.Strings(found)
	for _, w := range found {
		t.Errorf("%s: the engine renders in the process-wide language; keep a code and data, and let the front end render with its i18n.Localizer", w)
	}
	for u, why := range stillProcessWide {
		if !seen[u] {
			t.Errorf("%q (%s) is listed as still using the process-wide language but no longer does: remove it from stillProcessWide", u, why)
		}
	}
}

// The check is not vacuous: it finds every kind of use it looks for,
// under any import name.
func TestProcessWideUsesAreFound(t *testing.T) {
	src := `package p

import tr "github.com/postino-mail/postino/assets/i18n"

var f = tr.TIn

func g() {
	_ = tr.T("k")
	_ = tr.Seconds(0)
	_ = tr.Language()
	tr.SetLanguage("it")
	_ = tr.Localizer{}.T("k")
	_ = tr.For("").T("k")
	_ = tr.For("it").T("k") // explicit: fine
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	uses, _ := processWideUses(fset, "p.go", f)
	want := []string{"p.go: i18n.TIn", "p.go: i18n.T", "p.go: i18n.Seconds", "p.go: i18n.Language", "p.go: i18n.SetLanguage", "p.go: i18n.Localizer{}", `p.go: i18n.For("")`}
	if strings.Join(uses, "\n") != strings.Join(want, "\n") {
		t.Errorf("found\n%s\nwant\n%s", strings.Join(uses, "\n"), strings.Join(want, "\n"))
	}
}
