package probe

import (
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/problem"
)

// SummaryIn is the one-line verdict shown next to an endpoint, in l's
// language: "TLS 1.3 · certificate OK · PLAIN LOGIN · login OK". It is
// "" until the probe finished. A result read back from a report keeps
// the words it was written with (Summary), since the data behind them
// is not in the JSON; a result straight from a probe holds only codes
// and is put into words here, at the edge.
func (res Result) SummaryIn(l i18n.Localizer) string {
	if res.Summary != "" || res.Status == "" {
		return res.Summary
	}
	// finish makes a probe failed exactly when it recorded a failure,
	// and Problems lists the failures before the warnings.
	var failures []problem.Problem
	if res.Status == StatusFailed {
		failures = res.Problems
	}
	var parts []string
	if res.Reachability != Open {
		return shortReason(failures, l)
	}
	if res.TLS != nil {
		if res.Endpoint.Security == mail.STARTTLS {
			parts = append(parts, l.T("probe.summary.starttls", map[string]any{"Version": res.TLS.Version}))
		} else {
			parts = append(parts, res.TLS.Version)
		}
		if res.TLS.Verified {
			parts = append(parts, l.T("probe.summary.cert_ok"))
		} else {
			parts = append(parts, l.T("probe.summary.cert_bad", map[string]any{"Error": res.TLS.ErrorIn(l)}))
		}
	} else if reached(res.Phases, PhaseCapabilities) {
		parts = append(parts, l.T("probe.summary.no_tls"))
	}
	if reached(res.Phases, PhaseCapabilities) {
		if len(res.AuthMechanisms) > 0 {
			parts = append(parts, strings.Join(res.AuthMechanisms, " "))
		} else {
			parts = append(parts, l.T("probe.summary.no_mechanisms"))
		}
	}
	switch res.Login {
	case LoginOK:
		parts = append(parts, l.T("probe.summary.login_ok"))
	case LoginFailed:
		parts = append(parts, l.T("probe.summary.login_failed"))
	case LoginSkipped:
		parts = append(parts, skipReason(res.Problems, l))
	}
	notTried := len(failures) > 0 && (failures[0].Code == problem.LoginNotTried || failures[0].Code == problem.LoginNotTriedNoAnswer)
	if len(failures) > 0 && res.Login != LoginFailed && !notTried {
		parts = append(parts, shortReason(failures, l))
	}
	return strings.Join(parts, " · ")
}

// ErrorIn is the plain-words reason the certificate did not verify, in
// l's language ("expired on 2026-01-02"); "" when it verified. Like
// SummaryIn, words read back from a report (Error) are kept.
func (t TLSInfo) ErrorIn(l i18n.Localizer) string {
	if t.Error != "" || t.Cert == nil {
		return t.Error
	}
	return l.T("probe.cert."+t.Cert.Code, t.Cert.DataIn(l))
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
func shortReason(failures []problem.Problem, l i18n.Localizer) string {
	if len(failures) == 0 {
		return ""
	}
	p := failures[0]
	key := "probe.short." + p.Code
	if s := l.T(key, p.DataIn(l)); s != key {
		return s
	}
	text := problem.ServerWordsIn(p.ServerText, l)
	text = truncate(text, 60)
	if text == "" {
		text = p.Code
	}
	return l.T("probe.short.reply", map[string]any{"Text": text})
}

// skipReason says in a few words why the password was not sent, for the
// reasons that are about where it may go rather than about the session.
func skipReason(problems []problem.Problem, l i18n.Localizer) string {
	for _, p := range problems {
		key := "probe.summary.skip." + p.Code
		if s := l.T(key, p.DataIn(l)); s != key {
			return s
		}
	}
	return l.T("probe.summary.login_skipped")
}
