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

// ExplanationIn says what happened and RemedyIn what to do about it, in
// a given language ("en", "it"; "" = the interface language, for the
// window).
func (p Problem) ExplanationIn(lang string) string {
	return i18n.For(lang).T("problem."+p.Code+".explanation", p.DataIn(i18n.For(lang)))
}
func (p Problem) RemedyIn(lang string) string {
	return i18n.For(lang).T("problem."+p.Code+".remedy", p.DataIn(i18n.For(lang)))
}

// Withheld stands, whole, for a server's text that held the password
// (mailconn.Scrub: a password too short to cut out of it). The engine
// writes this fixed marker when it captures the text, before any front
// end exists; front ends say it in their language with ServerWordsIn
// (Render and detect.Report.In do). It is the English sentence itself,
// so text shown unrendered still reads right.
const Withheld = "[withheld: this text contained the password]"

// ServerWordsIn returns a server's text (a reply, a greeting, a
// transcript line) as a front end shows it in l's language: the text
// itself, or the note that it was withheld.
func ServerWordsIn(text string, l i18n.Localizer) string {
	if text == Withheld {
		return l.T("security.withheld")
	}
	return text
}

// Msg is a piece of template data that is itself words: the engine
// stores the key of the message, and it is put into words in the
// language the problem is rendered in, never in the engine's. (A plain
// string, so problems stay comparable.)
type Msg string

// In renders m in l's language.
func (m Msg) In(l i18n.Localizer) string { return l.T(string(m)) }

// DataIn returns p.Data ready for a template in l's language: every Msg
// value rendered to its text, and a Withheld server text said in l. The map is a copy only when it holds a
// Msg, so the common case allocates nothing.
func (p Problem) DataIn(l i18n.Localizer) map[string]any {
	var out map[string]any
	for k, v := range p.Data {
		var text string
		switch v := v.(type) {
		case Msg:
			text = v.In(l)
		case string:
			if v != Withheld {
				continue
			}
			text = ServerWordsIn(v, l)
		default:
			continue
		}
		if out == nil {
			out = make(map[string]any, len(p.Data))
			for k2, v2 := range p.Data {
				out[k2] = v2
			}
		}
		out[k] = text
	}
	if out == nil {
		return p.Data
	}
	return out
}

// Rendered is a problem in words: its public JSON shape {code,
// explanation, remedy, server_text} (docs/json.md).
type Rendered struct {
	Code        string `json:"code"`
	Explanation string `json:"explanation"`
	Remedy      string `json:"remedy"`
	ServerText  string `json:"server_text,omitempty"`
}

// Render puts the problem into words in l's language: what a front end
// does at the edge, where it knows the language it writes in.
func (p Problem) Render(l i18n.Localizer) Rendered {
	return Rendered{
		Code:        p.Code,
		Explanation: l.T("problem."+p.Code+".explanation", p.DataIn(l)),
		Remedy:      l.T("problem."+p.Code+".remedy", p.DataIn(l)),
		ServerText:  ServerWordsIn(p.ServerText, l),
	}
}

// MarshalJSON writes the Rendered shape in English, for a value written
// without going through Render first: front ends render explicitly
// (detect.Report.In, roundtrip.Result.In), and the engine does not
// guess a language.
func (p Problem) MarshalJSON() ([]byte, error) {
	return json.Marshal(p.Render(i18n.For("en")))
}
