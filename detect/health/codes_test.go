package health

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/health/spf"
)

// Every code has its three sentences in every language: the GUI's
// health tab and the CLI render any code through them, so a missing one
// would show a translation key to a person.
func TestEveryCodeHasItsSentencesInEveryLanguage(t *testing.T) {
	for _, lng := range i18n.Languages {
		msgs, err := i18n.Messages(lng)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range Codes() {
			for _, part := range []string{"summary", "explanation", "remedy"} {
				if msgs["health."+c+"."+part] == "" {
					t.Errorf("%s: no health.%s.%s", lng, c, part)
				}
			}
		}
		// The one-line reasons a broken include or policy file is
		// explained with.
		var whys []string
		for _, c := range append(spf.SyntaxCodes(), "multiple") {
			whys = append(whys, "health.spf.why."+c)
		}
		for _, c := range []string{"no-id", "bad-id", "version", "mode", "max_age", "mx", "repeated", "line"} {
			whys = append(whys, "health.mtasts.why."+c)
		}
		for _, k := range whys {
			if msgs[k] == "" {
				t.Errorf("%s: no %s", lng, k)
			}
		}
	}
}

// Every code the source can add is in Codes, so the two tests around it
// cover what the program really reports.
func TestCodesListsEveryCodeTheChecksAdd(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	literal := regexp.MustCompile(`add\((?:Problem|Warning|OK|NotFound), "([a-z0-9-]+)"`)
	prefixed := regexp.MustCompile(`single\([^,]+, "([a-z]+)"`)
	codes := Codes()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			if m[1] == "spf-" {
				continue // "spf-" + a syntax code, listed from the spf package
			}
			if !slices.Contains(codes, m[1]) {
				t.Errorf("%s adds %q, which Codes does not list", f, m[1])
			}
		}
		for _, m := range prefixed.FindAllStringSubmatch(string(src), -1) {
			for _, suffix := range []string{"-none", "-multiple"} {
				if !slices.Contains(codes, m[1]+suffix) {
					t.Errorf("%s adds %q, which Codes does not list", f, m[1]+suffix)
				}
			}
		}
	}
}

// docs/json.md, the public contract, names every code.
func TestJSONDocNamesEveryHealthCode(t *testing.T) {
	doc, err := os.ReadFile("../../docs/json.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Codes() {
		if !strings.Contains(string(doc), "`"+c+"`") {
			t.Errorf("docs/json.md does not name health code %q", c)
		}
	}
}
