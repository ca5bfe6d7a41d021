package export

import (
	"fmt"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
)

// nginxSnippet serves the tree from nginx. Outlook POSTs its request to
// /autodiscover/autodiscover.xml, in any letter case; nginx answers a POST
// to a static file with 405, so the 405 is turned into the file itself
// (an error_page redirect to a URI is made as a GET).
func nginxSnippet(s Settings, lang string) []byte {
	t := func(key string) string { return i18n.For(lang).T(key, map[string]any{"Domain": lowerDomain(s)}) }
	var b strings.Builder
	for _, line := range strings.Split(t("domainfiles.web.nginx_header"), "\n") {
		b.WriteString("# " + line + "\n")
	}
	b.WriteString(`location = /mail/config-v1.1.xml {
    types { }
    default_type "application/xml; charset=utf-8";
}
location = /.well-known/autoconfig/mail/config-v1.1.xml {
    types { }
    default_type "application/xml; charset=utf-8";
}
location ~* ^/autodiscover/autodiscover\.xml$ {
    types { }
    default_type "application/xml; charset=utf-8";
    try_files /autodiscover/autodiscover.xml =404;
    error_page 405 =200 /autodiscover/autodiscover.xml;
}
`)
	return []byte(b.String())
}

// apacheSnippet serves the tree from Apache httpd 2.4, whose static file
// handler answers POST as well as GET; mod_rewrite maps any letter case
// of the Autodiscover path onto the file.
func apacheSnippet(s Settings, lang string) []byte {
	t := func(key string) string { return i18n.For(lang).T(key, map[string]any{"Domain": lowerDomain(s)}) }
	var b strings.Builder
	for _, line := range strings.Split(t("domainfiles.web.apache_header"), "\n") {
		b.WriteString("# " + line + "\n")
	}
	b.WriteString(`<IfModule mod_rewrite.c>
    RewriteEngine On
    RewriteRule "^/autodiscover/autodiscover\.xml$" "/autodiscover/autodiscover.xml" [NC,PT]
</IfModule>
<LocationMatch "(?i)^/(mail|\.well-known/autoconfig/mail)/config-v1\.1\.xml$|^/autodiscover/autodiscover\.xml$">
    ForceType "application/xml; charset=utf-8"
</LocationMatch>
`)
	return []byte(b.String())
}

func lowerDomain(s Settings) string {
	return strings.ToLower(strings.TrimSuffix(s.Domain, "."))
}

// domainReadme tells the administrator, in lang, what goes where, what
// the files hold and leave out, and how to check the result.
func domainReadme(s Settings, opts DomainFilesOptions, left []LeftOut, noAutodiscover bool) []byte {
	lang := Options{Lang: opts.Lang}.lang()
	domain := lowerDomain(s)
	data := map[string]any{"Domain": domain, "Provider": s.providerName(), "WebHost": opts.WebHost}
	t := func(key string) string { return i18n.For(lang).T(key, data) }
	var b strings.Builder
	title := t("domainfiles.readme.title")
	b.WriteString(title + "\n" + strings.Repeat("=", len([]rune(title))) + "\n\n")
	para := func(key string) { b.WriteString(t(key) + "\n\n") }
	para("domainfiles.readme.intro")

	section := func(key string) {
		h := t(key)
		b.WriteString(h + "\n" + strings.Repeat("-", len([]rune(h))) + "\n\n")
	}
	section("domainfiles.readme.where")
	for _, row := range []struct{ file, key string }{
		{DomainFileAutoconfig, "domainfiles.readme.file.autoconfig"},
		{DomainFileWellKnownAutoconfig, "domainfiles.readme.file.wellknown"},
		{DomainFileAutodiscover, "domainfiles.readme.file.autodiscover"},
		{DomainFileNginx, "domainfiles.readme.file.nginx"},
		{DomainFileApache, "domainfiles.readme.file.apache"},
		{DomainFileZone, "domainfiles.readme.file.zone"},
	} {
		if row.file == DomainFileAutodiscover && noAutodiscover {
			continue
		}
		b.WriteString("* " + row.file + "\n  " + t(row.key) + "\n")
	}
	b.WriteString("\n")
	if noAutodiscover {
		para("domainfiles.readme.no_autodiscover")
	}

	section("domainfiles.readme.servers")
	all := append(append([]mail.Server{s.Incoming}, alternatives(s.Incoming, s.AlternativesIn)...),
		append([]mail.Server{s.Outgoing}, alternatives(s.Outgoing, s.AlternativesOut)...)...)
	for _, srv := range all {
		fmt.Fprintf(&b, "* %s %s:%d, %s\n", protocolName(srv.Protocol), strings.ToLower(srv.Host), srv.Port, i18n.For(lang).T("domainfiles.security."+string(srv.Security)))
	}
	b.WriteString("\n" + t("domainfiles.readme.verified_only") + "\n\n")
	if len(left) > 0 {
		section("domainfiles.readme.left_out")
		for _, l := range left {
			b.WriteString("* " + l.Text(lang) + "\n")
		}
		b.WriteString("\n")
	}

	section("domainfiles.readme.logins")
	para("domainfiles.readme.logins_autoconfig")
	if !noAutodiscover {
		para("domainfiles.readme.logins_autodiscover")
	}

	section("domainfiles.readme.https")
	para("domainfiles.readme.https_text")

	section("domainfiles.readme.check")
	para("domainfiles.readme.check_text")
	fmt.Fprintf(&b, "    postino detect someone@%s\n", domain)
	fmt.Fprintf(&b, "    curl -sS https://autoconfig.%s/%s\n", domain, DomainFileAutoconfig)
	fmt.Fprintf(&b, "    curl -sS https://%s/%s\n", domain, DomainFileWellKnownAutoconfig)
	if !noAutodiscover {
		fmt.Fprintf(&b, "    curl -sS -X POST -H 'Content-Type: text/xml' --data '<Autodiscover/>' https://autodiscover.%s/Autodiscover/Autodiscover.xml\n", domain)
	}
	fmt.Fprintf(&b, "    dig +short SRV _imaps._tcp.%s _submissions._tcp.%s\n\n", domain, domain)
	para("domainfiles.readme.check_after")
	return []byte(b.String())
}
