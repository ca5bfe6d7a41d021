package gui

import (
	"crypto/x509"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/export"
)

// maxP12Size bounds the signing certificate file read into memory; real
// .p12 files are a few kilobytes.
const maxP12Size = 1 << 20

// canExport reports whether the last run produced settings to export:
// both an incoming and an outgoing recommendation.
func (u *UI) canExport() bool {
	s := u.state
	return s != nil && s.Recommendation != nil && s.Recommendation.Incoming != nil && s.Recommendation.Outgoing != nil &&
		u.addressIsChecked()
}

// exportSettings turns the run's report into what every export format
// takes, the same way the CLI does (detect.Report.ExportSettings). The
// password is included only when asked for (profiles). canExport guards
// every caller, so the report has a pair to export.
func (u *UI) exportSettings(withPassword bool) export.Settings {
	out, _ := u.state.report().ExportSettings("")
	if withPassword {
		out.Password = u.top.password.Text
	}
	return out
}

// addressASCII is the address with its domain in the ASCII form exports
// need.
func addressASCII(display, domain string) string {
	at := strings.LastIndexByte(display, '@')
	if at < 0 || domain == "" {
		return display
	}
	return display[:at+1] + domain
}

// exportFileName is the name the save dialog proposes for a format.
func exportFileName(format, domain, lang string) string {
	switch format {
	case "thunderbird":
		return "config-v1.1.xml"
	case "autodiscover":
		return "autodiscover.xml"
	case "mobileconfig":
		return domain + ".mobileconfig"
	case "text":
		return domain + "-setup-" + lang + ".txt"
	case "markdown":
		return domain + "-setup-" + lang + ".md"
	case "html":
		return domain + "-setup-" + lang + ".html"
	case "dns":
		return domain + ".zone"
	case "json":
		return domain + "-postino.json"
	}
	return domain + "-" + format
}

// exportDialog holds the export window's options.
type exportDialog struct {
	u           *UI
	lang        *widget.Select
	withPass    *widget.Check
	passWarning *widget.Label
	signer      *export.Signer
	signerLabel *widget.Label
	// encryptTo is the device certificate the profile is encrypted to.
	encryptTo    *x509.Certificate
	encryptLabel *widget.Label
	dlg          dialog.Dialog
	// p12Password is the password entry of the .p12 dialog while it is
	// open (tests type into it).
	p12Password *widget.Entry
	p12Form     *dialog.FormDialog
	// webHost is the domain files' web server (optional).
	webHost *widget.Entry
	// domainStatus says why the domain files cannot be written, or
	// where they were written.
	domainStatus *widget.Label
	domainSave   *widget.Button
	// formatRows and profileOptions are kept for the layout tests.
	formatRows     map[string]fyne.CanvasObject
	profileOptions fyne.CanvasObject
}

// showExport opens the export dialog: every format with Save… (and Copy
// for text formats), the instructions' language, and the profile's
// options.
func (u *UI) showExport() {
	if !u.canExport() {
		return
	}
	e := &exportDialog{u: u}
	e.lang = widget.NewSelect([]string{"English", "Italiano"}, nil)
	if i18n.Language() == "it" {
		e.lang.SetSelectedIndex(1)
	} else {
		e.lang.SetSelectedIndex(0)
	}
	e.passWarning = widget.NewLabel(export.PasswordWarning(i18n.Language()))
	e.passWarning.Wrapping = fyne.TextWrapWord
	e.passWarning.Importance = widget.WarningImportance
	e.passWarning.Hide()
	e.withPass = widget.NewCheck(i18n.T("gui.export.include_password"), func(on bool) {
		if on {
			e.passWarning.Show()
		} else {
			e.passWarning.Hide()
		}
	})
	if u.top.password.Text == "" {
		e.withPass.Disable()
	}
	e.signerLabel = widget.NewLabel(i18n.T("gui.export.unsigned"))
	e.signerLabel.Wrapping = fyne.TextWrapWord
	signBtn := widget.NewButtonWithIcon(i18n.T("gui.export.sign"), theme.FileIcon(), e.chooseP12)

	// The profile's options sit right under the profile's own row, so
	// they are read as belonging to it, not to the dialog as a whole.
	e.encryptLabel = widget.NewLabel(i18n.T("domainfiles.gui.unencrypted"))
	e.encryptLabel.Wrapping = fyne.TextWrapWord
	encryptBtn := widget.NewButtonWithIcon(i18n.T("domainfiles.gui.encrypt"), theme.VisibilityOffIcon(), e.chooseDeviceCert)
	profileOptions := container.NewPadded(container.NewVBox(
		e.withPass, e.passWarning, container.NewBorder(nil, nil, signBtn, nil, e.signerLabel),
		container.NewBorder(nil, nil, encryptBtn, nil, e.encryptLabel),
	))
	e.profileOptions = profileOptions
	e.formatRows = map[string]fyne.CanvasObject{}
	rows := container.NewVBox()
	for i, f := range export.Formats() {
		if i > 0 {
			rows.Add(widget.NewSeparator())
		}
		row := e.formatRow(f)
		e.formatRows[f.Name] = row
		rows.Add(row)
		if f.Name == "mobileconfig" {
			rows.Add(profileOptions)
		}
	}
	langRow := container.NewBorder(nil, nil, widget.NewLabel(i18n.T("gui.export.language")), nil, e.lang)
	content := container.NewVScroll(container.NewVBox(langRow, rows, widget.NewSeparator(), e.domainFilesSection()))
	content.SetMinSize(fyne.NewSize(600, 440))
	e.dlg = dialog.NewCustom(i18n.T("gui.export.title"), i18n.T("gui.close"), content, u.win)
	u.exporter = e
	u.showDialog(e.dlg)
}

func (e *exportDialog) language() string {
	if e.lang.SelectedIndex() == 1 {
		return "it"
	}
	return "en"
}

// formatRow is "name — what it is for  [Save…] [Copy]".
func (e *exportDialog) formatRow(f export.Format) fyne.CanvasObject {
	name := widget.NewLabelWithStyle(translated("gui.export.format."+f.Name, f.Name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	desc := widget.NewLabel(translated("gui.export.format."+f.Name+".desc", ""))
	desc.Wrapping = fyne.TextWrapWord
	desc.SizeName = theme.SizeNameCaptionText
	save := widget.NewButtonWithIcon(i18n.T("gui.export.save"), theme.DocumentSaveIcon(), func() { e.save(f) })
	buttons := container.NewHBox(save)
	if f.Name != "mobileconfig" {
		buttons.Add(widget.NewButtonWithIcon(i18n.T("gui.copy"), theme.ContentCopyIcon(), func() { e.copy(f) }))
	}
	text := container.New(&tightVBox{}, name, desc)
	if f.Name == "thunderbird" {
		// What the file cannot carry, said where the file is offered.
		for _, l := range export.ThunderbirdLeftOut(e.u.exportSettings(false)) {
			note := widget.NewLabel(l.Text(i18n.Language()))
			note.Wrapping = fyne.TextWrapWord
			note.SizeName = theme.SizeNameCaptionText
			note.Importance = widget.WarningImportance
			text.Add(note)
		}
	}
	// Centre the buttons so they keep their height next to two lines.
	return container.NewBorder(nil, nil, nil, container.NewCenter(buttons), text)
}

// render produces one format's bytes with the dialog's options.
func (e *exportDialog) render(f export.Format) ([]byte, error) {
	opts := export.Options{Lang: e.language()}
	withPass := f.Password && e.withPass.Checked
	opts.IncludePassword = withPass
	if f.Signable {
		opts.Signer = e.signer
	}
	if f.Name == "mobileconfig" {
		opts.EncryptTo = e.encryptTo
	}
	if f.Name == "json" && e.u.state.Report != nil {
		opts.Report = e.u.state.Report.In(i18n.For(e.language()))
	}
	return f.Export(e.u.exportSettings(withPass), opts)
}

func (e *exportDialog) copy(f export.Format) {
	data, err := e.render(f)
	if err != nil {
		dialog.ShowError(exportError(err), e.u.win)
		return
	}
	e.u.copyText(string(data))
}

// save asks where to write the file, proposing a sensible name.
func (e *exportDialog) save(f export.Format) {
	data, err := e.render(f)
	if err != nil {
		dialog.ShowError(exportError(err), e.u.win)
		return
	}
	withPass := f.Password && e.withPass.Checked
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(exportError(err), e.u.win)
			return
		}
		if w == nil {
			return // cancelled
		}
		if werr := writeSaved(w, data, withPass); werr != nil {
			dialog.ShowError(exportError(werr), e.u.win)
			return
		}
		e.u.notify(i18n.T("gui.export.saved", map[string]any{"Name": w.URI().Name()}))
	}, e.u.win)
	d.SetFileName(exportFileName(f.Name, e.u.state.Domain, e.language()))
	if f.Ext != "" {
		d.SetFilter(storage.NewExtensionFileFilter([]string{f.Ext}))
	}
	d.Show()
}

// loadP12 makes the certificate and key in a .p12 file the profile's
// signer.
func (e *exportDialog) loadP12(data []byte, password string) error {
	s, err := export.LoadSigner(data, password)
	if err != nil {
		return err
	}
	e.signer = s
	e.signerLabel.SetText(i18n.T("gui.export.signed_by", map[string]any{"Subject": s.Subject()}))
	return nil
}

// chooseP12 loads a signing certificate and asks for its password.
func (e *exportDialog) chooseP12() {
	e.openSmallFile([]string{".p12", ".pfx"}, func(data []byte) error {
		e.askP12Password(data)
		return nil
	})
}

// openSmallFile lets the person pick a file with one of exts and hands
// its bytes (at most maxP12Size: certificates and keys are small) to
// use; an error from reading or from use is shown.
func (e *exportDialog) openSmallFile(exts []string, use func([]byte) error) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(exportError(err), e.u.win)
			return
		}
		if r == nil {
			return
		}
		data, err := io.ReadAll(io.LimitReader(r, maxP12Size+1))
		r.Close()
		if err == nil && len(data) > maxP12Size {
			err = errors.New(i18n.T("gui.export.p12_too_large"))
		}
		if err == nil {
			err = use(data)
		}
		if err != nil {
			dialog.ShowError(exportError(err), e.u.win)
		}
	}, e.u.win)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	d.Show()
}

// p12EntryWidth is room for a long password with its reveal button.
const p12EntryWidth = 280

// minWidth lays out one object at full size but asks for at least w
// points of width, so an entry in a form dialog (which sizes its fields
// to their minimum) keeps a width one can type into whatever the window
// does to the dialog later.
type minWidth struct{ w float32 }

func (m minWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	size := fyne.NewSize(m.w, 0)
	for _, o := range objects {
		size = size.Max(o.MinSize())
	}
	return size
}

func (m minWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// askP12Password asks for the .p12 file's password in a form wide enough
// to type in (a bare form dialog sizes the entry to its empty text), with
// the cursor already in the field and Enter to confirm.
func (e *exportDialog) askP12Password(data []byte) {
	pw := widget.NewPasswordEntry()
	pw.SetPlaceHolder(i18n.T("domainfiles.gui.p12_placeholder"))
	d := dialog.NewForm(i18n.T("gui.export.p12_password"), i18n.T("gui.ok"), i18n.T("gui.cancel"),
		[]*widget.FormItem{{Text: i18n.T("gui.password.label"), Widget: container.New(minWidth{p12EntryWidth}, pw)}},
		func(ok bool) {
			e.p12Password, e.p12Form = nil, nil
			if !ok {
				return
			}
			if err := e.loadP12(data, pw.Text); err != nil {
				dialog.ShowError(exportError(err), e.u.win)
			}
		}, e.u.win)
	pw.OnSubmitted = func(string) { d.Submit() }
	e.p12Password, e.p12Form = pw, d
	d.Show()
	e.u.win.Canvas().Focus(pw)
}

// domainFilesSection offers the files an administrator publishes for the
// whole domain (export.DomainFiles), from the servers that passed the
// check with a verified certificate only.
func (e *exportDialog) domainFilesSection() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(i18n.T("domainfiles.gui.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	desc := widget.NewLabel(i18n.T("domainfiles.gui.desc"))
	desc.Wrapping = fyne.TextWrapWord
	desc.SizeName = theme.SizeNameCaptionText
	e.webHost = widget.NewEntry()
	e.webHost.SetPlaceHolder(i18n.T("domainfiles.gui.web_host_placeholder"))
	e.domainStatus = widget.NewLabel("")
	e.domainStatus.Wrapping = fyne.TextWrapWord
	e.domainStatus.Hide()
	e.domainSave = widget.NewButtonWithIcon(i18n.T("domainfiles.gui.save"), theme.FolderOpenIcon(), e.chooseDomainFolder)
	if _, err := e.u.state.report().DomainSettings(); err != nil {
		e.domainSave.Disable()
		e.domainStatus.SetText(i18n.T("domainfiles.gui.not_verified"))
		e.domainStatus.Importance = widget.WarningImportance
		e.domainStatus.Show()
	}
	hostRow := container.NewBorder(nil, nil, widget.NewLabel(i18n.T("domainfiles.gui.web_host")), nil, e.webHost)
	return container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewCenter(e.domainSave), container.New(&tightVBox{}, title, desc)),
		hostRow, e.domainStatus,
	)
}

// domainFiles makes the tree with the dialog's language and web host.
func (e *exportDialog) domainFiles() ([]export.File, error) {
	s, err := e.u.state.report().DomainSettings()
	if err != nil {
		return nil, errors.New(i18n.T("domainfiles.gui.not_verified"))
	}
	return export.DomainFiles(s, export.DomainFilesOptions{Lang: e.language(), WebHost: strings.TrimSpace(e.webHost.Text)})
}

func (e *exportDialog) chooseDomainFolder() {
	files, err := e.domainFiles()
	if err != nil {
		dialog.ShowError(exportError(err), e.u.win)
		return
	}
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			dialog.ShowError(exportError(err), e.u.win)
			return
		}
		if dir == nil {
			return // cancelled
		}
		if dir.Scheme() != "file" {
			dialog.ShowError(errors.New(i18n.T("domainfiles.gui.not_local")), e.u.win)
			return
		}
		e.writeDomainFiles(dir.Path(), files, false)
	}, e.u.win)
	d.Show()
}

// writeDomainFiles writes the tree under dir, asking first when it would
// replace files that are already there.
func (e *exportDialog) writeDomainFiles(dir string, files []export.File, replace bool) {
	if !replace {
		var existing []string
		for _, f := range files {
			if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(f.Path))); err == nil {
				existing = append(existing, f.Path)
			}
		}
		if len(existing) > 0 {
			dialog.ShowConfirm(i18n.T("domainfiles.gui.replace_title"),
				i18n.T("domainfiles.gui.replace", map[string]any{"Files": strings.Join(existing, ", ")}),
				func(ok bool) {
					if ok {
						e.writeDomainFiles(dir, files, true)
					}
				}, e.u.win)
			return
		}
	}
	if err := export.WriteTree(dir, files); err != nil {
		dialog.ShowError(exportError(err), e.u.win)
		return
	}
	e.domainStatus.Importance = widget.SuccessImportance
	e.domainStatus.SetText(i18n.T("domainfiles.gui.wrote", map[string]any{"Count": len(files), "Dir": dir, "Readme": export.DomainFileReadme}))
	e.domainStatus.Show()
	e.u.notify(i18n.T("domainfiles.gui.wrote", map[string]any{"Count": len(files), "Dir": dir, "Readme": export.DomainFileReadme}))
}

// loadDeviceCert makes the certificate in data (PEM or DER) the one the
// profile is encrypted to.
func (e *exportDialog) loadDeviceCert(data []byte) error {
	cert, err := export.LoadEncryptionCert(data)
	if err != nil {
		return err
	}
	e.encryptTo = cert
	e.encryptLabel.SetText(i18n.T("domainfiles.gui.encrypted_for", map[string]any{"Subject": cert.Subject.String()}))
	return nil
}

// chooseDeviceCert asks for the device certificate to encrypt to.
func (e *exportDialog) chooseDeviceCert() {
	e.openSmallFile([]string{".pem", ".crt", ".cer", ".der"}, e.loadDeviceCert)
}

// exportError is err with the export package's words in the window's
// language: export returns codes and data (*export.Error), not text.
func exportError(err error) error { return errors.New(i18n.ErrorText(err, i18n.For(""))) }
