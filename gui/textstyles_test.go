package gui

import (
	"fmt"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/postino-mail/postino/detect/probe"
)

// styleSeen records the text styles of every text drawn in o, with one
// of the texts as an example.
func styleSeen(seen map[fyne.TextStyle]string, where string, o fyne.CanvasObject) {
	if o == nil {
		return
	}
	for _, obj := range test.LaidOutObjects(o) {
		if t, ok := obj.(*canvas.Text); ok && t.Text != "" {
			// Only what selects a face matters: underlining or the tab
			// width do not make Fyne parse another font.
			face := fyne.TextStyle{Bold: t.TextStyle.Bold, Italic: t.TextStyle.Italic,
				Monospace: t.TextStyle.Monospace, Symbol: t.TextStyle.Symbol}
			if _, ok := seen[face]; !ok {
				seen[face] = fmt.Sprintf("%s: %q", where, t.Text)
			}
		}
	}
}

// TestTheWindowDrawsOnlyTheTextStylesItWarms walks every view and
// dialog of the window, empty and after a check. What a person sees
// first (the check, its rows, sources and recommendation, the empty
// tabs) is drawn only in TextStyles, warmed before the first frame;
// Details and the health records may quote a server in MonospaceStyle;
// nothing uses another style. Each other style would make Fyne parse
// two more fonts and keep them, ~4 MB of the window's memory
// (docs/performance.md).
func TestTheWindowDrawsOnlyTheTextStylesItWarms(t *testing.T) {
	seen := map[fyne.TextStyle]string{}  // everywhere
	first := map[fyne.TextStyle]string{} // what a person sees first
	h := newHarnessWith(t, cannedHealth{domains: make(chan string, 1)})
	look := func(where string) {
		styleSeen(seen, where, h.win.Canvas().Content())
		for _, o := range h.win.Canvas().Overlays().List() {
			styleSeen(seen, where, o)
		}
	}
	lookFirst := func(where string) {
		styleSeen(first, where, h.win.Canvas().Content())
		look(where)
	}
	lookFirst("empty window")
	for i := range h.ui.side.Items {
		h.ui.side.SelectIndex(i)
		lookFirst("empty side tab " + h.ui.side.Items[i].Text)
	}
	h.ui.side.SelectIndex(0)

	h.start("mario@example.com", "s3cret")
	h.send(candidate(imapTLS), candidate(imapPlus), candidate(smtpSub))
	lookFirst("check running")
	h.send(probe.Update{Result: okResult(imapTLS)}, probe.Update{Result: refusedResult(imapPlus)},
		probe.Update{Result: okResult(smtpSub)}, recommendation())
	h.finish()
	lookFirst("check finished")
	for _, s := range []int{h.rowIndex(imapTLS), h.rowIndex(imapPlus)} {
		h.ui.grid.list.Select(s)
		look("details")
	}
	test.Tap(h.ui.top.export)
	look("export dialog")
	h.esc()
	for name, show := range map[string]func(){"help": h.ui.showHelp, "settings": h.ui.showSettings,
		"about": h.ui.showAbout, "error": func() { h.ui.showError(fmt.Errorf("no route to host")) }} {
		show()
		look(name)
		h.esc()
	}

	h.ui.tabs.SelectIndex(1)
	lookFirst("empty health tab")
	test.Type(h.ui.health.domain, "example.com")
	test.Tap(h.ui.health.run)
	h.ui.hrun.wait()
	h.pump()
	look("health results")

	bh := newBatchHarness(t)
	bh.ui.tabs.SelectIndex(len(bh.ui.tabs.Items) - 1)
	styleSeen(seen, "batch tab", bh.win.Canvas().Content())

	for st, example := range first {
		if !slices.Contains(TextStyles, st) && st != (fyne.TextStyle{Symbol: true}) { // the symbol face alone: a few KB
			t.Errorf("text a person sees first in style %+v, which the window does not warm (%s)", st, example)
		}
	}
	for st, example := range seen {
		if _, ok := first[st]; !ok && st != MonospaceStyle {
			t.Errorf("text in style %+v (%s): the window draws in TextStyles and MonospaceStyle only", st, example)
		}
	}
	for _, st := range append(slices.Clone(TextStyles), MonospaceStyle) {
		if _, ok := seen[st]; !ok {
			t.Errorf("no text uses style %+v: drop it", st)
		}
	}
}
