package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
)

// TestClosedPortsNobodyListedAreNotFailures: a healthy domain read "16 OK
// … 8 failed" because standard ports nobody listed refuse connections.
func TestClosedPortsNobodyListedAreNotFailures(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	guessed := mail.Server{Protocol: mail.POP3, Host: "example.com", Port: 110, Security: mail.STARTTLS}
	listedDown := mail.Server{Protocol: mail.SMTP, Host: "smtp.example.com", Port: 465, Security: mail.TLS}
	h.send(candidate(imapTLS, "builtin"), candidate(listedDown, "builtin"),
		discover.CandidateFound{Candidate: mail.Candidate{Server: guessed, Sources: []string{"guess"}}},
		probe.Update{Result: okResult(imapTLS)}, probe.Update{Result: refusedResult(listedDown)},
		probe.Update{Result: refusedResult(guessed)})
	h.finish()
	line := h.ui.summary.Text
	if !strings.Contains(line, "1 OK") || !strings.Contains(line, "1 failed") || !strings.Contains(line, "1 unlisted ports closed, as expected") {
		t.Fatalf("summary %q: want 1 OK, 1 failed (the listed server) and the unlisted closed port apart", line)
	}
}

// TestAStoppedCheckDoesNotSayNoServerWorked.
func TestAStoppedCheckDoesNotSayNoServerWorked(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(candidate(imapTLS, "builtin"))
	h.ui.cancelRun()
	<-h.eng.canceled
	h.waitRun()
	h.requireText(h.ui.rec.obj, "The check was stopped before it finished")
	h.requireNoText(h.ui.rec.obj, "No server worked safely")
}

func TestSourcesSayMXFoundWithNoKnownProvider(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(discover.SourceFinished{Source: discover.SourceMX, URL: "https://autoconfig.mx.example.net/mail/config-v1.1.xml", Trust: discover.TrustDNS, Status: discover.StatusNotFound},
		discover.SourceFinished{Source: discover.SourceSRV, URL: "dns:_imaps._tcp.example.com", Status: discover.StatusError, Err: errTest("SERVFAIL")},
		discover.SourceFinished{Source: discover.SourceBuiltin, Status: discover.StatusFound, Candidates: 2})
	h.requireText(h.ui.sources.obj, "MX found, no known provider")
	// An errored source is not among those that found something.
	lines := h.ui.state.Sources()
	if len(lines) != 3 || sourceGroup(stateFound) >= sourceGroup(stateError) || sourceGroup(stateError) >= sourceGroup(stateNotFound) {
		t.Fatalf("source order groups: %+v", lines)
	}
	h.finish()
}

type errTest string

func (e errTest) Error() string { return string(e) }

// TestEscClosesDialogs: Help, Settings and the export dialog close with
// Esc (it took 18 Tabs to reach Close in Export).
func TestEscClosesDialogs(t *testing.T) {
	h := newHarness(t)
	esc := func() { h.win.Canvas().(test.WindowlessCanvas).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) }
	for name, open := range map[string]func(){"help": h.ui.showHelp, "settings": h.ui.showSettings} {
		open()
		if h.win.Canvas().Overlays().Top() == nil {
			t.Fatalf("%s: no dialog opened", name)
		}
		esc()
		if top := h.win.Canvas().Overlays().Top(); top != nil && top.Visible() {
			t.Fatalf("%s: Esc did not close the dialog", name)
		}
	}
	// With no dialog, Esc still stops a run.
	h.start("mario@example.com", "")
	h.win.Canvas().Unfocus()
	esc()
	if h.ui.running() {
		t.Fatal("Esc with no dialog did not stop the check")
	}
	<-h.eng.canceled
	h.waitRun()
}

// TestShortcutsReachTheTabs: Fyne's tabs take no focus, so Ctrl+1/2 and
// Ctrl+R/D reach them.
func TestShortcutsReachTheTabs(t *testing.T) {
	h := newHarnessWith(t, cannedHealth{})
	key := func(k fyne.KeyName) {
		h.ui.shortcutAction(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault})()
	}
	key(fyne.Key2)
	if h.ui.tabs.SelectedIndex() != 1 {
		t.Fatal("Ctrl+2 did not open Domain health")
	}
	key(fyne.KeyD)
	if h.ui.tabs.SelectedIndex() != 0 || h.ui.side.SelectedIndex() != 1 {
		t.Fatal("Ctrl+D did not show Details")
	}
	key(fyne.KeyR)
	if h.ui.side.SelectedIndex() != 0 {
		t.Fatal("Ctrl+R did not show Recommended")
	}
}

// TestEditingTheAddressRetiresTheOldResults: Export is for the address
// checked; after an edit it is disabled and the summary says whose
// results are on screen.
func TestEditingTheAddressRetiresTheOldResults(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(candidate(imapTLS, "builtin"), candidate(smtpSub, "builtin"),
		probe.Update{Result: okResult(imapTLS)}, probe.Update{Result: okResult(smtpSub)}, recommendation())
	h.finish()
	if h.ui.top.export.Disabled() {
		t.Fatal("Export disabled after a working check")
	}
	h.ui.top.address.SetText("luigi@example.org")
	if !h.ui.top.export.Disabled() {
		t.Fatal("Export still offers mario's settings for luigi's address")
	}
	if !strings.Contains(h.ui.summary.Text, "These results are for mario@example.com") {
		t.Fatalf("summary %q", h.ui.summary.Text)
	}
	h.ui.top.address.SetText("mario@example.com")
	if h.ui.top.export.Disabled() {
		t.Fatal("Export not back for the checked address")
	}
}

// TestAnAddressErrorDoesNotStretchThePasswordField and the window's
// floor on its size.
func TestAnAddressErrorDoesNotStretchThePasswordField(t *testing.T) {
	h := newHarness(t)
	before := h.ui.top.password.Size().Height
	test.Type(h.ui.top.address, "not an address")
	h.win.Content().Refresh()
	h.win.Resize(fyne.NewSize(900, 600))
	if after := h.ui.top.password.Size().Height; after > before+1 {
		t.Fatalf("password field grew from %v to %v with an address error", before, after)
	}
	if m := h.win.Content().MinSize(); m.Width < MinWindowSize.Width || m.Height < MinWindowSize.Height {
		t.Fatalf("content min size %v is below %v: labels overlap there", m, MinWindowSize)
	}
}

// TestFocusOnCheckIsVisible: a ring shows where the keyboard focus is
// on the primary button.
func TestFocusOnCheckIsVisible(t *testing.T) {
	h := newHarness(t)
	h.win.Canvas().Focus(h.ui.top.check)
	if !h.ui.top.check.ring.Visible() {
		t.Fatal("no ring on the focused Check button")
	}
	h.win.Canvas().Focus(h.ui.top.address)
	if h.ui.top.check.ring.Visible() {
		t.Fatal("the ring stays after the focus left")
	}
}

// TestRecentAddressesAppearAtOnce: the drop-down is disabled while it
// would be an empty (invisible, click-swallowing) pop-up, and offers an
// address as soon as it was checked.
func TestRecentAddressesAppearAtOnce(t *testing.T) {
	h := newHarness(t)
	button := h.ui.top.address.ActionItem.(fyne.Disableable)
	if !button.Disabled() {
		t.Fatal("the empty recent-address drop-down can be opened")
	}
	h.start("mario@example.com", "")
	if button.Disabled() {
		t.Fatal("the drop-down is still disabled after a check")
	}
	h.finish()
}

// TestTabReachesTheTabs: Tab from the Check button's row reaches the
// Check/Domain health tabs, and the arrows switch them.
func TestTabReachesTheTabs(t *testing.T) {
	h := newHarnessWith(t, cannedHealth{})
	c := h.win.Canvas()
	c.Focus(h.ui.top.address)
	var reached *focusTabs
	for range 20 {
		c.FocusNext()
		if f, ok := c.Focused().(*focusTabs); ok {
			reached = f
			break
		}
	}
	if reached == nil || reached.tabs != h.ui.tabs {
		t.Fatal("Tab never reached the Check/Domain health tabs")
	}
	if !reached.ring.Visible() {
		t.Fatal("the focused tabs show no ring")
	}
	reached.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	if h.ui.tabs.SelectedIndex() != 1 {
		t.Fatal("Right did not open Domain health")
	}
	reached.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	if h.ui.tabs.SelectedIndex() != 0 {
		t.Fatal("Left did not go back to Check")
	}
	// The side tabs come next.
	for range 30 {
		c.FocusNext()
		if f, ok := c.Focused().(*focusTabs); ok && f.tabs == h.ui.side {
			return
		}
	}
	t.Fatal("Tab never reached the Recommended/Details tabs")
}
