package gui

import "fyne.io/fyne/v2/widget"

// spinners are the running Activity widgets of a view's last render. A
// view that rebuilds its content stops them first: an Activity keeps
// animating (and asking for frames) after it leaves the canvas.
type spinners []*widget.Activity

// start returns a new running spinner, remembered for stop.
func (s *spinners) start() *widget.Activity {
	a := widget.NewActivity()
	a.Start()
	*s = append(*s, a)
	return a
}

// keep remembers a spinner started elsewhere.
func (s *spinners) keep(a *widget.Activity) { *s = append(*s, a) }

// stop stops every spinner and forgets them.
func (s *spinners) stop() {
	for _, a := range *s {
		a.Stop()
	}
	*s = (*s)[:0]
}
