package recommend

import (
	"encoding/json"

	"github.com/postino-mail/postino/assets/i18n"
)

// Reason is one sentence of the recommendation's explanation. Code is
// stable and public (JSON, scripts); the text is looked up by code at
// render time (key "recommend.reason.CODE"), so a language change
// re-renders it.
type Reason struct {
	Code string
	// For is "incoming", "outgoing", or "" for the whole recommendation.
	For string
	// Data fills the message template ({{.Host}}, {{.OtherPort}}, ...).
	Data map[string]any

	// lang is the language Text and MarshalJSON write the text in (In
	// sets it); "" is English, for a reason no front end rendered.
	lang string
}

// In returns the reason set to be written in l's language.
func (r Reason) In(l i18n.Localizer) Reason {
	r.lang = l.Lang()
	return r
}

// ReasonCodes lists every code a Reason can carry: the ranking rules
// (the code says which rule decided against an alternative) and the
// remarks about the chosen endpoint or a missing direction. The tests
// check it against the translation files and the codes Choose emits.
func ReasonCodes() []string {
	codes := make([]string, 0, len(rules)+8)
	for _, r := range rules {
		codes = append(codes, string(r))
	}
	return append(codes, "only-working", "cert-warning", "login-untested", "login-not-sent", "password-refused",
		"no-incoming", "no-outgoing", "login-refused", "plaintext-excluded")
}

// Text renders the reason in its language (see In; English when no
// front end chose one: the engine does not guess).
func (r Reason) Text() string {
	if r.lang == "" {
		return r.TextIn("en")
	}
	return r.TextIn(r.lang)
}

// TextIn renders the reason in a given language ("en", "it"; "" = the
// interface language, for the window).
func (r Reason) TextIn(lang string) string {
	return i18n.For(lang).T("recommend.reason."+r.Code, r.Data)
}

type reasonJSON struct {
	Code string         `json:"code"`
	For  string         `json:"for,omitempty"`
	Text string         `json:"text"`
	Data map[string]any `json:"data,omitempty"`
}

// MarshalJSON renders {code, for, text, data} with the text in the
// reason's language (In; English by default).
func (r Reason) MarshalJSON() ([]byte, error) {
	return json.Marshal(reasonJSON{Code: r.Code, For: r.For, Text: r.Text(), Data: r.Data})
}

// UnmarshalJSON reads what MarshalJSON wrote; the text is re-rendered
// from code and data, so a saved report can be shown in another language.
func (r *Reason) UnmarshalJSON(b []byte) error {
	var j reasonJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Reason{Code: j.Code, For: j.For, Data: j.Data}
	return nil
}
