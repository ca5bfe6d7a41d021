package gui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/address"
)

// topBar is the address entry (with recent addresses and its error line),
// the password entry with its show/hide toggle, and the buttons.
type topBar struct {
	u        *UI
	obj      fyne.CanvasObject
	address  *escEntry
	addrErr  *widget.Label
	password *escPasswordEntry
	check    *ringButton
	stop     *widget.Button
	export   *widget.Button
}

func newTopBar(u *UI) *topBar {
	t := &topBar{u: u}
	t.address = newEscEntry(u.set.Recent, u.cancelRun, u.shortcutAction)
	t.address.SetPlaceHolder(i18n.T("gui.address.placeholder"))
	t.address.OnSubmitted = func(string) { u.startCheck() }
	t.address.OnChanged = t.addressChanged
	if u.state != nil {
		t.address.Text = u.state.Address
	}

	t.addrErr = widget.NewLabel("")
	t.addrErr.Importance = widget.DangerImportance
	t.addrErr.Wrapping = fyne.TextWrapWord
	t.addrErr.Hide()

	t.password = newEscPasswordEntry(u.cancelRun, u.shortcutAction)
	t.password.SetPlaceHolder(i18n.T("gui.password.placeholder"))
	t.password.OnSubmitted = func(string) { u.startCheck() }
	t.password.OnChanged = func(string) { u.passwordChanged() }

	t.check = newRingButton(i18n.T("gui.check"), theme.SearchIcon(), u.startCheck)
	t.check.Importance = widget.HighImportance
	t.stop = widget.NewButtonWithIcon(i18n.T("gui.stop"), theme.MediaStopIcon(), u.cancelRun)
	t.export = widget.NewButtonWithIcon(i18n.T("gui.export"), theme.DocumentSaveIcon(), u.showExport)
	settings := widget.NewButtonWithIcon("", theme.SettingsIcon(), u.showSettings)
	help := widget.NewButtonWithIcon("", theme.HelpIcon(), u.showHelp)

	addrLabel := widget.NewLabelWithStyle(i18n.T("gui.address.label"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	pwLabel := widget.NewLabelWithStyle(i18n.T("gui.password.label"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	appPw := widget.NewButtonWithIcon("", theme.QuestionIcon(), func() { u.showHelpTopic("app_password") })
	appPw.Importance = widget.LowImportance

	// Each column keeps its entry at its own height: an address error
	// grows the address column, never the password field.
	addrCol := container.NewBorder(addrLabel, nil, nil, nil, container.NewVBox(t.address, t.addrErr))
	pwCol := container.NewBorder(container.NewBorder(nil, nil, nil, appPw, pwLabel), nil, nil, nil, container.NewVBox(t.password))
	fields := container.New(&ratioLayout{ratio: 0.62}, addrCol, pwCol)
	buttons := container.NewVBox(layoutSpacer(), container.NewHBox(t.check.obj, t.stop, t.export, settings, help))
	t.obj = container.NewPadded(container.NewBorder(nil, nil, nil, buttons, fields))
	return t
}

// rememberRecent refreshes the drop-down after a check, so an address
// checked in this window is offered at once.
func (t *topBar) rememberRecent(list []string) { t.address.setRecent(append([]string(nil), list...)) }

// addressChanged validates as the person types and cancels a run whose
// address no longer matches what is in the entry.
func (t *topBar) addressChanged(s string) {
	if t.u.running() && !strings.EqualFold(strings.TrimSpace(s), t.u.state.Address) {
		t.u.cancelRun()
	}
	if t.u.sendTestRunning() && !strings.EqualFold(strings.TrimSpace(s), t.u.state.Address) {
		t.u.cancelSendTest()
	}
	t.render() // Export is for the address checked, not another one
	if t.u.summary != nil {
		t.u.renderSummary()
	}
	if strings.TrimSpace(s) == "" {
		t.showError("")
		return
	}
	if _, err := address.Parse(s); err != nil {
		t.showError(i18n.ErrorText(err, i18n.For("")))
		return
	}
	t.showError("")
}

func (t *topBar) showError(msg string) {
	t.addrErr.SetText(msg)
	if msg == "" {
		t.addrErr.Hide()
	} else {
		t.addrErr.Show()
	}
}

// render shows Check or Stop and enables Export when there is something
// to export.
func (t *topBar) render() {
	if t.u.running() {
		t.check.Hide()
		t.stop.Show()
	} else {
		t.stop.Hide()
		t.check.Show()
	}
	if t.u.canExport() {
		t.export.Enable()
	} else {
		t.export.Disable()
	}
}

// escEntry is the address entry: a SelectEntry (its drop-down lists the
// recent addresses) that also cancels the run on Esc and passes the
// window's shortcuts on.
type escEntry struct {
	widget.SelectEntry
	onEscape func()
	shortcut func(fyne.Shortcut) func()
}

func newEscEntry(options []string, onEscape func(), shortcut func(fyne.Shortcut) func()) *escEntry {
	e := &escEntry{onEscape: onEscape, shortcut: shortcut}
	e.ExtendBaseWidget(e)
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.setRecent(options)
	return e
}

// setRecent lists the recent addresses in the drop-down. With none, its
// button is disabled: an empty pop-up is invisible yet swallowed the next
// click and keystrokes (a password once went into the address field).
func (e *escEntry) setRecent(options []string) {
	e.SetOptions(options)
	if b, ok := e.ActionItem.(fyne.Disableable); ok {
		if len(options) == 0 {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// TypedKey implements fyne.Focusable: Esc cancels, the rest is editing.
func (e *escEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		e.onEscape()
		return
	}
	e.SelectEntry.TypedKey(k)
}

// TypedShortcut implements fyne.Shortcutable: window shortcuts first,
// then the entry's own (copy, paste, ...).
func (e *escEntry) TypedShortcut(s fyne.Shortcut) {
	if f := e.shortcut(s); f != nil {
		f()
		return
	}
	e.SelectEntry.TypedShortcut(s)
}

// escPasswordEntry is the password entry (with Fyne's show/hide toggle)
// that also cancels the run on Esc and passes the window's shortcuts on.
type escPasswordEntry struct {
	widget.Entry
	onEscape func()
	shortcut func(fyne.Shortcut) func()
}

func newEscPasswordEntry(onEscape func(), shortcut func(fyne.Shortcut) func()) *escPasswordEntry {
	e := &escPasswordEntry{onEscape: onEscape, shortcut: shortcut}
	e.Password = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey implements fyne.Focusable.
func (e *escPasswordEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}

// TypedShortcut implements fyne.Shortcutable.
func (e *escPasswordEntry) TypedShortcut(s fyne.Shortcut) {
	if f := e.shortcut(s); f != nil {
		f()
		return
	}
	e.Entry.TypedShortcut(s)
}
