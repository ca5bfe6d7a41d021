package gui

import (
	"bytes"
	"context"
	"io"
	"log"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
	"github.com/postino-mail/postino/export"
)

// guiSentinel is the password of the GUI credential test: it must never
// be shown, remembered or exported unless the person asked for it.
const guiSentinel = "Gui-Sentinel-Pw-4c1e"

// TestGUIRunNeverShowsStoresOrExportsThePassword is a whole GUI run with
// the real engine (detect.Check) against real in-process IMAP and SMTP
// servers on the loopback lab: the password logs in, and afterwards it is
// in no visible text (main view and every row's details with its
// transcript), no preference, no file under the app's storage, and no
// export, except the Apple profile when "include the password" is chosen.
func TestGUIRunNeverShowsStoresOrExportsThePassword(t *testing.T) {
	// Fyne and the standard library log through package log: whatever is
	// logged during the run must not hold the password either.
	logs := &lockedBuffer{}
	log.SetOutput(logs)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	lab := labtest.New(t)
	host := "mail.example.org"
	user := "anna@example.org"
	cert := lab.Cert(host)
	// The lab's IMAP and submission servers, implicit TLS, one account
	// whose password is the sentinel.
	mailserver.ServeIMAPWith(t, lab.Listen(host, 993), mailserver.IMAPOptions{
		User: imapmemserver.NewUser(user, guiSentinel), Caps: imap.CapSet{imap.CapIMAP4rev1: {}}, Cert: cert, TLS: mailserver.Implicit,
	})
	mailserver.ServeSMTP(t, lab.Listen(host, 465), mailserver.NewSubmission(nil, user, guiSentinel, nil), host, cert, true)
	lab.SRV("_imaps._tcp.example.org", 0, 1, 993, host)
	lab.SRV("_submissions._tcp.example.org", 0, 1, 465, host)

	eng := EngineFunc(func(ctx context.Context, req Request, sink event.Sink) {
		addr, err := address.Parse(req.Address)
		if err != nil {
			sink(EngineError{Err: err})
			return
		}
		detect.Check(ctx, detect.CheckOptions{
			Network: lab.Network(), Password: req.Password, ProbeTimeout: 3 * time.Second,
			OverrideDir: "-", NoHTTP: true, ClientName: "Postino",
		}, addr, sink)
	})
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1000, 700))
	u := New(a, w, Options{Engine: eng})
	queue := make(chan func(), 4096)
	u.setDo(func(f func()) { queue <- f }, 0)
	w.SetContent(u.Content())
	t.Cleanup(func() {
		u.Close()
		u.wait()
		drainQueue(queue)
	})

	test.Type(u.top.address, user)
	test.Type(u.top.password, guiSentinel)
	test.Tap(u.top.check)
	// Apply the engine's updates on this goroutine until the run ends.
	ended := make(chan struct{})
	go func() { u.wait(); close(ended) }()
	deadline := time.After(30 * time.Second)
	for running := true; running; {
		select {
		case f := <-queue:
			f()
		case <-ended:
			running = false
		case <-deadline:
			t.Fatal("the check did not finish in 30 s")
		}
	}
	drainQueue(queue)

	st := u.state
	if st == nil || st.Recommendation == nil || st.Recommendation.Incoming == nil || st.Recommendation.Outgoing == nil {
		t.Fatalf("no recommendation: %+v", st)
	}
	if st.Recommendation.Incoming.Login != "ok" || st.Recommendation.Outgoing.Login != "ok" {
		t.Fatalf("logins %q / %q, want ok: the password was not used, so this test proves nothing",
			st.Recommendation.Incoming.Login, st.Recommendation.Outgoing.Login)
	}

	if shown := assertNotShown(t, "main view", u); !strings.Contains(shown, user) {
		t.Errorf("the address is not among the texts read (%d bytes): the search proves nothing", len(shown))
	}
	sawRedacted := false
	for id := range st.rows {
		u.selectRow(id)
		sawRedacted = strings.Contains(assertNotShown(t, "details of "+id, u), "***") || sawRedacted
		if r := st.rows[id]; r != nil {
			for _, l := range r.Transcript {
				if strings.Contains(l.Text, guiSentinel) {
					t.Errorf("%s: transcript line %q", id, l.Text)
				}
			}
		}
	}

	if !sawRedacted {
		t.Error("no details view showed a redacted login (***): the transcripts were not read")
	}

	// Preferences: every key Settings uses, and the settings as loaded.
	p := a.Preferences()
	for _, key := range []string{prefLanguage, prefDNSServer, prefISPDBURL, prefRecent} {
		if strings.Contains(p.String(key), guiSentinel) {
			t.Errorf("preference %q holds the password", key)
		}
	}
	if set := LoadSettings(p); strings.Contains(strings.Join(set.Recent, " ")+set.DNSServer+set.ISPDBURL, guiSentinel) {
		t.Error("saved settings hold the password")
	}
	// Files the app keeps in its own storage (the test app's storage root
	// is a shared temporary directory, so list the app's files, not the
	// directory).
	for _, name := range a.Storage().List() {
		rc, err := a.Storage().Open(name)
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(io.LimitReader(rc, 16<<20))
		rc.Close()
		if bytes.Contains(b, []byte(guiSentinel)) {
			t.Errorf("the password is stored in the app's file %s", name)
		}
	}

	if strings.Contains(logs.String(), guiSentinel) {
		t.Error("the password was logged")
	}
	t.Logf("%d bytes logged during the run", len(logs.String()))

	// Exports: none carries it unless asked; the profile does when asked.
	for _, f := range export.Formats() {
		data, err := f.Export(u.exportSettings(false), export.Options{Lang: "en", Report: st.Report})
		if err != nil {
			t.Errorf("%s: %v", f.Name, err)
			continue
		}
		if bytes.Contains(data, []byte(guiSentinel)) {
			t.Errorf("the %s export holds the password without being asked", f.Name)
		}
	}
	mc, ok := export.Lookup("mobileconfig")
	if !ok {
		t.Fatal("no mobileconfig format")
	}
	data, err := mc.Export(u.exportSettings(true), export.Options{Lang: "en", IncludePassword: true})
	if err != nil || !bytes.Contains(data, []byte(guiSentinel)) {
		t.Errorf("asked to include the password, the profile does not (err %v): the searches above prove nothing", err)
	}
}

// lockedBuffer is a log output that tests may read while loggers write.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func drainQueue(q chan func()) {
	for {
		select {
		case f := <-q:
			f()
		default:
			return
		}
	}
}

// assertNotShown fails when any text a person can read in the window
// (labels, entries other than the password field, rich text, canvas
// texts, anywhere in the tree) contains the password. It returns the
// texts it read, so callers can check the search saw something.
func assertNotShown(t *testing.T, where string, u *UI) string {
	t.Helper()
	pw := fyne.CanvasObject(u.top.password)
	inPassword := map[fyne.CanvasObject]bool{}
	for _, o := range test.LaidOutObjects(pw) {
		inPassword[o] = true
	}
	var all strings.Builder
	for _, o := range test.LaidOutObjects(u.win.Content()) {
		if inPassword[o] {
			continue
		}
		var s string
		switch v := o.(type) {
		case *widget.Label:
			s = v.Text
		case *widget.Entry:
			s = v.Text
		case *widget.RichText:
			s = v.String()
		case *widget.Hyperlink:
			s = v.Text
		case *canvas.Text:
			s = v.Text
		}
		if strings.Contains(s, guiSentinel) {
			t.Errorf("%s: a %T shows the password: %q", where, o, s)
		}
		all.WriteString(s)
		all.WriteByte('\n')
	}
	return all.String()
}

// TestGUIRefusesControlCharactersInThePasswordBeforeAnyConnection: a CR,
// LF or NUL in the password (pasted: nobody types them) could smuggle a
// protocol command (RFC 5321 §2.3.8, RFC 9051 §4), so Check refuses it
// with a message before the engine runs at all: no DNS query, no
// connection, and the refused password is not shown back.
func TestGUIRefusesControlCharactersInThePasswordBeforeAnyConnection(t *testing.T) {
	for name, pw := range map[string]string{"CR": "pa\rss", "LF": "pa\nss", "NUL": "pa\x00ss"} {
		t.Run(name, func(t *testing.T) {
			var calls atomic.Int32
			eng := EngineFunc(func(context.Context, Request, event.Sink) { calls.Add(1) })
			a := test.NewTempApp(t)
			w := test.NewTempWindow(t, nil)
			u := New(a, w, Options{Engine: eng})
			queue := make(chan func(), 64)
			u.setDo(func(f func()) { queue <- f }, 0)
			w.SetContent(u.Content())
			t.Cleanup(func() { u.Close(); u.wait(); drainQueue(queue) })
			test.Type(u.top.address, "anna@example.org")
			u.top.password.SetText(pw)
			test.Tap(u.top.check)
			u.wait()
			drainQueue(queue)
			if n := calls.Load(); n != 0 {
				t.Errorf("the engine ran %d times with a password holding %s", n, name)
			}
			if !u.top.addrErr.Visible() || strings.TrimSpace(u.top.addrErr.Text) == "" {
				t.Errorf("refused without saying why (message %q)", u.top.addrErr.Text)
			}
			if strings.Contains(u.top.addrErr.Text, pw) {
				t.Error("the refused password is shown back")
			}
		})
	}
}
