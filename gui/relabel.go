package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// setText changes l's text only when it differs: a label refreshes on
// every SetText, and one that truncates with an ellipsis shapes its whole
// text again to find where to cut (most of the window's time rendering a
// finished 24-endpoint check went there).
func setText(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

// setIcon changes i's resource only when it is another one (themed
// resources are new values each time, so they are compared by name).
func setIcon(i *widget.Icon, res fyne.Resource) {
	if i.Resource == nil || res == nil || i.Resource.Name() != res.Name() {
		i.SetResource(res)
	}
}
