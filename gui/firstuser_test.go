package gui

// The rest of what a first-time user tripped over (issue 16) that no
// other test held: each test names the behaviour it keeps.

import (
	"errors"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/probe"
)

// esc presses Esc with no field focused, as the window receives it.
func (h *harness) esc() {
	h.win.Canvas().(test.WindowlessCanvas).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
}

// requireNoDialog fails when a dialog is still on screen.
func (h *harness) requireNoDialog(what string) {
	h.t.Helper()
	if top := h.win.Canvas().Overlays().Top(); top != nil && top.Visible() {
		h.t.Fatalf("%s: a dialog is still open", what)
	}
}

// TestDetailsSayWhyTheLoginWasNotTried: with a password given, a refused
// row does not claim no password was given.
func TestDetailsSayWhyTheLoginWasNotTried(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "s3cret")
	h.send(candidate(imapPlus), probe.Update{Result: refusedResult(imapPlus)})
	h.finish()
	h.ui.grid.list.Select(h.rowIndex(imapPlus))
	h.requireText(h.ui.details.obj, i18n.T("window.login.not_reached"))
	h.requireNoText(h.ui.details.obj, i18n.T("gui.login.not_tried"))
}

// TestANewRowOpensDetailsAtTheTop: Details of another row starts where
// what went wrong and what to do are, not where the last one was left.
func TestANewRowOpensDetailsAtTheTop(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(candidate(imapTLS), candidate(imapPlus), probe.Update{Result: okResult(imapTLS)}, probe.Update{Result: refusedResult(imapPlus)})
	h.finish()
	h.ui.grid.list.Select(h.rowIndex(imapTLS))
	h.ui.details.scroll.Offset = fyne.NewPos(0, 120) // the person scrolled down
	h.ui.grid.list.Select(h.rowIndex(imapPlus))
	if y := h.ui.details.scroll.Offset.Y; y != 0 {
		t.Fatalf("Details of the new row opened scrolled to %v", y)
	}
}

// TestARecheckShowsTheRecommendationFromTheTop: a new check's card starts
// at its top, not scrolled down where the last one was left (blank).
func TestARecheckShowsTheRecommendationFromTheTop(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(candidate(imapTLS), candidate(smtpSub), recommendation())
	h.finish()
	h.ui.rec.scroll.Offset = fyne.NewPos(0, 200)
	test.Tap(h.ui.top.check)
	<-h.eng.reqs
	if y := h.ui.rec.scroll.Offset.Y; y != 0 {
		t.Fatalf("the re-check's recommendation is scrolled to %v", y)
	}
	h.finish()
}

// TestTheCopiedNoticeGivesTheSummaryBack: "Copied to the clipboard."
// replaces the check's summary for a moment, not for good.
func TestTheCopiedNoticeGivesTheSummaryBack(t *testing.T) {
	old := notifyFor
	notifyFor = 10 * time.Millisecond
	t.Cleanup(func() { notifyFor = old })
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(candidate(imapTLS), probe.Update{Result: okResult(imapTLS)})
	h.finish()
	summary := h.ui.summary.Text
	h.ui.copyText("imap.example.com")
	if h.ui.summary.Text != i18n.T("gui.copied") {
		t.Fatalf("summary %q right after copying", h.ui.summary.Text)
	}
	deadline := time.Now().Add(5 * time.Second)
	for h.ui.summary.Text != summary && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		h.pump()
	}
	if h.ui.summary.Text != summary {
		t.Fatalf("summary %q; want the check's %q back", h.ui.summary.Text, summary)
	}
}

// TestSettingsShowTheDNSServerOfPOSTINO_DNS: an empty DNS field does not
// claim the system's resolver while POSTINO_DNS is in effect.
func TestSettingsShowTheDNSServerOfPOSTINO_DNS(t *testing.T) {
	h := newHarness(t)
	h.ui.opts.EnvDNS = "127.0.0.53:5353"
	h.ui.showSettings()
	want := i18n.T("window.settings.dns_env", map[string]any{"Server": "127.0.0.53:5353"})
	for _, o := range test.LaidOutObjects(h.overlay()) {
		if e, ok := o.(*widget.Entry); ok && e.PlaceHolder == want && e.Text == "" {
			return
		}
	}
	t.Fatalf("no empty DNS field saying %q", want)
}

// TestALongSourceErrorCanBeReadWhole: the line is cut, a button opens the
// whole error, and Esc closes it.
func TestALongSourceErrorCanBeReadWhole(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	long := "Get \"https://autoconfig.example.com/mail/config-v1.1.xml\": tls: failed to verify certificate: x509: certificate is valid for www.example.net, not autoconfig.example.com"
	h.send(discover.SourceFinished{Source: discover.SourceAutoconfig, Status: discover.StatusError, Err: errors.New(long)})
	h.finish()
	var more *widget.Button
	for _, o := range test.LaidOutObjects(h.ui.sources.obj) {
		if b, ok := o.(*widget.Button); ok && b.Text == "" && b.Icon != nil && b.Icon.Name() == theme.InfoIcon().Name() {
			more = b
		}
	}
	if more == nil {
		t.Fatal("no button shows the whole error")
	}
	test.Tap(more)
	h.requireText(h.overlay(), long)
	h.esc()
	h.requireNoDialog("the source's error")
}

// TestEscClosesTheAboutBoxAndErrors: every dialog the window opens
// closes with Esc, not only Help, Settings and Export.
func TestEscClosesTheAboutBoxAndErrors(t *testing.T) {
	h := newHarness(t)
	h.ui.showAbout()
	h.overlay()
	h.esc()
	h.requireNoDialog("About")
	h.ui.showError(errors.New("the disk is full"))
	h.requireText(h.overlay(), "disk is full") // Fyne capitalises the first letter
	h.esc()
	h.requireNoDialog("an error")
}

// TestTheRoundTripScrollsItsStatusIntoView: "Send test message" shows its
// progress where the person is looking, not below the fold.
func TestTheRoundTripScrollsItsStatusIntoView(t *testing.T) {
	h := newSendHarness(t)
	h.win.Resize(fyne.NewSize(900, 600))
	h.checkWith("pw", probe.LoginOK, probe.LoginOK)
	sc := h.ui.rec.scroll
	sc.ScrollToTop()
	h.press()
	content, view := sc.Content.MinSize().Height, sc.Size().Height
	if content <= view {
		t.Skipf("the card fits (%v in %v): nothing to scroll", content, view)
	}
	if y := sc.Offset.Y; y < content-view-1 {
		t.Fatalf("the round trip's status is below the fold: scrolled to %v of %v", y, content-view)
	}
	h.result(arrived("INBOX"))
}

// TestEscClosesTheDialogOnScreenAfterAnotherWasClosedByItsButton: a
// dialog closed by its own button does not make the next Esc do nothing.
func TestEscClosesTheDialogOnScreenAfterAnotherWasClosedByItsButton(t *testing.T) {
	h := newHarness(t)
	h.ui.showHelp()
	h.ui.showError(errors.New("the disk is full"))
	test.Tap(findButton(h.overlay(), "OK")) // closes the error
	h.requireText(h.overlay(), i18n.T("gui.help.title"))
	h.esc()
	h.requireNoDialog("Help, after an error closed by its button")
}
