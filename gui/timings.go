package gui

import (
	"image"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
)

// Milestones the window reports to OnMilestone (make bench-gui).
const (
	// MilestoneFirstFrame: the window painted for the first time.
	MilestoneFirstFrame = "first-frame"
	// MilestoneCheckRendered: a finished check is in the widgets (the
	// next frame paints it).
	MilestoneCheckRendered = "check-rendered"
	// MilestoneCheckShown: a finished check was painted.
	MilestoneCheckShown = "check-shown"
)

// OnMilestone sets f to be told, on the Fyne thread, when the window
// reaches a milestone, with the time it happened. The times come from
// the painter itself (a 1×1 raster is drawn only when a frame is), so
// they say when a person could see it, not when the model changed.
func (u *UI) OnMilestone(f func(name string, at time.Time)) { u.milestone = f }

// frameMark is an invisible 1×1 raster whose generator runs only when
// the painter draws a frame that contains it: it reports milestones and
// settles a finished run's memory (memory.go) once the frame showing it
// is painted.
func (u *UI) frameMark() fyne.CanvasObject {
	transparent := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	transparent.Set(0, 0, color.Transparent)
	u.mark = canvas.NewRaster(func(int, int) image.Image {
		if u.milestone != nil {
			if !u.firstFramed {
				u.firstFramed = true
				u.milestone(MilestoneFirstFrame, time.Now())
			}
			if u.checkPending {
				u.checkPending = false
				u.milestone(MilestoneCheckShown, time.Now())
			}
		}
		if u.settlePending {
			u.settlePending = false
			go u.freeOS() // a full collection: not on the Fyne thread
		}
		return transparent
	})
	u.mark.Resize(fyne.NewSize(1, 1))
	return container.NewWithoutLayout(u.mark)
}

// markCheckShown asks the painter to report the next frame: the
// finished check is in it.
func (u *UI) markCheckShown() {
	if u.milestone == nil || u.mark == nil {
		return
	}
	if !u.checkPending {
		u.milestone(MilestoneCheckRendered, time.Now())
	}
	u.checkPending = true
	u.mark.Refresh()
}
