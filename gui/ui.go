// Package gui is Postino's window. It renders the event stream of a check
// (discovery sources, candidates, probe updates, the recommendation) and
// holds no probing logic: an Engine runs the check in a goroutine and
// every widget update goes through fyne.Do. One file per view: top.go
// (address, password, Check), sources.go, status.go (the live grid),
// details.go, recommend.go, export.go, health.go, settings.go, help.go.
package gui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/event"
)

// Options configure the window.
type Options struct {
	// Engine runs checks (required).
	Engine Engine
	// Health runs domain health checks; nil hides the Health tab.
	Health HealthEngine
	// Batch prepares profiles for a list of users; nil hides the Batch
	// tab (see batch.go).
	Batch BatchEngine
}

// UI is the window content and the state of the current run. All its
// fields are touched only on the Fyne thread.
type UI struct {
	app    fyne.App
	win    fyne.Window
	opts   Options
	now    func() time.Time
	set    Settings
	langFn func(string) error
	// do runs a function on the Fyne thread: fyne.Do, or in tests a
	// queue the test drains on its own goroutine.
	do func(func())

	runID  int
	cancel context.CancelFunc
	done   chan struct{}
	state  *checkState
	// selected is the row shown in Details ("" = none).
	selected string

	top     *topBar
	sources *sourcesView
	status  *statusView
	details *detailsView
	rec     *recommendView
	health  *healthView
	// exporter is the last export dialog opened.
	exporter *exportDialog
	// retryDialog is the last "try the login anyway" confirmation.
	retryDialog *dialog.ConfirmDialog
	// sendtest is the last test message round trip (see RoundTripper).
	sendtest *sendTestRun
	// passwordEdited: the password entry changed since the check
	// started, so the check did not verify what it holds.
	passwordEdited bool
	hstate         *healthState
	hcancel        context.CancelFunc
	hdone          chan struct{}
	hrunID         int
	summary        *widget.Label
	side           *container.AppTabs
	tabs           *container.AppTabs
	batch          *batchView
}

// New creates the UI for win, reading settings from the app's
// preferences and applying the saved language.
func New(a fyne.App, win fyne.Window, opts Options) *UI {
	u := &UI{app: a, win: win, opts: opts, now: time.Now, langFn: ApplyLanguage, do: fyne.Do}
	u.set = LoadSettings(a.Preferences())
	if err := u.langFn(u.set.Language); err != nil {
		fyne.LogError("applying language", err)
	}
	return u
}

// Content builds the window content from the current state. It is called
// again after a language change, so every view re-renders its texts.
func (u *UI) Content() fyne.CanvasObject {
	if u.sources != nil { // a rebuild: stop the old views' animations
		u.sources.stopSpinners()
	}
	if u.health != nil {
		u.health.stopSpinners()
	}
	if u.rec != nil {
		u.rec.sendTest.stopSpinner()
	}
	// The password typed before a language change stays (in memory
	// only), so the check's results, and a test message, stay usable.
	password := ""
	if u.top != nil {
		password = u.top.password.Text
	}
	u.top = newTopBar(u)
	u.top.password.Text = password
	u.sources = newSourcesView(u)
	u.status = newStatusView(u)
	u.details = newDetailsView(u)
	u.rec = newRecommendView(u)
	u.summary = widget.NewLabel("")
	u.summary.Truncation = fyne.TextTruncateEllipsis

	u.side = container.NewAppTabs(
		container.NewTabItemWithIcon(i18n.T("gui.tab.recommended"), recommendIcon(), u.rec.obj),
		container.NewTabItemWithIcon(i18n.T("gui.tab.details"), detailsIcon(), u.details.obj),
	)
	left := container.NewVSplit(u.sources.obj, u.status.obj)
	left.Offset = 0.42
	main := container.NewHSplit(left, u.side)
	main.Offset = 0.56

	checkTab := container.NewBorder(nil, u.summary, nil, nil, main)
	items := []*container.TabItem{container.NewTabItemWithIcon(i18n.T("gui.tab.check"), checkIcon(), checkTab)}
	if u.opts.Health != nil {
		u.health = newHealthView(u)
		items = append(items, container.NewTabItemWithIcon(i18n.T("gui.tab.health"), healthIcon(), u.health.obj))
	}
	if u.opts.Batch != nil {
		u.batch = newBatchView(u, u.batch)
		items = append(items, container.NewTabItemWithIcon(i18n.T("batch.gui.tab"), batchIcon(), u.batch.obj))
	}
	u.tabs = container.NewAppTabs(items...)
	u.installShortcuts()
	u.render()
	return container.NewBorder(u.top.obj, nil, nil, nil, u.tabs)
}

// rebuild re-creates the content, keeping the run and the selection.
func (u *UI) rebuild() {
	u.win.SetContent(u.Content())
	u.win.SetTitle(i18n.T("gui.window.title"))
	u.Focus()
}

// Focus puts the keyboard focus in the address entry, where a person
// starts typing. Call it once the content is on the window.
func (u *UI) Focus() { u.win.Canvas().Focus(u.top.address) }

// render pushes the whole state into every view.
func (u *UI) render() {
	u.top.render()
	u.sources.render()
	u.status.render()
	u.details.render()
	u.rec.render()
	u.renderSummary()
}

// startCheck validates the address and starts a run, cancelling any
// previous one.
func (u *UI) startCheck() {
	raw := strings.TrimSpace(u.top.address.Text)
	addr, err := address.Parse(raw)
	if err != nil {
		u.top.showError(err.Error())
		u.win.Canvas().Focus(u.top.address)
		return
	}
	// A CR, LF or NUL could inject a protocol command: refuse before
	// the engine runs (detect.CheckCredentials says why, translated).
	if err := detect.CheckCredentials("", u.top.password.Text); err != nil {
		u.top.showError(err.Error())
		u.win.Canvas().Focus(u.top.password)
		return
	}
	u.cancelRun()
	ctx, cancel := context.WithCancel(context.Background())
	u.runID++
	id := u.runID
	u.cancel = cancel
	u.state = newCheckState(addr.Display(), u.now())
	u.state.Domain = addr.Domain
	u.selected = ""
	u.passwordEdited = false
	u.set.Remember(raw)
	u.set.Save(u.app.Preferences())

	req := Request{Address: addr.String(), Password: u.top.password.Text, Settings: u.set}
	done := make(chan struct{})
	u.done = done
	do := u.do
	sink := func(ev event.Event) { do(func() { u.handle(id, ev) }) }
	go func() {
		defer close(done)
		u.opts.Engine.Check(ctx, req, sink)
		do(func() { u.runEnded(id) })
	}()
	u.side.SelectIndex(0)
	if u.health != nil && strings.TrimSpace(u.health.domain.Text) == "" {
		u.health.domain.SetText(addr.DomainUnicode) // ready for the Health tab
	}
	u.render()
}

// cancelRun stops the current run, if any, and a running test message
// round trip. Its remaining events are ignored; rows that were still
// running stay as they were, and the summary says the check was
// cancelled.
func (u *UI) cancelRun() {
	u.cancelSendTest()
	if u.cancel == nil {
		return
	}
	u.cancel()
	u.cancel = nil
	if u.state.Running() {
		u.state.Cancelled = true
		u.state.Finished = u.now()
	}
	u.runID++ // drop late events of the cancelled run
	u.render()
}

func (u *UI) runEnded(id int) {
	if id != u.runID {
		return
	}
	if u.cancel != nil {
		u.cancel() // release the context's resources
		u.cancel = nil
	}
	if u.state.Running() {
		u.state.Finished = u.now()
	}
	u.render()
}

// AutoCheck puts addr in the address entry and starts a check, as if the
// person had typed it and pressed Enter (POSTINO_AUTOCHECK, screenshots).
func (u *UI) AutoCheck(addr string) {
	u.top.address.SetText(addr)
	u.startCheck()
}

// running reports whether a check is in progress.
func (u *UI) running() bool { return u.cancel != nil && u.state.Running() }

// wait blocks until the last started run's engine goroutine has returned
// (tests, and the window closing).
func (u *UI) wait() {
	if u.done != nil {
		<-u.done
	}
	if u.sendtest != nil {
		<-u.sendtest.done
	}
}

// Close cancels any check or health run when the window closes. It does
// not wait: the engines honour cancellation and return promptly, and
// waiting here would block the thread their last fyne.Do needs.
func (u *UI) Close() {
	u.cancelRun()
	if u.hcancel != nil {
		u.hcancel()
	}
	if u.batch != nil {
		u.batch.cancel()
	}
}

// selectRow shows one row in Details.
func (u *UI) selectRow(id string) {
	u.selected = id
	u.details.render()
	u.side.SelectIndex(1)
}

func (u *UI) renderSummary() {
	u.summary.SetText(summaryLine(u.state, u.now()))
}

// summaryLine is the one line under the grid: what is happening, counts
// and time.
func summaryLine(s *checkState, now time.Time) string {
	if s == nil {
		return i18n.T("gui.summary.idle")
	}
	if s.Err != "" {
		return s.Err
	}
	t := s.Tally()
	data := map[string]any{
		"Address": s.Address, "Total": t.Total, "Done": t.Done, "OK": t.OK,
		"Warning": t.Warning, "Failed": t.Failed, "Time": formatDuration(s.Elapsed(now)),
	}
	switch {
	case s.Cancelled:
		return i18n.T("gui.summary.cancelled", data)
	case s.Running():
		return i18n.T("gui.summary.running", data)
	}
	return i18n.T("gui.summary.finished", data)
}

// formatDuration renders a duration the way the grid does: "0.42 s"
// (i18n.Seconds: the CLI's precision and the language's decimal
// separator).
func formatDuration(d time.Duration) string {
	return i18n.T("gui.seconds", map[string]any{"Seconds": i18n.Seconds(d)})
}
