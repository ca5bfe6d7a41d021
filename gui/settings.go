package gui

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/input"
)

// timeoutChoices are the per-probe timeouts offered, in seconds.
var timeoutChoices = []int{5, 10, 15, 20, 30, 60}

// showSettings opens the settings form. Saving persists the settings
// and, when the language changed, rebuilds the window in it.
func (u *UI) showSettings() {
	f := newSettingsForm(u.set)
	if u.opts.EnvDNS != "" {
		// An empty field does not mean the system's resolver here.
		f.dns.SetPlaceHolder(i18n.T("window.settings.dns_env", map[string]any{"Server": u.opts.EnvDNS}))
	}
	d := dialog.NewForm(i18n.T("gui.settings.title"), i18n.T("gui.save"), i18n.T("gui.cancel"), f.items(), func(ok bool) {
		if !ok {
			return
		}
		u.applySettings(f.result(u.set))
	}, u.win)
	d.Resize(fyne.NewSize(560, 480))
	u.showDialog(d)
}

// applySettings stores s and re-renders in its language if that changed.
func (u *UI) applySettings(s Settings) {
	langChanged := s.Language != u.set.Language
	u.set = s
	u.set.Save(u.app.Preferences())
	if langChanged {
		if err := u.langFn(s.Language); err != nil {
			fyne.LogError("applying language", err)
		}
		u.rebuild()
	}
}

// settingsForm holds the widgets of the settings dialog.
type settingsForm struct {
	language   *widget.Select
	timeout    *widget.Select
	dns        *widget.Entry
	ispdb      *widget.Entry
	allowHTTP  *widget.Check
	allowPlain *widget.Check
	caFile     *widget.Entry
}

func languageOptions() []string {
	return []string{i18n.T("gui.settings.language.system"), "English", "Italiano"}
}

var languageCodes = []string{"", "en", "it"}

func newSettingsForm(s Settings) *settingsForm {
	f := &settingsForm{}
	f.language = widget.NewSelect(languageOptions(), nil)
	for i, c := range languageCodes {
		if c == s.Language {
			f.language.SetSelectedIndex(i)
		}
	}
	var opts []string
	for _, n := range timeoutChoices {
		opts = append(opts, i18n.T("gui.seconds", map[string]any{"Seconds": strconv.Itoa(n)}))
	}
	f.timeout = widget.NewSelect(opts, nil)
	f.timeout.SetSelectedIndex(1)
	for i, n := range timeoutChoices {
		if time.Duration(n)*time.Second == s.ProbeTimeout {
			f.timeout.SetSelectedIndex(i)
		}
	}
	f.dns = widget.NewEntry()
	f.dns.SetPlaceHolder(i18n.T("gui.settings.dns.placeholder"))
	f.dns.SetText(s.DNSServer)
	f.dns.Validator = validateDNSServer
	f.ispdb = widget.NewEntry()
	f.ispdb.SetPlaceHolder("https://autoconfig.thunderbird.net/v1.1/")
	f.ispdb.SetText(s.ISPDBURL)
	f.ispdb.Validator = validateISPDBURL
	f.allowHTTP = widget.NewCheck(i18n.T("gui.settings.allow_http"), nil)
	f.allowHTTP.SetChecked(s.AllowHTTPAutoconfig)
	f.allowPlain = widget.NewCheck(i18n.T("gui.settings.allow_plain"), nil)
	f.allowPlain.SetChecked(s.AllowPlaintextLogin)
	f.caFile = newCAFileEntry(s.CAFile)
	return f
}

func (f *settingsForm) items() []*widget.FormItem {
	return []*widget.FormItem{
		{Text: i18n.T("gui.settings.language"), Widget: f.language},
		{Text: i18n.T("gui.settings.timeout"), Widget: f.timeout, HintText: i18n.T("gui.settings.timeout.hint")},
		{Text: i18n.T("gui.settings.dns"), Widget: f.dns, HintText: i18n.T("gui.settings.dns.hint")},
		{Text: i18n.T("gui.settings.ispdb"), Widget: f.ispdb, HintText: i18n.T("gui.settings.ispdb.hint")},
		{Text: "", Widget: f.allowHTTP, HintText: i18n.T("gui.settings.allow_http.hint")},
		{Text: "", Widget: f.allowPlain, HintText: i18n.T("gui.settings.allow_plain.hint")},
		{Text: i18n.T("release.gui.settings.ca_file"), Widget: f.caFile, HintText: i18n.T("release.gui.settings.ca_file.hint")},
	}
}

// result returns base with the form's values; recent addresses are kept.
func (f *settingsForm) result(base Settings) Settings {
	s := base
	if i := f.language.SelectedIndex(); i >= 0 {
		s.Language = languageCodes[i]
	}
	if i := f.timeout.SelectedIndex(); i >= 0 {
		s.ProbeTimeout = time.Duration(timeoutChoices[i]) * time.Second
	}
	s.DNSServer = strings.TrimSpace(f.dns.Text)
	s.ISPDBURL = strings.TrimSpace(f.ispdb.Text)
	s.AllowHTTPAutoconfig = f.allowHTTP.Checked
	s.AllowPlaintextLogin = f.allowPlain.Checked
	s.CAFile = strings.TrimSpace(f.caFile.Text)
	return s
}

// validateDNSServer applies the engine's rule for a DNS server
// (input.DNSServer: an IP or host name, optionally with :port), the same
// as --dns.
func validateDNSServer(s string) error {
	_, err := input.DNSServer(s)
	return inputMessage(err)
}

// validateISPDBURL applies the engine's rule for the ISPDB address
// (input.ISPDBURL: https://, or http:// which discovery marks untrusted),
// the same as --ispdb.
func validateISPDBURL(s string) error {
	_, err := input.ISPDBURL(s)
	return inputMessage(err)
}

// inputMessage returns a rule's error with its text in the window's
// language (nil stays nil).
func inputMessage(err error) error {
	var e *input.Error
	if errors.As(err, &e) {
		return errors.New(e.In(i18n.For("")))
	}
	return err
}
