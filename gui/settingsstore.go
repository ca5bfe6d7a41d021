package gui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
)

// Settings is everything Postino remembers between runs, in one typed
// place. It is read from and written to Fyne preferences only here, so
// the preference keys cannot drift apart across views. Passwords are
// deliberately not a field: they are never stored.
type Settings struct {
	// Language is "" (follow the system), "en" or "it".
	Language string
	// ProbeTimeout bounds each endpoint probe.
	ProbeTimeout time.Duration
	// DNSServer is "host:port" of the resolver to ask, or "" for the
	// system's.
	DNSServer string
	// ISPDBURL is the base URL of the Thunderbird ISPDB, or "" for the
	// default.
	ISPDBURL string
	// AllowHTTPAutoconfig lets discovery read autoconfig over plain HTTP
	// (the results are marked untrusted either way).
	AllowHTTPAutoconfig bool
	// AllowPlaintextLogin lets a probe send the password on a connection
	// without TLS, to hosts a trusted source named. Off by default: a
	// password in clear can be read by anyone on the path. It holds for
	// the next check only and is never stored (docs/security.md).
	AllowPlaintextLogin bool
	// CAFile is a file of extra CA certificates to trust (a company CA),
	// or "" for the system's store only.
	CAFile string
	// Recent lists the last addresses checked, newest first.
	Recent []string
}

// Defaults and bounds.
const (
	DefaultProbeTimeout = 10 * time.Second
	MinProbeTimeout     = 2 * time.Second
	MaxProbeTimeout     = 60 * time.Second
	maxRecent           = 8
)

// Preference keys, private to this file.
const (
	prefLanguage    = "language"
	prefTimeoutSec  = "probe_timeout_seconds"
	prefDNSServer   = "dns_server"
	prefISPDBURL    = "ispdb_url"
	prefAllowHTTP   = "allow_http_autoconfig"
	prefAllowPlain  = "allow_plaintext_login"
	prefRecent      = "recent_addresses"
	prefCAFile      = "ca_file"
	recentSeparator = "\n"
)

// LoadSettings reads the settings, replacing missing or out-of-range
// values with defaults so a hand-edited preferences file cannot break the
// app.
func LoadSettings(p fyne.Preferences) Settings {
	s := Settings{
		Language:            normalizeLanguage(p.String(prefLanguage)),
		ProbeTimeout:        time.Duration(p.IntWithFallback(prefTimeoutSec, int(DefaultProbeTimeout/time.Second))) * time.Second,
		DNSServer:           strings.TrimSpace(p.String(prefDNSServer)),
		ISPDBURL:            strings.TrimSpace(p.String(prefISPDBURL)),
		AllowHTTPAutoconfig: p.Bool(prefAllowHTTP),
		CAFile:              strings.TrimSpace(p.String(prefCAFile)),
	}
	if s.ProbeTimeout < MinProbeTimeout || s.ProbeTimeout > MaxProbeTimeout {
		s.ProbeTimeout = DefaultProbeTimeout
	}
	for _, a := range strings.Split(p.String(prefRecent), recentSeparator) {
		if a = strings.TrimSpace(a); a != "" && len(s.Recent) < maxRecent {
			s.Recent = append(s.Recent, a)
		}
	}
	return s
}

// Save writes the settings.
func (s Settings) Save(p fyne.Preferences) {
	p.SetString(prefLanguage, s.Language)
	p.SetInt(prefTimeoutSec, int(s.ProbeTimeout/time.Second))
	p.SetString(prefDNSServer, s.DNSServer)
	p.SetString(prefISPDBURL, s.ISPDBURL)
	p.SetBool(prefAllowHTTP, s.AllowHTTPAutoconfig)
	// Never stored; an older version's stored choice is forgotten.
	p.RemoveValue(prefAllowPlain)
	p.SetString(prefCAFile, s.CAFile)
	p.SetString(prefRecent, strings.Join(s.Recent, recentSeparator))
}

// Remember puts addr first in the recent list, without duplicates.
func (s *Settings) Remember(addr string) {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return
	}
	out := []string{addr}
	for _, a := range s.Recent {
		if !strings.EqualFold(a, addr) && len(out) < maxRecent {
			out = append(out, a)
		}
	}
	s.Recent = out
}

func normalizeLanguage(code string) string {
	switch code {
	case "en", "it":
		return code
	}
	return ""
}
