package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ringButton is a button that draws a ring around itself while it has
// the keyboard focus. Fyne marks a focused button by tinting its
// background with the primary colour, which on a primary (Check) button
// changes nothing: a person tabbing to it could not see where they were.
type ringButton struct {
	widget.Button
	ring *canvas.Rectangle
	// obj is what goes in the layout: the button with its ring on top.
	obj *fyne.Container
}

func newRingButton(text string, icon fyne.Resource, tapped func()) *ringButton {
	b := &ringButton{}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	// Transparent, not nil: Fyne's software painter (tests, captures)
	// cannot fill with a nil colour.
	b.ring = canvas.NewRectangle(color.Transparent)
	b.ring.StrokeColor = theme.Color(theme.ColorNameForeground)
	b.ring.StrokeWidth = 2
	b.ring.CornerRadius = theme.InputRadiusSize()
	b.ring.Hide()
	b.obj = container.NewStack(b, b.ring)
	return b
}

// FocusGained implements fyne.Focusable.
func (b *ringButton) FocusGained() {
	b.Button.FocusGained()
	b.ring.StrokeColor = theme.Color(theme.ColorNameForeground)
	b.ring.Show()
	b.ring.Refresh()
}

// FocusLost implements fyne.Focusable.
func (b *ringButton) FocusLost() {
	b.Button.FocusLost()
	b.ring.Hide()
}

// Hide hides the ring with the button.
func (b *ringButton) Hide() {
	b.Button.Hide()
	b.ring.Hide()
}
