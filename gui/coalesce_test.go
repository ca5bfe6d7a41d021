package gui

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
)

// countingDo is a fyne.Do stand-in that counts calls and queues the
// functions for the test goroutine (the "main thread") to run.
type countingDo struct {
	mu    sync.Mutex
	calls int
	queue []func()
}

func (d *countingDo) do(f func()) {
	d.mu.Lock()
	d.calls++
	d.queue = append(d.queue, f)
	d.mu.Unlock()
}

// pump runs what is queued; it reports whether it ran anything.
func (d *countingDo) pump() bool {
	d.mu.Lock()
	q := d.queue
	d.queue = nil
	d.mu.Unlock()
	for _, f := range q {
		f()
	}
	return len(q) > 0
}

func (d *countingDo) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls
}

// burstEngine emits n events of a 24-endpoint check: every endpoint
// through its phases many times over, with a pause now and then so the
// burst spans several frames.
func burstEngine(n int, pauseEvery int, pause time.Duration, done chan<- struct{}) Engine {
	return EngineFunc(func(ctx context.Context, _ Request, sink event.Sink) {
		defer close(done)
		servers := make([]mail.Server, 24)
		for i := range servers {
			servers[i] = mail.Server{Protocol: mail.IMAP, Host: fmt.Sprintf("imap%d.example.com", i), Port: 993, Security: mail.TLS}
			if i%2 == 1 {
				servers[i].Protocol, servers[i].Port = mail.SMTP, 465
			}
		}
		phases := []probe.Phase{probe.PhaseConnecting, probe.PhaseTLS, probe.PhaseGreeting, probe.PhaseCapabilities, probe.PhaseLogin}
		sent := 0
		emit := func(ev event.Event) {
			sink(ev)
			sent++
			if pauseEvery > 0 && sent%pauseEvery == 0 {
				time.Sleep(pause)
			}
		}
		emit(discover.SourceStarted{Source: "builtin"})
		for _, s := range servers {
			emit(discover.CandidateFound{Candidate: mail.Candidate{Server: s, Sources: []string{"builtin"}}})
		}
		emit(discover.SourceFinished{Source: "builtin", Status: discover.StatusFound, Candidates: 24})
		for i := 0; sent < n-1; i++ {
			s := servers[i%len(servers)]
			r := probe.Result{ID: s.Key(), Endpoint: s, Phase: phases[(i/len(servers))%len(phases)]}
			if sent >= n-1-len(servers) {
				r = okResult(s) // every row ends done
			}
			emit(probe.Update{Result: r})
		}
		emit(detect.CheckFinished{})
	})
}

// TestTenThousandEventsCostABoundedNumberOfDoCallsAndRenders feeds 10,000
// events through the real sink. The engine must never wait for the
// window, the number of fyne.Do calls must follow the frames, not the
// events, and no event may cause a full re-render of the window.
func TestTenThousandEventsCostABoundedNumberOfDoCallsAndRenders(t *testing.T) {
	const events = 10000

	t.Run("the engine never waits for the window", func(t *testing.T) {
		a := test.NewTempApp(t)
		w := test.NewTempWindow(t, nil)
		w.Resize(fyne.NewSize(900, 600))
		done := make(chan struct{})
		u := New(a, w, Options{Engine: burstEngine(events, 0, 0, done)})
		d := &countingDo{}
		u.setDo(d.do, frameInterval)
		w.SetContent(u.Content())
		u.AutoCheck("mario@example.com")
		// Nothing is pumped: a sink that waited for the window would
		// never let the engine finish.
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the engine waited for the window")
		}
		u.wait()
		// One batch is outstanding at most, plus the end of the run.
		if got := d.count(); got > 2 {
			t.Fatalf("%d fyne.Do calls while the window was busy; want at most 2", got)
		}
		renders := u.fullRenders
		for d.pump() {
		}
		if got := u.fullRenders - renders; got > 2 {
			t.Fatalf("%d full renders for one batch; want at most 2 (the finished check)", got)
		}
		checkEveryRowDone(t, u, 24)
	})

	t.Run("Do calls follow the frames, not the events", func(t *testing.T) {
		a := test.NewTempApp(t)
		w := test.NewTempWindow(t, nil)
		w.Resize(fyne.NewSize(900, 600))
		done := make(chan struct{})
		// A pause every 500 events spreads the burst over ~20 frames.
		u := New(a, w, Options{Engine: burstEngine(events, 500, 10*time.Millisecond, done)})
		d := &countingDo{}
		u.setDo(d.do, frameInterval)
		w.SetContent(u.Content())
		start := time.Now()
		rendersBefore := u.fullRenders
		u.AutoCheck("mario@example.com")
		// The test goroutine is the main thread: it runs what is posted
		// as soon as it is posted, the fastest a window could.
		for finished := false; !finished; {
			select {
			case <-done:
				finished = true
			default:
				d.pump()
				time.Sleep(time.Millisecond)
			}
		}
		u.wait()
		for d.pump() {
		}
		elapsed := time.Since(start)
		frames := int(elapsed/frameInterval) + 1
		ticks := int(elapsed/summaryTick) + 1
		calls := d.count()
		t.Logf("%d events in %v: %d fyne.Do calls, %d full renders", events, elapsed, calls, u.fullRenders-rendersBefore)
		if limit := frames + ticks + 2; calls > limit {
			t.Fatalf("%d fyne.Do calls for %d events in %v; want at most %d (one per frame)", calls, events, elapsed, limit)
		}
		if calls > events/20 {
			t.Fatalf("%d fyne.Do calls for %d events: not coalesced", calls, events)
		}
		// startCheck renders once, the finished check twice (its event,
		// then the end of the run); probe updates refresh rows only.
		if got := u.fullRenders - rendersBefore; got > 3 {
			t.Fatalf("%d full renders for %d events; want at most 3", got, events)
		}
		checkEveryRowDone(t, u, 24)
	})
}

func checkEveryRowDone(t *testing.T, u *UI, n int) {
	t.Helper()
	if u.state.Running() {
		t.Fatal("the window still shows the check running")
	}
	if tl := u.state.Tally(); tl.Total != n || tl.OK != n {
		t.Fatalf("tally %+v; want %d rows, all OK (events lost or applied out of order)", tl, n)
	}
	if len(u.grid.items) != n+2 {
		t.Fatalf("grid has %d items, want %d rows and 2 headers", len(u.grid.items), n)
	}
}

// TestLateBatchOfACancelledRunIsDropped: a batch posted before Stop but
// run after it must not touch the new state.
func TestLateBatchOfACancelledRunIsDropped(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	gen := h.ui.run.gen
	h.ui.cancelRun()
	<-h.eng.canceled
	h.waitRun()
	h.ui.handleBatch(gen, []event.Event{candidate(imapTLS), probe.Update{Result: okResult(imapTLS)}})
	if len(h.ui.state.rows) != 0 {
		t.Fatal("a late batch of the cancelled run added rows")
	}
}
