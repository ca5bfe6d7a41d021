// Package export turns a chosen set of mail settings into files other
// programs and people can use: a Thunderbird autoconfig file, an Apple
// configuration profile (optionally signed), written instructions in
// English or Italian (plain text, Markdown, HTML), an Outlook Autodiscover
// response, DNS records for domain administrators, and JSON.
//
// Every format is a pure function from Settings (plus Options) to bytes,
// in its own file. Inputs are validated first (Settings.Validate), so no
// format has to defend itself against line breaks, non-ASCII host names
// or impossible ports.
package export

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
)

// Settings is what gets exported: the chosen incoming and outgoing
// servers for one address, the other settings that also worked, and the
// provider's notes.
type Settings struct {
	// Address is the email address, ASCII (an internationalised domain
	// is given in its xn-- form).
	Address string `json:"address"`
	// DisplayName is the person's name as it should appear in the From
	// line ("Mario Rossi"). Optional.
	DisplayName string `json:"display_name,omitempty"`
	// Domain is the mail domain the settings were found for, ASCII.
	Domain string `json:"domain"`
	// ProviderName is the provider's name ("Libero Mail"). Optional.
	ProviderName string `json:"provider_name,omitempty"`
	// Incoming and Outgoing are the chosen servers, with a concrete
	// login in Username.
	Incoming mail.Server `json:"incoming"`
	Outgoing mail.Server `json:"outgoing"`
	// AlternativesIn and AlternativesOut are other servers that worked,
	// best first.
	AlternativesIn  []mail.Server `json:"alternatives_incoming,omitempty"`
	AlternativesOut []mail.Server `json:"alternatives_outgoing,omitempty"`
	// Notes are the provider's remarks (app password needed, ...).
	Notes []mail.Note `json:"notes,omitempty"`
	// Mechanisms are the SASL mechanisms each server announced when it
	// was checked, by mail.Server.Key() (optional). The Apple profile
	// uses them to tell CRAM-MD5, which it can name, from SCRAM, which it
	// cannot.
	Mechanisms map[string][]string `json:"-"`
	// Password is written only by formats that can carry one, and only
	// when Options.IncludePassword is set. It is never marshalled.
	Password string `json:"-"`
}

// Options tune an export. The zero value is a sensible default.
type Options struct {
	// Lang is "en" or "it": the language of the texts the export writes.
	// Empty follows the interface language (i18n.For("")), for callers
	// that have not chosen one.
	Lang string
	// IncludePassword writes Settings.Password into formats that can
	// carry one (the Apple profile). Anyone holding such a file can read
	// the password; callers must show PasswordWarning.
	IncludePassword bool
	// Organization names who prepared the file (PayloadOrganization in
	// the Apple profile). Empty uses the provider name, then the domain.
	Organization string
	// Signer, when set, signs the Apple profile (CMS SignedData).
	Signer *Signer
	// EncryptTo, when set, encrypts the Apple profile's payloads to this
	// device certificate (CMS EnvelopedData, EncryptedPayloadContent), as
	// MDM does; see LoadEncryptionCert.
	EncryptTo *x509.Certificate
	// WebHost is the web server that serves autoconfig and Autodiscover
	// files for the domain; the DNS export points the autoconfig and
	// autodiscover names at it. Empty leaves those records commented out.
	WebHost string
	// DeclareAbsent lists SRV service labels ("_pop3._tcp", ...) the
	// domain's administrator declares decidedly not offered: only these
	// get the RFC 6186 "0 0 0 ." record in the DNS export.
	DeclareAbsent []string
	// noAutodiscover leaves the autodiscover name and SRV record out of
	// the DNS export (domain files of an OAuth2-only provider).
	noAutodiscover bool
	// Report is the check report the settings came from, embedded as is
	// by the JSON export (a json.RawMessage or any value encoding/json
	// can marshal). It is typed loosely so this package does not depend
	// on the engine.
	Report any
}

func (o Options) lang() string { return i18n.For(o.Lang).Lang() }

// ErrInvalid is wrapped by every validation error, so callers can tell
// bad input (exit code 2) from a failure to write.
var ErrInvalid = errors.New("invalid settings")

// invalidError is a validation message already in words, in the
// export's language (Options.Lang), that matches ErrInvalid with
// errors.Is; its text is only the translation, so no English prefix
// reaches an Italian user.
type invalidError struct{ msg string }

func (e invalidError) Error() string        { return e.msg }
func (e invalidError) Is(target error) bool { return target == ErrInvalid }

// invalid is bad input as a code and data (*Error matching ErrInvalid),
// put into words by the front end.
func invalid(key string, data map[string]any) error {
	return &Error{Key: key, Data: data, invalid: true}
}

// LocalPart and AddressDomain split Address at its last "@".
func (s Settings) LocalPart() string {
	at := strings.LastIndexByte(s.Address, '@')
	if at < 0 {
		return s.Address
	}
	return s.Address[:at]
}

// AddressDomain is the part of Address after its last "@".
func (s Settings) AddressDomain() string {
	at := strings.LastIndexByte(s.Address, '@')
	if at < 0 {
		return ""
	}
	return s.Address[at+1:]
}

// Validate checks everything every format relies on: no line breaks or
// other control characters anywhere (they would split a header, a zone
// file line or an instruction line), valid UTF-8, ASCII address and host
// names, known protocols in the right direction, ports 1..65535.
func (s Settings) Validate() error {
	fields := map[string]string{
		"address": s.Address, "display_name": s.DisplayName, "domain": s.Domain,
		"provider_name": s.ProviderName, "password": s.Password,
	}
	for _, n := range s.Notes {
		fields["note "+n.Code] = n.Code + n.Text + n.URL
	}
	for name, v := range fields {
		if err := checkText(name, v); err != nil {
			return err
		}
	}
	for _, n := range s.Notes {
		if n.URL == "" {
			continue
		}
		// Note links end up in href attributes and Markdown autolinks:
		// only absolute web links, nothing that could close the markup.
		u, err := url.Parse(n.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(n.URL, " <>\"\\`") {
			return invalid("export.err.note_url", map[string]any{"URL": n.URL})
		}
	}
	local, domain := s.LocalPart(), s.AddressDomain()
	if strings.Count(s.Address, "@") < 1 || local == "" || domain == "" || !isASCII(s.Address) || strings.ContainsAny(s.Address, " \t<>\"") {
		return invalid("export.err.address", map[string]any{"Address": s.Address})
	}
	if !validHostname(domain) {
		return invalid("export.err.address", map[string]any{"Address": s.Address})
	}
	if !validHostname(s.Domain) {
		return invalid("export.err.domain", map[string]any{"Domain": s.Domain})
	}
	if err := checkServer(s.Incoming, true); err != nil {
		return err
	}
	if err := checkServer(s.Outgoing, false); err != nil {
		return err
	}
	for _, a := range s.AlternativesIn {
		if err := checkServer(a, true); err != nil {
			return err
		}
	}
	for _, a := range s.AlternativesOut {
		if err := checkServer(a, false); err != nil {
			return err
		}
	}
	return nil
}

func checkText(name, v string) error {
	if !utf8.ValidString(v) {
		return invalid("export.err.utf8", map[string]any{"Field": name})
	}
	for _, r := range v {
		// Controls (C0, DEL, C1 including NEL), the Unicode line and
		// paragraph separators, and U+FFFE/U+FFFF, which XML 1.0 does not
		// allow at all (§2.2 Char) and encoders would silently replace.
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == 0xFFFE || r == 0xFFFF {
			return invalid("export.err.control", map[string]any{"Field": name})
		}
	}
	return nil
}

func checkServer(srv mail.Server, incoming bool) error {
	data := map[string]any{"Server": srv.String()}
	if incoming && !srv.Protocol.Incoming() {
		return invalid("export.err.incoming_protocol", data)
	}
	if !incoming && srv.Protocol != mail.SMTP {
		return invalid("export.err.outgoing_protocol", data)
	}
	if !srv.Security.Valid() {
		return invalid("export.err.security", data)
	}
	if srv.Port < 1 || srv.Port > 65535 {
		return invalid("export.err.port", data)
	}
	if !validHostname(srv.Host) && net.ParseIP(srv.Host) == nil {
		return invalid("export.err.host", data)
	}
	if err := checkText("username", srv.Username); err != nil {
		return err
	}
	for _, a := range srv.Auth {
		if err := checkText("auth", string(a)); err != nil {
			return err
		}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// validHostname accepts an ASCII DNS name (RFC 1123 labels: letters,
// digits, hyphens, not at either end, up to 63 octets, 253 in all), with
// an optional trailing dot. Underscores are tolerated because some
// providers use them in internal names.
func validHostname(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// username is the concrete login for srv, defaulting to the address.
func (s Settings) username(srv mail.Server) string {
	if srv.Username != "" {
		return mail.ExpandUsername(srv.Username, s.LocalPart(), s.AddressDomain())
	}
	return s.Address
}

// usernameTemplate is the login for srv written for every user of the
// domain (%EMAILADDRESS%, %EMAILLOCALPART%) when it has one of those forms.
func (s Settings) usernameTemplate(srv mail.Server) string {
	return mail.TemplateUsername(s.username(srv), s.LocalPart(), s.AddressDomain())
}

// providerName is the name to show for the provider.
func (s Settings) providerName() string {
	if s.ProviderName != "" {
		return s.ProviderName
	}
	return s.Domain
}

// alternatives returns list without entries equal (by Key) to chosen or
// to an earlier entry.
func alternatives(chosen mail.Server, list []mail.Server) []mail.Server {
	seen := map[string]bool{chosen.Key(): true}
	var out []mail.Server
	for _, a := range list {
		if seen[a.Key()] {
			continue
		}
		seen[a.Key()] = true
		out = append(out, a)
	}
	return out
}

// auths returns the server's methods, or a normal password when it
// does not say: that is what every mail client assumes.
func auths(srv mail.Server) []mail.Auth {
	if len(srv.Auth) == 0 {
		return []mail.Auth{mail.AuthPasswordCleartext}
	}
	return srv.Auth
}

// PasswordWarning is the warning to show whenever a password is written
// into an export (Options.IncludePassword).
func PasswordWarning(lang string) string {
	return i18n.For(lang).T("export.warn.password")
}

// marshalIndent is json.MarshalIndent without HTML escaping, so names
// like Tom & "Jerry" <IT> stay readable in the file.
func marshalIndent(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}
