package gui

import (
	"time"

	"github.com/postino-mail/postino/assets/i18n"
)

// copyText puts text on the clipboard and says so.
func (u *UI) copyText(text string) {
	u.app.Clipboard().SetContent(text)
	u.notify(i18n.T("gui.copied"))
}

// notifyFor is how long a short message replaces the summary line.
var notifyFor = 3 * time.Second // a var: tests wait less

// notify shows a short message in the summary line for a few seconds;
// then (or at the next update of the run) the summary comes back.
func (u *UI) notify(msg string) {
	if u.summary == nil {
		return
	}
	u.summary.SetText(msg)
	u.notices++
	n, do := u.notices, u.do
	time.AfterFunc(notifyFor, func() {
		do(func() {
			if n == u.notices && u.summary != nil && u.summary.Text == msg {
				u.renderSummary()
			}
		})
	})
}
