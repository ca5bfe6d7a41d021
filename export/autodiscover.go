package export

import (
	"bytes"
	"encoding/xml"
	"strings"

	"github.com/postino-mail/postino/detect/config"
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

// adProtocol keeps the element order of the schema.
type adProtocol struct {
	Type           string `xml:"Type"`
	Server         string `xml:"Server"`
	Port           int    `xml:"Port"`
	DomainRequired string `xml:"DomainRequired"`
	LoginName      string `xml:"LoginName"`
	SPA            string `xml:"SPA"`
	SSL            string `xml:"SSL"`
	AuthRequired   string `xml:"AuthRequired"`
	Encryption     string `xml:"Encryption"`
}

// adEncryption uses Outlook's meaning of the words, which several
// servers get backwards: "SSL" is TLS from the first byte (993, 995,
// 465), "TLS" is STARTTLS (143, 110, 587).
func adEncryption(s config.Security) string {
	switch s {
	case config.TLS:
		return "SSL"
	case config.STARTTLS:
		return "TLS"
	}
	return "None"
}

// needsLogin is false only for a server that says it takes mail without
// a login (an ISP's SMTP relay that trusts its own addresses).
func needsLogin(srv config.Server) bool {
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
// settings, to be served at https://autodiscover.DOMAIN/autodiscover/
// autodiscover.xml. Outlook uses the first Protocol of each type, so the
// chosen servers come first; the best alternative of the other incoming
// protocol (POP3 when IMAP was chosen, and the reverse) follows.
//
// SPA (Secure Password Authentication, i.e. NTLM) defaults to on in
// Outlook and is always written off: these are password accounts.
func Autodiscover(s Settings, opts Options) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	servers := []config.Server{s.Incoming, s.Outgoing}
	for _, a := range alternatives(s.Incoming, s.AlternativesIn) {
		if a.Protocol != s.Incoming.Protocol {
			servers = append(servers, a)
			break
		}
	}
	acct := adAccount{AccountType: "email", Action: "settings"}
	for _, srv := range servers {
		acct.Protocols = append(acct.Protocols, adProtocol{
			Type:           protocolName(srv.Protocol),
			Server:         strings.ToLower(srv.Host),
			Port:           srv.Port,
			DomainRequired: "off",
			LoginName:      s.username(srv),
			SPA:            "off",
			SSL:            onOff(srv.Security != config.Plain),
			AuthRequired:   onOff(srv.Protocol.Incoming() || needsLogin(srv)),
			Encryption:     adEncryption(srv.Security),
		})
	}
	root := adRoot{Response: adResponse{Account: acct}}
	if s.DisplayName != "" {
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
