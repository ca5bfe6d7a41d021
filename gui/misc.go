package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"github.com/postino-mail/postino/assets/i18n"
)

// copyText puts text on the clipboard and says so.
func (u *UI) copyText(text string) {
	u.app.Clipboard().SetContent(text)
	u.notify(i18n.T("gui.copied"))
}

// notify shows a short message in the summary line; it is replaced by
// the next update of the run.
func (u *UI) notify(msg string) {
	if u.summary != nil {
		u.summary.SetText(msg)
	}
}

// installShortcuts registers the window's keyboard shortcuts: Esc cancels
// (when no entry has focus; the entries handle Esc themselves), Ctrl+L
// focuses the address, Ctrl+E exports, Ctrl+, opens the settings, F1
// opens the help.
func (u *UI) installShortcuts() {
	c := u.win.Canvas()
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		switch k.Name {
		case fyne.KeyEscape:
			u.cancelRun()
		case fyne.KeyF1:
			u.showHelp()
		}
	})
	for _, sc := range []struct {
		key fyne.KeyName
		fn  func()
	}{
		{fyne.KeyL, func() { c.Focus(u.top.address) }},
		{fyne.KeyE, u.showExport},
		{fyne.KeyComma, u.showSettings},
		{fyne.KeyReturn, u.startCheck},
	} {
		fn := sc.fn
		c.RemoveShortcut(&desktop.CustomShortcut{KeyName: sc.key, Modifier: fyne.KeyModifierShortcutDefault})
		c.AddShortcut(&desktop.CustomShortcut{KeyName: sc.key, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { fn() })
	}
}

func checkIcon() fyne.Resource     { return theme.SearchIcon() }
func healthIcon() fyne.Resource    { return theme.ListIcon() }
func recommendIcon() fyne.Resource { return theme.ConfirmIcon() }
func detailsIcon() fyne.Resource   { return theme.InfoIcon() }
