package health

import (
	"encoding/json"
	"maps"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
)

// Text is a message stored as a translation key and its data, rendered by
// the front end in the language it chooses (like detect/problem), so the
// GUI re-renders a finished report after a language change. A Text with
// no Key is a literal (a DNS record, a host name) shown as is.
type Text struct {
	Key     string         `json:"-"`
	Data    map[string]any `json:"-"`
	Literal string         `json:"-"`
}

// In renders the text in l's language. Data values that are Texts
// themselves are rendered in the same language; a []Text becomes its
// items joined by ", ".
func (t Text) In(l i18n.Localizer) string {
	if t.Key == "" {
		return t.Literal
	}
	data := t.Data
	copied := false
	for k, v := range t.Data {
		var rendered string
		switch inner := v.(type) {
		case Text:
			rendered = inner.In(l)
		case []Text:
			parts := make([]string, len(inner))
			for i, p := range inner {
				parts[i] = p.In(l)
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
	return l.T(t.Key, data)
}

// Rendered returns t in words in l's language, as a literal.
func (t Text) Rendered(l i18n.Localizer) Text { return Text{Literal: t.In(l)} }

// MarshalJSON writes the text as a JSON string. A front end renders the
// report first (Report.In), which leaves only literals; a Text still
// keyed is written in English rather than in a language the engine
// would have to guess.
func (t Text) MarshalJSON() ([]byte, error) { return json.Marshal(t.In(i18n.For("en"))) }

// msg is a shorthand for a translated Text.
func msg(key string, data map[string]any) Text { return Text{Key: key, Data: data} }
