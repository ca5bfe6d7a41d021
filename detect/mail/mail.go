// Package mail holds the plain values that every part of Postino shares:
// a mail server setting (protocol, host, port, security, user name,
// authentication), a provider's published configuration, and a candidate
// endpoint with the sources that proposed it. It has no behaviour beyond
// small helpers, so detect/, export/ and gui/ can all depend on it.
package mail

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Protocol is a mail access or submission protocol.
type Protocol string

const (
	IMAP Protocol = "imap"
	POP3 Protocol = "pop3"
	SMTP Protocol = "smtp"
)

// Incoming reports whether the protocol reads mail (IMAP, POP3).
func (p Protocol) Incoming() bool { return p == IMAP || p == POP3 }

// Valid reports whether p is one of the known protocols.
func (p Protocol) Valid() bool { return p == IMAP || p == POP3 || p == SMTP }

// Security is how a connection is protected.
type Security string

const (
	// TLS is implicit TLS (RFC 8314): TLS from the first byte (993, 995, 465).
	TLS Security = "tls"
	// STARTTLS upgrades a plaintext connection (143, 110, 587, 25, 2525).
	STARTTLS Security = "starttls"
	// Plain is no encryption at all. Postino never recommends it.
	Plain Security = "plain"
)

// Valid reports whether s is one of the known security modes.
func (s Security) Valid() bool { return s == TLS || s == STARTTLS || s == Plain }

// Auth names an authentication method with Thunderbird's autoconfig
// vocabulary, which every other format can be mapped from.
type Auth string

const (
	AuthPasswordCleartext Auth = "password-cleartext" // PLAIN / LOGIN / USER+PASS
	AuthPasswordEncrypted Auth = "password-encrypted" // CRAM-MD5 and friends
	AuthOAuth2            Auth = "OAuth2"
	AuthNTLM              Auth = "NTLM"
	AuthGSSAPI            Auth = "GSSAPI"
	AuthClientIP          Auth = "client-IP-address"
	AuthTLSClientCert     Auth = "TLS-client-cert"
	AuthNone              Auth = "none"
)

// Username placeholders used by Thunderbird's autoconfig format.
const (
	PlaceholderAddress   = "%EMAILADDRESS%"
	PlaceholderLocalPart = "%EMAILLOCALPART%"
	PlaceholderDomain    = "%EMAILDOMAIN%"
)

// Server is one way to reach a mail service.
type Server struct {
	Protocol Protocol `json:"protocol"`
	Host     string   `json:"host"`
	Port     int      `json:"port"`
	Security Security `json:"security"`
	// Username is either a literal login or a template with the
	// placeholders above (as published by autoconfig files).
	Username string `json:"username,omitempty"`
	Auth     []Auth `json:"auth,omitempty"`
}

// Address returns host:port, bracketing IPv6 literals.
func (s Server) Address() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Key identifies an endpoint regardless of user name and auth: two
// servers with the same key are the same thing to probe.
func (s Server) Key() string {
	return fmt.Sprintf("%s|%s|%d|%s", s.Protocol, strings.ToLower(s.Host), s.Port, s.Security)
}

func (s Server) String() string {
	return fmt.Sprintf("%s %s (%s)", s.Protocol, s.Address(), s.Security)
}

// ExpandUsername replaces the autoconfig placeholders in tmpl for the
// given address parts. An empty template means the full address, which is
// what most providers want.
func ExpandUsername(tmpl, local, domain string) string {
	if tmpl == "" {
		return local + "@" + domain
	}
	r := strings.NewReplacer(
		PlaceholderAddress, local+"@"+domain,
		PlaceholderLocalPart, local,
		PlaceholderDomain, domain,
	)
	return r.Replace(tmpl)
}

// TemplateUsername is the inverse of ExpandUsername: it turns a concrete
// login into a template when it matches one of the common forms, so an
// exported file works for every user of the domain.
func TemplateUsername(login, local, domain string) string {
	switch {
	case strings.EqualFold(login, local+"@"+domain):
		return PlaceholderAddress
	case login == local:
		return PlaceholderLocalPart
	}
	return login
}

// EHLOName is the name Postino gives in SMTP EHLO, in the probe and in
// the round trip alike. RFC 5321 §4.1.1.1 asks for the client's domain
// name or, lacking one, an address literal (§4.1.3). A desktop has no
// domain name of its own; like Thunderbird, Postino sends the loopback
// literal rather than reveal its local address.
const EHLOName = "[127.0.0.1]"

// StandardPorts lists, per protocol, every port Postino probes and the
// security expected there.
func StandardPorts(p Protocol) []Server {
	switch p {
	case IMAP:
		return []Server{{Protocol: IMAP, Port: 993, Security: TLS}, {Protocol: IMAP, Port: 143, Security: STARTTLS}}
	case POP3:
		return []Server{{Protocol: POP3, Port: 995, Security: TLS}, {Protocol: POP3, Port: 110, Security: STARTTLS}}
	case SMTP:
		return []Server{
			{Protocol: SMTP, Port: 465, Security: TLS},
			{Protocol: SMTP, Port: 587, Security: STARTTLS},
			{Protocol: SMTP, Port: 25, Security: STARTTLS},
			{Protocol: SMTP, Port: 2525, Security: STARTTLS},
		}
	}
	return nil
}

// Note is a provider remark a person must know (an app password is
// needed, IMAP must be enabled in the webmail, ...). Code is stable and is
// the translation key suffix; Text is free text from the source, if any.
type Note struct {
	Code string `json:"code"`
	Text string `json:"text,omitempty"`
	URL  string `json:"url,omitempty"`
	// Untrusted marks a note from a source that is not trusted (plain
	// HTTP, a redirect to another domain): front ends show it without a
	// clickable link, and exports leave it out (docs/security.md).
	Untrusted bool `json:"untrusted,omitempty"`
}

// Provider is the configuration a source publishes for a mail domain.
type Provider struct {
	ID          string   `json:"id"`
	Domains     []string `json:"domains,omitempty"`
	DisplayName string   `json:"display_name,omitempty"`
	ShortName   string   `json:"short_name,omitempty"`
	Incoming    []Server `json:"incoming,omitempty"`
	Outgoing    []Server `json:"outgoing,omitempty"`
	// Documentation lists URLs of the provider's own setup pages.
	Documentation []string `json:"documentation,omitempty"`
	Notes         []Note   `json:"notes,omitempty"`
}

// Candidate is an endpoint proposed by one or more discovery sources.
type Candidate struct {
	Server
	// Sources names every source that proposed this endpoint, best first.
	Sources []string `json:"sources"`
	// Trusted is false when every proposing source is untrusted (plain
	// HTTP, an out-of-domain SRV target or redirect, a guess).
	Trusted bool `json:"trusted"`
	// Rank is the rank of the best proposing source (lower is better).
	Rank int `json:"rank"`
	// ProviderID is the id of the provider entry this came from, if any.
	ProviderID string `json:"provider_id,omitempty"`
	Notes      []Note `json:"notes,omitempty"`
}
