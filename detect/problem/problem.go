// Package problem is the catalogue of things that go wrong when a mail
// client talks to a server, each explained in plain words with a remedy,
// in English and Italian. Probes attach a Problem to every failure; the
// GUI, the CLI and the JSON report show Explanation and Remedy.
package problem

import (
	"encoding/json"

	"github.com/postino-mail/postino/assets/i18n"
)

// Problem is one diagnosed failure or warning. Code is stable and public
// (JSON, scripts): for server replies it is the protocol and the reply
// ("smtp-535", "imap-authenticationfailed", "pop3-in-use"), otherwise a
// name ("refused", "filtered", "cert-expired", "no-common-tls").
// The texts are looked up by Code at render time, so a language change
// re-renders them.
type Problem struct {
	Code string
	// Data fills the message templates ({{.Port}}, {{.Date}}, {{.Names}}, ...).
	Data map[string]any
	// ServerText is the server's own words, verbatim (credentials never
	// appear in it: probes only record replies, not commands).
	ServerText string
}

// Explanation says what happened, in the current language.
func (p Problem) Explanation() string { return i18n.T("problem."+p.Code+".explanation", p.Data) }

// Remedy says what to do about it, in the current language.
func (p Problem) Remedy() string { return i18n.T("problem."+p.Code+".remedy", p.Data) }

// ExplanationIn and RemedyIn render in a given language ("en", "it").
func (p Problem) ExplanationIn(lang string) string {
	return i18n.TIn(lang, "problem."+p.Code+".explanation", p.Data)
}
func (p Problem) RemedyIn(lang string) string {
	return i18n.TIn(lang, "problem."+p.Code+".remedy", p.Data)
}

// MarshalJSON renders the public JSON shape {code, explanation, remedy,
// server_text} in the current language.
func (p Problem) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Code        string `json:"code"`
		Explanation string `json:"explanation"`
		Remedy      string `json:"remedy"`
		ServerText  string `json:"server_text,omitempty"`
	}{p.Code, p.Explanation(), p.Remedy(), p.ServerText})
}
