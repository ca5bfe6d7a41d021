package gui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/health"
	"github.com/postino-mail/postino/detect/input"
)

// parseSelectors reads the selector field (names separated by commas,
// semicolons or spaces) with the engine's rule, the same as
// --dkim-selector: a malformed name or more than input.MaxDKIMSelectors
// is an error in the window's language.
func parseSelectors(text string) ([]string, error) {
	sel, err := input.DKIMSelectors(text)
	return sel, inputMessage(err)
}

// healthView is the Health tab: a domain, a Check button and one card per
// check with its verdict (icon and word), explanation, remedy, details
// and the records read.
type healthView struct {
	u      *UI
	obj    fyne.CanvasObject
	domain *widget.Entry
	// selector is the optional DKIM selector field.
	selector *widget.Entry
	run      *widget.Button
	status   *widget.Label
	body     *fyne.Container
	// spinners are stopped before every re-render (see sourcesView).
	spinners spinners
}

// healthState is one health run, touched on the Fyne thread only.
type healthState struct {
	domain    string
	selectors []string
	names     []string
	checks    map[string]health.Check
	running   bool
	err       string
}

func newHealthView(u *UI) *healthView {
	v := &healthView{u: u, body: container.NewVBox()}
	v.domain = widget.NewEntry()
	v.domain.SetPlaceHolder("example.com")
	if u.state != nil {
		v.domain.SetText(u.state.Domain)
	}
	if u.hstate != nil {
		v.domain.SetText(u.hstate.domain)
	}
	v.domain.OnSubmitted = func(string) { u.startHealth() }
	v.selector = widget.NewEntry()
	v.selector.SetPlaceHolder(i18n.T("gui.health.selector.placeholder"))
	v.selector.OnSubmitted = func(string) { u.startHealth() }
	if u.hstate != nil {
		v.selector.SetText(strings.Join(u.hstate.selectors, ", "))
	}
	v.run = widget.NewButtonWithIcon(i18n.T("gui.health.run"), theme.SearchIcon(), u.startHealth)
	v.run.Importance = widget.HighImportance
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	intro := hintLabel(i18n.T("gui.health.intro"))
	selector := container.NewBorder(nil, nil, widget.NewLabel(i18n.T("gui.health.selector")), nil,
		container.New(&fixedWidth{w: 170}, v.selector))
	top := container.NewVBox(intro, container.NewBorder(nil, nil,
		widget.NewLabelWithStyle(i18n.T("gui.health.domain"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(selector, v.run), v.domain), v.status)
	v.obj = container.NewBorder(container.NewPadded(top), nil, nil, nil, container.NewVScroll(v.body))
	v.render()
	return v
}

// startHealth runs the checks for the domain in the entry (or the
// address's domain), cancelling a previous health run.
func (u *UI) startHealth() {
	d, err := health.Domain(u.health.domain.Text)
	if err != nil {
		u.hstate = &healthState{err: i18n.T("gui.health.bad_domain")}
		u.health.render()
		return
	}
	selectors, err := parseSelectors(u.health.selector.Text)
	if err != nil {
		u.hstate = &healthState{err: i18n.ErrorText(err, i18n.For(""))}
		u.health.render()
		return
	}
	u.hstate = &healthState{domain: d, selectors: selectors, checks: map[string]health.Check{}, running: true}
	req := HealthRequest{Domain: d, DKIMSelectors: selectors, Settings: u.set.engineSettings()}
	u.hrun.start(func(r taskRun) {
		u.opts.Health.Health(r.Ctx, req, r.Sink)
	}, u.handleHealth, func(_ int, current, _ bool) {
		if current {
			u.hstate.running = false
			u.health.render()
		}
	})
	u.health.render()
}

// handleHealth applies a batch of health events and redraws once.
func (u *UI) handleHealth(_ int, batch []event.Event) {
	for _, ev := range batch {
		switch e := ev.(type) {
		case health.Started:
			u.hstate.names = e.Checks
		case health.CheckDone:
			u.hstate.checks[e.Check.Name] = e.Check
		case EngineError:
			u.hstate.err = e.Err.Error()
		case health.Finished:
			if e.Report != nil {
				for _, c := range e.Report.Checks {
					u.hstate.checks[c.Name] = c
				}
			}
			u.hstate.running = false
		}
	}
	u.health.render()
}

func (v *healthView) render() {
	v.spinners.stop()
	v.body.RemoveAll()
	s := v.u.hstate
	if v.u.health == nil {
		return
	}
	switch {
	case s == nil:
		v.status.SetText("")
	case s.err != "":
		v.status.SetText(s.err)
	case s.running:
		v.status.SetText(i18n.T("gui.health.running", map[string]any{"Domain": s.domain}))
	default:
		v.status.SetText(i18n.T("gui.health.done", map[string]any{"Domain": s.domain}))
	}
	if s == nil || s.err != "" {
		v.body.Refresh()
		return
	}
	names := s.names
	if len(names) == 0 {
		names = health.Names
	}
	for _, n := range names {
		c, ok := s.checks[n]
		card, spinner := healthCard(n, c, ok, s.running)
		if spinner != nil {
			v.spinners.keep(spinner)
		}
		v.body.Add(card)
	}
	v.body.Refresh()
}

// healthCard renders one check generically: verdict, summary,
// explanation, remedy, details and records. It returns the spinner it
// started, if any.
func healthCard(name string, c health.Check, done, running bool) (fyne.CanvasObject, *widget.Activity) {
	title := strings.ToUpper(name)
	if !done {
		var ind fyne.CanvasObject = widget.NewIcon(theme.NewDisabledResource(theme.MediaStopIcon()))
		word := i18n.T("gui.status.word.stopped")
		var spinner *widget.Activity
		if running {
			spinner = widget.NewActivity()
			spinner.Start()
			ind, word = spinner, i18n.T("gui.health.checking")
		}
		return widget.NewCard("", "", container.NewHBox(heading(title), ind, widget.NewLabel(word))), spinner
	}
	word, icon := verdictWord(c.Verdict)
	head := container.NewHBox(heading(title), widget.NewIcon(icon), widget.NewLabelWithStyle(word, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	box := container.NewVBox(head)
	addText := func(s string, imp widget.Importance) {
		if strings.TrimSpace(s) == "" {
			return
		}
		l := widget.NewLabel(screenText(s))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = imp
		box.Add(l)
	}
	addText(c.Summary.In(i18n.For("")), widget.MediumImportance)
	addText(c.Explanation.In(i18n.For("")), widget.MediumImportance)
	if r := healthRemedy(c.Remedy); strings.TrimSpace(r) != "" && c.Verdict != health.OK {
		addText(i18n.T("gui.details.remedy", map[string]any{"Remedy": r}), widget.MediumImportance)
	}
	for _, d := range c.Details {
		addText("• "+d.In(i18n.For("")), widget.MediumImportance)
	}
	for _, r := range c.Records {
		l := widget.NewLabel(r)
		l.TextStyle = MonospaceStyle
		l.Wrapping = fyne.TextWrapBreak
		l.Selectable = true
		box.Add(l)
	}
	return widget.NewCard("", "", box), nil
}

// healthRemedy is what the window says to do. A few remedies of the
// shared catalogue name a command-line flag (--dns, --dkim-selector); the
// window has its own words for those under "gui." + the remedy's key,
// pointing at the Settings and the selector field instead.
func healthRemedy(r health.Text) string {
	if r.Key != "" {
		if key := "gui." + r.Key; i18n.T(key) != key {
			return health.Text{Key: key, Data: r.Data}.In(i18n.For(""))
		}
	}
	return r.In(i18n.For(""))
}

// heading is a compact section title (card titles are too large to fit
// six checks in a 600-pixel window).
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// verdictWord is the word and icon of a health verdict.
func verdictWord(v health.Verdict) (string, fyne.Resource) {
	switch v {
	case health.OK:
		return i18n.T("gui.status.word.ok"), theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case health.Warning:
		return i18n.T("gui.status.word.warning"), theme.NewWarningThemedResource(theme.WarningIcon())
	case health.NotFound:
		return i18n.T("gui.health.not_found"), theme.NewWarningThemedResource(theme.QuestionIcon())
	}
	return i18n.T("gui.health.problem"), theme.NewErrorThemedResource(theme.ErrorIcon())
}
