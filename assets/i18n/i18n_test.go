package i18n

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// Every area must have an English and an Italian file with exactly the
// same keys: a key in only one language is a string someone will see
// untranslated.
func TestEveryAreaHasIdenticalKeySets(t *testing.T) {
	files, err := AreaFiles()
	if err != nil {
		t.Fatal(err)
	}
	areas := map[string]map[string]map[string]string{}
	for _, f := range files {
		base := strings.TrimSuffix(strings.TrimPrefix(f, "translations/"), ".json")
		dot := strings.LastIndex(base, ".")
		if dot < 0 {
			t.Fatalf("%s: name must be AREA.LANG.json", f)
		}
		area, lng := base[:dot], base[dot+1:]
		data, err := ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if areas[area] == nil {
			areas[area] = map[string]map[string]string{}
		}
		areas[area][lng] = m
	}
	for area, langs := range areas {
		en, it := langs["en"], langs["it"]
		if en == nil || it == nil {
			t.Errorf("area %q: needs both en and it files", area)
			continue
		}
		var onlyEN, onlyIT []string
		for k := range en {
			if _, ok := it[k]; !ok {
				onlyEN = append(onlyEN, k)
			}
		}
		for k := range it {
			if _, ok := en[k]; !ok {
				onlyIT = append(onlyIT, k)
			}
		}
		sort.Strings(onlyEN)
		sort.Strings(onlyIT)
		if len(onlyEN)+len(onlyIT) > 0 {
			t.Errorf("area %q: keys only in English %v, only in Italian %v", area, onlyEN, onlyIT)
		}
		for k, v := range it {
			if strings.TrimSpace(v) == "" {
				t.Errorf("area %q: Italian text for %q is empty", area, k)
			}
		}
	}
}

func TestKeysAreUniqueAcrossAreas(t *testing.T) {
	for _, lng := range Languages {
		if _, err := Messages(lng); err != nil {
			t.Error(err)
		}
	}
}

func TestOverrideSwitchesLanguage(t *testing.T) {
	defer SetLanguage("")
	SetLanguage("it")
	if got := T("app.tagline"); !strings.Contains(got, "impostazioni") {
		t.Fatalf("Italian tagline = %q", got)
	}
	if Language() != "it" {
		t.Fatalf("Language() = %q", Language())
	}
	SetLanguage("en")
	if got := T("app.tagline"); !strings.Contains(got, "settings") {
		t.Fatalf("English tagline = %q", got)
	}
	if got := TIn("it", "app.tagline"); !strings.Contains(got, "impostazioni") {
		t.Fatalf("TIn(it) = %q", got)
	}
}

func TestMissingKeyIsVisible(t *testing.T) {
	SetLanguage("it")
	defer SetLanguage("")
	if got := T("no.such.key"); got != "no.such.key" {
		t.Fatalf("missing key gave %q", got)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"it_IT.UTF-8": "it", "Italiano": "it", "en-GB": "en", "system": "", "fr": "", "": ""} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// A Localizer renders in its own language whatever the process-wide one
// is: the CLI and the exports render with an explicit language.
func TestLocalizerIgnoresTheProcessWideLanguage(t *testing.T) {
	defer SetLanguage("")
	for _, global := range []string{"en", "it"} {
		SetLanguage(global)
		if got := For("it").T("app.tagline"); !strings.Contains(got, "impostazioni") {
			t.Errorf("process %s: For(it) = %q", global, got)
		}
		if got := For("en-GB").T("app.tagline"); !strings.Contains(got, "settings") {
			t.Errorf("process %s: For(en-GB) = %q", global, got)
		}
		if got := For("").Lang(); got != global {
			t.Errorf("For(\"\") = %q, want the process-wide %q", got, global)
		}
		if got := (Localizer{}).Lang(); got != global {
			t.Errorf("zero Localizer = %q, want %q", got, global)
		}
		if got := For("it").T("no.such.key"); got != "no.such.key" {
			t.Errorf("missing key gave %q", got)
		}
	}
}

// The system language is one Postino ships, whatever the locale says.
func TestSystemLanguageIsAShippedOne(t *testing.T) {
	got := SystemLanguage()
	if got != "en" && got != "it" {
		t.Fatalf("SystemLanguage() = %q", got)
	}
	SetLanguage("")
	if Language() != got {
		t.Fatalf("Language() = %q with no override, SystemLanguage() = %q", Language(), got)
	}
}

type sayingError struct{}

func (sayingError) Error() string         { return "in English" }
func (sayingError) In(l Localizer) string { return "in " + l.Lang() }

func TestErrorTextSaysTheTypedErrorInTheLanguageAndKeepsPrefixes(t *testing.T) {
	it := For("it")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{sayingError{}, "in it"},
		{fmt.Errorf("reading x: %w", sayingError{}), "reading x: in it"},
		{fmt.Errorf("%w: %w", errors.New("malformed"), sayingError{}), "malformed: in it"},
		{errors.New("plain"), "plain"},
	} {
		if got := ErrorText(tc.err, it); got != tc.want {
			t.Errorf("ErrorText(%q) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestAnErrorInTheDataIsSaidInTheLanguageOfTheMessage(t *testing.T) {
	got := For("it").T("batch.row.bad-address", map[string]any{"Line": 3, "Value": "x", "Error": sayingError{}})
	if !strings.Contains(got, "in it") || strings.Contains(got, "in English") {
		t.Errorf("T = %q, want the error said in Italian", got)
	}
}
