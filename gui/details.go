package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
)

// detailsView shows everything known about the selected row: greeting,
// TLS, certificate, capabilities, AUTH, login, the problems with their
// explanation and remedy, and the redacted transcript with a Copy button.
type detailsView struct {
	u      *UI
	obj    fyne.CanvasObject
	body   *fyne.Container
	scroll *container.Scroll
	// shown is the row (of which check) rendered last: another row
	// starts at the top, where what went wrong and what to do are.
	shown      string
	shownCheck *checkState
}

func newDetailsView(u *UI) *detailsView {
	v := &detailsView{u: u, body: container.NewVBox()}
	v.scroll = container.NewVScroll(v.body)
	v.obj = v.scroll
	return v
}

func (v *detailsView) render() {
	defer func() {
		if v.shown != v.u.selected || v.shownCheck != v.u.state {
			v.shown, v.shownCheck = v.u.selected, v.u.state
			v.scroll.ScrollToTop()
		}
	}()
	v.body.RemoveAll()
	var r probe.Result
	ok := v.u.state != nil && v.u.selected != ""
	if ok {
		r, ok = v.u.state.Row(v.u.selected)
	}
	if !ok {
		v.body.Add(hintLabel(i18n.T("gui.details.empty")))
		v.body.Refresh()
		return
	}
	word, _ := statusWord(r, v.u.state.RowRunning(r.ID))
	title := widget.NewLabelWithStyle(endpointLabel(r.Endpoint), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapBreak
	v.body.Add(title)
	// What went wrong and what to do come first: that is what a person
	// opens Details for.
	for _, p := range r.Problems {
		v.body.Add(problemCard(p.ExplanationIn(""), remedyText(p), problem.ServerWordsIn(p.ServerText, i18n.For(""))))
	}
	if v.u.canRetryInsecure(r) {
		v.body.Add(v.retryButton(r))
	}
	if v.u.canRetryTrusted(r) {
		v.body.Add(v.trustButton(r))
	}

	f := newFacts()
	f.add("gui.details.status", word)
	if src := v.u.state.SourcesOf(r); len(src) > 0 {
		f.add("gui.details.sources", sourceNames(src))
	}
	if r.IP != "" {
		f.add("gui.details.ip", r.IP)
	}
	if r.Reachability != "" {
		f.add("gui.details.reachability", translated("gui.reach."+string(r.Reachability), string(r.Reachability)))
	}
	f.add("gui.details.greeting", problem.ServerWordsIn(r.Greeting, i18n.For("")))
	if r.StartTLSOffered != nil {
		f.add("gui.details.starttls", yesNo(*r.StartTLSOffered))
	}
	if r.TLS != nil {
		f.addTLS(r.TLS)
	}
	if len(r.Capabilities) > 0 {
		f.add("gui.details.capabilities", strings.Join(r.Capabilities, " "))
	}
	if len(r.AuthMechanisms) > 0 {
		f.add("gui.details.auth", strings.Join(r.AuthMechanisms, " "))
	}
	if r.SizeLimit > 0 {
		f.add("gui.details.size", fmt.Sprintf("%.1f MB", float64(r.SizeLimit)/1e6))
	}
	f.add("gui.details.login", v.loginText(r))
	if len(r.Phases) > 0 {
		var ph []string
		for _, p := range r.Phases {
			ph = append(ph, fmt.Sprintf("%s %d ms", translated("gui.phase."+string(p.Phase), string(p.Phase)), p.ElapsedMS))
		}
		f.add("gui.details.timing", strings.Join(ph, " · "))
	}
	v.body.Add(f.form)
	if len(r.Transcript) > 0 {
		v.body.Add(v.transcript(r.Transcript))
	}
	v.body.Refresh()
}

// loginText is the Login line. With a password given, "not tried" says
// why: the server was not reached, or the probe stopped before the
// login (the problems above say where).
func (v *detailsView) loginText(r probe.Result) string {
	if r.Login != "" || v.u.state == nil || !v.u.state.PasswordGiven {
		return loginText(r)
	}
	switch {
	case r.Phase != probe.PhaseDone:
		return i18n.T("window.login.not_yet")
	case r.Reachability == probe.Refused || r.Reachability == probe.Filtered || r.Reachability == "":
		return i18n.T("window.login.not_reached")
	}
	return i18n.T("window.login.stopped_before")
}

func loginText(r probe.Result) string {
	switch r.Login {
	case probe.LoginOK:
		return i18n.T("gui.login.ok")
	case probe.LoginFailed:
		return strings.TrimSpace(i18n.T("gui.login.failed") + " " + problem.ServerWordsIn(r.LoginMessage, i18n.For("")))
	case probe.LoginSkipped:
		return strings.TrimSpace(i18n.T("gui.login.skipped") + " " + problem.ServerWordsIn(r.LoginMessage, i18n.For("")))
	}
	return i18n.T("gui.login.not_tried")
}

func yesNo(b bool) string {
	if b {
		return i18n.T("gui.yes")
	}
	return i18n.T("gui.no")
}

// problemCard shows one problem: what happened, what to do, and the
// server's own words.
func problemCard(explanation, remedy, serverText string) fyne.CanvasObject {
	exp := widget.NewLabel(screenText(explanation))
	exp.Wrapping = fyne.TextWrapWord
	exp.Importance = widget.DangerImportance
	rem := widget.NewLabel(screenText(i18n.T("gui.details.remedy", map[string]any{"Remedy": remedy})))
	rem.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(
		container.NewBorder(nil, nil, widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon())), nil, exp),
		rem,
	)
	if serverText != "" {
		st := widget.NewLabel(i18n.T("gui.details.server_said", map[string]any{"Text": serverText}))
		st.Wrapping = fyne.TextWrapBreak
		st.TextStyle = MonospaceStyle
		box.Add(st)
	}
	return widget.NewCard("", "", box)
}

// transcript renders the conversation (credentials already replaced by
// *** by the probe) and a Copy button.
func (v *detailsView) transcript(lines []probe.Line) fyne.CanvasObject {
	var b strings.Builder
	for _, l := range lines {
		arrow := "S:"
		if l.Dir == "C" {
			arrow = "C:"
		}
		fmt.Fprintf(&b, "%s %s\n", arrow, problem.ServerWordsIn(l.Text, i18n.For("")))
	}
	text := strings.TrimRight(b.String(), "\n")
	label := widget.NewLabel(text)
	label.TextStyle = MonospaceStyle
	label.Wrapping = fyne.TextWrapBreak
	label.Selectable = true
	copyBtn := widget.NewButtonWithIcon(i18n.T("gui.copy"), theme.ContentCopyIcon(), func() {
		v.u.copyText(text)
	})
	head := container.NewBorder(nil, nil,
		widget.NewLabelWithStyle(i18n.T("gui.details.transcript"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		copyBtn)
	return container.NewVBox(head, label)
}

// facts is a two-column form of label and value, skipping empty values.
type facts struct{ form *widget.Form }

func newFacts() *facts { return &facts{form: widget.NewForm()} }

// addTLS adds what the TLS handshake showed: version, certificate and
// whether it verified.
func (f *facts) addTLS(t *probe.TLSInfo) {
	f.add("gui.details.tls", strings.TrimSpace(t.Version+" · "+t.Cipher))
	f.add("gui.details.subject", t.Subject)
	f.add("gui.details.issuer", t.Issuer)
	if t.SHA256 != "" {
		f.add("gui.details.sha256", fingerprint(t.SHA256))
	}
	if len(t.DNSNames) > 0 {
		f.add("gui.details.names", strings.Join(t.DNSNames, ", "))
	}
	if !t.NotBefore.IsZero() {
		f.add("gui.details.validity", i18n.T("gui.details.validity.range", map[string]any{
			"From": t.NotBefore.Format("2006-01-02"), "To": t.NotAfter.Format("2006-01-02"),
		}))
	}
	verdict := i18n.T("gui.details.cert.ok")
	if !t.Verified {
		verdict = i18n.T("gui.details.cert.bad", map[string]any{"Reason": t.ErrorIn(i18n.For(""))})
	}
	f.add("gui.details.verdict", verdict)
}

func (f *facts) add(key, value string) {
	if strings.TrimSpace(value) == "" {
		return
	}
	l := widget.NewLabel(value)
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	f.form.Append(i18n.T(key), l)
}
