package gui

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/batch"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/export"
	"github.com/postino-mail/postino/gui/backend"
)

// BatchEngine and BatchRequest are the Batch tab's side of the engine
// contract (gui/backend).
type (
	BatchEngine  = backend.BatchEngine
	BatchRequest = backend.BatchRequest
)

// batchState is what the Batch tab shows; it outlives a rebuild of the
// window (a language change). Touched on the Fyne thread only.
type batchState struct {
	listPath string
	list     *batch.List
	rows     []batchRow // the list's rows, in line order
	listErr  string

	output  string
	formats []string
	force   bool
	health  bool

	// gen is the generation of the last run (u.brun): a rebuilt view
	// keeps rendering it, and a run the window left is not.
	gen      int
	running  bool
	progress batch.Progress
	domains  []batchDomain
	byDomain map[string]int
	report   *batch.Report
	err      string
}

// batchRow is one row of the list as parsed: a user, or a rejected row
// and why.
type batchRow struct {
	line   int
	text   string
	reason string
}

// batchDomain is one domain's line in the table.
type batchDomain struct {
	name    string
	users   int
	started bool
	report  *batch.DomainReport
}

// batchView is the Batch tab: the list and its parsed rows, the formats
// and the output folder, a Run and a Stop button, a progress bar and a
// table of domains with their live status, and, when done, buttons that
// open the report and the folder.
type batchView struct {
	u   *UI
	s   *batchState
	obj fyne.CanvasObject

	listEntry   *widget.Entry
	intro       *widget.Label
	parsed      *widget.Label
	rowsList    *widget.List
	formats     []*widget.Check
	output      *widget.Entry
	force       *widget.Check
	health      *widget.Check
	run, stop   *widget.Button
	openReport  *widget.Button
	openFolder  *widget.Button
	bar         *widget.ProgressBar
	status      *widget.Label
	domainsList *widget.List
	// redraws counts the batches of events rendered (tests: one per
	// frame, not one per event).
	redraws int
}

func newBatchView(u *UI, prev *batchView) *batchView {
	v := &batchView{u: u, s: &batchState{formats: append([]string{}, batch.DefaultFormats...)}}
	if prev != nil {
		v.s = prev.s
	}
	s := v.s

	v.listEntry = widget.NewEntry()
	v.listEntry.SetPlaceHolder(i18n.T("batch.gui.list.placeholder"))
	v.listEntry.SetText(s.listPath)
	v.listEntry.OnSubmitted = func(p string) { v.loadFile(strings.TrimSpace(p)) }
	choose := widget.NewButtonWithIcon(i18n.T("batch.gui.list.choose"), theme.FolderOpenIcon(), v.chooseList)
	v.parsed = widget.NewLabel("")
	v.parsed.Wrapping = fyne.TextWrapWord

	v.rowsList = v.newRowsList()

	// The formats in a grid of four columns: in one row they would make
	// the window wider than a laptop screen.
	formatGrid := container.NewGridWithColumns(4)
	for _, f := range export.Formats() {
		c := widget.NewCheck(f.Name, nil)
		c.SetChecked(contains(s.formats, f.Name))
		c.OnChanged = func(bool) { v.formatsChanged() }
		v.formats = append(v.formats, c)
		formatGrid.Add(c)
	}

	v.output = widget.NewEntry()
	v.output.SetPlaceHolder(i18n.T("batch.gui.output.placeholder"))
	v.output.SetText(s.output)
	v.output.OnChanged = func(t string) { v.s.output = strings.TrimSpace(t); v.renderButtons() }
	chooseOut := widget.NewButtonWithIcon(i18n.T("batch.gui.output.choose"), theme.FolderIcon(), v.chooseOutput)
	v.force = widget.NewCheck(i18n.T("batch.gui.force"), func(b bool) { v.s.force = b })
	v.force.SetChecked(s.force)
	v.health = widget.NewCheck(i18n.T("batch.gui.health"), func(b bool) { v.s.health = b })
	v.health.SetChecked(s.health)

	v.run = widget.NewButtonWithIcon(i18n.T("batch.gui.run"), theme.MediaPlayIcon(), v.start)
	v.run.Importance = widget.HighImportance
	v.stop = widget.NewButtonWithIcon(i18n.T("batch.gui.stop"), theme.MediaStopIcon(), v.cancel)
	v.openReport = widget.NewButtonWithIcon(i18n.T("batch.gui.open_report"), theme.DocumentIcon(), func() { v.open(batch.ReportHTML) })
	v.openFolder = widget.NewButtonWithIcon(i18n.T("batch.gui.open_folder"), theme.FolderOpenIcon(), func() { v.open("") })
	v.bar = widget.NewProgressBar()
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord

	v.domainsList = v.newDomainsList()

	label := func(key string) *widget.Label {
		return widget.NewLabelWithStyle(i18n.T(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	form := container.New(layoutForm(),
		label("batch.gui.list"), container.NewBorder(nil, nil, nil, choose, v.listEntry),
		label("batch.gui.formats"), formatGrid,
		label("batch.gui.output"), container.NewBorder(nil, nil, nil, chooseOut, v.output),
		widget.NewLabel(""), container.NewHBox(v.force, v.health),
	)
	actions := container.NewHBox(v.run, v.stop, v.openReport, v.openFolder)
	bottom := container.NewVBox(container.NewBorder(nil, nil, actions, nil, v.bar), v.status)
	// Before a list is chosen, its place explains what to choose.
	v.intro = hintLabel(i18n.T("batch.gui.intro"))
	left := container.NewBorder(heading(i18n.T("batch.gui.rows")), nil, nil, nil,
		container.NewStack(container.NewVBox(v.intro), v.rowsList))
	right := container.NewBorder(heading(i18n.T("batch.gui.domains")), nil, nil, nil, v.domainsList)
	split := container.NewHSplit(left, right)
	split.Offset = 0.45
	v.obj = container.NewBorder(container.NewPadded(form), container.NewPadded(bottom), nil, nil, split)

	u.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { v.dropped(uris) })
	v.render()
	return v
}

// newRowsList lists the list's rows: each accepted user, or why a row
// was skipped.
func (v *batchView) newRowsList() *widget.List {
	return widget.NewList(
		func() int { return len(v.s.rows) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, widget.NewIcon(theme.ConfirmIcon()), nil, widget.NewLabel(""))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(v.s.rows) {
				return
			}
			r := v.s.rows[id]
			c := o.(*fyne.Container)
			l, icon := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Icon)
			l.Truncation = fyne.TextTruncateEllipsis
			text, imp := fmt.Sprintf("%d  %s", r.line, r.text), widget.MediumImportance
			var res fyne.Resource = theme.NewSuccessThemedResource(theme.ConfirmIcon())
			if r.reason != "" {
				text, imp, res = r.reason, widget.DangerImportance, theme.NewErrorThemedResource(theme.ErrorIcon())
			}
			// One refresh, and none when nothing changed: an ellipsis
			// label shapes its whole text at each (see setText).
			if l.Text != text || l.Importance != imp {
				l.Text, l.Importance = text, imp
				l.Refresh()
			}
			setIcon(icon, res)
		})
}

// newDomainsList lists the batch's domains with their state.
func (v *batchView) newDomainsList() *widget.List {
	return widget.NewList(
		func() int { return len(v.s.domains) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, widget.NewIcon(theme.MediaPauseIcon()), nil, widget.NewLabel(""))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(v.s.domains) {
				return
			}
			c := o.(*fyne.Container)
			l, icon := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Icon)
			l.Truncation = fyne.TextTruncateEllipsis
			text, res := domainLine(v.s.domains[id])
			setText(l, text)
			setIcon(icon, res)
		})
}

// layoutForm is a two-column form: labels, then their fields.
func layoutForm() fyne.Layout { return &formLayout{} }

type formLayout struct{}

func (formLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var lw, fw, h float32
	for i := 0; i+1 < len(objs); i += 2 {
		a, b := objs[i].MinSize(), objs[i+1].MinSize()
		lw, fw = max(lw, a.Width), max(fw, b.Width)
		h += max(a.Height, b.Height) + theme.Padding()
	}
	return fyne.NewSize(lw+theme.Padding()+fw, h)
}

func (formLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var lw float32
	for i := 0; i+1 < len(objs); i += 2 {
		lw = max(lw, objs[i].MinSize().Width)
	}
	var y float32
	for i := 0; i+1 < len(objs); i += 2 {
		h := max(objs[i].MinSize().Height, objs[i+1].MinSize().Height)
		objs[i].Move(fyne.NewPos(0, y))
		objs[i].Resize(fyne.NewSize(lw, h))
		objs[i+1].Move(fyne.NewPos(lw+theme.Padding(), y))
		objs[i+1].Resize(fyne.NewSize(size.Width-lw-theme.Padding(), h))
		y += h + theme.Padding()
	}
}

// domainLine is a domain's text and icon in the table.
func domainLine(d batchDomain) (string, fyne.Resource) {
	users := i18n.T("batch.gui.users", map[string]any{"Count": d.users})
	// (a label, not a plural: "users: 1" reads right in both languages)
	if d.report == nil {
		if d.started {
			return fmt.Sprintf("%s (%s) — %s", d.name, users, i18n.T("batch.gui.domain.checking")), theme.NewPrimaryThemedResource(theme.SearchIcon())
		}
		return fmt.Sprintf("%s (%s) — %s", d.name, users, i18n.T("batch.gui.domain.waiting")), theme.NewDisabledResource(theme.MediaPauseIcon())
	}
	r := d.report
	text := fmt.Sprintf("%s (%s) — %s", d.name, users, i18n.T("batch.domain."+string(r.Status)))
	if r.Incoming != nil && r.Outgoing != nil {
		text += fmt.Sprintf(": %s:%d, %s:%d", r.Incoming.Host, r.Incoming.Port, r.Outgoing.Host, r.Outgoing.Port)
	} else if len(r.Problems) > 0 {
		text += ": " + r.Problems[0].Explanation
	}
	if r.Status == batch.DomainOK {
		return text, theme.NewSuccessThemedResource(theme.ConfirmIcon())
	}
	return text, theme.NewErrorThemedResource(theme.ErrorIcon())
}

// chooseList opens a file dialog for the user list.
func (v *batchView) chooseList() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			v.u.showError(err)
			return
		}
		if r == nil {
			return
		}
		r.Close()
		v.loadFile(r.URI().Path())
	}, v.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".txt", ".tsv"}))
	v.u.trackDialog(d)
	d.Show()
}

// dropped loads the first local file dropped on the window, and shows
// the Batch tab.
func (v *batchView) dropped(uris []fyne.URI) {
	for _, uri := range uris {
		if uri.Scheme() == "file" {
			for _, item := range v.u.tabs.Items {
				if item.Content == v.obj {
					v.u.tabs.Select(item)
				}
			}
			v.loadFile(uri.Path())
			return
		}
	}
}

// loadFile reads and parses a user list; its rows, and the bad ones with
// their reason, show before anything runs.
func (v *batchView) loadFile(path string) {
	s := v.s
	if s.running || path == "" {
		return
	}
	s.listPath, s.list, s.rows, s.listErr = path, nil, nil, ""
	s.report, s.err, s.domains, s.progress = nil, "", nil, batch.Progress{}
	f, err := os.Open(path)
	if err == nil {
		s.list, err = batch.Parse(f)
		f.Close()
	}
	if err != nil {
		s.listErr = i18n.ErrorText(err, i18n.For(""))
		if ie := (*batch.InputError)(nil); errors.As(err, &ie) {
			s.listErr = ie.In(i18n.For(""))
		}
		v.render()
		return
	}
	for _, u := range s.list.Users {
		text := u.Address.String()
		if u.Name != "" {
			text += " — " + u.Name
		}
		s.rows = append(s.rows, batchRow{line: u.Line, text: text})
	}
	for _, r := range s.list.Rejected {
		s.rows = append(s.rows, batchRow{line: r.Line, text: r.Value, reason: r.In(i18n.For(""))})
	}
	sort.SliceStable(s.rows, func(i, j int) bool { return s.rows[i].line < s.rows[j].line })
	s.byDomain = map[string]int{}
	for _, u := range s.list.Users {
		d := strings.ToLower(u.Address.Domain)
		i, ok := s.byDomain[d]
		if !ok {
			i = len(s.domains)
			s.byDomain[d] = i
			s.domains = append(s.domains, batchDomain{name: d})
		}
		s.domains[i].users++
	}
	if s.output == "" {
		s.output = filepath.Join(filepath.Dir(path), strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))+"-postino")
		v.output.SetText(s.output)
	}
	v.render()
}

// chooseOutput opens a folder dialog for the output folder.
func (v *batchView) chooseOutput() {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			v.u.showError(err)
			return
		}
		if dir != nil {
			v.output.SetText(dir.Path())
		}
	}, v.u.win)
	v.u.trackDialog(d)
	d.Show()
}

// start runs the batch on the engine as a task (u.brun): its events
// reach the window coalesced, at most one fyne.Do per frame, however
// many domains a long list finishes at once.
func (v *batchView) start() {
	s := v.s
	if s.running || s.list == nil || len(s.list.Users) == 0 || s.output == "" || len(s.formats) == 0 {
		return
	}
	s.running, s.report, s.err = true, nil, ""
	s.progress = batch.Progress{Domains: len(s.domains), Users: len(s.list.Users)}
	for i := range s.domains {
		s.domains[i].started, s.domains[i].report = false, nil
	}
	req := BatchRequest{List: s.list, Output: s.output, Formats: append([]string{}, s.formats...),
		Force: s.force, Health: s.health, Lang: i18n.Language(), Settings: v.u.set.engineSettings()}
	u := v.u
	engine := u.opts.Batch
	// Written by the work before it returns, read by ended after it: the
	// task's last fyne.Do orders the two.
	var rep *batch.Report
	var err error
	s.gen = u.brun.start(func(r taskRun) {
		rep, err = engine.Batch(r.Ctx, req, r.Sink)
	}, func(gen int, evs []event.Event) {
		// u.batch, not v: a language change rebuilds the view mid-run.
		u.batch.handleBatch(gen, evs)
	}, func(gen int, _, _ bool) {
		u.batch.finished(gen, rep, err)
	})
	v.render()
}

// cancel stops the running batch; what finished is kept, and the
// engine's report of the cancelled run is shown.
func (v *batchView) cancel() { v.u.brun.interrupt() }

// handleBatch applies the events of one frame and redraws once: the
// domains that changed, and the progress line.
func (v *batchView) handleBatch(gen int, evs []event.Event) {
	s := v.s
	if gen != s.gen {
		return
	}
	changed := map[int]bool{}
	progress := false
	for _, ev := range evs {
		switch e := ev.(type) {
		case batch.DomainStarted:
			if i, ok := s.byDomain[e.Domain]; ok {
				s.domains[i].started = true
				changed[i] = true
			}
		case batch.DomainFinished:
			if i, ok := s.byDomain[e.Domain.Domain]; ok {
				d := e.Domain
				s.domains[i].report = &d
				changed[i] = true
			}
		case batch.Progress:
			s.progress = e
			progress = true
		}
	}
	v.redraws++
	// Refreshing a few rows is cheaper than the list; many rows (a
	// backlog of a long list) are one list refresh.
	if len(changed) > 16 {
		v.domainsList.Refresh()
	} else {
		for i := range changed {
			v.domainsList.RefreshItem(i)
		}
	}
	if progress {
		v.renderProgress()
	}
}

// finished takes in the run's end: its report, or why it failed. It
// runs whether the window stopped the run or the engine was done.
func (v *batchView) finished(gen int, rep *batch.Report, err error) {
	s := v.s
	if gen != s.gen {
		return
	}
	s.running = false
	s.report = rep
	if err != nil {
		s.err = i18n.ErrorText(err, i18n.For(""))
	}
	if rep != nil {
		s.progress.UsersDone, s.progress.DomainsDone = rep.Summary.Users, rep.Summary.Domains
		s.progress.EndpointsProbed = rep.EndpointsProbed
		for _, d := range rep.Domains {
			if i, ok := s.byDomain[d.Domain]; ok {
				d := d
				s.domains[i].report = &d
			}
		}
	}
	v.render()
}

// open shows the report (or the folder, for "") with the system's
// viewer.
func (v *batchView) open(name string) {
	p := v.s.output
	if name != "" {
		p = filepath.Join(p, name)
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	u, err := url.Parse(storage.NewFileURI(p).String())
	if err == nil {
		err = v.u.openURL(u)
	}
	if err != nil {
		v.u.showError(err)
	}
}

func (v *batchView) render() {
	s := v.s
	switch {
	case s.listErr != "":
		v.parsed.SetText(s.listErr)
		v.parsed.Importance = widget.DangerImportance
	case s.list != nil:
		text := i18n.T("batch.gui.parsed", map[string]any{"Users": len(s.list.Users), "Domains": len(s.domains), "Rejected": len(s.list.Rejected)})
		if c := s.list.IgnoredPasswordColumn; c != "" {
			text += " " + i18n.T("batch.password_column", map[string]any{"Column": c})
		}
		v.parsed.SetText(text)
		v.parsed.Importance = widget.MediumImportance
		if len(s.list.Rejected) > 0 {
			v.parsed.Importance = widget.WarningImportance
		}
	default:
		v.parsed.SetText(i18n.T("batch.gui.no_list"))
		v.parsed.Importance = widget.MediumImportance
	}
	v.parsed.Refresh()
	if s.list != nil {
		v.intro.Hide()
		v.rowsList.Show()
	} else {
		v.intro.Show()
		v.rowsList.Hide()
	}
	v.rowsList.Refresh()
	v.domainsList.Refresh()
	v.renderProgress()
	v.renderButtons()
}

func (v *batchView) renderProgress() {
	s := v.s
	p := s.progress
	if p.Users > 0 {
		v.bar.SetValue(float64(p.UsersDone) / float64(p.Users))
	} else {
		v.bar.SetValue(0)
	}
	var text string
	switch {
	case s.err != "":
		text = s.err
	case s.running:
		text = i18n.T("batch.cli.progress", map[string]any{
			"DomainsDone": p.DomainsDone, "Domains": p.Domains, "UsersDone": p.UsersDone, "Users": p.Users, "Endpoints": p.EndpointsProbed,
		})
		if eta := p.ETA(); eta > 0 {
			text += " · " + i18n.T("batch.cli.eta", map[string]any{"Seconds": int(eta.Round(time.Second).Seconds())})
		}
	case s.report != nil:
		text = i18n.T("batch.report.summary", s.report.Summary)
		if s.report.Canceled {
			text += " " + i18n.T("batch.report.canceled")
		}
	default: // idle: what the list holds, or why it cannot be used
		v.status.Importance = v.parsed.Importance
		v.status.SetText(v.parsed.Text)
		return
	}
	v.status.Importance = widget.MediumImportance
	v.status.SetText(text)
}

func (v *batchView) renderButtons() {
	if v.run == nil || v.openFolder == nil {
		return // still being built: the field callbacks fire on SetText
	}
	s := v.s
	ready := !s.running && s.list != nil && len(s.list.Users) > 0 && s.output != "" && len(s.formats) > 0
	setEnabled(v.run, ready)
	setEnabled(v.stop, s.running)
	setEnabled(v.openReport, !s.running && s.report != nil)
	setEnabled(v.openFolder, !s.running && s.report != nil)
	for _, w := range append([]fyne.Disableable{v.listEntry, v.output}, checksOf(v.formats)...) {
		if s.running {
			w.Disable()
		} else {
			w.Enable()
		}
	}
}

// formatsChanged records the ticked formats, in the order of the menu.
func (v *batchView) formatsChanged() {
	v.s.formats = nil
	for _, c := range v.formats {
		if c.Checked {
			v.s.formats = append(v.s.formats, c.Text)
		}
	}
	v.renderButtons()
}

func checksOf(cs []*widget.Check) []fyne.Disableable {
	out := make([]fyne.Disableable, len(cs))
	for i, c := range cs {
		out[i] = c
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func batchIcon() fyne.Resource { return theme.StorageIcon() }
