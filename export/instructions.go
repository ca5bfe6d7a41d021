package export

import (
	"strings"

	"golang.org/x/net/idna"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/providers"
)

// instructions is the content shared by the three written formats
// (plain text, Markdown, HTML): everything a person needs to type into a
// mail client's manual setup screen, already translated. Each format
// only lays it out and escapes it.
type instructions struct {
	Lang         string
	Title        string
	Intro        string
	Identity     []row
	Sections     []section
	NotesTitle   string
	Notes        []noteItem
	AltTitle     string
	Alternatives []string
	Footer       string
}

type section struct {
	Title string
	Rows  []row
}

// row is one "label: value" line. Literal marks values that are host
// names or numbers a person must type exactly (shown as code).
type row struct {
	Label, Value string
	Literal      bool
}

// noteItem is one provider note; Lang is set when the text is the
// source's own (English) words on a page in another language, so the
// HTML page can mark it for screen readers and translators.
type noteItem struct{ Text, URL, Lang string }

func buildInstructions(s Settings, opts Options) (instructions, error) {
	if err := s.Validate(); err != nil {
		return instructions{}, err
	}
	lng := opts.lang()
	t := func(key string, data ...any) string { return i18n.For(lng).T(key, data...) }
	in := instructions{
		Lang:       lng,
		Title:      t("export.text.title", map[string]any{"Address": s.displayAddress()}),
		Intro:      t("export.text.intro"),
		NotesTitle: t("export.text.notes"),
		AltTitle:   t("export.text.alternatives"),
		Footer:     t("export.text.footer"),
	}
	if s.DisplayName != "" {
		in.Identity = append(in.Identity, row{Label: t("export.label.name"), Value: s.DisplayName})
	}
	in.Identity = append(in.Identity, row{Label: t("export.label.address"), Value: s.displayAddress()})
	if s.ProviderName != "" {
		in.Identity = append(in.Identity, row{Label: t("export.label.provider"), Value: s.ProviderName})
	}
	notes := s.notes()
	password := t("export.value.password")
	for _, n := range notes {
		if n.Code == providers.NoteAppPassword {
			password = t("export.value.app_password")
		}
		item := noteItem{Text: noteText(lng, n), URL: n.URL}
		if lng != "en" && n.Text != "" && item.Text == n.Text {
			item.Lang = "en"
		}
		in.Notes = append(in.Notes, item)
	}
	for _, part := range []struct {
		key string
		srv mail.Server
	}{{"export.text.incoming", s.Incoming}, {"export.text.outgoing", s.Outgoing}} {
		srv := part.srv
		var rows []row
		// The account type is chosen once, for the incoming server;
		// mail programs ask nothing of the kind for the outgoing one.
		if srv.Protocol.Incoming() {
			rows = append(rows, row{Label: t("export.label.type"), Value: protocolName(srv.Protocol)})
		}
		rows = append(rows,
			row{Label: t("export.label.server"), Value: strings.ToLower(srv.Host), Literal: true},
			row{Label: t("export.label.port"), Value: portString(srv.Port), Literal: true},
			row{Label: t("export.label.encryption"), Value: encryptionName(lng, srv.Security)},
		)
		// A server that takes mail without a login (an ISP relay) needs
		// no user name or password; asking for them would confuse.
		login := needsLogin(srv) || srv.Protocol.Incoming()
		if login {
			rows = append(rows, row{Label: t("export.label.username"), Value: s.username(srv)})
		}
		rows = append(rows, row{Label: t("export.label.auth"), Value: authName(lng, primaryAuth(srv))})
		if login {
			rows = append(rows, row{Label: t("export.label.password"), Value: password})
		}
		in.Sections = append(in.Sections, section{
			Title: t(part.key, map[string]any{"Type": protocolName(srv.Protocol)}),
			Rows:  rows,
		})
	}
	alts := append(alternatives(s.Incoming, s.AlternativesIn), alternatives(s.Outgoing, s.AlternativesOut)...)
	for _, a := range alts {
		in.Alternatives = append(in.Alternatives, t("export.text.alternative", map[string]any{
			"Type": protocolName(a.Protocol), "Host": strings.ToLower(a.Host),
			"Port": a.Port, "Encryption": encryptionName(lng, a.Security),
		}))
	}
	return in, nil
}

// displayAddress is the address as its owner knows it: an
// internationalised domain in its Unicode form (RFC 5891 §5, via
// idna.Display), so a person reads "università.it", not "xn--...". The
// user name rows keep the ASCII form the servers were tested with.
func (s Settings) displayAddress() string {
	domain, err := idna.Display.ToUnicode(s.AddressDomain())
	if err != nil || domain == "" {
		return s.Address
	}
	return s.LocalPart() + "@" + domain
}

// notes are the provider's notes followed by those the servers call for
// themselves, once per code: outgoing mail on port 25, which many home
// and mobile connections block, and a port 2525 fallback for networks
// that block 465 and 587.
func (s Settings) notes() []mail.Note {
	out := append([]mail.Note(nil), s.Notes...)
	add := func(code string) {
		for _, n := range out {
			if n.Code == code {
				return
			}
		}
		out = append(out, mail.Note{Code: code})
	}
	if s.Outgoing.Port == 25 {
		add(providers.NotePort25Blocked)
	}
	for _, srv := range append([]mail.Server{s.Outgoing}, s.AlternativesOut...) {
		if srv.Port == 2525 {
			add(providers.NoteUse2525)
		}
	}
	return out
}

// primaryAuth is the method a person should pick: the first one the
// server lists, skipping the no-login methods on incoming servers
// (reading mail always needs a login; see loginMethod).
func primaryAuth(srv mail.Server) mail.Auth {
	for _, a := range auths(srv) {
		if loginMethod(a) || !srv.Protocol.Incoming() {
			return a
		}
	}
	return mail.AuthPasswordCleartext
}

func protocolName(p mail.Protocol) string { return strings.ToUpper(string(p)) }

// encryptionName names the security the way mail clients label it in
// their account settings: "SSL/TLS" for implicit TLS, "STARTTLS".
func encryptionName(lng string, s mail.Security) string {
	switch s {
	case mail.TLS:
		return "SSL/TLS"
	case mail.STARTTLS:
		return "STARTTLS"
	}
	return i18n.For(lng).T("export.enc.none")
}

// authName names a method the way Thunderbird's settings do ("Normal
// password", "Encrypted password", "OAuth2").
func authName(lng string, a mail.Auth) string {
	key := "export.auth." + string(a)
	if out := i18n.For(lng).T(key); out != key {
		return out
	}
	return string(a)
}

func noteData(n mail.Note) map[string]any {
	return map[string]any{"Code": n.Code, "Text": n.Text, "URL": n.URL}
}

// noteLookup translates note keys. The texts belong to another area, so
// golden tests replace it to stay stable while those texts are edited.
var noteLookup = func(lng, key string, data ...any) string { return i18n.For(lng).T(key, data...) }

// noteText is the provider note in the given language. The texts belong
// to the providers area (note.CODE); a code nobody translated falls back
// to the source's own text, then to a generic line naming the code.
func noteText(lng string, n mail.Note) string {
	key := "note." + n.Code
	// Every field is passed, even empty, so a template naming one never
	// renders "<no value>".
	if out := noteLookup(lng, key, noteData(n)); out != key {
		return out
	}
	if n.Text != "" {
		return n.Text
	}
	return i18n.For(lng).T("export.note.unknown", map[string]any{"Code": n.Code})
}
