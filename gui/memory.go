package gui

import (
	"os"
	"runtime/debug"
)

// The window's memory policy (docs/performance.md, Memory). What the
// window keeps is ~12 MB of Go heap, three quarters of it Fyne's parsed
// fonts; what a check, a health run or a batch leaves behind is garbage.
// Go's default (GOGC=100) lets that garbage grow to the size of what is
// kept before collecting it, and keeps the pages once used, so the
// window would hold ~10 MB it does not need.

// gcPercent is the collector's target once the window is up: collect
// when garbage reaches a quarter of what is kept (~3 MB). Measured with
// make bench-gui: 25 keeps the window's lag behind the engine where 100
// has it (57–91 ms); 10 saved 1 MB more and doubled the lag. Relative,
// not an absolute limit: a batch of thousands of users, whose report
// the window keeps, gets room in proportion rather than a collector
// that never stops.
const gcPercent = 25

// SettleMemory is for main, once the window is up and its fonts are
// parsed: from now on the collector keeps garbage small, and what
// start-up used and no longer needs (~25 MB of parsing fonts, mostly)
// goes back to the system now rather than over minutes. GOGC, when set,
// is the person's choice and is left alone.
func SettleMemory() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	debug.FreeOSMemory()
}

// settleAfterPaint gives a finished run's garbage back to the system
// once the frame showing its result is painted (so the person sees the
// result no later for it).
func (u *UI) settleAfterPaint() {
	if u.mark == nil {
		return
	}
	u.settlePending = true
	u.mark.Refresh()
}
