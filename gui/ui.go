// Package gui is Postino's window. It renders the event stream of a check
// (discovery sources, candidates, probe updates, the recommendation) and
// holds no probing logic: an Engine runs the check in a goroutine and
// every widget update goes through fyne.Do. One file per view: top.go
// (address, password, Check), sources.go, grid.go (the live grid),
// details.go, recommend.go, export.go, health.go, batch.go, settings.go
// (the Settings dialog), help.go; settingsstore.go is what is remembered
// between runs, shortcuts.go the keyboard, clipboard.go copying.
package gui

import (
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/address"
)

// Options configure the window: the engines it drives. The window holds
// no network code; main.go hands in the real adapters (gui/engine),
// tests scripted ones.
type Options struct {
	// Engine runs checks (required).
	Engine Engine
	// Retrier probes one endpoint again with the login allowed despite
	// its certificate; nil hides "Try the login anyway".
	Retrier Retrier
	// RoundTripper sends a test message; nil hides "Send test message".
	RoundTripper RoundTripper
	// Health runs domain health checks; nil hides the Health tab.
	Health HealthEngine
	// EnvDNS is $POSTINO_DNS, which the engines use when the DNS setting
	// is empty: Settings shows it instead of "as the system".
	EnvDNS string
	// Batch prepares profiles for a list of users; nil hides the Batch
	// tab (see batch.go).
	Batch BatchEngine
	// OpenURL shows a file or folder with the system's viewer; nil is
	// the app's OpenURL. Tests pass their own: Fyne's test app opens
	// nothing.
	OpenURL func(*url.URL) error
}

// openURL shows u with the system's viewer.
func (u *UI) openURL(target *url.URL) error {
	if u.opts.OpenURL != nil {
		return u.opts.OpenURL(target)
	}
	return u.app.OpenURL(target)
}

// frameInterval is the shortest time between two batches of engine
// events applied to the window: about two frames at 60 Hz, far below
// what a person notices, and few enough fyne.Do calls that Fyne's main
// loop never falls behind.
const frameInterval = 30 * time.Millisecond

// summaryTick is how often the summary's clock moves while a check runs
// and no event arrives.
const summaryTick = 250 * time.Millisecond

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

	// run is the check (or a retry of one row): its generation tags
	// the events, so those of a run the person left are dropped.
	run   *task
	state *checkState
	// selected is the row shown in Details ("" = none).
	selected string

	top     *topBar
	sources *sourcesView
	grid    *gridView
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
	hrun           *task
	// sendRun is the test message's round trip or deletion.
	sendRun *task
	// brun is the Batch tab's run; it outlives a rebuilt view.
	brun *task
	// fullRenders counts render() calls (tests, make bench-gui: a batch
	// of events must not re-render everything).
	fullRenders int
	// dialogs are the dialogs shown, newest last (Esc closes the top one).
	dialogs []dialog.Dialog
	// notices counts short messages in the summary line (see notify).
	notices int
	// milestone, mark, firstFramed and checkPending report paint times
	// (see OnMilestone).
	milestone    func(string, time.Time)
	mark         *canvas.Raster
	firstFramed  bool
	checkPending bool
	// settlePending: a run ended; the next painted frame gives its
	// garbage back (memory.go).
	settlePending bool
	// freeOS returns the Go heap's free pages to the system (tests count
	// the calls).
	freeOS  func()
	summary *widget.Label
	side    *container.AppTabs
	tabs    *container.AppTabs
	batch   *batchView
}

// New creates the UI for win, reading settings from the app's
// preferences and applying the saved language.
func New(a fyne.App, win fyne.Window, opts Options) *UI {
	u := &UI{app: a, win: win, opts: opts, now: time.Now, langFn: ApplyLanguage, freeOS: debug.FreeOSMemory}
	u.setDo(fyne.Do, frameInterval)
	u.set = LoadSettings(a.Preferences())
	if err := u.langFn(u.set.Language); err != nil {
		fyne.LogError("applying language", err)
	}
	return u
}

// setDo sets how work reaches the Fyne thread and how often batches of
// events may (tests queue and pump, with no frame wait).
func (u *UI) setDo(do func(func()), frame time.Duration) {
	u.do = do
	u.run = &task{do: do, frame: frame, tick: u.renderSummary, tickEvery: summaryTick, settle: u.settleAfterPaint}
	u.hrun = &task{do: do, frame: frame, settle: u.settleAfterPaint}
	u.sendRun = &task{do: do, frame: frame, settle: u.settleAfterPaint}
	u.brun = &task{do: do, frame: frame, settle: u.settleAfterPaint}
}

// Content builds the window content from the current state. It is called
// again after a language change, so every view re-renders its texts.
func (u *UI) Content() fyne.CanvasObject {
	if u.sources != nil { // a rebuild: stop the old views' animations
		u.sources.spinners.stop()
	}
	if u.health != nil {
		u.health.spinners.stop()
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
	u.grid = newGridView(u)
	u.details = newDetailsView(u)
	u.rec = newRecommendView(u)
	u.summary = widget.NewLabel("")
	u.summary.Truncation = fyne.TextTruncateEllipsis

	u.side = container.NewAppTabs(
		container.NewTabItemWithIcon(i18n.T("gui.tab.recommended"), recommendIcon(), u.rec.obj),
		container.NewTabItemWithIcon(i18n.T("gui.tab.details"), detailsIcon(), u.details.obj),
	)
	left := container.NewVSplit(u.sources.obj, u.grid.obj)
	left.Offset = 0.42
	main := container.NewHSplit(left, newFocusTabs(u.side))
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
	body := container.NewStack(container.NewBorder(u.top.obj, nil, nil, nil, newFocusTabs(u.tabs)), u.frameMark())
	return container.New(minSize{MinWindowSize}, body)
}

// MinWindowSize is the smallest window the layout is designed for:
// below it labels overlapped (the window let itself be made 631×298).
var MinWindowSize = fyne.NewSize(900, 600)

// minSize is a one-child layout with a floor on its minimum size; the
// window cannot be made smaller than its content's minimum.
type minSize struct{ min fyne.Size }

func (m minSize) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (m minSize) MinSize(objs []fyne.CanvasObject) fyne.Size {
	out := m.min
	for _, o := range objs {
		out = out.Max(o.MinSize())
	}
	return out
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
	u.fullRenders++
	u.top.render()
	u.sources.render()
	u.grid.render()
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
		u.top.showError(i18n.ErrorText(err, i18n.For("")))
		u.win.Canvas().Focus(u.top.address)
		return
	}
	// A CR, LF or NUL could inject a protocol command: refuse before
	// the engine runs (detect.CheckCredentials says why, translated).
	if err := detect.CheckCredentials("", u.top.password.Text); err != nil {
		u.top.showError(i18n.ErrorText(err, i18n.For("")))
		u.win.Canvas().Focus(u.top.password)
		return
	}
	u.cancelRun()
	u.state = newCheckState(addr.Display(), u.now())
	u.state.Domain = addr.Domain
	u.state.PasswordGiven = u.top.password.Text != ""
	u.selected = ""
	u.passwordEdited = false
	u.set.Remember(raw)
	u.top.rememberRecent(u.set.Recent)
	u.set.Save(u.app.Preferences())

	req := Request{Address: addr.String(), Password: u.top.password.Text, Settings: u.set.engineSettings()}
	// "Password without encryption" holds for this check (and its
	// retries) only (issue 10).
	u.state.allowPlain, u.set.AllowPlaintextLogin = u.set.AllowPlaintextLogin, false
	st := u.state
	u.run.start(func(r taskRun) {
		u.opts.Engine.Check(r.Ctx, req, r.Sink)
	}, u.handleBatch, func(gen int, current, _ bool) {
		if current && st == u.state {
			u.runEnded()
		}
	})
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
	if !u.run.stop() {
		return
	}
	if u.state.Running() {
		u.state.Cancelled = true
		u.state.Finished = u.now()
	}
	u.render()
}

// runEnded records the end of the current run (the engine returned).
func (u *UI) runEnded() {
	if u.state.Running() {
		u.state.Finished = u.now()
		u.render()
	} else {
		// The engine's CheckFinished already rendered everything; only
		// Stop turns back into Check, and what waited for the run to
		// end (Send test message) is offered.
		u.top.render()
		u.rec.sendTest.render()
		u.renderSummary()
	}
	u.checkRendered()
}

// checkRendered notes that a finished check was rendered: the next
// painted frame shows it.
func (u *UI) checkRendered() {
	if u.state != nil && !u.state.Running() {
		u.markCheckShown()
	}
}

// AutoCheck puts addr in the address entry and starts a check, as if the
// person had typed it and pressed Enter (POSTINO_AUTOCHECK, screenshots).
func (u *UI) AutoCheck(addr string) {
	u.top.address.SetText(addr)
	u.startCheck()
}

// running reports whether a check is in progress.
func (u *UI) running() bool { return u.run.running() && u.state.Running() }

// wait blocks until the last started run's engine goroutine has returned
// (tests, and the window closing).
func (u *UI) wait() {
	u.run.wait()
	u.sendRun.wait()
}

// Close cancels any check or health run when the window closes. It does
// not wait: the engines honour cancellation and return promptly, and
// waiting here would block the thread their last fyne.Do needs.
func (u *UI) Close() {
	u.cancelRun()
	u.hrun.stop()
	u.brun.stop()
}

// addressIsChecked reports whether the address entry still holds the
// address the results on screen are for (an edited address must not
// export, or send a test from, the previous one's settings).
func (u *UI) addressIsChecked() bool {
	if u.state == nil || u.top == nil {
		return false
	}
	a, err := address.Parse(strings.TrimSpace(u.top.address.Text))
	return err == nil && strings.EqualFold(a.Display(), u.state.Address)
}

// selectRow shows one row in Details.
func (u *UI) selectRow(id string) {
	u.selected = id
	u.details.render()
	u.side.SelectIndex(1)
}

func (u *UI) renderSummary() {
	line := summaryLine(u.state, u.now())
	if u.state != nil && !u.state.Running() && u.top != nil && strings.TrimSpace(u.top.address.Text) != "" && !u.addressIsChecked() {
		line = i18n.T("window.summary.other_address", map[string]any{"Address": u.state.Address}) + " " + line
	}
	setText(u.summary, line)
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
	line := i18n.T("gui.summary.finished", data)
	if t.NotListening > 0 {
		line += i18n.T("window.summary.not_listening", map[string]any{"Count": t.NotListening})
	}
	return line
}

// formatDuration renders a duration the way the grid does: "0.42 s"
// (i18n.Seconds: the CLI's precision and the language's decimal
// separator).
func formatDuration(d time.Duration) string {
	return i18n.T("gui.seconds", map[string]any{"Seconds": i18n.Seconds(d)})
}

// The tabs' icons.
func checkIcon() fyne.Resource     { return theme.SearchIcon() }
func healthIcon() fyne.Resource    { return theme.ListIcon() }
func recommendIcon() fyne.Resource { return theme.ConfirmIcon() }
func detailsIcon() fyne.Resource   { return theme.InfoIcon() }
