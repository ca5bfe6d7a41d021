// Package autoconfig reads Thunderbird autoconfig files (the clientConfig
// XML format served by ISPDB, by autoconfig.DOMAIN and by
// DOMAIN/.well-known/autoconfig), tolerating what real files contain.
//
// Format: https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat.
// The tolerance rules follow Thunderbird's own reader (comm-central
// mail/components/accountcreation/modules/readFromXML.sys.mjs): a section
// that cannot be used is skipped and the rest kept; of several
// <socketType> the first known one wins; unknown elements are ignored.
// Unlike Thunderbird, Postino keeps every known <authentication> of a
// server (probing decides which works), keeps a file that has only
// incoming or only outgoing servers (an outgoing-only relay is a real
// service), and matches values case-insensitively.
package autoconfig

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/autoconfig/xmltree"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/providers"
)

// MaxSize is the largest file Parse accepts (1 MiB; real files are < 10 KiB).
const MaxSize = 1 << 20

// Error codes of Parse (beside the xmltree ones, wrapped as they are).
const (
	CodeNotClientConfig = "not-clientconfig" // root is not <clientConfig>
	CodeNoProvider      = "no-provider"      // no <emailProvider>
	CodeNoServer        = "no-server"        // no usable server at all
)

// Error says why a file gave nothing usable.
type Error struct {
	Code   string
	Detail string
	Err    error // the *xmltree.Error, for syntax and safety failures
}

// In says why, in l's language.
func (e *Error) In(l i18n.Localizer) string {
	if e.Err != nil {
		return l.T("autoconfig.err.xml", map[string]any{"Detail": i18n.ErrorText(e.Err, l)})
	}
	return l.T("autoconfig.err."+e.Code, map[string]any{"Detail": e.Detail})
}

// Error says it in English, for logs and the source report's technical
// reason; front ends show In.
func (e *Error) Error() string { return e.In(i18n.For("en")) }

func (e *Error) Unwrap() error { return e.Err }

// Parse reads a clientConfig document. It returns the provider, one
// warning (a code and data, said with Warning.In) per section or value
// it skipped, and an error only when the document is unsafe, malformed, or
// holds no usable server.
//
// Usernames keep their placeholders (%EMAILADDRESS%, %EMAILLOCALPART%,
// %EMAILDOMAIN%) as templates; host names may contain them too (some
// hosting companies publish "mail.%EMAILDOMAIN%"), lowercased otherwise.
func Parse(data []byte) (*mail.Provider, []Warning, error) {
	root, err := xmltree.Parse(data, xmltree.Limits{MaxBytes: MaxSize, MaxDepth: 32, MaxElements: 10000})
	if err != nil {
		return nil, nil, &Error{Code: "xml", Err: err}
	}
	if !root.Is("clientConfig") {
		return nil, nil, &Error{Code: CodeNotClientConfig, Detail: root.Name}
	}
	eps := root.All("emailProvider")
	if len(eps) == 0 {
		return nil, nil, &Error{Code: CodeNoProvider}
	}
	r := &reader{}
	if len(eps) > 1 {
		r.warn("extra-provider", eps[1].Line, map[string]any{"Count": len(eps) - 1})
	}
	p := r.provider(eps[0])
	// <enable> belongs inside <emailProvider> but Google's ISPDB file,
	// among others, puts it at the top level; Thunderbird reads neither
	// strictly, so accept both.
	for _, en := range root.All("enable") {
		r.enable(p, en)
	}
	if len(p.Incoming)+len(p.Outgoing) == 0 {
		return nil, r.warnings, &Error{Code: CodeNoServer}
	}
	return p, r.warnings, nil
}

// Warning is a section or value Parse skipped: a code (key
// "autoconfig.warn.CODE") and its data, with the Line it is on.
type Warning struct {
	Code string
	Line int
	Data map[string]any
}

// In says what was skipped and why, in l's language.
func (w Warning) In(l i18n.Localizer) string { return l.T("autoconfig.warn."+w.Code, w.Data) }

type reader struct {
	warnings []Warning
}

func (r *reader) warn(code string, line int, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	data["Line"] = line
	r.warnings = append(r.warnings, Warning{Code: code, Line: line, Data: data})
}

func (r *reader) provider(ep *xmltree.Node) *mail.Provider {
	p := &mail.Provider{
		ID:          hostPlaceholders.Replace(strings.ToLower(ep.AttrValue("id"))),
		DisplayName: collapse(ep.ChildText("displayName")),
		ShortName:   collapse(ep.ChildText("displayShortName")),
	}
	if p.ShortName == "" {
		// nili.ca in ISPDB writes <displayNameShort>.
		p.ShortName = collapse(ep.ChildText("displayNameShort"))
	}
	seenDomain := map[string]bool{}
	for _, d := range ep.All("domain") {
		name := normalizeHost(d.Text)
		if !validHost(name) || strings.Contains(name, "%") {
			r.warn("bad-domain", d.Line, map[string]any{"Value": clip(d.Text)})
			continue
		}
		if !seenDomain[name] {
			seenDomain[name] = true
			p.Domains = append(p.Domains, name)
		}
	}
	seen := map[string]bool{}
	for _, n := range ep.All("incomingServer") {
		if s, ok := r.server(n, true); ok && !seen[s.Key()] {
			seen[s.Key()] = true
			p.Incoming = append(p.Incoming, s)
		}
		r.restriction(p, n)
	}
	for _, n := range ep.All("outgoingServer") {
		if s, ok := r.server(n, false); ok && !seen[s.Key()] {
			seen[s.Key()] = true
			p.Outgoing = append(p.Outgoing, s)
		}
		r.restriction(p, n)
	}
	for _, d := range ep.All("documentation") {
		if u, ok := r.url(d, "url"); ok {
			p.Documentation = appendUnique(p.Documentation, u)
		}
	}
	for _, in := range ep.All("instruction") {
		// <instruction url="..."><descr>..</descr></instruction> (FastMail).
		u, _ := r.url(in, "url")
		text := descr(in)
		if text == "" {
			text = collapse(in.Text)
		}
		if u != "" {
			p.Documentation = appendUnique(p.Documentation, u)
		}
		if u != "" || text != "" {
			p.Notes = append(p.Notes, mail.Note{Code: providers.NoteInstruction, Text: text, URL: u})
		}
	}
	for _, en := range ep.All("enable") {
		r.enable(p, en)
	}
	return p
}

// server reads one <incomingServer> or <outgoingServer>; ok is false
// when the section was skipped (with a warning saying why).
func (r *reader) server(n *xmltree.Node, incoming bool) (s mail.Server, ok bool) {
	typ := strings.ToLower(n.AttrValue("type"))
	switch {
	case incoming && (typ == "imap" || typ == "pop3"):
		s.Protocol = mail.Protocol(typ)
	case !incoming && typ == "smtp":
		s.Protocol = mail.SMTP
	case !incoming:
		r.warn("not-smtp", n.Line, map[string]any{"Type": clip(typ)})
		return s, false
	default:
		// exchange, ews, owa, graph, jmap, web, nntp, ...: URL-based or
		// not mail access; nothing Postino can probe.
		r.warn("unsupported-type", n.Line, map[string]any{"Type": clip(typ)})
		return s, false
	}
	host := normalizeHost(n.ChildText("hostname"))
	if host == "" {
		r.warn("no-hostname", n.Line, map[string]any{"Type": typ})
		return s, false
	}
	if !validHost(host) {
		r.warn("bad-hostname", n.Line, map[string]any{"Type": typ, "Value": clip(host)})
		return s, false
	}
	s.Host = host
	portText := strings.TrimSpace(n.ChildText("port"))
	port, err := strconv.Atoi(portText)
	if err != nil || port < 1 || port > 65535 {
		r.warn("bad-port", n.Line, map[string]any{"Type": typ, "Host": host, "Value": clip(portText)})
		return s, false
	}
	s.Port = port
	for _, st := range n.All("socketType") {
		if sec, known := socketTypes[strings.ToLower(st.Text)]; known {
			s.Security = sec
			break // the first known one wins, as in Thunderbird
		}
		r.warn("bad-socket-type", st.Line, map[string]any{"Host": host, "Value": clip(st.Text)})
	}
	if s.Security == "" {
		r.warn("no-socket-type", n.Line, map[string]any{"Type": typ, "Host": host})
		return s, false
	}
	s.Username = username(n.ChildText("username"))
	for _, a := range n.All("authentication") {
		auth, known := authMethods[strings.ToLower(a.Text)]
		if !known {
			r.warn("bad-auth", a.Line, map[string]any{"Host": host, "Value": clip(a.Text)})
			continue
		}
		if !hasAuth(s.Auth, auth) {
			s.Auth = append(s.Auth, auth)
		}
	}
	// <password> is deliberately ignored: Postino never takes a password
	// from a file fetched off the network.
	return s, true
}

// restriction turns <restriction>client-IP-address</restriction> (the
// server only relays for its own network) into a note.
func (r *reader) restriction(p *mail.Provider, n *xmltree.Node) {
	for _, re := range n.All("restriction") {
		if strings.EqualFold(re.Text, "client-IP-address") {
			host := normalizeHost(n.ChildText("hostname"))
			if !hasNote(p.Notes, providers.NoteClientIP, host) {
				p.Notes = append(p.Notes, mail.Note{Code: providers.NoteClientIP, Text: host})
			}
		}
	}
}

// enable reads <enable visiturl="..."><instruction>..</instruction></enable>:
// something must be switched on in the webmail before a client works.
func (r *reader) enable(p *mail.Provider, en *xmltree.Node) {
	u, _ := r.url(en, "visiturl")
	text := pickLang(en.All("instruction"))
	code := providers.NoteEnable
	if up := strings.ToUpper(text); strings.Contains(up, "IMAP") {
		code = providers.NoteEnableIMAP
	} else if strings.Contains(up, "POP") {
		code = providers.NoteEnablePOP
	}
	p.Notes = append(p.Notes, mail.Note{Code: code, Text: text, URL: u})
}

// url reads an http(s) URL attribute; anything else is dropped with a
// warning, so no javascript: or file: link ever reaches a front end.
func (r *reader) url(n *xmltree.Node, attr string) (string, bool) {
	raw := n.AttrValue(attr)
	if raw == "" {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		r.warn("bad-url", n.Line, map[string]any{"Value": clip(raw)})
		return "", false
	}
	return u.String(), true
}

// descr picks the English (or unlabelled) <descr>, else the first one.
func descr(n *xmltree.Node) string { return pickLang(n.All("descr")) }

// pickLang returns the text of the English or unlabelled element among
// translations of the same sentence, else the first non-empty one.
func pickLang(nodes []*xmltree.Node) string {
	var first string
	for _, d := range nodes {
		t := collapse(d.Text)
		if t == "" {
			continue
		}
		if l := strings.ToLower(d.AttrValue("lang")); l == "" || l == "en" {
			return t
		}
		if first == "" {
			first = t
		}
	}
	return first
}

var socketTypes = map[string]mail.Security{
	"ssl":      mail.TLS,
	"tls":      mail.TLS, // not in the spec, but written by hand-made files
	"starttls": mail.STARTTLS,
	"plain":    mail.Plain,
}

var authMethods = map[string]mail.Auth{
	"password-cleartext": mail.AuthPasswordCleartext,
	"plain":              mail.AuthPasswordCleartext, // deprecated spelling
	"password-encrypted": mail.AuthPasswordEncrypted,
	"secure":             mail.AuthPasswordEncrypted, // deprecated spelling
	"oauth2":             mail.AuthOAuth2,
	"ntlm":               mail.AuthNTLM,
	"gssapi":             mail.AuthGSSAPI,
	"client-ip-address":  mail.AuthClientIP,
	"tls-client-cert":    mail.AuthTLSClientCert,
	"none":               mail.AuthNone,
	// Thunderbird maps "SMTP after POP" to no SMTP authentication.
	"smtp-after-pop": mail.AuthNone,
}

// placeholderTypo matches a placeholder missing its closing "%", as in
// Microsoft's ISPDB entry ("%EMAILADDRESS").
var placeholderTypo = regexp.MustCompile(`%(EMAILADDRESS|EMAILLOCALPART|EMAILDOMAIN)(%?)`)

func username(raw string) string {
	u := strings.TrimSpace(raw)
	return placeholderTypo.ReplaceAllString(u, "%$1%")
}

// validHost accepts a host name (letters, digits, "-", "_", "."), an
// IPv4 address, or either with autoconfig placeholders; at most 253
// characters with labels of at most 63.
func validHost(h string) bool {
	return address.IsServerHost(strings.NewReplacer(
		mail.PlaceholderDomain, "example.com",
		mail.PlaceholderLocalPart, "user",
		mail.PlaceholderAddress, "@", // an address is never part of a host name
	).Replace(h))
}

func hasAuth(list []mail.Auth, a mail.Auth) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}

func hasNote(list []mail.Note, code, text string) bool {
	for _, n := range list {
		if n.Code == code && n.Text == text {
			return true
		}
	}
	return false
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// collapse joins the lines of free text and trims it.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip keeps hostile values short inside warnings.
func clip(s string) string {
	s = collapse(s)
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return s
}

// normalizeHost trims and lowercases a host name, keeping placeholders
// in their canonical upper case so they can still be expanded.
func normalizeHost(s string) string {
	h := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	return hostPlaceholders.Replace(h)
}

var hostPlaceholders = strings.NewReplacer(
	strings.ToLower(mail.PlaceholderDomain), mail.PlaceholderDomain,
	strings.ToLower(mail.PlaceholderLocalPart), mail.PlaceholderLocalPart,
	strings.ToLower(mail.PlaceholderAddress), mail.PlaceholderAddress,
)
