package gui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
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
	for k, v := range p.Data {
		data[k] = v
	}
	if s := i18n.T(key, data); s != key {
		return s
	}
	return p.Remedy()
}

// canRetryInsecure reports whether Details offers to try the login on
// row r despite its certificate: the password was held back for that
// reason alone, the person typed one, nothing is running and the engine
// can probe one endpoint.
func (u *UI) canRetryInsecure(r probe.Result) bool {
	if u.opts.Retrier == nil || u.state == nil || u.run.running() || u.state.RowRunning(r.ID) || u.sendTestRunning() {
		return false
	}
	if u.top.password.Text == "" || r.Phase != probe.PhaseDone {
		return false
	}
	return slices.ContainsFunc(r.Problems, func(p problem.Problem) bool { return p.Code == problem.LoginNotSentInsecure })
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

func (u *UI) confirmRetryInsecure(r probe.Result) {
	text := widget.NewLabel(i18n.T("gui.retry.confirm.text", map[string]any{"Host": r.Endpoint.Host}))
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(i18n.T("gui.retry.confirm.title"), i18n.T("gui.retry.confirm.yes"), i18n.T("gui.cancel"),
		text, func(ok bool) {
			if ok {
				u.retryInsecure(r.ID)
			}
		}, u.win)
	d.Resize(fyne.NewSize(480, 0))
	u.retryDialog = d
	u.showDialog(d)
}

// retryInsecure probes row id once more with the login allowed despite
// the certificate. It runs like a check (Esc or editing the address
// cancels it, and the row goes back to what the check found; a new check
// drops its late events) and updates that row only: the recommendation
// stays what the check decided.
func (u *UI) retryInsecure(id string) {
	retrier := u.opts.Retrier
	r, found := u.state.Row(id)
	if retrier == nil || !found || u.run.running() {
		return
	}
	st := u.state
	st.retrying[id] = true
	req := Request{Address: st.Address, Password: u.top.password.Text, Settings: u.set.engineSettings()}
	sources := st.SourcesOf(r)
	u.run.start(func(t taskRun) {
		retrier.RetryInsecure(t.Ctx, req, r.Endpoint, sources, t.Sink)
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
