package probe

import (
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/problem"
)

// summary is the one-line verdict shown next to an endpoint, in the
// current language: "TLS 1.3 · certificate OK · PLAIN LOGIN · login OK".
func (r *run) summary() string {
	res := &r.res
	var parts []string
	if res.Reachability != Open {
		return r.shortReason()
	}
	if res.TLS != nil {
		if r.ep.Security == config.STARTTLS {
			parts = append(parts, i18n.T("probe.summary.starttls", map[string]any{"Version": res.TLS.Version}))
		} else {
			parts = append(parts, res.TLS.Version)
		}
		if res.TLS.Verified {
			parts = append(parts, i18n.T("probe.summary.cert_ok"))
		} else {
			parts = append(parts, i18n.T("probe.summary.cert_bad", map[string]any{"Error": res.TLS.Error}))
		}
	} else if reached(res.Phases, PhaseCapabilities) {
		parts = append(parts, i18n.T("probe.summary.no_tls"))
	}
	if reached(res.Phases, PhaseCapabilities) {
		if len(res.AuthMechanisms) > 0 {
			parts = append(parts, strings.Join(res.AuthMechanisms, " "))
		} else {
			parts = append(parts, i18n.T("probe.summary.no_mechanisms"))
		}
	}
	switch res.Login {
	case LoginOK:
		parts = append(parts, i18n.T("probe.summary.login_ok"))
	case LoginFailed:
		parts = append(parts, i18n.T("probe.summary.login_failed"))
	case LoginSkipped:
		parts = append(parts, r.skipReason())
	}
	notTried := len(r.failures) > 0 && (r.failures[0].Code == problem.LoginNotTried || r.failures[0].Code == problem.LoginNotTriedNoAnswer)
	if len(r.failures) > 0 && res.Login != LoginFailed && !notTried {
		parts = append(parts, r.shortReason())
	}
	return strings.Join(parts, " · ")
}

// reached reports whether the probe entered phase p.
func reached(phases []PhaseTime, p Phase) bool {
	for _, pt := range phases {
		if pt.Phase == p {
			return true
		}
	}
	return false
}

// shortReason names the first failure in a few words.
func (r *run) shortReason() string {
	if len(r.failures) == 0 {
		return ""
	}
	p := r.failures[0]
	key := "probe.short." + p.Code
	if s := i18n.T(key, p.Data); s != key {
		return s
	}
	text := p.ServerText
	text = truncate(text, 60)
	if text == "" {
		text = p.Code
	}
	return i18n.T("probe.short.reply", map[string]any{"Text": text})
}

// skipReason says in a few words why the password was not sent, for the
// reasons that are about where it may go rather than about the session.
func (r *run) skipReason() string {
	for _, p := range append(append([]problem.Problem(nil), r.failures...), r.warnings...) {
		key := "probe.summary.skip." + p.Code
		if s := i18n.T(key, p.Data); s != key {
			return s
		}
	}
	return i18n.T("probe.summary.login_skipped")
}
