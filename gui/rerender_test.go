package gui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fynetest "fyne.io/fyne/v2/test"

	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/probe"
)

// TestTheEndOfACheckRebuildsOnlyWhatChanged: the end of a check renders
// everything again, and on a slow machine that render is most of the
// window's lag (docs/performance.md). The Sources list and the
// recommendation card are rebuilt only when what they show changed; a
// new recommendation or a source's new state still rebuilds them.
func TestTheEndOfACheckRebuildsOnlyWhatChanged(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(discover.SourceFinished{Source: discover.SourceAutoconfig, Status: discover.StatusFound, Candidates: 2},
		candidate(imapTLS), candidate(smtpSub),
		probe.Update{Result: okResult(imapTLS)}, probe.Update{Result: okResult(smtpSub)}, recommendation())
	card := h.ui.rec.content.Objects
	firstSource := h.ui.sources.list.Objects[0]
	if len(card) == 0 {
		t.Fatal("no recommendation card")
	}
	h.send(detect.CheckFinished{})
	h.finish()
	if !sameObjects(card, h.ui.rec.content.Objects) {
		t.Error("the end of the check rebuilt the recommendation card it had just built")
	}
	if h.ui.sources.list.Objects[0] != firstSource {
		t.Error("the end of the check rebuilt Sources, which had not changed")
	}
	h.requireText(h.ui.rec.obj, "imap.example.com")

	// What changed is rebuilt.
	noIncoming := recommendation()
	noIncoming.Recommendation.Incoming = nil
	h.checkAgain()
	h.send(discover.SourceFinished{Source: discover.SourceAutoconfig, Status: discover.StatusFound, Candidates: 2})
	firstSource = h.ui.sources.list.Objects[0]
	h.send(discover.SourceFinished{Source: discover.SourceSRV, Status: discover.StatusNotFound}, noIncoming)
	if h.ui.sources.list.Objects[0] == firstSource {
		t.Error("a new source's state did not rebuild Sources")
	}
	if sameObjects(card, h.ui.rec.content.Objects) {
		t.Error("a new check's recommendation did not rebuild the card")
	}
	h.finish()
}

// checkAgain presses Check for the address already typed.
func (h *harness) checkAgain() {
	h.t.Helper()
	fynetest.Tap(h.ui.top.check)
	select {
	case <-h.eng.reqs:
	case <-time.After(5 * time.Second):
		h.t.Fatal("the engine was not started")
	}
}

func sameObjects(a, b []fyne.CanvasObject) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
