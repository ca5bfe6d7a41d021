package export

import (
	"fmt"
	"net"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
)

// srvService is one of the six RFC 6186 / RFC 8314 service labels.
type srvService struct {
	label    string
	protocol mail.Protocol
	security mail.Security
}

// srvServices in the order they are written.
var srvServices = []srvService{
	{"_submissions._tcp", mail.SMTP, mail.TLS}, // RFC 8314 §5.1
	{"_submission._tcp", mail.SMTP, mail.STARTTLS},
	{"_imaps._tcp", mail.IMAP, mail.TLS},
	{"_imap._tcp", mail.IMAP, mail.STARTTLS},
	{"_pop3s._tcp", mail.POP3, mail.TLS},
	{"_pop3._tcp", mail.POP3, mail.STARTTLS},
}

const dnsTTL = 3600

// DNS returns a zone-file snippet for the domain's administrators, so
// mail clients can find the settings on their own:
//
//   - SRV records (RFC 6186, RFC 8314) for the services the settings
//     hold, which should be only those that passed the check. Lower
//     priority numbers are preferred: implicit TLS before STARTTLS (RFC
//     8314 §5.1), and the chosen incoming protocol before the other (RFC
//     6186 §3.4). Servers without encryption are never published (RFC
//     8314 §5). A service gets the "0 0 0 ." record (RFC 6186 §3.4,
//     "decidedly not available") only when opts.DeclareAbsent names it:
//     one that was merely untested, or blocked from where the check ran,
//     gets no record at all.
//   - autoconfig and autodiscover host names for the Thunderbird and
//     Outlook files, and the _autodiscover._tcp SRV record Outlook looks
//     for, pointed at opts.WebHost, or commented out when it is empty;
//     with a reminder that the web server's certificate must cover those
//     names.
func DNS(s Settings, opts Options) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if opts.WebHost != "" && !validHostname(opts.WebHost) {
		return nil, invalid("export.err.webhost", map[string]any{"Host": opts.WebHost})
	}
	lng := opts.lang()
	t := func(key string, data ...any) string { return i18n.For(lng).T(key, data...) }
	domain := fqdn(s.Domain)
	all := append(append([]mail.Server{s.Incoming}, s.AlternativesIn...), append([]mail.Server{s.Outgoing}, s.AlternativesOut...)...)
	for _, srv := range all {
		if srv.Security != mail.Plain && net.ParseIP(srv.Host) != nil {
			return nil, invalid("export.err.srv_ip", map[string]any{"Server": srv.String()})
		}
	}

	var b strings.Builder
	comment := func(key string, data ...any) { b.WriteString("; " + t(key, data...) + "\n") }
	comment("export.dns.header", map[string]any{"Domain": s.Domain, "Provider": s.providerName()})
	comment("export.dns.paste", map[string]any{"Domain": s.Domain})
	b.WriteString("\n")
	comment("export.dns.srv")
	absent := map[string]bool{}
	for _, label := range opts.DeclareAbsent {
		if !knownService(label) {
			return nil, invalid("domainfiles.err.service", map[string]any{"Service": label, "Services": strings.Join(serviceLabels(), ", ")})
		}
		absent[label] = true
	}
	var unknown []string
	for _, svc := range srvServices {
		name := svc.label + "." + domain
		recs := srvRecords(s, svc)
		if len(recs) > 0 && absent[svc.label] {
			return nil, invalid("domainfiles.err.absent_but_verified", map[string]any{"Service": svc.label})
		}
		if len(recs) == 0 {
			if absent[svc.label] {
				fmt.Fprintf(&b, "%s %d IN SRV 0 0 0 .\n", name, dnsTTL)
			} else {
				unknown = append(unknown, svc.label)
			}
			continue
		}
		for _, r := range recs {
			fmt.Fprintf(&b, "%s %d IN SRV %d 1 %d %s\n", name, dnsTTL, r.priority, r.srv.Port, fqdn(strings.ToLower(r.srv.Host)))
		}
	}
	if len(unknown) > 0 {
		comment("domainfiles.dns.unverified", map[string]any{"Services": strings.Join(unknown, ", ")})
	}
	b.WriteString("\n")
	prefix := ""
	target := "WEB-SERVER."
	if opts.WebHost != "" {
		target = fqdn(strings.ToLower(opts.WebHost))
		comment("export.dns.web", map[string]any{"Domain": s.Domain})
	} else {
		prefix = "; "
		comment("export.dns.web_missing", map[string]any{"Domain": s.Domain})
	}
	labels := []string{"autoconfig", "autodiscover"}
	if opts.noAutodiscover {
		labels = labels[:1]
	}
	for _, label := range labels {
		fmt.Fprintf(&b, "%s%s.%s %d IN CNAME %s\n", prefix, label, domain, dnsTTL, target)
	}
	if opts.noAutodiscover {
		comment("domainfiles.dns.no_autodiscover", map[string]any{"Domain": s.Domain, "Provider": s.providerName()})
	} else {
		comment("domainfiles.dns.autodiscover_srv")
		fmt.Fprintf(&b, "%s_autodiscover._tcp.%s %d IN SRV 0 1 443 autodiscover.%s\n", prefix, domain, dnsTTL, domain)
	}
	comment("domainfiles.dns.certificate", map[string]any{"Domain": strings.ToLower(strings.TrimSuffix(s.Domain, "."))})
	return []byte(b.String()), nil
}

type srvRecord struct {
	priority int
	srv      mail.Server
}

// srvRecords lists the servers offering svc, chosen first, with
// priorities: 0 for implicit TLS of the chosen incoming protocol (and
// for submissions), 10 for its STARTTLS, 20 and 30 for the other
// incoming protocol; later servers of the same service get +1 each.
func srvRecords(s Settings, svc srvService) []srvRecord {
	var list []mail.Server
	if svc.protocol == mail.SMTP {
		list = append([]mail.Server{s.Outgoing}, alternatives(s.Outgoing, s.AlternativesOut)...)
	} else {
		list = append([]mail.Server{s.Incoming}, alternatives(s.Incoming, s.AlternativesIn)...)
	}
	base := 0
	if svc.security == mail.STARTTLS {
		base = 10
	}
	if svc.protocol != mail.SMTP && svc.protocol != s.Incoming.Protocol {
		base += 20
	}
	var out []srvRecord
	for _, srv := range list {
		if srv.Protocol == svc.protocol && srv.Security == svc.security {
			out = append(out, srvRecord{priority: base + len(out), srv: srv})
		}
	}
	return out
}

func fqdn(h string) string {
	if strings.HasSuffix(h, ".") {
		return h
	}
	return h + "."
}

// ServiceLabels are the SRV service labels DeclareAbsent accepts, in
// the order the DNS export writes them.
func ServiceLabels() []string { return serviceLabels() }

func serviceLabels() []string {
	out := make([]string, 0, len(srvServices))
	for _, svc := range srvServices {
		out = append(out, svc.label)
	}
	return out
}

func knownService(label string) bool {
	for _, svc := range srvServices {
		if svc.label == label {
			return true
		}
	}
	return false
}
