package gui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"go.uber.org/goleak"

	"github.com/postino-mail/postino/detect/batch"
	"github.com/postino-mail/postino/detect/event"
)

// burstBatch is a BatchEngine that sends n events for the domains of
// its list as fast as it can (a pause every pauseEvery events spreads
// them over frames), or, with block set, waits for its cancellation and
// then sends one event more.
type burstBatch struct {
	n          int
	pauseEvery int
	pause      time.Duration
	block      bool
	returned   chan struct{}
}

func (e *burstBatch) Batch(ctx context.Context, req BatchRequest, sink event.Sink) (*batch.Report, error) {
	defer close(e.returned)
	if e.block {
		<-ctx.Done()
		sink(batch.DomainStarted{Domain: "d000.example", Users: 2}) // late
		return &batch.Report{Canceled: true}, nil
	}
	var domains []string
	seen := map[string]bool{}
	for _, u := range req.List.Users {
		if d := strings.ToLower(u.Address.Domain); !seen[d] {
			seen[d] = true
			domains = append(domains, d)
		}
	}
	sent := 0
	emit := func(ev event.Event) {
		sink(ev)
		sent++
		if e.pauseEvery > 0 && sent%e.pauseEvery == 0 {
			time.Sleep(e.pause)
		}
	}
	users := len(req.List.Users)
	for i := 0; sent < e.n; i++ {
		d := domains[i%len(domains)]
		switch i / len(domains) % 3 {
		case 0:
			emit(batch.DomainStarted{Domain: d, Users: 1})
		case 1:
			emit(batch.DomainFinished{Domain: batch.DomainReport{Domain: d, Status: batch.DomainNotFound, Users: 1}})
		default:
			emit(batch.Progress{DomainsDone: i % len(domains), Domains: len(domains), UsersDone: i % users, Users: users})
		}
	}
	rep := &batch.Report{Summary: batch.Summary{Users: users, Domains: len(domains)}}
	for _, d := range domains {
		rep.Domains = append(rep.Domains, batch.DomainReport{Domain: d, Status: batch.DomainNotFound, Users: 1})
	}
	return rep, nil
}

// batchWindow is a window with the Batch tab over eng, a list of users
// in 200 domains loaded, and fyne.Do replaced by d.
func batchWindow(t *testing.T, eng BatchEngine, d *countingDo) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(900, 600))
	u := New(a, w, Options{Engine: newScriptEngine(), Batch: eng})
	u.setDo(d.do, frameInterval)
	w.SetContent(u.Content())
	var list strings.Builder
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&list, "user%d@d%03d.example\n", i, i%200)
	}
	u.batch.loadFile(writeList(t, list.String()))
	u.batch.output.SetText(t.TempDir())
	return u
}

// TestBatchEventsCostABoundedNumberOfDoCallsAndRedraws: 10,000 batch
// events reach the window coalesced, one fyne.Do and one redraw per
// frame at most, and the table ends showing every domain's outcome.
func TestBatchEventsCostABoundedNumberOfDoCallsAndRedraws(t *testing.T) {
	const events = 10000

	t.Run("the engine never waits for the window", func(t *testing.T) {
		d := &countingDo{}
		eng := &burstBatch{n: events, returned: make(chan struct{})}
		u := batchWindow(t, eng, d)
		u.batch.start()
		select {
		case <-eng.returned:
		case <-time.After(10 * time.Second):
			t.Fatal("the batch engine waited for the window")
		}
		u.brun.wait()
		if got := d.count(); got > 2 {
			t.Fatalf("%d fyne.Do calls while the window was busy; want at most 2", got)
		}
		for d.pump() {
		}
		if got := u.batch.redraws; got > 1 {
			t.Fatalf("%d redraws for one batch of %d events; want 1", got, events)
		}
		checkBatchDone(t, u.batch, 200)
	})

	t.Run("Do calls follow the frames, not the events", func(t *testing.T) {
		d := &countingDo{}
		eng := &burstBatch{n: events, pauseEvery: 500, pause: 10 * time.Millisecond, returned: make(chan struct{})}
		u := batchWindow(t, eng, d)
		start := time.Now()
		u.batch.start()
		for finished := false; !finished; {
			select {
			case <-eng.returned:
				finished = true
			default:
				d.pump()
				time.Sleep(time.Millisecond)
			}
		}
		u.brun.wait()
		for d.pump() {
		}
		elapsed := time.Since(start)
		frames := int(elapsed/frameInterval) + 1
		calls := d.count()
		t.Logf("%d batch events in %v: %d fyne.Do calls, %d redraws", events, elapsed, calls, u.batch.redraws)
		if limit := frames + 2; calls > limit {
			t.Fatalf("%d fyne.Do calls for %d events in %v; want at most %d (one per frame)", calls, events, elapsed, limit)
		}
		if calls > events/20 || u.batch.redraws > calls {
			t.Fatalf("%d fyne.Do calls, %d redraws for %d events: not coalesced", calls, u.batch.redraws, events)
		}
		checkBatchDone(t, u.batch, 200)
	})
}

func checkBatchDone(t *testing.T, v *batchView, domains int) {
	t.Helper()
	if v.s.running || v.s.report == nil {
		t.Fatal("the Batch tab still shows the run going, or no report")
	}
	if len(v.s.domains) != domains {
		t.Fatalf("%d domains, want %d", len(v.s.domains), domains)
	}
	for _, d := range v.s.domains {
		if d.report == nil {
			t.Fatalf("domain %s has no outcome (events lost)", d.name)
		}
	}
	if v.run.Disabled() || !v.stop.Disabled() {
		t.Error("after the run: Run enabled, Stop disabled")
	}
}

// TestClosingTheWindowStopsTheBatch: the window closing cancels a batch
// that is still running; its goroutine returns and nothing it sends
// afterwards is applied.
func TestClosingTheWindowStopsTheBatch(t *testing.T) {
	d := &countingDo{}
	eng := &burstBatch{block: true, returned: make(chan struct{})}
	u := batchWindow(t, eng, d)
	leaks := goleak.IgnoreCurrent()
	u.batch.start()
	u.Close()
	select {
	case <-eng.returned:
	case <-time.After(5 * time.Second):
		t.Fatal("closing the window did not cancel the batch")
	}
	u.brun.wait()
	for d.pump() {
	}
	goleak.VerifyNone(t, leaks)
	if u.brun.running() {
		t.Error("the batch task still counts as running")
	}
	if u.batch.s.domains[0].started {
		t.Error("an event the closed run sent while winding down was applied")
	}
}

// TestANewBatchRunsAsANewGeneration: after Stop, Run starts a new run;
// a late batch of the stopped one is dropped.
func TestANewBatchRunsAsANewGeneration(t *testing.T) {
	h := newBatchHarness(t)
	v := h.ui.batch
	v.loadFile(writeList(t, "anna@alfa.example\n"))
	v.output.SetText(t.TempDir())
	test.Tap(v.run)
	<-h.eng.reqs
	old := v.s.gen
	test.Tap(v.stop)
	<-h.eng.canceled
	h.waitDone()
	test.Tap(v.run)
	<-h.eng.reqs
	if v.s.gen == old {
		t.Fatal("the second run has the first one's generation")
	}
	v.handleBatch(old, []event.Event{batch.DomainStarted{Domain: "alfa.example"}})
	if v.s.domains[0].started {
		t.Error("a late event of the stopped run was applied to the new one")
	}
	test.Tap(v.stop)
	<-h.eng.canceled
	h.waitDone()
}
