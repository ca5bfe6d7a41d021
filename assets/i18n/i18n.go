// Package i18n is Postino's translation layer: every user-visible string,
// in the GUI, the CLI and the problem explanations, is looked up here by
// key. The messages live in translations/AREA.LANG.json (one pair of files
// per area so that each part of the program owns its own strings) and are
// registered with fyne.io/fyne/v2/lang, which also gives Fyne's own widgets
// (dialog buttons) their Italian.
//
// By default the language follows the system locale through Fyne. A
// person can override it (GUI settings, CLI --lang); then Postino uses its
// own localizer over the same files, because Fyne's follows only the
// system.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed translations/*.json
var files embed.FS

// Languages Postino ships, in the order settings list them.
var Languages = []string{"en", "it"}

var (
	mu        sync.RWMutex
	override  string // "" = follow the system
	bundle    *goi18n.Bundle
	english   map[string]string // key → English text, the fallback
	localizer map[string]*goi18n.Localizer
)

func init() {
	bundle = goi18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	english = map[string]string{}
	localizer = map[string]*goi18n.Localizer{}
	for _, lng := range Languages {
		msgs, err := Messages(lng)
		if err != nil {
			panic(err) // embedded files are checked by tests; this is a build defect
		}
		data, _ := json.Marshal(msgs)
		if _, err := bundle.ParseMessageFileBytes(data, lng+".json"); err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", lng, err))
		}
		if err := lang.AddTranslationsForLocale(data, fyne.Locale(lng)); err != nil {
			panic(fmt.Sprintf("i18n: registering %s with Fyne: %v", lng, err))
		}
		if lng == "en" {
			english = msgs
		}
		localizer[lng] = goi18n.NewLocalizer(bundle, lng)
	}
}

// Messages returns the merged key → text map of one language across all
// area files.
func Messages(lng string) (map[string]string, error) {
	out := map[string]string{}
	entries, err := fs.Glob(files, "translations/*."+lng+".json")
	if err != nil {
		return nil, err
	}
	sort.Strings(entries)
	for _, name := range entries {
		data, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", path.Base(name), err)
		}
		for k, v := range m {
			if _, dup := out[k]; dup {
				return nil, fmt.Errorf("%s: key %q defined in two files", path.Base(name), k)
			}
			out[k] = v
		}
	}
	return out, nil
}

// AreaFiles lists the embedded translation files (for tests).
func AreaFiles() ([]string, error) { return fs.Glob(files, "translations/*.json") }

// ReadFile reads one embedded translation file (for tests).
func ReadFile(name string) ([]byte, error) { return files.ReadFile(name) }

// SetLanguage overrides the language ("en", "it"); "" or "system" follows
// the system locale again. Unknown codes fall back to the system.
func SetLanguage(code string) {
	code = Normalize(code)
	mu.Lock()
	override = code
	mu.Unlock()
}

// Normalize maps a language name or locale ("it_IT.UTF-8", "Italiano",
// "en-GB") to a supported code, or "" when it is not one.
func Normalize(code string) string {
	c := strings.ToLower(strings.TrimSpace(code))
	switch {
	case c == "", c == "system":
		return ""
	case strings.HasPrefix(c, "it"):
		return "it"
	case strings.HasPrefix(c, "en"):
		return "en"
	}
	return ""
}

// Language returns the effective language code ("en" or "it").
func Language() string {
	mu.RLock()
	o := override
	mu.RUnlock()
	if o != "" {
		return o
	}
	if Normalize(lang.SystemLocale().LanguageString()) == "it" {
		return "it"
	}
	return "en"
}

// T translates key with optional template data (a map or a struct, used
// as {{.Name}} in the message). A missing key returns the key itself, so
// a forgotten translation is visible rather than blank.
func T(key string, data ...any) string {
	mu.RLock()
	o := override
	mu.RUnlock()
	return TIn(o, key, data...)
}

// TIn translates key into a given language ("" = follow the system), for
// exports that must be in a language other than the interface's.
func TIn(lng, key string, data ...any) string {
	var d any
	if len(data) > 0 {
		d = data[0]
	}
	fallback, ok := english[key]
	if !ok {
		fallback = key
	}
	lng = Normalize(lng)
	if lng == "" {
		return lang.LocalizeKey(key, fallback, d)
	}
	out, err := localizer[lng].Localize(&goi18n.LocalizeConfig{
		DefaultMessage: &goi18n.Message{ID: key, Other: fallback},
		TemplateData:   d,
	})
	if err != nil && out == "" {
		return fallback
	}
	return out
}
