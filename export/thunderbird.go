package export

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
)

// The Thunderbird autoconfig format, version 1.1, as documented at
// https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat
// and served by ISPs at autoconfig.DOMAIN/mail/config-v1.1.xml.
type tbConfig struct {
	XMLName  xml.Name   `xml:"clientConfig"`
	Version  string     `xml:"version,attr"`
	Provider tbProvider `xml:"emailProvider"`
}

type tbProvider struct {
	ID            string     `xml:"id,attr"`
	Domains       []string   `xml:"domain"`
	DisplayName   string     `xml:"displayName"`
	ShortName     string     `xml:"displayShortName"`
	Incoming      []tbServer `xml:"incomingServer"`
	Outgoing      []tbServer `xml:"outgoingServer"`
	Enable        []tbEnable `xml:"enable"`
	Documentation []tbDoc    `xml:"documentation"`
}

// tbEnable is a step the user must take in the webmail first (turn IMAP
// or POP on), with the page where it is done.
type tbEnable struct {
	VisitURL     string    `xml:"visiturl,attr"`
	Instructions []tbDescr `xml:"instruction"`
}

type tbServer struct {
	Type           string   `xml:"type,attr"`
	Hostname       string   `xml:"hostname"`
	Port           int      `xml:"port"`
	SocketType     string   `xml:"socketType"`
	Username       string   `xml:"username"`
	Authentication []string `xml:"authentication"`
}

type tbDoc struct {
	URL   string    `xml:"url,attr"`
	Descr []tbDescr `xml:"descr"`
}

type tbDescr struct {
	Lang string `xml:"lang,attr"`
	Text string `xml:",chardata"`
}

// tbSocketType names the security the way Thunderbird spells it; it
// rejects any other casing.
func tbSocketType(s mail.Security) string {
	switch s {
	case mail.TLS:
		return "SSL"
	case mail.STARTTLS:
		return "STARTTLS"
	}
	return "plain"
}

// Thunderbird returns the settings as a Thunderbird autoconfig file
// (clientConfig version 1.1): the chosen servers first, then the other
// working ones, with user names written as %EMAILADDRESS% or
// %EMAILLOCALPART% when they have that form, so the same file serves
// every user of the domain.
func Thunderbird(s Settings, opts Options) ([]byte, error) {
	return thunderbird(s, opts)
}

func thunderbird(s Settings, opts Options) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	in, out, left := tbServers(s)
	if len(in) == 0 || len(out) == 0 {
		return nil, tbNothingLeft(opts.lang(), left)
	}
	p := tbProvider{
		ID:          strings.ToLower(s.Domain),
		Domains:     []string{strings.ToLower(s.Domain)},
		DisplayName: s.providerName(),
		ShortName:   s.providerName(),
	}
	if d := strings.ToLower(s.AddressDomain()); d != p.ID {
		p.Domains = append(p.Domains, d)
	}
	p.Incoming, p.Outgoing = in, out
	for _, n := range s.Notes {
		if n.URL == "" {
			continue // documentation needs a link; the text alone goes in the instructions
		}
		var texts []tbDescr
		for _, lng := range i18n.Languages {
			texts = append(texts, tbDescr{Lang: lng, Text: noteText(lng, n)})
		}
		switch n.Code {
		case "enable", "enable-imap", "enable-pop":
			p.Enable = append(p.Enable, tbEnable{VisitURL: n.URL, Instructions: texts})
		default:
			p.Documentation = append(p.Documentation, tbDoc{URL: n.URL, Descr: texts})
		}
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	writeLeftOutComment(&b, opts.lang(), left)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(tbConfig{Version: "1.1", Provider: p}); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

func (s Settings) tbServer(srv mail.Server, methods []mail.Auth) tbServer {
	out := tbServer{
		Type:       string(srv.Protocol),
		Hostname:   strings.ToLower(srv.Host),
		Port:       srv.Port,
		SocketType: tbSocketType(srv.Security),
		Username:   s.usernameTemplate(srv),
	}
	for _, a := range methods {
		out.Authentication = append(out.Authentication, string(a))
	}
	return out
}

// loginMethod is false for the methods that mean "no login": "none" and
// "client-IP-address". Thunderbird accepts them only on outgoing servers
// (its reader rejects them for incoming ones), and reading mail always
// needs a login, so on an incoming server they are probe artefacts.
func loginMethod(a mail.Auth) bool {
	return a != mail.AuthNone && a != mail.AuthClientIP
}

// portString is used by the text formats.
func portString(p int) string { return strconv.Itoa(p) }
