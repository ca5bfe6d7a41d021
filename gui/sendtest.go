package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/problem"
	"github.com/postino-mail/postino/detect/roundtrip"
)

// blockedPasswordChanged is the window's own reason, beside the roundtrip
// codes, for not sending: the password in the entry is not the one the
// check verified.
const blockedPasswordChanged = "password-changed"

// sendTestRun is one round trip (and the later deletion of its message)
// for the check it belongs to; a new check leaves it behind.
type sendTestRun struct {
	check *checkState
	// active: the round trip or the deletion runs (on UI.sendRun).
	active bool
	// stopped: the person (Stop, Esc, an edit, a new check) cancelled it.
	stopped  bool
	progress roundtrip.Progress
	result   *roundtrip.Result
	err      string
	deleting bool
	deleted  *roundtrip.DeleteResult
	// deleteErr is why the deletion could not run or was interrupted.
	deleteErr string
}

func (r *sendTestRun) running() bool { return r != nil && r.active }

// sendTestBlocker returns why the Send button is disabled, as a
// roundtrip code (or blockedPasswordChanged); "" when it may send. The decision
// is detect.Report.RoundTripOptions', the same as the CLI's --send-test.
func (u *UI) sendTestBlocker() string {
	s := u.state
	if s.Cancelled {
		return "check-canceled"
	}
	_, code := s.Report.RoundTripOptions(s.reportAddress(), "", u.top.password.Text)
	if code == "" && u.passwordEdited {
		return blockedPasswordChanged
	}
	return code
}

// reportAddress is the address as the engine received it (ASCII domain).
func (s *checkState) reportAddress() string {
	if s.Report != nil && s.Report.Address != "" {
		return s.Report.Address
	}
	return s.Address
}

// sendTestRunning reports whether a round trip or a deletion runs for the
// check on screen.
func (u *UI) sendTestRunning() bool {
	return u.sendtest != nil && u.sendtest.check == u.state && u.sendtest.running()
}

// startSendTest sends the test message through the recommended outgoing
// server and waits for it on the recommended incoming one, with the
// password the check verified. Only that address receives it.
func (u *UI) startSendTest() {
	rt := u.opts.RoundTripper
	if rt == nil || u.state == nil || u.state.Running() || u.run.running() || u.sendTestRunning() || u.sendTestBlocker() != "" {
		return
	}
	s := u.state
	opts, _ := s.Report.RoundTripOptions(s.reportAddress(), "", u.top.password.Text)
	// The test message is written in the window's language.
	opts.Lang = i18n.Language()
	run := &sendTestRun{check: s, active: true}
	u.sendtest = run
	settings := u.set.engineSettings()
	var res roundtrip.Result
	var err error
	u.sendRun.start(func(t taskRun) {
		res, err = rt.RoundTrip(t.Ctx, settings, opts, t.Sink)
	}, func(_ int, batch []event.Event) {
		for _, ev := range batch {
			if p, ok := ev.(roundtrip.Progress); ok && !run.stopped {
				run.progress = p
			}
		}
		u.rec.sendTest.showProgress(run)
	}, func(int, bool, bool) {
		run.active = false
		run.result = &res
		if err != nil {
			run.err = i18n.ErrorText(err, i18n.For(""))
		}
		u.rec.sendTest.render()
	})
	u.rec.sendTest.render()
	u.rec.revealSendTest()
}

// deleteTestMessage removes the message the last round trip sent.
func (u *UI) deleteTestMessage() {
	rt := u.opts.RoundTripper
	run := u.sendtest
	if rt == nil || run == nil || run.check != u.state || run.running() || run.result == nil ||
		run.result.Status != roundtrip.Arrived || run.deleted != nil || u.sendTestBlocker() != "" {
		return
	}
	s := u.state
	opts, _ := s.Report.RoundTripOptions(s.reportAddress(), "", u.top.password.Text)
	token := run.result.Token
	run.active, run.deleting, run.deleteErr, run.stopped = true, true, "", false
	settings := u.set.engineSettings()
	var res roundtrip.DeleteResult
	var err error
	u.sendRun.start(func(t taskRun) {
		res, err = rt.DeleteTestMessage(t.Ctx, settings, opts, token)
	}, nil, func(_ int, _, canceled bool) {
		run.active = false
		run.deleting = false
		switch {
		case canceled:
			run.deleteErr = i18n.T("gui.sendtest.delete_stopped")
		case err != nil:
			run.deleteErr = i18n.ErrorText(err, i18n.For(""))
		default:
			run.deleted = &res
		}
		u.rec.sendTest.render()
	})
	u.rec.sendTest.render()
	u.rec.revealSendTest()
}

// cancelSendTest stops a running round trip or deletion; its result
// comes back through the goroutine and says it was stopped.
func (u *UI) cancelSendTest() {
	if run := u.sendtest; run.running() && !run.stopped {
		run.stopped = true
		u.sendRun.stop()
		if u.rec != nil {
			u.rec.sendTest.render()
		}
	}
}

// sendTestView is the "Test message" section at the end of the
// Recommended settings card.
type sendTestView struct {
	u       *UI
	obj     *fyne.Container
	spinner *widget.Activity
	// progress is the live line while a round trip runs (nil otherwise):
	// progress only rewrites it, so a focused Stop button keeps focus.
	progress *widget.Label
}

func newSendTestView(u *UI) *sendTestView {
	return &sendTestView{u: u, obj: container.NewVBox(), spinner: widget.NewActivity()}
}

// stopSpinner ends the animation when the view is thrown away.
func (v *sendTestView) stopSpinner() { v.spinner.Stop() }

// visible reports whether the section belongs on the card: the engine
// can send, and the check on screen is over.
func (v *sendTestView) visible() bool {
	return v.u.opts.RoundTripper != nil && v.u.state != nil && !v.u.state.Running()
}

func (v *sendTestView) render() {
	u := v.u
	v.obj.RemoveAll()
	v.progress = nil
	if !v.visible() {
		v.spinner.Stop()
		return
	}
	run := u.sendtest
	if run != nil && run.check != u.state {
		run = nil
	}
	intro := widget.NewLabel(i18n.T("gui.sendtest.intro", map[string]any{"Address": u.state.Address}))
	intro.Wrapping = fyne.TextWrapWord
	send := widget.NewButtonWithIcon(i18n.T("gui.sendtest.send"), theme.MailSendIcon(), u.startSendTest)
	buttons := container.NewHBox(send)
	blocker := u.sendTestBlocker()
	if blocker != "" || run.running() || u.run.running() {
		send.Disable()
	}
	if run.running() {
		stop := widget.NewButtonWithIcon(i18n.T("gui.stop"), theme.MediaStopIcon(), u.cancelSendTest)
		if run.stopped {
			stop.Disable()
		}
		buttons.Add(stop)
	}
	v.obj.Add(heading(i18n.T("gui.sendtest.title")))
	v.obj.Add(intro)
	v.obj.Add(buttons)
	if blocker != "" {
		v.obj.Add(hintLabel(i18n.T("gui.sendtest.blocked." + blocker)))
	}
	switch {
	case run == nil:
		v.spinner.Stop()
	case run.result == nil:
		v.spinner.Start()
		v.progress = wrapped(v.progressText(run))
		v.obj.Add(container.NewBorder(nil, nil, v.spinner, nil, v.progress))
	default:
		v.spinner.Stop()
		v.renderResult(run, blocker)
	}
	v.obj.Refresh()
}

// showProgress rewrites the live line, or renders the section when it
// is not on screen.
func (v *sendTestView) showProgress(run *sendTestRun) {
	if v.progress == nil || v.u.sendtest != run {
		v.render()
		return
	}
	v.progress.SetText(screenText(v.progressText(run)))
}

func (v *sendTestView) progressText(run *sendTestRun) string {
	if run.stopped {
		return i18n.T("gui.sendtest.stopping")
	}
	p := run.progress
	step := p.Step
	if step == "" {
		step = roundtrip.StepConnectIncoming
	}
	key := "gui.sendtest.step." + string(step)
	if t := i18n.T(key, map[string]any{"Seconds": i18n.Seconds(p.Elapsed), "Polls": p.Polls}); t != key {
		return t
	}
	return string(step) // a step this build has no words for
}

// renderResult shows what the round trip found, and the deletion.
func (v *sendTestView) renderResult(run *sendTestRun, blocker string) {
	r := *run.result
	switch {
	case run.err != "":
		v.obj.Add(problemCard(i18n.T("gui.sendtest.engine_error", map[string]any{"Error": run.err}), i18n.T("gui.sendtest.engine_error_remedy"), ""))
		return
	case run.stopped && r.Status != roundtrip.Arrived:
		// (A message found just as the person pressed Stop is shown as
		// arrived: that is what happened.)
		v.obj.Add(statusLine(i18n.T("gui.sendtest.stopped"), theme.NewWarningThemedResource(theme.MediaStopIcon())))
		if !r.SentAt.IsZero() {
			v.obj.Add(wrapped(i18n.T("gui.sendtest.stopped_sent", map[string]any{"Subject": r.Subject})))
		}
		return
	}
	if r.Status != roundtrip.Arrived {
		v.obj.Add(statusLine(screenText(r.SummaryIn(i18n.For(""))), theme.NewErrorThemedResource(theme.ErrorIcon())))
		remedy := r.RemedyIn(i18n.For(""))
		server := ""
		if r.Problem != nil {
			remedy, server = remedyText(*r.Problem), problem.ServerWordsIn(r.Problem.ServerText, i18n.For(""))
		}
		v.obj.Add(problemCard(r.ExplanationIn(i18n.For("")), remedy, server))
		if !r.SentAt.IsZero() {
			v.obj.Add(wrapped(i18n.T("gui.sendtest.sent", map[string]any{
				"Time": clock(r), "Duration": formatDuration(r.Send),
			})))
		}
		return
	}
	icon := theme.NewSuccessThemedResource(theme.ConfirmIcon())
	if r.Code == "arrived-junk" {
		icon = theme.NewWarningThemedResource(theme.WarningIcon())
	}
	v.obj.Add(statusLine(screenText(r.SummaryIn(i18n.For(""))), icon))
	v.obj.Add(wrapped(i18n.T("gui.sendtest.sent", map[string]any{"Time": clock(r), "Duration": formatDuration(r.Send)})))
	v.obj.Add(wrapped(i18n.T("gui.sendtest.arrived", map[string]any{
		"Time": r.ArrivedAt.Format("15:04:05"), "Folder": r.Folder,
		"Duration": formatDuration(r.Latency), "Polls": r.Polls,
	})))
	if r.Code == "arrived-junk" {
		// Spam is the one arrival a person must act on: say so as
		// plainly as a failure.
		v.obj.Add(problemCard(
			i18n.T("gui.sendtest.spam", map[string]any{"Folder": r.Folder})+" "+r.ExplanationIn(i18n.For("")),
			translated("gui.sendtest.remedy.arrived-junk", r.RemedyIn(i18n.For(""))), ""))
	}
	v.renderDelete(run, blocker)
}

func (v *sendTestView) renderDelete(run *sendTestRun, blocker string) {
	switch d := run.deleted; {
	case run.deleting:
		v.spinner.Start()
		v.obj.Add(container.NewBorder(nil, nil, v.spinner, nil, wrapped(i18n.T("gui.sendtest.deleting"))))
	case d == nil:
		del := widget.NewButtonWithIcon(i18n.T("gui.sendtest.delete"), theme.DeleteIcon(), v.u.deleteTestMessage)
		if blocker != "" || v.u.run.running() {
			del.Disable()
		}
		v.obj.Add(container.NewHBox(del))
		if run.deleteErr != "" {
			v.obj.Add(wrapped(run.deleteErr))
		}
	case d.Problem != nil:
		v.obj.Add(problemCard(d.Problem.ExplanationIn(""), remedyText(*d.Problem), problem.ServerWordsIn(d.Problem.ServerText, i18n.For(""))))
	case d.MarkedDeleted:
		v.obj.Add(wrapped(i18n.T("gui.sendtest.marked_deleted")))
	case d.NotFound:
		v.obj.Add(wrapped(i18n.T("gui.sendtest.not_found")))
	default:
		v.obj.Add(statusLine(i18n.T("gui.sendtest.deleted"), theme.NewSuccessThemedResource(theme.DeleteIcon())))
	}
}

// clock is when the SMTP server accepted the message, in local time.
func clock(r roundtrip.Result) string { return r.SentAt.Format("15:04:05") }

// statusLine is an icon and a word-wrapped sentence: the icon is never
// the only sign of the outcome.
func statusLine(text string, icon fyne.Resource) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	return container.NewBorder(nil, nil, widget.NewIcon(icon), nil, l)
}

func wrapped(text string) *widget.Label {
	l := widget.NewLabel(screenText(text))
	l.Wrapping = fyne.TextWrapWord
	return l
}

// passwordChanged notes that the entry no longer holds the password the
// check verified; the section says so instead of sending with it.
func (u *UI) passwordChanged() {
	if u.passwordEdited || u.state == nil {
		return
	}
	u.passwordEdited = true
	if u.rec != nil {
		u.rec.render()
	}
}
