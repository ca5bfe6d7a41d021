package gui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
)

// gridView is the live grid: one row per endpoint (host + port +
// security), grouped Incoming and Outgoing, with a spinner while the
// probe runs and then an icon and a word, a one-line summary and the
// time. It is a widget.List, so arrow keys move the selection.
type gridView struct {
	u     *UI
	obj   fyne.CanvasObject
	list  *escList
	items []gridItem
	// syncing is set while render moves the highlight itself, so that
	// does not count as the person choosing a row.
	syncing bool
}

// gridItem is either a group header or a row.
type gridItem struct {
	header string
	id     string
}

func newGridView(u *UI) *gridView {
	v := &gridView{u: u}
	v.list = &escList{onEscape: u.cancelRun}
	v.list.Length = func() int { return len(v.items) }
	v.list.CreateItem = func() fyne.CanvasObject { return newGridRow() }
	v.list.UpdateItem = func(i widget.ListItemID, o fyne.CanvasObject) { v.update(i, o.(*gridRow)) }
	v.list.ExtendBaseWidget(v.list)
	// Arrow keys move the highlight; Details follows it (as the README
	// says), not only Space. Fyne also reports a hovered row as
	// highlighted: only a key press selects. Headers are passed over.
	v.list.OnHighlighted = func(i widget.ListItemID) {
		if v.list.keying && i >= 0 && i < len(v.items) && v.items[i].id != "" {
			v.list.Select(i)
		}
	}
	v.list.OnSelected = func(i widget.ListItemID) {
		if v.syncing {
			return
		}
		if i < 0 || i >= len(v.items) || v.items[i].id == "" {
			v.list.Unselect(i)
			return
		}
		u.selectRow(v.items[i].id)
	}
	empty := hintLabel(i18n.T("gui.status.empty"))
	v.obj = container.NewStack(v.list, container.NewVBox(empty))
	return v
}

func (v *gridView) render() {
	v.items = v.items[:0]
	s := v.u.state
	if stack, ok := v.obj.(*fyne.Container); ok && len(stack.Objects) == 2 {
		if s != nil && len(s.rows) > 0 {
			stack.Objects[1].Hide()
		} else {
			stack.Objects[1].Show()
		}
	}
	if s != nil {
		for _, incoming := range []bool{true, false} {
			ids := s.Rows(incoming)
			if len(ids) == 0 {
				continue
			}
			key := "gui.status.outgoing"
			if incoming {
				key = "gui.status.incoming"
			}
			v.items = append(v.items, gridItem{header: i18n.T(key)})
			for _, id := range ids {
				v.items = append(v.items, gridItem{id: id})
			}
		}
	}
	v.list.Refresh()
	// Keep the highlighted row on the selected endpoint while rows move.
	v.syncing = true
	defer func() { v.syncing = false }()
	for i, it := range v.items {
		if it.id != "" && it.id == v.u.selected {
			v.list.Select(i)
			return
		}
	}
	v.list.UnselectAll()
}

// refreshRow redraws the row of endpoint id alone.
func (v *gridView) refreshRow(id string) {
	for i, it := range v.items {
		if it.id == id {
			v.list.RefreshItem(i)
			return
		}
	}
}

func (v *gridView) update(i widget.ListItemID, row *gridRow) {
	if i >= len(v.items) {
		return
	}
	it := v.items[i]
	if it.header != "" {
		row.setHeader(it.header)
		return
	}
	r, _ := v.u.state.Row(it.id)
	row.setResult(r, v.u.state.RowRunning(it.id))
}

// escList is the grid's list; Esc cancels the run there too, since the
// list keeps the keyboard focus after a row is chosen.
type escList struct {
	widget.List
	onEscape func()
	// keying is set while a key moves the highlight.
	keying bool
}

// TypedKey implements fyne.Focusable.
func (l *escList) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		l.onEscape()
		return
	}
	l.keying = true
	defer func() { l.keying = false }()
	l.List.TypedKey(k)
}

// gridRow renders one item of the grid.
type gridRow struct {
	widget.BaseWidget
	header   *widget.Label
	activity *widget.Activity
	icon     *widget.Icon
	word     *widget.Label
	endpoint *widget.Label
	summary  *widget.Label
	elapsed  *widget.Label
	body     *fyne.Container
}

func newGridRow() *gridRow {
	r := &gridRow{
		header:   widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		activity: widget.NewActivity(),
		icon:     widget.NewIcon(nil),
		word:     widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		endpoint: widget.NewLabel(""),
		summary:  widget.NewLabel(""),
		elapsed:  widget.NewLabel(""),
	}
	r.endpoint.Truncation = fyne.TextTruncateEllipsis
	r.summary.Truncation = fyne.TextTruncateEllipsis
	r.summary.SizeName = theme.SizeNameCaptionText
	r.header.Importance = widget.HighImportance
	status := container.NewHBox(
		container.New(&fixedWidth{w: theme.IconInlineSize() * 1.5}, container.NewStack(r.activity, r.icon)),
		container.New(&fixedWidth{w: 84}, r.word),
	)
	text := container.New(&tightVBox{}, r.endpoint, r.summary)
	r.body = container.NewBorder(nil, nil, status, r.elapsed, text)
	r.ExtendBaseWidget(r)
	return r
}

func (r *gridRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(r.header, r.body))
}

func (r *gridRow) setHeader(text string) {
	setText(r.header, text)
	r.header.Show()
	r.body.Hide()
	r.activity.Stop()
}

func (r *gridRow) setResult(res probe.Result, running bool) {
	r.header.Hide()
	r.body.Show()
	word, icon := statusWord(res, running)
	if icon == nil {
		r.icon.Hide()
		r.activity.Show()
		r.activity.Start()
	} else {
		r.activity.Stop()
		r.activity.Hide()
		setIcon(r.icon, icon)
		r.icon.Show()
	}
	setText(r.word, word)
	setText(r.endpoint, rowLabel(res.Endpoint))
	setText(r.summary, securityShort(res.Endpoint.Security)+" · "+rowSummary(res))
	if res.Phase == probe.PhaseDone || res.ElapsedMS > 0 {
		setText(r.elapsed, formatDuration(time.Duration(res.ElapsedMS)*time.Millisecond))
	} else {
		setText(r.elapsed, "")
	}
}

// statusWord is the word (and icon) a row shows. A nil icon means "still
// running": the row shows a spinner. Words, not colours, carry the
// meaning: OK, Warning, Failed, Filtered, Refused.
func statusWord(r probe.Result, running bool) (string, fyne.Resource) {
	if r.Phase != probe.PhaseDone {
		if !running {
			return i18n.T("gui.status.word.stopped"), theme.NewDisabledResource(theme.MediaStopIcon())
		}
		return translated("gui.phase."+string(r.Phase), string(r.Phase)), nil
	}
	switch r.Status {
	case probe.StatusOK:
		return i18n.T("gui.status.word.ok"), theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case probe.StatusWarning:
		return i18n.T("gui.status.word.warning"), theme.NewWarningThemedResource(theme.WarningIcon())
	}
	switch r.Reachability {
	case probe.Filtered:
		return i18n.T("gui.status.word.filtered"), theme.NewErrorThemedResource(theme.VisibilityOffIcon())
	case probe.Refused:
		return i18n.T("gui.status.word.refused"), theme.NewErrorThemedResource(theme.CancelIcon())
	}
	return i18n.T("gui.status.word.failed"), theme.NewErrorThemedResource(theme.ErrorIcon())
}

// endpointLabel is "IMAP imap.example.com:993 · SSL/TLS (implicit)".
func endpointLabel(s mail.Server) string {
	return fmt.Sprintf("%-4s %s · %s", strings.ToUpper(string(s.Protocol)), s.Address(), securityName(s.Security))
}

// rowLabel is the grid's first line: "IMAP imap.example.com:993"; the
// security goes first on the second line so the host is never cut.
func rowLabel(s mail.Server) string {
	return fmt.Sprintf("%-4s %s", strings.ToUpper(string(s.Protocol)), s.Address())
}

func securityShort(s mail.Security) string {
	return translated("gui.security.short."+string(s), string(s))
}

func securityName(s mail.Security) string {
	return translated("gui.security."+string(s), string(s))
}

// rowSummary is the one-line summary of a row: "TLS 1.3 · certificate OK
// · PLAIN LOGIN · login OK" when it worked, the main problem when not.
func rowSummary(r probe.Result) string {
	if r.Phase != probe.PhaseDone {
		if len(r.Sources) > 0 {
			return i18n.T("gui.row.proposed_by", map[string]any{"Sources": sourceNames(r.Sources)})
		}
		return i18n.T("gui.row.standard_port")
	}
	if r.Status == probe.StatusFailed && len(r.Problems) > 0 {
		return screenText(r.Problems[0].ExplanationIn(""))
	}
	var parts []string
	if r.TLS != nil {
		parts = append(parts, r.TLS.Version)
		if r.TLS.Verified {
			parts = append(parts, i18n.T("gui.row.cert_ok"))
		} else {
			parts = append(parts, i18n.T("gui.row.cert_bad"))
		}
	} else if r.Reachability == probe.Open {
		parts = append(parts, i18n.T("gui.row.no_tls"))
	}
	if len(r.AuthMechanisms) > 0 {
		parts = append(parts, strings.Join(r.AuthMechanisms, " "))
	}
	switch r.Login {
	case probe.LoginOK:
		parts = append(parts, i18n.T("gui.login.ok"))
	case probe.LoginFailed:
		parts = append(parts, i18n.T("gui.login.failed"))
	case probe.LoginSkipped:
		parts = append(parts, i18n.T("gui.login.skipped"))
	}
	if r.Status == probe.StatusWarning && len(r.Problems) > 0 {
		parts = append(parts, screenText(r.Problems[0].ExplanationIn("")))
	}
	if len(parts) == 0 {
		return r.SummaryIn(i18n.For(""))
	}
	return strings.Join(parts, " · ")
}

func sourceNames(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = sourceName(n)
	}
	return strings.Join(out, ", ")
}

// tightVBox stacks objects vertically without padding, so a row's two
// lines read as one item.
type tightVBox struct{}

func (tightVBox) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objs {
		h := o.MinSize().Height - theme.InnerPadding()
		o.Move(fyne.NewPos(0, y-theme.InnerPadding()/2))
		o.Resize(fyne.NewSize(size.Width, h+theme.InnerPadding()))
		y += h
	}
}

func (tightVBox) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height - theme.InnerPadding()
	}
	return s
}
