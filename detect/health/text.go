package health

import (
	"encoding/json"
	"maps"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
)

// Text is a message stored as a translation key and its data, rendered in
// the current language when shown or marshalled (like detect/problem), so
// the GUI re-renders a finished report after a language change. A Text
// with no Key is a literal (a DNS record, a host name) shown as is.
type Text struct {
	Key     string         `json:"-"`
	Data    map[string]any `json:"-"`
	Literal string         `json:"-"`
}

// String renders the text in the current language.
func (t Text) String() string { return t.In("") }

// In renders the text in a given language ("en", "it"; "" = current).
// Data values that are Texts themselves are rendered in the same language;
// a []Text becomes its items joined by ", ".
func (t Text) In(lang string) string {
	if t.Key == "" {
		return t.Literal
	}
	data := t.Data
	copied := false
	for k, v := range t.Data {
		var rendered string
		switch inner := v.(type) {
		case Text:
			rendered = inner.In(lang)
		case []Text:
			parts := make([]string, len(inner))
			for i, p := range inner {
				parts[i] = p.In(lang)
			}
			rendered = strings.Join(parts, ", ")
		default:
			continue
		}
		if !copied {
			data, copied = maps.Clone(t.Data), true
		}
		data[k] = rendered
	}
	if lang == "" {
		return i18n.T(t.Key, data)
	}
	return i18n.TIn(lang, t.Key, data)
}

// MarshalJSON renders the text as a JSON string in the current language.
func (t Text) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// msg is a shorthand for a translated Text.
func msg(key string, data map[string]any) Text { return Text{Key: key, Data: data} }
