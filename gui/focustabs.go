package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// focusTabs makes a set of tabs reachable with Tab: Fyne's AppTabs take
// no keyboard focus, so Check/Domain health and Recommended/Details were
// never reached. Focused, it rings the tab bar; Left and Right (or Space,
// to the next) switch tabs.
type focusTabs struct {
	widget.BaseWidget
	tabs    *container.AppTabs
	ring    *canvas.Rectangle
	focused bool
}

func newFocusTabs(tabs *container.AppTabs) *focusTabs {
	f := &focusTabs{tabs: tabs, ring: canvas.NewRectangle(color.Transparent)}
	f.ring.StrokeWidth = 2
	f.ring.CornerRadius = theme.InputRadiusSize()
	f.ring.Hide()
	f.ExtendBaseWidget(f)
	return f
}

// CreateRenderer implements fyne.Widget.
func (f *focusTabs) CreateRenderer() fyne.WidgetRenderer {
	return &focusTabsRenderer{f: f, objs: []fyne.CanvasObject{f.tabs, f.ring}}
}

// FocusGained implements fyne.Focusable.
func (f *focusTabs) FocusGained() {
	f.focused = true
	f.ring.StrokeColor = theme.Color(theme.ColorNameForeground)
	f.ring.Show()
	f.ring.Refresh()
}

// FocusLost implements fyne.Focusable.
func (f *focusTabs) FocusLost() {
	f.focused = false
	f.ring.Hide()
}

// TypedRune implements fyne.Focusable.
func (f *focusTabs) TypedRune(rune) {}

// TypedKey implements fyne.Focusable: the arrows choose a tab.
func (f *focusTabs) TypedKey(k *fyne.KeyEvent) {
	n := len(f.tabs.Items)
	if n == 0 {
		return
	}
	i := f.tabs.SelectedIndex()
	switch k.Name {
	case fyne.KeyRight, fyne.KeyDown, fyne.KeySpace:
		f.tabs.SelectIndex((i + 1) % n)
	case fyne.KeyLeft, fyne.KeyUp:
		f.tabs.SelectIndex((i + n - 1) % n)
	}
}

type focusTabsRenderer struct {
	f    *focusTabs
	objs []fyne.CanvasObject
}

func (r *focusTabsRenderer) Layout(size fyne.Size) {
	r.f.tabs.Move(fyne.NewPos(0, 0))
	r.f.tabs.Resize(size)
	// The ring goes round the tab bar only: the row of tab titles.
	bar := theme.TextSize() + theme.InnerPadding()*2 + theme.Padding()*2
	r.f.ring.Move(fyne.NewPos(0, 0))
	r.f.ring.Resize(fyne.NewSize(size.Width, bar))
}

func (r *focusTabsRenderer) MinSize() fyne.Size           { return r.f.tabs.MinSize() }
func (r *focusTabsRenderer) Refresh()                     { r.f.tabs.Refresh(); r.f.ring.Refresh() }
func (r *focusTabsRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *focusTabsRenderer) Destroy()                     {}
