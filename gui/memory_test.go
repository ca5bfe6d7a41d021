package gui

import (
	"runtime/debug"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/probe"
)

// TestAFinishedRunIsSettledOnceItsFrameIsPainted: the check's garbage
// goes back to the system after the frame that shows its result, not
// before (the person would see the result later) and not never (the
// window would keep the check's peak).
func TestAFinishedRunIsSettledOnceItsFrameIsPainted(t *testing.T) {
	h := newHarness(t)
	freed := make(chan struct{}, 4)
	h.ui.freeOS = func() { freed <- struct{}{} }
	h.start("mario@example.com", "")
	h.send(candidate(imapTLS), probe.Update{Result: okResult(imapTLS)})
	h.win.Canvas().Capture()
	select {
	case <-freed:
		t.Fatal("memory was settled while the check was still running")
	case <-time.After(50 * time.Millisecond):
	}
	h.finish()
	select {
	case <-freed:
		t.Fatal("memory was settled before the finished check was painted")
	case <-time.After(50 * time.Millisecond):
	}
	h.win.Canvas().Capture() // the frame that shows the finished check
	select {
	case <-freed:
	case <-time.After(5 * time.Second):
		t.Fatal("the finished check's memory was never settled")
	}
	h.win.Canvas().Capture()
	select {
	case <-freed:
		t.Fatal("settled again on a later frame with nothing new")
	case <-time.After(50 * time.Millisecond):
	}
}

// TestSettleMemoryTightensTheCollectorUnlessGOGCIsSet: the window's
// collector target is gcPercent once it is up; a GOGC the person set
// is theirs.
func TestSettleMemoryTightensTheCollectorUnlessGOGCIsSet(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	t.Setenv("GOGC", "")
	SettleMemory()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Fatalf("GC percent after SettleMemory = %d, want %d", got, gcPercent)
	}
	t.Setenv("GOGC", "100")
	SettleMemory()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("with GOGC set, GC percent became %d", got)
	}
}
