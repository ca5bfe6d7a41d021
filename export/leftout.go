package export

import (
	"bytes"
	"net"
	"regexp"
	"strings"

	"golang.org/x/net/idna"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
)

// LeftOut is a server, or one method of a server, that an export did
// not write because a client that reads the file would refuse it.
type LeftOut struct {
	Server mail.Server
	// Auth is set when only this method was left out and the server
	// itself stays.
	Auth mail.Auth
	// Reason is a code: "plain" (no encryption: Thunderbird for Android
	// rejects the whole file, and Postino never recommends it),
	// "hostname" (a name Thunderbird does not accept, e.g. with "_"),
	// "method" (a method Thunderbird for Android does not know: it
	// rejects the whole file when a server has no other), "no-method" (no
	// method both Thunderbirds accept), "oauth-unknown" (OAuth2 on a host
	// Thunderbird has no OAuth2 details for), "no-login" (an outgoing
	// relay that takes mail without a login, which Thunderbird for Android
	// cannot express), "pop3-android" (Thunderbird for
	// Android reads only IMAP servers; informational, the server stays).
	Reason string
}

// Text is the left-out entry in words, in lang.
func (l LeftOut) Text(lang string) string {
	data := map[string]any{"Server": l.Server.String(), "Method": string(l.Auth)}
	return i18n.For(lang).T("domainfiles.leftout."+l.Reason, data)
}

// tbMethods are the only authentication values Thunderbird for Android
// understands; it refuses a server (and so the whole file) that names no
// one of them. Thunderbird desktop knows these too.
var tbMethods = map[mail.Auth]bool{
	mail.AuthPasswordCleartext: true,
	mail.AuthPasswordEncrypted: true,
	mail.AuthOAuth2:            true,
}

// tbOAuthHosts are the names Thunderbird desktop has OAuth2 details
// for (its OAuth2Providers table): it matches the server's host name and
// then each parent domain. For any other host it cannot use OAuth2 and
// skips the method.
var tbOAuthHosts = map[string]bool{
	"gmail.com": true, "googlemail.com": true,
	"imap.mail.ru": true, "smtp.mail.ru": true,
	"imap.yandex.com": true, "smtp.yandex.com": true,
	"imap.seznam.cz": true, "smtp.seznam.cz": true, "pop3.seznam.cz": true,
	"yahoo.com": true, "att.net": true, "aol.com": true,
	"office365.com": true, "outlook.com": true, "hotmail.com": true,
	"imap.fastmail.com": true, "pop.fastmail.com": true, "smtp.fastmail.com": true,
	"imap.comcast.net": true, "pop.comcast.net": true, "smtp.comcast.net": true,
	"thundermail.com": true,
}

func tbOAuthKnown(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for host != "" {
		if tbOAuthHosts[host] {
			return true
		}
		i := strings.IndexByte(host, '.')
		if i < 0 {
			break
		}
		host = host[i+1:]
	}
	return false
}

// ldhHost is a host name both Thunderbirds accept: letters, digits and
// inner hyphens in each label, no underscore (their shared
// hostnameUtils rules).
var ldhHost = regexp.MustCompile(`^(?i)([a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9])(\.([a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9]))*\.?$`)

// tbHostOK reports whether both Thunderbirds accept h as a server name:
// an LDH host name up to 255 characters, or an IP address (IPv4 not
// starting with 0).
func tbHostOK(h string) bool {
	if ip := net.ParseIP(h); ip != nil {
		if v4 := ip.To4(); v4 != nil && strings.Count(h, ".") == 3 {
			return v4[0] != 0
		}
		return !ip.IsUnspecified() && !strings.Contains(h, "%")
	}
	return len(h) <= 255 && ldhHost.MatchString(h)
}

// tbServers picks the servers a Thunderbird autoconfig file can carry,
// chosen first, and says what it left out.
func tbServers(s Settings) (in, out []tbServer, left []LeftOut) {
	pick := func(list []mail.Server) []tbServer {
		var res []tbServer
		for _, srv := range list {
			if srv.Security != mail.TLS && srv.Security != mail.STARTTLS {
				left = append(left, LeftOut{Server: srv, Reason: "plain"})
				continue
			}
			if !tbHostOK(srv.Host) {
				left = append(left, LeftOut{Server: srv, Reason: "hostname"})
				continue
			}
			var methods []mail.Auth
			var dropped []LeftOut
			list := auths(srv)
			if srv.Protocol.Incoming() && !needsLogin(srv) {
				// Reading mail always needs a login: "none" on an
				// incoming server is a probe artefact.
				list = []mail.Auth{mail.AuthPasswordCleartext}
			}
			if !srv.Protocol.Incoming() && !needsLogin(srv) {
				// A relay that takes mail without a login: Thunderbird
				// for Android knows no such method and would reject the
				// whole file.
				left = append(left, LeftOut{Server: srv, Reason: "no-login"})
				continue
			}
			for _, a := range list {
				if a == mail.AuthOAuth2 && !tbOAuthKnown(srv.Host) {
					dropped = append(dropped, LeftOut{Server: srv, Auth: a, Reason: "oauth-unknown"})
				} else if tbMethods[a] {
					methods = append(methods, a)
				} else if loginMethod(a) {
					dropped = append(dropped, LeftOut{Server: srv, Auth: a, Reason: "method"})
				}
			}
			if len(methods) == 0 {
				left = append(left, LeftOut{Server: srv, Reason: "no-method"})
				continue
			}
			left = append(left, dropped...)
			res = append(res, s.tbServer(srv, methods))
		}
		return res
	}
	in = pick(append([]mail.Server{s.Incoming}, alternatives(s.Incoming, s.AlternativesIn)...))
	out = pick(append([]mail.Server{s.Outgoing}, alternatives(s.Outgoing, s.AlternativesOut)...))
	imap := false
	for _, srv := range in {
		imap = imap || srv.Type == string(mail.IMAP)
	}
	if !imap && len(in) > 0 {
		left = append(left, LeftOut{Server: s.Incoming, Reason: "pop3-android"})
	}
	return in, out, left
}

// ThunderbirdLeftOut lists what the Thunderbird autoconfig file of s
// leaves out, and why, for the front ends to show next to the export.
func ThunderbirdLeftOut(s Settings) []LeftOut {
	_, _, left := tbServers(s)
	return left
}

// tbNothingLeft is the error when no incoming or no outgoing server can
// be written.
func tbNothingLeft(lang string, left []LeftOut) error {
	var reasons []string
	for _, l := range left {
		reasons = append(reasons, l.Text(lang))
	}
	return invalidError{i18n.For(lang).T("domainfiles.err.thunderbird_empty", map[string]any{"Reasons": strings.Join(reasons, " ")})}
}

// writeLeftOutComment puts the list of what was left out at the top of
// an XML file, where an administrator reading it sees it; both
// Thunderbirds skip comments.
func writeLeftOutComment(b *bytes.Buffer, lang string, left []LeftOut) {
	if len(left) == 0 {
		return
	}
	b.WriteString("<!--\n  " + xmlCommentText(i18n.For(lang).T("domainfiles.leftout.header")) + "\n")
	for _, l := range left {
		// A comment cannot hold "--": internationalised names are
		// written as people read them (xn--citt-3na.it as città.it).
		if u, err := idna.ToUnicode(l.Server.Host); err == nil {
			l.Server.Host = u
		}
		b.WriteString("  - " + xmlCommentText(l.Text(lang)) + "\n")
	}
	b.WriteString("-->\n")
}

// xmlCommentText makes s safe inside an XML comment, which must not
// contain "--" nor end with "-".
func xmlCommentText(s string) string {
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "- -")
	}
	return strings.TrimSuffix(s, "-")
}
