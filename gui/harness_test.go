package gui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/event"
)

// scriptEngine is an Engine the test drives event by event. Each send
// hands one event to the engine goroutine and waits until its sink call
// returned; the harness then runs the queued UI update on the test
// goroutine, as the real driver runs fyne.Do on the main thread. So
// widgets are only ever touched by the test goroutine.
type scriptEngine struct {
	reqs  chan Request
	steps chan event.Event
	acks  chan struct{}
	// canceled reports, at each return of Check, whether it was cancelled.
	canceled chan bool
}

// endRun is the step that makes Check return normally.
type endRun struct{}

func (endRun) EventKind() string { return "test-end" }

func newScriptEngine() *scriptEngine {
	return &scriptEngine{
		reqs:     make(chan Request, 4),
		steps:    make(chan event.Event),
		acks:     make(chan struct{}),
		canceled: make(chan bool, 4),
	}
}

func (e *scriptEngine) Check(ctx context.Context, req Request, sink event.Sink) {
	e.reqs <- req
	for {
		select {
		case <-ctx.Done():
			e.canceled <- true
			return
		case ev := <-e.steps:
			if _, ok := ev.(endRun); ok {
				e.canceled <- false
				return
			}
			sink(ev)
			e.acks <- struct{}{}
		}
	}
}

// harness is a window with the real content over a script engine.
type harness struct {
	t   *testing.T
	eng *scriptEngine
	app fyne.App
	win fyne.Window
	ui  *UI
	// queue holds UI updates posted from engine goroutines.
	queue chan func()
}

func newHarness(t *testing.T) *harness { return newHarnessWith(t, nil) }

func newHarnessWith(t *testing.T, health HealthEngine) *harness {
	t.Helper()
	return newHarnessFor(t, health, func(e *scriptEngine) Engine { return e })
}

// newHarnessFor lets a test wrap the script engine in one that can do
// more (a RoundTripper, say).
func newHarnessFor(t *testing.T, health HealthEngine, wrap func(*scriptEngine) Engine) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(900, 600))
	eng := newScriptEngine()
	e := wrap(eng)
	opts := Options{Engine: e, Health: health}
	// A test's engine may also retry or send (the real adapter does
	// both; main.go names it for each role).
	opts.Retrier, _ = e.(Retrier)
	opts.RoundTripper, _ = e.(RoundTripper)
	u := New(a, w, opts)
	u.langFn = func(code string) error { i18n.SetLanguage(code); return nil }
	h := &harness{t: t, eng: eng, app: a, win: w, ui: u, queue: make(chan func(), 1024)}
	u.setDo(func(f func()) { h.queue <- f }, 0)
	w.SetContent(u.Content())
	t.Cleanup(func() {
		u.Close()
		u.wait()
		u.hrun.wait()
		h.pump()
		i18n.SetLanguage("")
	})
	return h
}

// pump runs the UI updates posted so far, on the test goroutine.
func (h *harness) pump() {
	for {
		select {
		case f := <-h.queue:
			f()
		default:
			return
		}
	}
}

// waitRun waits for the run's goroutine to end and applies its last
// updates.
func (h *harness) waitRun() {
	h.ui.wait()
	h.pump()
}

// start types addr (and password) and presses Check, returning the
// request the engine received.
func (h *harness) start(addr, password string) Request {
	h.t.Helper()
	test.Type(h.ui.top.address, addr)
	if password != "" {
		test.Type(h.ui.top.password, password)
	}
	test.Tap(h.ui.top.check)
	select {
	case r := <-h.eng.reqs:
		return r
	case <-time.After(5 * time.Second):
		h.t.Fatal("the engine was not started")
	}
	return Request{}
}

// send delivers events one at a time and waits for each to be applied.
func (h *harness) send(evs ...event.Event) {
	h.t.Helper()
	for _, ev := range evs {
		select {
		case h.eng.steps <- ev:
		case <-time.After(5 * time.Second):
			h.t.Fatalf("the engine is not running (sending %T)", ev)
		}
		<-h.eng.acks
		h.pump()
	}
}

// finish ends the run normally and waits for its goroutine.
func (h *harness) finish() {
	h.t.Helper()
	h.eng.steps <- endRun{}
	h.waitRun()
}

// texts returns every text a person can read in o, in tree order.
func texts(o fyne.CanvasObject) []string {
	var out []string
	for _, obj := range test.LaidOutObjects(o) {
		if !obj.Visible() {
			continue
		}
		switch w := obj.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, w.Text)
		case *widget.Check:
			out = append(out, w.Text)
		case *widget.Card:
			out = append(out, w.Title, w.Subtitle)
		case *canvas.Text:
			out = append(out, w.Text)
		case *widget.Entry:
			out = append(out, w.Text)
		}
	}
	return out
}

// hasText reports whether some readable text in o contains want.
func hasText(o fyne.CanvasObject, want string) bool {
	for _, s := range texts(o) {
		if strings.Contains(s, want) {
			return true
		}
	}
	return false
}

func (h *harness) requireText(o fyne.CanvasObject, want string) {
	h.t.Helper()
	if !hasText(o, want) {
		h.t.Fatalf("%q is not shown; visible texts: %q", want, texts(o))
	}
}

func (h *harness) requireNoText(o fyne.CanvasObject, want string) {
	h.t.Helper()
	if hasText(o, want) {
		h.t.Fatalf("%q is shown but should not be", want)
	}
}

// overlay returns the topmost overlay (dialogs), failing when none.
func (h *harness) overlay() fyne.CanvasObject {
	h.t.Helper()
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		h.t.Fatal("no dialog is open")
	}
	return top
}

// findButton finds a visible button with exactly this text.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	for _, obj := range test.LaidOutObjects(o) {
		if b, ok := obj.(*widget.Button); ok && b.Text == text && b.Visible() {
			return b
		}
	}
	return nil
}
