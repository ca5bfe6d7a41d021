package autoconfig

import (
	"strings"

	"github.com/postino-mail/postino/detect/mail"
)

// ExpandHosts replaces the placeholders some files put in host names
// ("mail.%EMAILDOMAIN%", served by hosting control panels for every
// customer domain) with the address's parts, the way Thunderbird does
// (AccountConfig.replaceVariables). It returns a copy; servers whose
// host is still not a host name afterwards are left out. User names keep
// their templates: mail.ExpandUsername expands those at use.
func ExpandHosts(p *mail.Provider, local, domain string) *mail.Provider {
	if p == nil {
		return nil
	}
	c := *p
	c.Incoming = expandHosts(p.Incoming, local, domain)
	c.Outgoing = expandHosts(p.Outgoing, local, domain)
	return &c
}

func expandHosts(list []mail.Server, local, domain string) []mail.Server {
	out := make([]mail.Server, 0, len(list))
	for _, s := range list {
		s.Auth = append([]mail.Auth(nil), s.Auth...)
		if strings.Contains(s.Host, "%") {
			s.Host = strings.ToLower(strings.NewReplacer(
				mail.PlaceholderDomain, domain,
				mail.PlaceholderLocalPart, local,
			).Replace(s.Host))
			if strings.Contains(s.Host, "%") || !validHost(s.Host) {
				continue
			}
		}
		out = append(out, s)
	}
	return out
}
