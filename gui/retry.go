package gui

import (
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
)

// remedyText is what the window tells a person to do about p. A few
// remedies in the shared catalogue name a command-line flag; the window
// has its own words for those (a setting, or the button below the
// problem), under gui.remedy.<code>; {{.Setting}} there names the
// plaintext setting as the Settings dialog does.
func remedyText(p problem.Problem) string {
	key := "gui.remedy." + p.Code
	data := map[string]any{"Setting": i18n.T("gui.settings.allow_plain")}
	for k, v := range p.DataIn(i18n.For("")) {
		data[k] = v
	}
	if s := i18n.T(key, data); s != key {
		return s
	}
	return p.RemedyIn("")
}

// canRetryInsecure reports whether Details offers to try the login on
// row r despite its certificate: the password was held back for that
// reason alone, the person typed one, nothing is running, the engine
// can probe one endpoint, and the certificate the person sees has a
// fingerprint the retry can be pinned to.
func (u *UI) canRetryInsecure(r probe.Result) bool {
	if u.opts.Retrier == nil || !u.canRetry(r) || r.TLS == nil || r.TLS.SHA256 == "" {
		return false
	}
	return hasProblemCode(r, problem.LoginNotSentInsecure)
}

// canRetryTrusted reports whether Details offers "Try the login on this
// server…": the password was held back because only an untrusted source
// named the host.
func (u *UI) canRetryTrusted(r probe.Result) bool {
	if _, ok := u.opts.Retrier.(TrustRetrier); !ok || !u.canRetry(r) {
		return false
	}
	return hasProblemCode(r, problem.LoginNotSentUntrusted)
}

func (u *UI) canRetry(r probe.Result) bool {
	if u.state == nil || u.run.running() || u.state.RowRunning(r.ID) || u.sendTestRunning() {
		return false
	}
	return u.top.password.Text != "" && r.Phase == probe.PhaseDone
}

func hasProblemCode(r probe.Result, code string) bool {
	return slices.ContainsFunc(r.Problems, func(p problem.Problem) bool { return p.Code == code })
}

// retryButton asks before sending the password to a server that could
// not prove who it is (issue 5: "never sent to a server whose
// certificate failed, unless the user explicitly allows it for that
// test").
func (v *detailsView) retryButton(r probe.Result) fyne.CanvasObject {
	b := widget.NewButtonWithIcon(i18n.T("gui.retry.button"), theme.WarningIcon(), func() {
		v.u.confirmRetryInsecure(r)
	})
	b.Importance = widget.WarningImportance
	return b
}

// trustButton asks before sending the password to a host that only an
// untrusted source named (issue 10).
func (v *detailsView) trustButton(r probe.Result) fyne.CanvasObject {
	b := widget.NewButtonWithIcon(i18n.T("gui.trust.button"), theme.WarningIcon(), func() {
		v.u.confirmRetryTrusted(r)
	})
	b.Importance = widget.WarningImportance
	return b
}

// confirmRetryInsecure names the host and the certificate's fingerprint:
// the retry accepts that certificate only, so a different one presented
// meanwhile gets no password.
func (u *UI) confirmRetryInsecure(r probe.Result) {
	text := widget.NewLabel(i18n.T("gui.retry.confirm.text", map[string]any{"Host": r.Endpoint.Host}) + "\n\n" +
		i18n.T("gui.retry.confirm.pin", map[string]any{"Fingerprint": fingerprint(r.TLS.SHA256)}))
	text.Wrapping = fyne.TextWrapWord
	pin := r.TLS.SHA256
	u.confirmRetry(i18n.T("gui.retry.confirm.title"), i18n.T("gui.retry.confirm.yes"), text, func() {
		retrier := u.opts.Retrier
		u.retry(r.ID, func(ctx context.Context, req Request, ep mail.Server, sources []string, sink event.Sink) {
			req.PinSHA256 = pin
			retrier.RetryInsecure(ctx, req, ep, sources, sink)
		})
	})
}

// confirmRetryTrusted names the untrusted source and the host.
func (u *UI) confirmRetryTrusted(r probe.Result) {
	data := map[string]any{"Host": r.Endpoint.Host, "Sources": sourceNames(u.state.SourcesOf(r))}
	text := widget.NewLabel(i18n.T("gui.trust.confirm.text", data))
	text.Wrapping = fyne.TextWrapWord
	u.confirmRetry(i18n.T("gui.trust.confirm.title"), i18n.T("gui.trust.confirm.yes", data), text, func() {
		retrier, _ := u.opts.Retrier.(TrustRetrier)
		u.retry(r.ID, retrier.RetryTrusted)
	})
}

func (u *UI) confirmRetry(title, yes string, text *widget.Label, run func()) {
	d := dialog.NewCustomConfirm(title, yes, i18n.T("gui.cancel"), text, func(ok bool) {
		if ok {
			run()
		}
	}, u.win)
	d.Resize(fyne.NewSize(480, 0))
	u.retryDialog = d
	u.showDialog(d)
}

// fingerprint groups a hex SHA-256 in pairs, as certificate viewers do.
func fingerprint(hex string) string {
	var b strings.Builder
	for i := 0; i < len(hex); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(strings.ToUpper(hex[i:min(i+2, len(hex))]))
	}
	return b.String()
}

// retryFunc probes one endpoint again with some permission the person
// gave (Retrier.RetryInsecure, TrustRetrier.RetryTrusted).
type retryFunc func(ctx context.Context, req Request, ep mail.Server, sources []string, sink event.Sink)

// retry probes row id once more with do. It runs like a check (Esc or
// editing the address cancels it, and the row goes back to what the
// check found; a new check drops its late events) and updates that row
// only: the recommendation stays what the check decided.
func (u *UI) retry(id string, do retryFunc) {
	r, found := u.state.Row(id)
	if !found || u.run.running() {
		return
	}
	st := u.state
	st.retrying[id] = true
	req := Request{Address: st.Address, Password: u.top.password.Text, Settings: u.set.engineSettings()}
	req.Settings.AllowPlaintextLogin = st.allowPlain
	sources := st.SourcesOf(r)
	u.run.start(func(t taskRun) {
		do(t.Ctx, req, r.Endpoint, sources, t.Sink)
	}, u.handleBatch, func(_ int, current, canceled bool) {
		delete(st.retrying, id)
		if canceled {
			// Cancelled half-way: the row goes back to what the
			// check found rather than show a probe cut short.
			st.rows[id] = &r
		}
		if current && st == u.state {
			u.retryEnded()
		} else if st == u.state {
			u.render()
		}
	})
	u.render()
}
