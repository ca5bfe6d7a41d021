package gui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/buildinfo"
	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/input"
)

// newCAFileEntry is the settings entry for an extra CA file (what the
// CLI's --ca-file does): a path, checked to hold a certificate before
// it can be saved, so a typo cannot turn every server "untrusted".
func newCAFileEntry(path string) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder(i18n.T("release.gui.settings.ca_file.placeholder"))
	e.SetText(path)
	e.Validator = validateCAFile
	return e
}

// validateCAFile accepts "" or a readable file holding at least one
// certificate (PEM or DER).
func validateCAFile(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if _, err := input.ReadCAFile(s); err != nil {
		if errors.Is(err, input.ErrNoCertificate) {
			return errors.New(i18n.T("release.gui.settings.ca_file.no_cert"))
		}
		return errors.New(i18n.T("release.gui.settings.ca_file.unreadable"))
	}
	return nil
}

// aboutText is what the About box says: the same version, commit and Go
// version as `postino --version`, for a support request.
func aboutText(info buildinfo.Info) string {
	return i18n.T("release.gui.about.text", map[string]any{
		"Version":  info.Version,
		"Commit":   info.Commit,
		"Go":       info.GoVersion,
		"Platform": info.Platform,
	})
}

// showAbout opens the About box.
func (u *UI) showAbout() {
	info := buildinfo.Get()
	title := widget.NewLabelWithStyle("Postino "+info.Version, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	body := widget.NewLabel(aboutText(info))
	body.Wrapping = fyne.TextWrapWord
	details := widget.NewLabel(info.String())
	details.Selectable = true // to copy it into a support request
	details.Wrapping = fyne.TextWrapBreak
	box := container.New(&fixedWidth{w: 460}, container.NewVBox(title, body, details))
	u.showDialog(dialog.NewCustom(i18n.T("release.gui.about.title"), i18n.T("gui.close"), box, u.win))
}
