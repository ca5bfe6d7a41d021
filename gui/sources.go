package gui

import (
	"image/color"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
)

// sourcesView lists every discovery source with its live state and a
// trust badge, so a person sees where each setting came from.
type sourcesView struct {
	u    *UI
	obj  fyne.CanvasObject
	list *fyne.Container
	// count says how many sources found something, next to the title.
	count    *widget.Label
	spinners spinners
	// shown is what the list last showed: rebuilding it costs a few ms
	// per line (each detail shapes its text to cut it with an
	// ellipsis), and a finished check's last render would rebuild
	// lines that have not changed since the run's last batch.
	shown sourcesShown
}

// sourcesShown is what a render of the Sources view depends on.
type sourcesShown struct {
	valid      bool
	empty      bool // no check yet
	unfinished bool // some source has not answered
	running    bool // the check runs (when unfinished)
	lines      []sourceLine
}

func (a sourcesShown) equal(b sourcesShown) bool {
	return a.valid && b.valid && a.empty == b.empty && a.unfinished == b.unfinished && a.running == b.running && slices.Equal(a.lines, b.lines)
}

func newSourcesView(u *UI) *sourcesView {
	v := &sourcesView{u: u, list: container.New(layout.NewCustomPaddedVBoxLayout(0))}
	title := widget.NewLabelWithStyle(i18n.T("gui.sources.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.count = widget.NewLabel("")
	v.count.SizeName = theme.SizeNameCaptionText
	v.obj = container.NewBorder(container.NewBorder(nil, nil, title, v.count), nil, nil, nil, container.NewVScroll(v.list))
	return v
}

func (v *sourcesView) render() {
	now := sourcesShown{valid: true, empty: v.u.state == nil}
	var lines []sourceLine
	if v.u.state != nil {
		lines = v.u.state.Sources()
		// Sources that answered come first (in rank order), then those
		// still searching, then those with nothing: at 900×600 the pane
		// shows three or four lines, and those should be the ones
		// settings came from.
		slices.SortStableFunc(lines, func(a, b sourceLine) int { return sourceGroup(a.State) - sourceGroup(b.State) })
		now.lines = lines
		// Whether the check still runs shows only on a source that has
		// not answered (searching, or stopped): the end of a check
		// whose sources all answered changes nothing here.
		for _, l := range lines {
			if l.State != stateFound && l.State != stateNotFound && l.State != stateError {
				now.running = v.u.state.Running()
				now.unfinished = true
				break
			}
		}
	}
	if now.equal(v.shown) {
		return
	}
	v.shown = now
	v.spinners.stop()
	v.list.RemoveAll()
	v.count.SetText("")
	if v.u.state == nil {
		v.list.Add(hintLabel(i18n.T("gui.sources.empty")))
		v.list.Refresh()
		return
	}
	found := 0
	for _, s := range lines {
		v.list.Add(v.line(s))
		if s.State == stateFound {
			found++
		}
	}
	if len(lines) > 0 {
		v.count.SetText(i18n.T("gui.sources.count", map[string]any{"Found": found, "Total": len(lines)}))
	}
	v.list.Refresh()
}

// sourceGroup orders the Sources view: found something, failed (apart
// from those that found something), still searching, nothing found.
func sourceGroup(state string) int {
	switch state {
	case stateFound:
		return 0
	case stateError:
		return 1
	case stateNotFound:
		return 3
	}
	return 2
}

// line is one source: state icon (spinner while searching), name, state
// word, trust badge and what it found or why it failed.
func (v *sourcesView) line(s sourceLine) fyne.CanvasObject {
	var icon fyne.CanvasObject
	switch s.State {
	case stateSearching:
		if v.u.state.Running() {
			icon = v.spinners.start()
		} else {
			icon = widget.NewIcon(theme.NewDisabledResource(theme.MediaStopIcon()))
		}
	case stateFound:
		icon = widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	case stateError:
		icon = widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon()))
	default:
		icon = widget.NewIcon(theme.NewDisabledResource(theme.RadioButtonIcon()))
	}
	name := widget.NewLabelWithStyle(sourceName(s.Name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	state := widget.NewLabel(sourceState(s, v.u.state.Running()))
	detail := widget.NewLabel(sourceDetail(s))
	detail.Truncation = fyne.TextTruncateEllipsis
	detail.SizeName = theme.SizeNameCaptionText
	left := container.NewHBox(
		container.New(&fixedWidth{w: theme.IconInlineSize() * 1.5}, icon),
		container.New(&fixedWidth{w: 140}, name),
		container.New(&fixedWidth{w: 90}, state),
	)
	var right fyne.CanvasObject
	if s.Trust != "" {
		right = trustBadge(s.Trust)
	}
	if s.Err != "" {
		// A long error is cut to one line: the button shows all of it.
		full := s.Err
		more := widget.NewButtonWithIcon("", theme.InfoIcon(), func() {
			l := widget.NewLabel(screenText(full))
			l.Wrapping = fyne.TextWrapWord
			l.Selectable = true
			d := dialog.NewCustom(sourceName(s.Name), i18n.T("gui.close"), l, v.u.win)
			d.Resize(fyne.NewSize(480, 0))
			v.u.showDialog(d) // so Esc closes it, like every dialog
		})
		more.Importance = widget.LowImportance
		if right != nil {
			right = container.NewHBox(more, right)
		} else {
			right = more
		}
	}
	return container.NewBorder(nil, nil, left, right, detail)
}

// sourceName is the person-facing name of a discovery source.
func sourceName(name string) string { return translated("gui.source."+name, name) }

func sourceState(s sourceLine, running bool) string {
	switch s.State {
	case stateFound:
		return i18n.T("gui.source.state.found", map[string]any{"Count": s.Candidates})
	case stateNotFound:
		return i18n.T("gui.source.state.not-found")
	case stateError:
		return i18n.T("gui.source.state.error")
	}
	if !running {
		return i18n.T("gui.source.state.stopped")
	}
	return i18n.T("gui.source.state.searching")
}

// sourceDetail says what a source found (the provider's name), or why
// it failed, or where it looked.
func sourceDetail(s sourceLine) string {
	switch {
	case s.Err != "":
		return s.Err
	case s.Name == "mx" && s.State == stateNotFound && mxHostsFound(s.URL):
		// The domain has mail exchangers, just none of a known provider
		// ("not found" read as "no MX" beside a Domain health tab that
		// shows them).
		return i18n.T("window.source.mx_no_provider")
	case s.Provider != "" && s.URL != "":
		return s.Provider + " · " + s.URL
	case s.Provider != "":
		return s.Provider
	}
	return s.URL
}

// mxHostsFound reports whether the MX source's last URL went past the MX
// lookup itself (it only does when the domain has mail exchangers).
func mxHostsFound(url string) bool {
	return url != "" && (!strings.HasPrefix(url, "dns:") || strings.Contains(url, "#"))
}

// trustBadge is a small rounded label: HTTPS, HTTP (untrusted), DNS, a
// guess... Untrusted sources get the warning colour AND the word, never
// colour alone.
func trustBadge(trust string) fyne.CanvasObject {
	text := translated("gui.trust."+trust, trust)
	var bg color.Color = theme.Color(theme.ColorNameInputBackground)
	switch trust {
	case "http-untrusted", "dns-untrusted", "guess":
		bg = theme.Color(theme.ColorNameWarning)
	case "https", "builtin", "local":
		bg = theme.Color(theme.ColorNameSuccess)
	}
	rect := canvas.NewRectangle(withAlpha(bg, 0x50))
	rect.CornerRadius = theme.InputRadiusSize()
	label := canvas.NewText(text, theme.Color(theme.ColorNameForeground))
	label.TextSize = theme.CaptionTextSize()
	label.Alignment = fyne.TextAlignCenter
	return container.NewCenter(container.NewStack(rect, container.New(&padLayout{h: 8, v: 2}, label)))
}

// padLayout pads its content by fixed amounts.
type padLayout struct{ h, v float32 }

func (l *padLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(l.h, l.v))
		o.Resize(fyne.NewSize(size.Width-2*l.h, size.Height-2*l.v))
	}
}

func (l *padLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(s.Width+2*l.h, s.Height+2*l.v)
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}

// translated looks key up and falls back to a readable default when the
// engine reports a value this build has no words for.
func translated(key, fallback string) string {
	if s := i18n.T(key); s != key {
		return s
	}
	return fallback
}

// hintLabel is a wrapping explanation for empty views. It is in the
// regular style, not in italics or a faint colour: a faint colour is hard
// to read in the dark theme, and every text style costs the window ~4 MB
// of parsed fonts (Fyne parses the theme's face and the system's
// matching one for each style), so the window keeps to the three it
// warms at start-up (TestTheWindowDrawsOnlyTheTextStylesItWarms).
func hintLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}
