package export

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"

	"github.com/postino-mail/postino/detect/mail"
)

// Namespaces of the Autodiscover "plain old XML" response (MS-OXDSCLI).
const (
	adResponseNS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
	adOutlookNS  = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
)

type adRoot struct {
	XMLName  xml.Name   `xml:"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006 Autodiscover"`
	Response adResponse `xml:"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a Response"`
}

type adResponse struct {
	User    *adUser   `xml:"User,omitempty"`
	Account adAccount `xml:"Account"`
}

type adUser struct {
	DisplayName string `xml:"DisplayName"`
}

type adAccount struct {
	AccountType string       `xml:"AccountType"`
	Action      string       `xml:"Action"`
	Protocols   []adProtocol `xml:"Protocol"`
}

// adProtocol keeps the element order Microsoft's POX reference lists for
// Protocol (Type, Server, Port, LoginName, DomainRequired, SPA, SSL,
// AuthRequired); Encryption, documented on its own page and newer than
// that list, comes last. A domain-wide file leaves LoginName out.
type adProtocol struct {
	Type           string `xml:"Type"`
	Server         string `xml:"Server"`
	Port           int    `xml:"Port"`
	LoginName      string `xml:"LoginName,omitempty"`
	DomainRequired string `xml:"DomainRequired"`
	SPA            string `xml:"SPA"`
	SSL            string `xml:"SSL"`
	AuthRequired   string `xml:"AuthRequired"`
	Encryption     string `xml:"Encryption"`
}

// adEncryption uses Outlook's meaning of the words, which several
// servers get backwards: "SSL" is TLS from the first byte (993, 995,
// 465), "TLS" is STARTTLS (143, 110, 587).
func adEncryption(s mail.Security) string {
	switch s {
	case mail.TLS:
		return "SSL"
	case mail.STARTTLS:
		return "TLS"
	}
	return "None"
}

// needsLogin is false only for a server that says it takes mail without
// a login (an ISP's SMTP relay that trusts its own addresses).
func needsLogin(srv mail.Server) bool {
	for _, a := range auths(srv) {
		if loginMethod(a) {
			return true
		}
	}
	return false
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// Autodiscover returns an Outlook Autodiscover POX response for the
// settings of one person (LoginName and DisplayName are theirs), as a
// server answers Outlook's POST for that address. The file for a whole
// domain is part of DomainFiles. Outlook uses the first Protocol of each
// type, so the chosen servers come first; the best alternative of the
// other incoming protocol (POP3 when IMAP was chosen, and the reverse)
// follows.
//
// SPA (Secure Password Authentication, i.e. NTLM) defaults to on in
// Outlook; it is written on only where the server's method is NTLM.
// Servers that take only OAuth2 (Microsoft 365, Outlook.com) cannot be
// described here: the export is refused with the steps to follow.
func Autodiscover(s Settings, opts Options) ([]byte, error) {
	return autodiscoverFile(s, opts, false)
}

// autodiscoverDomain is the same answer for every user of the domain:
// no LoginName (Outlook then uses the address, or asks), no DisplayName.
func autodiscoverDomain(s Settings, opts Options) ([]byte, error) {
	return autodiscoverFile(s, opts, true)
}

func autodiscoverFile(s Settings, opts Options, domainWide bool) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := refuseOAuthOnly(s, opts.lang(), "autodiscover"); err != nil {
		return nil, err
	}
	servers := []mail.Server{s.Incoming, s.Outgoing}
	for _, a := range alternatives(s.Incoming, s.AlternativesIn) {
		if a.Protocol != s.Incoming.Protocol && !oauthOnly(a) {
			servers = append(servers, a)
			break
		}
	}
	acct := adAccount{AccountType: "email", Action: "settings"}
	for _, srv := range servers {
		p := adProtocol{
			Type:           protocolName(srv.Protocol),
			Server:         strings.ToLower(srv.Host),
			Port:           srv.Port,
			DomainRequired: "off",
			SPA:            onOff(spa(srv)),
			SSL:            onOff(srv.Security != mail.Plain),
			AuthRequired:   onOff(srv.Protocol.Incoming() || needsLogin(srv)),
			Encryption:     adEncryption(srv.Security),
		}
		if !domainWide {
			p.LoginName = s.username(srv)
		}
		acct.Protocols = append(acct.Protocols, p)
	}
	root := adRoot{Response: adResponse{Account: acct}}
	if s.DisplayName != "" && !domainWide {
		root.Response.User = &adUser{DisplayName: s.DisplayName}
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// spa is true when NTLM is the way the server takes a password: it
// offers NTLM and no plain or encrypted password.
func spa(srv mail.Server) bool {
	ntlm := false
	for _, a := range auths(srv) {
		switch a {
		case mail.AuthPasswordCleartext, mail.AuthPasswordEncrypted:
			return false
		case mail.AuthNTLM:
			ntlm = true
		}
	}
	return ntlm
}

// oauthOnly is true for a server whose only login is OAuth2: no setting
// in an Apple profile or an Autodiscover file can log in there.
func oauthOnly(srv mail.Server) bool {
	oauth := false
	for _, a := range auths(srv) {
		if a == mail.AuthOAuth2 {
			oauth = true
		} else if loginMethod(a) {
			return false
		}
	}
	return oauth
}

// ErrOAuthOnly is wrapped when a format cannot express the provider's
// only login, OAuth2 (Microsoft 365, Outlook.com, ...).
var ErrOAuthOnly = errors.New("export: the provider accepts only OAuth2 sign-in")

type oauthError struct{ msg string }

func (e oauthError) Error() string        { return e.msg }
func (e oauthError) Is(target error) bool { return target == ErrOAuthOnly || target == ErrInvalid }

// refuseOAuthOnly explains, in lang, why format cannot be written for
// an OAuth2-only chosen server and how to add the account instead.
func refuseOAuthOnly(s Settings, lang, format string) error {
	for _, srv := range []mail.Server{s.Incoming, s.Outgoing} {
		if oauthOnly(srv) {
			return oauthError{i18n.For(lang).T("domainfiles.err.oauth_only."+format, map[string]any{"Provider": s.providerName(), "Server": srv.String()})}
		}
	}
	return nil
}
