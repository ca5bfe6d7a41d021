// Package i18n is Postino's translation layer: every user-visible string,
// in the GUI, the CLI, the exports and the problem explanations, is looked
// up here by key. The messages live in translations/AREA.LANG.json (one
// pair of files per area so that each part of the program owns its own
// strings), read lazily, one language at a time, and rendered with
// text/template.
//
// The package is pure Go and knows nothing of Fyne, so the engine
// (detect/, export/) can use it without pulling in a GUI toolkit; gui/
// hands the same messages to Fyne (gui/lang.go) so Fyne's own widgets
// (dialog buttons) speak Italian too.
//
// Two ways to render:
//   - For(lang) returns a Localizer bound to one language: the way for
//     code that knows which language it renders in (a CLI run with --lang,
//     an export in a chosen language, a test);
//   - T, Seconds and Language use the process-wide language: the person's
//     choice (SetLanguage: GUI settings, CLI --lang) or else the system
//     locale. They are for the front ends only (the window, the CLI's
//     flag parsing): the engine keeps codes and data, and its typed
//     errors say themselves with In (ErrorText), so no package under
//     detect/ but detect/cli, nor export/, uses them
//     (detect/internal/deptest).
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
	"text/template"

	locale "github.com/jeandeaual/go-locale"
)

//go:embed translations/*.json
var files embed.FS

// Languages Postino ships, in the order settings list them.
var Languages = []string{"en", "it"}

var (
	mu       sync.RWMutex
	override string // "" = follow the system

	systemOnce sync.Once
	systemLang string
)

// catalogue is one language's messages, read from the embedded files
// the first time that language is asked for: a window in English never
// holds the Italian ones. A message with a {{template}} is parsed the
// first time it is rendered and kept, so the ~1,400 messages of a
// language cost their strings and no more. (go-i18n, used before, built
// a message and a plural template for every key of both languages at
// start-up: 3.6 MB of the window's 17 MB of live memory, for plural
// forms no message has; docs/performance.md.)
type catalogue struct {
	once      sync.Once
	messages  map[string]string
	templates sync.Map // key → *template.Template, or error
}

var catalogues = func() map[string]*catalogue {
	m := map[string]*catalogue{}
	for _, lng := range Languages {
		m[lng] = &catalogue{}
	}
	return m
}()

// messagesOf returns language lng's messages, reading them once.
func messagesOf(lng string) *catalogue {
	c := catalogues[lng]
	c.once.Do(func() {
		msgs, err := Messages(lng)
		if err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", lng, err)) // embedded files are checked by tests; this is a build defect
		}
		c.messages = msgs
	})
	return c
}

// render returns message msg of key with data; a message without a
// template is returned as it is.
func (c *catalogue) render(key, msg string, data any) (string, error) {
	if !strings.Contains(msg, "{{") {
		return msg, nil
	}
	v, ok := c.templates.Load(key)
	if !ok {
		t, err := template.New(key).Parse(msg)
		if err != nil {
			v = err
		} else {
			v = t
		}
		v, _ = c.templates.LoadOrStore(key, v)
	}
	t, ok := v.(*template.Template)
	if !ok {
		return "", v.(error)
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
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

// SetLanguage overrides the process-wide language ("en", "it"); "" or
// "system" follows the system locale again. Unknown codes fall back to
// the system.
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

// SystemLanguage is the shipped language closest to the system locale
// ("en" when the locale is neither English nor Italian or cannot be
// read). It is read once: the locale of a running process does not
// change.
func SystemLanguage() string {
	systemOnce.Do(func() {
		systemLang = "en"
		if loc, err := locale.GetLocale(); err == nil && Normalize(loc) == "it" {
			systemLang = "it"
		}
	})
	return systemLang
}

// Language returns the effective process-wide language code ("en" or
// "it").
func Language() string {
	mu.RLock()
	o := override
	mu.RUnlock()
	if o != "" {
		return o
	}
	return SystemLanguage()
}

// Localizer renders messages in one language. The zero value renders in
// the process-wide language at the time of each call.
type Localizer struct{ lang string }

// For returns the Localizer of language lng ("en", "it", or anything
// Normalize understands); "" or an unsupported code means the process-
// wide language, read now.
func For(lng string) Localizer {
	if l := Normalize(lng); l != "" {
		return Localizer{lang: l}
	}
	return Localizer{lang: Language()}
}

// Lang returns the language code the Localizer renders in.
func (l Localizer) Lang() string {
	if l.lang == "" {
		return Language()
	}
	return l.lang
}

// T translates key with optional template data (a map or a struct, used
// as {{.Name}} in the message). A missing key returns the key itself, so
// a forgotten translation is visible rather than blank. An error in a
// map's values is said in l's language too (ErrorText), so the engine
// can keep the error itself in its data rather than English words.
func (l Localizer) T(key string, data ...any) string {
	var d any
	if len(data) > 0 {
		d = data[0]
	}
	if m, ok := d.(map[string]any); ok {
		d = sayErrors(m, l)
	}
	lang := l.Lang()
	c := messagesOf(lang)
	msg, ok := c.messages[key]
	if !ok && lang != "en" { // English is every message's fallback
		c = messagesOf("en")
		msg, ok = c.messages[key]
	}
	if !ok {
		return key
	}
	out, err := c.render(key, msg, d)
	if err != nil {
		return msg // a broken template (tests catch them) is shown as written
	}
	return out
}

// T translates key in the process-wide language; see Localizer.T.
func T(key string, data ...any) string { return Localizer{}.T(key, data...) }

// TIn translates key into a given language ("" = the process-wide one);
// the same as For(lng).T.
func TIn(lng, key string, data ...any) string { return For(lng).T(key, data...) }

// sayErrors returns m with its error values as text in l's language; m
// itself when it holds none.
func sayErrors(m map[string]any, l Localizer) map[string]any {
	var out map[string]any
	for k, v := range m {
		err, ok := v.(error)
		if !ok {
			continue
		}
		if out == nil {
			out = make(map[string]any, len(m))
			for k2, v2 := range m {
				out[k2] = v2
			}
		}
		out[k] = ErrorText(err, l)
	}
	if out == nil {
		return m
	}
	return out
}
