// Package autodiscover speaks the client side of Outlook's "plain old
// XML" (POX) Autodiscover for mail accounts: it builds the request body
// and reads the IMAP, POP3 and SMTP settings, or the redirect, from the
// response.
//
// References: Microsoft's POX Autodiscover reference
// (https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/pox-autodiscover-request-for-exchange)
// and [MS-OXDSCLI], the Autodiscover Publishing and Lookup protocol that
// defines the outlook/responseschema/2006a response.
// The service has no published schema, so the reader matches element
// names without namespaces and case-insensitively, like Outlook does.
package autodiscover

import (
	"encoding/xml"
	"net/url"
	"strconv"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/autoconfig/xmltree"
	"github.com/postino-mail/postino/detect/mail"
)

// MaxSize is the largest response Parse accepts (1 MiB).
const MaxSize = 1 << 20

// Schema URIs of the POX protocol.
const (
	RequestSchema  = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
	ResponseSchema = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
)

type request struct {
	XMLName xml.Name `xml:"Autodiscover"`
	Xmlns   string   `xml:"xmlns,attr"`
	Request struct {
		EMailAddress             string
		AcceptableResponseSchema string
	}
}

// RequestBody returns the POX request for email: the address and the
// response schema, nothing else. Autodiscover servers may ask for HTTP
// authentication; Postino never answers with a password, so none is
// anywhere in the request.
func RequestBody(email string) []byte {
	var r request
	r.Xmlns = RequestSchema
	r.Request.EMailAddress = email
	r.Request.AcceptableResponseSchema = ResponseSchema
	body, err := xml.MarshalIndent(r, "", "  ")
	if err != nil {
		// Marshalling a struct of strings cannot fail; invalid UTF-8 in
		// email is escaped as U+FFFD by encoding/xml.
		panic(err)
	}
	return append([]byte(xml.Header), body...)
}

// Response is what an Autodiscover server answered: either settings
// (DisplayName, Servers) or a redirect (RedirectAddr or RedirectURL).
type Response struct {
	DisplayName string
	// Servers are the IMAP, POP3 and SMTP entries, in the order given.
	// Username is the LoginName as published (a concrete login, not a
	// template); empty means the address.
	Servers []mail.Server
	// RedirectAddr asks to start over with another address (Action
	// redirectAddr).
	RedirectAddr string
	// RedirectURL asks to POST the same request to another https URL
	// (Action redirectUrl).
	RedirectURL string
}

// Error codes.
const (
	CodeXML             = "xml"              // unsafe or malformed; Err is the *xmltree.Error
	CodeNotAutodiscover = "not-autodiscover" // another document
	CodeServerError     = "server-error"     // the server answered with <Error>
	CodeNoAction        = "no-action"        // no Account/Action the client understands
	CodeBadRedirect     = "bad-redirect"     // redirect target is not an address or an https URL
	CodeNoServer        = "no-server"        // settings without any IMAP/POP3/SMTP entry
)

// Error says why a response gave nothing usable.
type Error struct {
	Code string
	// ServerCode and Message are the server's <ErrorCode> and <Message>
	// (for example 500 "The e-mail address cannot be found.").
	ServerCode string
	Message    string
	Detail     string
	Err        error
}

// In says why, in l's language.
func (e *Error) In(l i18n.Localizer) string {
	detail := e.Detail
	if e.Err != nil {
		detail = i18n.ErrorText(e.Err, l)
	}
	return l.T("autodiscover.err."+e.Code, map[string]any{
		"Detail": detail, "ServerCode": e.ServerCode, "Message": e.Message,
	})
}

// Error says it in English, for logs and the source report's technical
// reason; front ends show In.
func (e *Error) Error() string { return e.In(i18n.For("en")) }

func (e *Error) Unwrap() error { return e.Err }

// Parse reads a POX Autodiscover response.
func Parse(data []byte) (*Response, error) {
	root, err := xmltree.Parse(data, xmltree.Limits{MaxBytes: MaxSize, MaxDepth: 32, MaxElements: 10000})
	if err != nil {
		return nil, &Error{Code: CodeXML, Err: err}
	}
	if !root.Is("Autodiscover") {
		return nil, &Error{Code: CodeNotAutodiscover, Detail: clip(root.Name)}
	}
	resp := root.Child("Response")
	if e := serverError(resp.Child("Error")); e != nil {
		return nil, e
	}
	acc := resp.Child("Account")
	if e := serverError(acc.Child("Error")); e != nil {
		return nil, e
	}
	out := &Response{DisplayName: strings.Join(strings.Fields(resp.Child("User").ChildText("DisplayName")), " ")}
	switch action := strings.ToLower(acc.ChildText("Action")); action {
	case "redirectaddr":
		a, err := address.Parse(acc.ChildText("RedirectAddr"))
		if err != nil {
			return nil, &Error{Code: CodeBadRedirect, Detail: clip(acc.ChildText("RedirectAddr")), Err: err}
		}
		out.RedirectAddr = a.String()
		return out, nil
	case "redirecturl":
		raw := acc.ChildText("RedirectUrl")
		u, err := url.Parse(raw)
		// Only https: following a plain-HTTP redirect would let anyone on
		// the path answer with their own servers (Outlook refuses too).
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
			return nil, &Error{Code: CodeBadRedirect, Detail: clip(raw)}
		}
		out.RedirectURL = u.String()
		return out, nil
	case "settings":
	default:
		if action == "" && len(acc.All("Protocol")) > 0 {
			break // some servers omit Action when they send settings
		}
		return nil, &Error{Code: CodeNoAction, Detail: clip(action)}
	}
	seen := map[string]bool{}
	for _, p := range acc.All("Protocol") {
		s, ok := protocol(p)
		if ok && !seen[s.Key()] {
			seen[s.Key()] = true
			out.Servers = append(out.Servers, s)
		}
	}
	if len(out.Servers) == 0 {
		return nil, &Error{Code: CodeNoServer}
	}
	return out, nil
}

func serverError(n *xmltree.Node) *Error {
	if n == nil {
		return nil
	}
	return &Error{Code: CodeServerError, ServerCode: clip(n.ChildText("ErrorCode")), Message: clip(n.ChildText("Message"))}
}

var protocols = map[string]mail.Protocol{"imap": mail.IMAP, "pop3": mail.POP3, "smtp": mail.SMTP}

// protocol reads one <Protocol>. Entries of other types (EXCH, EXPR, WEB,
// EXHTTP: Exchange RPC and web access) and unusable entries are skipped.
func protocol(p *xmltree.Node) (mail.Server, bool) {
	var s mail.Server
	proto, ok := protocols[strings.ToLower(p.ChildText("Type"))]
	if !ok {
		return s, false
	}
	s.Protocol = proto
	s.Host = strings.TrimSuffix(strings.ToLower(p.ChildText("Server")), ".")
	if !address.IsServerHost(s.Host) {
		return s, false
	}
	if t := p.ChildText("Port"); t != "" {
		port, err := strconv.Atoi(t)
		if err != nil || port < 1 || port > 65535 {
			return s, false
		}
		s.Port = port
	}
	s.Security = security(proto, s.Port, p.ChildText("SSL"), p.ChildText("Encryption"))
	if s.Port == 0 {
		s.Port = defaultPort(proto, s.Security)
	}
	s.Username = strings.TrimSpace(p.ChildText("LoginName"))
	s.Auth = auth(p.ChildText("AuthRequired"), p.ChildText("SPA"))
	return s, true
}

// security decides how a connection is protected.
//
// [MS-OXDSCLI] defines <Encryption> (None, SSL, TLS, Auto) for IMAP, POP3
// and SMTP entries and lets it override <SSL>: SSL is implicit TLS, TLS is STARTTLS.
// <SSL> only says whether encryption is required ("on" when absent, per
// the POX reference of the SSL element); real servers say SSL=on for
// STARTTLS ports (143, 587) as well as for implicit-TLS ports. So when
// Encryption is absent or Auto, "on" means implicit TLS on the RFC 8314
// implicit-TLS ports (993, 995, 465) and STARTTLS on any other port;
// "off" means no encryption. Auto is read the same way as an absent
// Encryption with SSL on, since it asks the client to pick the best.
func security(p mail.Protocol, port int, ssl, enc string) mail.Security {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "ssl":
		return mail.TLS
	case "tls":
		return mail.STARTTLS
	case "none":
		return mail.Plain
	case "auto":
		ssl = "on"
	}
	if strings.EqualFold(strings.TrimSpace(ssl), "off") {
		return mail.Plain
	}
	if port == 0 || implicitTLSPort(p, port) {
		return mail.TLS
	}
	return mail.STARTTLS
}

func implicitTLSPort(p mail.Protocol, port int) bool {
	switch p {
	case mail.IMAP:
		return port == 993
	case mail.POP3:
		return port == 995
	case mail.SMTP:
		return port == 465
	}
	return false
}

// defaultPort is the standard port for a protocol and security, used
// when a response leaves <Port> out.
func defaultPort(p mail.Protocol, sec mail.Security) int {
	for _, std := range mail.StandardPorts(p) {
		if std.Security == sec || (sec == mail.Plain && std.Security == mail.STARTTLS) {
			return std.Port
		}
	}
	return 0
}

// auth maps <AuthRequired> and <SPA>. SPA (Secure Password
// Authentication) is Microsoft's name for NTLM, a challenge-response
// method that never sends the password itself; without it the password is sent
// as is (inside TLS).
func auth(required, spa string) []mail.Auth {
	if strings.EqualFold(strings.TrimSpace(required), "off") {
		return []mail.Auth{mail.AuthNone}
	}
	if strings.EqualFold(strings.TrimSpace(spa), "on") {
		return []mail.Auth{mail.AuthPasswordEncrypted, mail.AuthNTLM}
	}
	return []mail.Auth{mail.AuthPasswordCleartext}
}

// clip keeps server-provided text short in messages.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		return string(r[:117]) + "..."
	}
	return s
}
