package gui

import (
	"context"
	"sync"
	"time"

	"github.com/postino-mail/postino/detect/event"
)

// task is one kind of background work the window runs (a check, a health
// run, a test message): at most one at a time, started and cancelled on
// the Fyne thread. Each start opens a new generation; results of an
// older generation are dropped, because the person has moved on.
//
// The work runs on its own goroutine and reports through a coalescing
// sink (see coalescer): the engine never waits for the window, and the
// window applies whatever arrived since the last frame in one go.
type task struct {
	// do runs a function on the Fyne thread (fyne.Do; tests queue).
	do func(func())
	// frame is the shortest time between two batches (see coalescer).
	frame time.Duration
	// tick, when set, is called on the Fyne thread every tickEvery while
	// the work runs (the summary's clock).
	tick      func()
	tickEvery time.Duration
	// settle, when set, is called on the Fyne thread after each run
	// ended (the window's memory.go).
	settle func()

	gen    int
	cancel context.CancelFunc
	done   chan struct{}
	sink   *coalescer
}

// taskRun is what one start hands its work.
type taskRun struct {
	Ctx  context.Context
	Gen  int
	Sink event.Sink
}

// start cancels what runs and starts work on a new goroutine. Batches of
// events the work sends go to apply on the Fyne thread while this run is
// the current generation. When work returns, the last batch is applied
// and then ended runs on the Fyne thread, whether or not the run is
// still current (current says), with canceled true when its context was
// cancelled before it returned. It returns the new generation.
func (t *task) start(work func(taskRun), apply func(gen int, batch []event.Event), ended func(gen int, current, canceled bool)) int {
	t.stop()
	ctx, cancel := context.WithCancel(context.Background())
	t.gen++
	gen := t.gen
	done := make(chan struct{})
	t.cancel, t.done = cancel, done
	c := newCoalescer(t.do, t.frame, func(batch []event.Event) {
		if gen == t.gen && apply != nil {
			apply(gen, batch)
		}
	})
	t.sink = c
	stopTick := t.startTicker(gen)
	go func() {
		defer close(done)
		work(taskRun{Ctx: ctx, Gen: gen, Sink: c.send})
		canceled := ctx.Err() != nil
		stopTick()
		c.stop()
		t.do(func() {
			c.flush() // what the work sent last, before it ends
			current := gen == t.gen
			if current {
				t.cancel()
				t.cancel = nil
			}
			if ended != nil {
				ended(gen, current, canceled)
			}
			if t.settle != nil {
				t.settle()
			}
		})
	}()
	return gen
}

// startTicker calls t.tick every tickEvery until the returned function
// is called; the ticker's goroutine has returned when it returns.
func (t *task) startTicker(gen int) func() {
	if t.tick == nil || t.tickEvery <= 0 {
		return func() {}
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(t.tickEvery)
		defer tk.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tk.C:
				t.do(func() {
					if gen == t.gen && t.cancel != nil {
						t.tick()
					}
				})
			}
		}
	}()
	return func() { close(quit); wg.Wait() }
}

// stop cancels the running work, if any, and opens a new generation so
// its late events are dropped. It reports whether something was running.
func (t *task) stop() bool {
	if t.cancel == nil {
		return false
	}
	t.cancel()
	t.cancel = nil
	t.gen++
	return true
}

// interrupt cancels the running work but keeps its generation current:
// what it sends while winding down, and its end, are still applied.
// (Stop on a batch keeps the domains already done and the report of the
// cancelled run; stop would drop them.)
func (t *task) interrupt() {
	if t.cancel != nil {
		t.cancel()
	}
}

// running reports whether work started here has not ended yet.
func (t *task) running() bool { return t.cancel != nil }

// current reports whether gen is the latest generation.
func (t *task) current(gen int) bool { return gen == t.gen }

// wait blocks until the last started work's goroutine has returned
// (tests, and the end of a benchmark). Its final fyne.Do may still be
// queued.
func (t *task) wait() {
	if t.done != nil {
		<-t.done
	}
}

// coalescer is a sink that never blocks the engine and hands the window
// its events in batches: at most one fyne.Do is outstanding at any time,
// and two are at least frame apart, so a burst of hundreds of events
// costs one model update and one render, not one each. (Fyne's main loop
// runs one queued function per frame at best: one Do per event made the
// window fall seconds behind an engine that was long done.)
type coalescer struct {
	do    func(func())
	frame time.Duration
	apply func([]event.Event)

	mu        sync.Mutex
	pending   []event.Event
	scheduled bool
	stopped   bool
	last      time.Time
	timer     *time.Timer
	// posts counts the functions handed to do (tests, make bench-gui).
	posts int
}

func newCoalescer(do func(func()), frame time.Duration, apply func([]event.Event)) *coalescer {
	return &coalescer{do: do, frame: frame, apply: apply}
}

// send queues ev; it may be called from any goroutine.
func (c *coalescer) send(ev event.Event) {
	c.mu.Lock()
	c.pending = append(c.pending, ev)
	if c.scheduled || c.stopped {
		c.mu.Unlock()
		return
	}
	c.scheduled = true
	if wait := c.frame - time.Since(c.last); wait > 0 && !c.last.IsZero() {
		c.timer = time.AfterFunc(wait, c.post)
		c.mu.Unlock()
		return
	}
	c.mark()
	c.mu.Unlock()
	c.do(c.flush) // outside the lock: a driver may run it at once
}

// post hands the pending batch to the Fyne thread (the timer's end).
func (c *coalescer) post() {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return
	}
	c.mark()
	c.mu.Unlock()
	c.do(c.flush)
}

func (c *coalescer) mark() {
	c.last = time.Now()
	c.posts++
}

// flush applies what is pending; it runs on the Fyne thread.
func (c *coalescer) flush() {
	c.mu.Lock()
	batch := c.pending
	c.pending = nil
	c.scheduled = false
	c.mu.Unlock()
	if len(batch) > 0 {
		c.apply(batch)
	}
}

// stop ends the timer: the work has returned and its owner flushes the
// rest itself.
func (c *coalescer) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	if c.timer != nil {
		c.timer.Stop()
	}
}

// Posts is the number of fyne.Do calls this sink made.
func (c *coalescer) Posts() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.posts
}
