package gui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/postino-mail/postino/assets/i18n"
)

// installShortcuts registers the window's keyboard shortcuts: Esc cancels
// (when no entry has focus; the entries handle Esc themselves), Ctrl+L
// focuses the address, Ctrl+E exports, Ctrl+, opens the settings, F1
// opens the help.
func (u *UI) installShortcuts() {
	c := u.win.Canvas()
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		switch k.Name {
		case fyne.KeyEscape:
			// A dialog open: Esc closes it (dialogs take no focus when
			// they open, so the key reaches the window).
			if !u.closeTopDialog() {
				u.cancelRun()
			}
		case fyne.KeyF1:
			u.showHelp()
		}
	})
	for _, key := range shortcutKeys {
		sc := &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
		c.RemoveShortcut(sc)
		c.AddShortcut(sc, func(s fyne.Shortcut) {
			if f := u.shortcutAction(s); f != nil {
				f()
			}
		})
	}
}

// shortcutKeys are the keys that, with Ctrl (Cmd on macOS), act on the
// whole window.
var shortcutKeys = []fyne.KeyName{fyne.KeyL, fyne.KeyE, fyne.KeyComma, fyne.KeyReturn,
	fyne.Key1, fyne.Key2, fyne.KeyR, fyne.KeyD}

// shortcutAction returns what a window shortcut does, or nil. The
// entries call it too: a focused entry receives every shortcut first,
// and would otherwise swallow Ctrl+E and friends.
func (u *UI) shortcutAction(s fyne.Shortcut) func() {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok || cs.Modifier != fyne.KeyModifierShortcutDefault {
		return nil
	}
	switch cs.KeyName {
	case fyne.KeyL:
		return func() { u.win.Canvas().Focus(u.top.address) }
	case fyne.KeyE:
		return u.showExport
	case fyne.KeyComma:
		return u.showSettings
	case fyne.KeyReturn:
		return u.startCheck
	// Fyne's tabs take no keyboard focus: these reach them.
	case fyne.Key1, fyne.Key2:
		i := 0
		if cs.KeyName == fyne.Key2 {
			i = 1
		}
		return func() {
			if i < len(u.tabs.Items) {
				u.tabs.SelectIndex(i)
				if i == 1 && u.health != nil {
					u.win.Canvas().Focus(u.health.domain)
				}
			}
		}
	case fyne.KeyR:
		return func() { u.tabs.SelectIndex(0); u.side.SelectIndex(0) }
	case fyne.KeyD:
		return func() { u.tabs.SelectIndex(0); u.side.SelectIndex(1); u.win.Canvas().Focus(u.grid.list) }
	}
	return nil
}

// showDialog shows d and remembers it, so Esc closes it.
func (u *UI) showDialog(d dialog.Dialog) {
	u.dialogs = append(u.dialogs, d)
	d.Show()
	u.win.Canvas().Unfocus() // so Esc reaches the window, not a field
}

// showError shows err in a dialog that Esc closes.
func (u *UI) showError(err error) {
	// The engine's errors are codes: say them in the window's language.
	u.showDialog(dialog.NewError(errors.New(i18n.ErrorText(err, i18n.For(""))), u.win))
}

// trackDialog remembers a dialog shown elsewhere, so Esc closes it.
func (u *UI) trackDialog(d dialog.Dialog) { u.dialogs = append(u.dialogs, d) }

// closeTopDialog hides the last dialog still on screen; it reports
// whether there was one. Dialogs closed by their own buttons stay in the
// list, so it hides from the newest down until an overlay goes away.
func (u *UI) closeTopDialog() bool {
	overlays := u.win.Canvas().Overlays()
	if overlays.Top() == nil {
		u.dialogs = nil // all closed by their own buttons
		return false
	}
	before := len(overlays.List())
	for n := len(u.dialogs); n > 0; n-- {
		d := u.dialogs[n-1]
		u.dialogs = u.dialogs[:n-1]
		d.Hide() // a no-op for one already closed
		if len(overlays.List()) < before {
			return true
		}
	}
	return false
}
