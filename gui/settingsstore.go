package gui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/postino-mail/postino/gui/backend"
)

// Settings is everything Postino remembers between runs, in one typed
// place. It is read from and written to Fyne preferences only here, so
// the preference keys cannot drift apart across views. Passwords are
// deliberately not a field: they are never stored.
type Settings struct {
	// Language is "" (follow the system), "en" or "it".
	Language string
	// The settings the engines need (probe timeout, DNS server, ISPDB,
	// plain-HTTP autoconfig, plaintext login, CA file). The plaintext
	// login is never stored: it holds for the next check only.
	backend.Settings
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
		Language: normalizeLanguage(p.String(prefLanguage)),
		Settings: backend.Settings{
			ProbeTimeout:        time.Duration(p.IntWithFallback(prefTimeoutSec, int(DefaultProbeTimeout/time.Second))) * time.Second,
			DNSServer:           strings.TrimSpace(p.String(prefDNSServer)),
			ISPDBURL:            strings.TrimSpace(p.String(prefISPDBURL)),
			AllowHTTPAutoconfig: p.Bool(prefAllowHTTP),
			CAFile:              strings.TrimSpace(p.String(prefCAFile)),
		},
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
