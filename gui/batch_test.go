package gui

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/batch"
	"github.com/postino-mail/postino/detect/batch/batchtest"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/gui/engine"
)

// scriptBatch is a BatchEngine the test drives: it hands over its
// request, emits what the test sends and returns the report the test
// gives (or when cancelled).
type scriptBatch struct {
	reqs     chan BatchRequest
	steps    chan event.Event
	acks     chan struct{}
	end      chan *batch.Report
	canceled chan bool
}

func newScriptBatch() *scriptBatch {
	return &scriptBatch{reqs: make(chan BatchRequest, 1), steps: make(chan event.Event), acks: make(chan struct{}),
		end: make(chan *batch.Report), canceled: make(chan bool, 1)}
}

func (e *scriptBatch) Batch(ctx context.Context, req BatchRequest, sink event.Sink) (*batch.Report, error) {
	e.reqs <- req
	for {
		select {
		case <-ctx.Done():
			e.canceled <- true
			return &batch.Report{Canceled: true}, nil
		case ev := <-e.steps:
			sink(ev)
			e.acks <- struct{}{}
		case rep := <-e.end:
			e.canceled <- false
			return rep, nil
		}
	}
}

type batchHarness struct {
	*harness
	eng *scriptBatch
}

func newBatchHarness(t *testing.T) *batchHarness {
	t.Helper()
	eng := newScriptBatch()
	h := newBatchHarnessWith(t, eng)
	h.eng = eng
	return h
}

func newBatchHarnessWith(t *testing.T, engine BatchEngine) *batchHarness {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1000, 700))
	u := New(a, w, Options{Engine: newScriptEngine(), Batch: engine})
	u.langFn = func(code string) error { i18n.SetLanguage(code); return nil }
	h := &harness{t: t, app: a, win: w, ui: u, queue: make(chan func(), 1024)}
	u.setDo(func(f func()) { h.queue <- f }, 0)
	w.SetContent(u.Content())
	t.Cleanup(func() {
		u.Close()
		u.brun.wait()
		h.pump()
		i18n.SetLanguage("")
	})
	return &batchHarness{harness: h}
}

func (h *batchHarness) send(evs ...event.Event) {
	h.t.Helper()
	for _, ev := range evs {
		select {
		case h.eng.steps <- ev:
		case <-time.After(5 * time.Second):
			h.t.Fatalf("the batch is not running (sending %T)", ev)
		}
		<-h.eng.acks
		h.pump()
	}
}

func (h *batchHarness) waitDone() {
	h.ui.brun.wait()
	h.pump()
}

func writeList(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "utenti.csv")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBatchTabShowsBadRowsBeforeRunningAndRendersTheRun(t *testing.T) {
	h := newBatchHarness(t)
	v := h.ui.batch
	tab := v.obj
	h.requireText(tab, i18n.T("batch.gui.no_list"))
	if !v.run.Disabled() {
		t.Fatal("Run is enabled without a list")
	}

	// A list dropped on the window is parsed at once; bad rows are
	// flagged with their reason before anything runs.
	list := writeList(t, "email;name;password\nanna@alfa.example;Anna;x\nbob@beta.example;Bob;y\nnot-an-address;;\nanna@alfa.example;;\n")
	h.ui.tabs.SelectIndex(0)
	v.dropped([]fyne.URI{storage.NewFileURI(list)})
	if h.ui.tabs.Selected().Content != tab {
		t.Error("a list dropped on the window does not show the Batch tab")
	}
	h.requireText(tab, i18n.T("batch.gui.parsed", map[string]any{"Users": 2, "Domains": 2, "Rejected": 2}))
	h.requireText(tab, "password")
	if len(v.s.rows) != 4 || v.s.rows[2].reason == "" || v.s.rows[3].reason == "" || v.s.rows[0].reason != "" {
		t.Fatalf("rows %+v", v.s.rows)
	}
	h.requireText(tab, v.s.rows[2].reason)
	h.requireText(tab, "alfa.example (users: 1) — "+i18n.T("batch.gui.domain.waiting"))

	// Formats and folder, then Run.
	out := filepath.Join(t.TempDir(), "out")
	test.Tap(findCheck(t, tab, "html")) // off
	test.Tap(findCheck(t, tab, "text")) // on
	v.output.SetText(out)
	test.Tap(v.run)
	req := <-h.eng.reqs
	if req.Output != out || strings.Join(req.Formats, ",") != "thunderbird,mobileconfig,text" || len(req.List.Users) != 2 {
		t.Fatalf("request %+v formats %v", req.Output, req.Formats)
	}
	if req.Lang != i18n.Language() {
		// The engine would otherwise choose a language of its own.
		t.Errorf("request language %q, want the window's %q", req.Lang, i18n.Language())
	}
	if !v.run.Disabled() || v.stop.Disabled() || !v.openReport.Disabled() {
		t.Error("while running: Run and Open report disabled, Stop enabled")
	}

	in := &mail.Server{Protocol: mail.IMAP, Host: "mail.prov.example", Port: 993, Security: mail.TLS}
	outSrv := &mail.Server{Protocol: mail.SMTP, Host: "mail.prov.example", Port: 465, Security: mail.TLS}
	h.send(batch.DomainStarted{Domain: "alfa.example", Users: 1})
	h.requireText(tab, "alfa.example (users: 1) — "+i18n.T("batch.gui.domain.checking"))
	h.send(batch.DomainFinished{Domain: batch.DomainReport{Domain: "alfa.example", Status: batch.DomainOK, Users: 1, Incoming: in, Outgoing: outSrv}},
		batch.Progress{DomainsDone: 1, Domains: 2, UsersDone: 1, Users: 2, EndpointsProbed: 8, Elapsed: 2 * time.Second})
	h.requireText(tab, "mail.prov.example:993, mail.prov.example:465")
	if v.bar.Value != 0.5 {
		t.Errorf("progress bar at %v, want 0.5", v.bar.Value)
	}
	h.requireText(tab, i18n.T("batch.cli.progress", map[string]any{"DomainsDone": 1, "Domains": 2, "UsersDone": 1, "Users": 2, "Endpoints": 8}))
	h.send(batch.DomainFinished{Domain: batch.DomainReport{Domain: "beta.example", Status: batch.DomainNotFound, Users: 1}})
	h.requireText(tab, "beta.example (users: 1) — "+i18n.T("batch.domain.not-found"))

	h.eng.end <- &batch.Report{Summary: batch.Summary{Users: 2, Written: 1, Failed: 1, Rejected: 2, Domains: 2, DomainsOK: 1}}
	h.waitDone()
	h.requireText(tab, i18n.T("batch.report.summary", batch.Summary{Users: 2, Written: 1, Failed: 1, Rejected: 2, Domains: 2, DomainsOK: 1}))
	if v.openReport.Disabled() || v.openFolder.Disabled() || v.run.Disabled() {
		t.Error("after the run: Open report, Open folder and Run enabled")
	}
	var opened []string
	v.u.opts.OpenURL = func(u *url.URL) error { opened = append(opened, u.String()); return nil }
	test.Tap(v.openReport)
	test.Tap(v.openFolder)
	if len(opened) != 2 || !strings.HasPrefix(opened[0], "file://") || !strings.HasSuffix(opened[0], "/out/report.html") || !strings.HasSuffix(opened[1], "/out") {
		t.Errorf("opened %q", opened)
	}
}

// findCheck finds a visible check box with exactly this text.
func findCheck(t *testing.T, o fyne.CanvasObject, text string) *widget.Check {
	t.Helper()
	for _, obj := range test.LaidOutObjects(o) {
		if c, ok := obj.(*widget.Check); ok && c.Text == text && c.Visible() {
			return c
		}
	}
	t.Fatalf("no check box %q", text)
	return nil
}

func TestBatchTabStopCancelsTheRun(t *testing.T) {
	h := newBatchHarness(t)
	v := h.ui.batch
	v.loadFile(writeList(t, "anna@alfa.example\n"))
	v.output.SetText(t.TempDir())
	test.Tap(v.run)
	<-h.eng.reqs
	test.Tap(v.stop)
	if !<-h.eng.canceled {
		t.Fatal("Stop did not cancel the engine")
	}
	h.waitDone()
	h.requireText(v.obj, i18n.T("batch.report.canceled"))
	if v.run.Disabled() {
		t.Error("Run stays disabled after Stop")
	}
}

func TestBatchTabUnreadableList(t *testing.T) {
	h := newBatchHarness(t)
	v := h.ui.batch
	v.loadFile(writeList(t, "nome;cognome\nAnna;Rossi\n"))
	h.requireText(v.obj, "nome, cognome")
	if !v.run.Disabled() {
		t.Error("Run enabled for a list without an email column")
	}
}

// The tab and its state survive a language change.
func TestBatchTabInItalianKeepsTheList(t *testing.T) {
	h := newBatchHarness(t)
	h.ui.batch.loadFile(writeList(t, "anna@alfa.example\n"))
	i18n.SetLanguage("it")
	h.ui.rebuild()
	h.requireText(h.ui.batch.obj, i18n.T("batch.gui.parsed", map[string]any{"Users": 1, "Domains": 1, "Rejected": 0}))
	if findButton(h.ui.batch.obj, "Prepara i profili") == nil {
		t.Error("the Run button is not in Italian")
	}
}

// The tab runs the same engine as the command line: a real batch
// against the loopback lab writes the profiles, and the table shows each
// domain's outcome.
func TestBatchTabRunsTheRealEngine(t *testing.T) {
	lab := labtest.NewWith(t, labtest.Options{DNSTimeout: 5 * time.Second})
	db := batchtest.NewISPDB(lab)
	db.Provider("prov.example", "Prov", "mail.prov.example", "", "mail.prov.example")
	batchtest.Host(t, lab, nil, "mail.prov.example", []int{993, 143, 465, 587, 25, 2525})
	lab.MX("alfa.example", 10, "mx.prov.example")
	h := newBatchHarnessWith(t, engine.Batch{Network: lab.Network()})
	h.ui.set.ISPDBURL, h.ui.set.ProbeTimeout, h.ui.set.AllowHTTPAutoconfig = batchtest.ISPDBURL, 3*time.Second, false
	v := h.ui.batch
	v.loadFile(writeList(t, "email,name\nanna@alfa.example,Anna\nugo@nomail.example,Ugo\n"))
	out := filepath.Join(t.TempDir(), "out")
	v.output.SetText(out)
	test.Tap(v.run)
	deadline := time.After(60 * time.Second)
	for v.s.running {
		select {
		case f := <-h.queue:
			f()
		case <-deadline:
			t.Fatal("the batch did not finish")
		}
	}
	h.requireText(v.obj, "alfa.example (users: 1) — "+i18n.T("batch.domain.ok"))
	h.requireText(v.obj, "nomail.example (users: 1) — "+i18n.T("batch.domain.not-found"))
	for _, f := range []string{"report.html", "users/anna@alfa.example/anna@alfa.example.mobileconfig"} {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(f))); err != nil {
			t.Error(err)
		}
	}
}
