package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
)

// helpTopics are the terms a person may not know, explained in plain
// words. Each is gui.help.TOPIC.title / .text.
var helpTopics = []string{"implicit_tls", "starttls", "app_password", "trust", "keyboard"}

// showHelp lists every topic.
func (u *UI) showHelp() {
	box := container.NewVBox()
	for _, t := range helpTopics {
		box.Add(widget.NewLabelWithStyle(i18n.T("gui.help."+t+".title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		l := widget.NewLabel(i18n.T("gui.help." + t + ".text"))
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	scroll := container.NewVScroll(box)
	scroll.SetMinSize(fyne.NewSize(520, 380))
	about := widget.NewButton(i18n.T("release.gui.about.button"), u.showAbout)
	u.showDialog(dialog.NewCustom(i18n.T("gui.help.title"), i18n.T("gui.close"), container.NewBorder(nil, container.NewHBox(about), nil, nil, scroll), u.win))
}

// showHelpTopic explains one term.
func (u *UI) showHelpTopic(topic string) {
	l := widget.NewLabel(i18n.T("gui.help." + topic + ".text"))
	l.Wrapping = fyne.TextWrapWord
	box := container.New(&fixedWidth{w: 420}, l)
	u.showDialog(dialog.NewCustom(i18n.T("gui.help."+topic+".title"), i18n.T("gui.close"), box, u.win))
}
