package gui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
	"github.com/postino-mail/postino/detect/providers"
	"github.com/postino-mail/postino/detect/recommend"
)

var (
	imapTLS  = mail.Server{Protocol: mail.IMAP, Host: "imap.example.com", Port: 993, Security: mail.TLS, Username: "mario@example.com"}
	imapPlus = mail.Server{Protocol: mail.IMAP, Host: "imap.example.com", Port: 143, Security: mail.STARTTLS, Username: "mario@example.com"}
	smtpSub  = mail.Server{Protocol: mail.SMTP, Host: "smtp.example.com", Port: 587, Security: mail.STARTTLS, Username: "mario@example.com"}
)

func candidate(s mail.Server, sources ...string) discover.CandidateFound {
	return discover.CandidateFound{Candidate: mail.Candidate{Server: s, Sources: sources, Trusted: true, Rank: 2}}
}

func running(s mail.Server, phase probe.Phase) probe.Update {
	return probe.Update{Result: probe.Result{ID: s.Key(), Endpoint: s, Phase: phase}}
}

func okResult(s mail.Server) probe.Result {
	return probe.Result{
		ID: s.Key(), Endpoint: s, Sources: []string{"builtin"}, Phase: probe.PhaseDone,
		Reachability: probe.Open, IP: "127.0.0.2",
		Greeting: "* OK [CAPABILITY IMAP4rev1] Example IMAP ready",
		TLS: &probe.TLSInfo{
			Version: "TLS 1.3", Cipher: "TLS_AES_128_GCM_SHA256", Verified: true,
			Subject: "CN=imap.example.com", Issuer: "CN=Example Test CA",
			NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		},
		Capabilities: []string{"IMAP4rev1", "IDLE"}, AuthMechanisms: []string{"PLAIN", "LOGIN"},
		Login: probe.LoginOK, Status: probe.StatusOK, ElapsedMS: 420,
		Transcript: []probe.Line{
			{Dir: "S", Text: "* OK Example IMAP ready"},
			{Dir: "C", Text: "a1 LOGIN mario@example.com ***"},
			{Dir: "S", Text: "a1 OK logged in"},
		},
	}
}

func refusedResult(s mail.Server) probe.Result {
	return probe.Result{
		ID: s.Key(), Endpoint: s, Phase: probe.PhaseDone, Reachability: probe.Refused,
		Status: probe.StatusFailed, Problems: []problem.Problem{{Code: "refused", Data: map[string]any{"Port": s.Port, "Host": s.Host}}},
	}
}

func recommendation() detect.RecommendationReady {
	in, out := imapTLS, smtpSub
	in.Auth = []mail.Auth{mail.AuthPasswordCleartext}
	return detect.RecommendationReady{Recommendation: recommend.Recommendation{
		Incoming: &recommend.Choice{Server: in, Result: in.Key(), Verified: true, Login: probe.LoginOK},
		Outgoing: &recommend.Choice{Server: out, Result: out.Key(), Verified: true},
		Reasons:  []recommend.Reason{{Code: "implicit-tls", For: "incoming"}},
	}}
}

// rowIndex finds the grid item showing endpoint s.
func (h *harness) rowIndex(s mail.Server) int {
	h.t.Helper()
	for i, it := range h.ui.grid.items {
		if it.id == s.Key() {
			return i
		}
	}
	h.t.Fatalf("no row for %s; items %+v", s, h.ui.grid.items)
	return -1
}

// rowWidget renders grid item i the way the list does.
func (h *harness) rowWidget(i int) *gridRow {
	r := newGridRow()
	h.ui.grid.update(i, r)
	r.Resize(fyne.NewSize(500, r.MinSize().Height))
	return r
}

func TestTypingAnInvalidAddressShowsTheErrorUnderTheEntry(t *testing.T) {
	h := newHarness(t)
	test.Type(h.ui.top.address, "mario.example.com")
	if !h.ui.top.addrErr.Visible() || h.ui.top.addrErr.Text == "" {
		t.Fatal("no error is shown for an address without @")
	}
	h.ui.top.address.SetText("")
	test.Type(h.ui.top.address, "mario@example.com")
	if h.ui.top.addrErr.Visible() {
		t.Fatalf("error %q still shown for a valid address", h.ui.top.addrErr.Text)
	}
}

func TestPressingCheckWithAnInvalidAddressDoesNotStartTheEngine(t *testing.T) {
	h := newHarness(t)
	test.Type(h.ui.top.address, "mario@")
	test.Tap(h.ui.top.check)
	select {
	case <-h.eng.reqs:
		t.Fatal("the engine started for an invalid address")
	case <-time.After(50 * time.Millisecond):
	}
	if !h.ui.top.addrErr.Visible() {
		t.Fatal("the error is not shown after pressing Check")
	}
}

func TestEnterInTheAddressStartsTheCheckWithPasswordAndSettings(t *testing.T) {
	h := newHarness(t)
	test.Type(h.ui.top.password, "s3cret")
	test.Type(h.ui.top.address, "mario@example.com")
	h.ui.top.address.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	req := <-h.eng.reqs
	if req.Address != "mario@example.com" || req.Password != "s3cret" {
		t.Fatalf("request = %+v", req)
	}
	if req.Settings.ProbeTimeout != DefaultProbeTimeout {
		t.Fatalf("timeout = %v", req.Settings.ProbeTimeout)
	}
	if !h.ui.top.stop.Visible() || h.ui.top.check.Visible() {
		t.Fatal("while running, Stop should replace Check")
	}
	h.finish()
	if h.ui.top.stop.Visible() || !h.ui.top.check.Visible() {
		t.Fatal("after the run, Check should be back")
	}
}

func TestSourcesShowLiveStateAndTrustBadge(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(
		discover.SourceStarted{Source: discover.SourceBuiltin},
		discover.SourceStarted{Source: discover.SourceAutoconfigHTTP, URL: "http://autoconfig.example.com/mail/config-v1.1.xml"},
	)
	h.requireText(h.ui.sources.obj, "Postino's table")
	h.requireText(h.ui.sources.obj, "searching…")
	h.send(
		discover.SourceFinished{Source: discover.SourceBuiltin, Trust: discover.TrustBuiltin, Status: discover.StatusFound, Candidates: 3, Provider: "Example Mail"},
		discover.SourceFinished{Source: discover.SourceAutoconfigHTTP, URL: "http://autoconfig.example.com/mail/config-v1.1.xml", Trust: discover.TrustHTTPUntrusted, Status: discover.StatusError, Err: errors.New("connection refused")},
	)
	h.requireText(h.ui.sources.obj, "found 3")
	h.requireText(h.ui.sources.obj, "Example Mail")
	h.requireText(h.ui.sources.obj, "HTTP · untrusted")
	h.requireText(h.ui.sources.obj, "connection refused")
	// Rank order: the built-in table is listed before plain-HTTP autoconfig.
	all := strings.Join(texts(h.ui.sources.obj), "\n")
	if strings.Index(all, "Postino's table") > strings.Index(all, "Autoconfig (HTTP)") {
		t.Fatalf("sources out of rank order:\n%s", all)
	}
	h.finish()
}

// TestSourcesThatFoundSomethingComeFirst: at 900×600 the pane shows
// three or four lines, so sources with nothing go last, and the title
// says how many found something.
func TestSourcesThatFoundSomethingComeFirst(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(
		discover.SourceFinished{Source: discover.SourceBuiltin, Trust: discover.TrustBuiltin, Status: discover.StatusNotFound},
		discover.SourceFinished{Source: discover.SourceISPDB, Trust: discover.TrustHTTPS, Status: discover.StatusNotFound},
		discover.SourceStarted{Source: discover.SourceSRV},
		discover.SourceFinished{Source: discover.SourceGuess, Trust: discover.TrustGuess, Status: discover.StatusFound, Candidates: 4},
	)
	all := strings.Join(texts(h.ui.sources.obj), "\n")
	guess, srv, table := strings.Index(all, "Guesses"), strings.Index(all, "SRV"), strings.Index(all, "Postino's table")
	if guess < 0 || srv < 0 || table < 0 || !(guess < srv && srv < table) {
		t.Fatalf("want found, then searching, then nothing:\n%s", all)
	}
	h.requireText(h.ui.sources.obj, "found in 1 of 4")
	h.finish()
}

func TestRowsAppearAsCandidatesArriveAndChangeStateAsProbesAdvance(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(candidate(imapTLS, "builtin"), candidate(smtpSub, "builtin"))
	if got := len(h.ui.grid.items); got != 4 { // two headers, two rows
		t.Fatalf("items = %d, want 4 (%+v)", got, h.ui.grid.items)
	}
	if h.ui.grid.items[0].header != "Incoming mail (IMAP, POP3)" || h.ui.grid.items[2].header != "Outgoing mail (SMTP)" {
		t.Fatalf("groups = %+v", h.ui.grid.items)
	}
	h.send(running(imapTLS, probe.PhaseTLS))
	row := h.rowWidget(h.rowIndex(imapTLS))
	markup := test.RenderObjectToMarkup(row)
	if !strings.Contains(markup, "*widget.Activity") || !row.activity.Visible() {
		t.Fatalf("a running row shows no spinner:\n%s", markup)
	}
	if row.word.Text != "TLS" {
		t.Fatalf("running word = %q", row.word.Text)
	}

	h.send(probe.Update{Result: okResult(imapTLS)}, candidate(imapPlus), probe.Update{Result: refusedResult(imapPlus)})
	row = h.rowWidget(h.rowIndex(imapTLS))
	if row.activity.Visible() || !row.icon.Visible() {
		t.Fatal("a finished row still spins")
	}
	if row.word.Text != "OK" {
		t.Fatalf("word = %q, want OK", row.word.Text)
	}
	if want := "SSL/TLS · TLS 1.3 · certificate OK · PLAIN LOGIN · login OK"; row.summary.Text != want {
		t.Fatalf("summary = %q, want %q", row.summary.Text, want)
	}
	if row.elapsed.Text != "0.42 s" {
		t.Fatalf("time = %q", row.elapsed.Text)
	}
	refused := h.rowWidget(h.rowIndex(imapPlus))
	if refused.word.Text != "Refused" {
		t.Fatalf("word = %q, want Refused", refused.word.Text)
	}
	// Rows stay in the order they appeared within their group.
	if h.rowIndex(imapTLS) > h.rowIndex(imapPlus) || h.rowIndex(imapPlus) > h.rowIndex(smtpSub) {
		t.Fatalf("order = %+v", h.ui.grid.items)
	}
	h.requireText(h.ui.summary, "2 of 3 servers tested")
	h.finish()
}

func TestSelectingARowShowsItsDetailsAndCopiesTheTranscript(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "s3cret")
	h.send(candidate(imapTLS, "builtin"), probe.Update{Result: okResult(imapTLS)})
	h.finish()
	h.ui.grid.list.Select(h.rowIndex(imapTLS))
	if h.ui.side.SelectedIndex() != 1 {
		t.Fatal("selecting a row did not bring Details forward")
	}
	d := h.ui.details.obj
	for _, want := range []string{
		"* OK [CAPABILITY IMAP4rev1] Example IMAP ready", "TLS 1.3 · TLS_AES_128_GCM_SHA256",
		"CN=imap.example.com", "CN=Example Test CA", "from 2026-01-01 to 2027-01-01",
		"The certificate is valid for this server name.", "IMAP4rev1 IDLE", "PLAIN LOGIN", "login OK",
	} {
		h.requireText(d, want)
	}
	h.requireText(d, "C: a1 LOGIN mario@example.com ***")
	h.requireNoText(d, "s3cret")
	test.Tap(findButton(d, "Copy"))
	clip := h.app.Clipboard().Content()
	if !strings.Contains(clip, "S: * OK Example IMAP ready") || strings.Contains(clip, "s3cret") {
		t.Fatalf("clipboard = %q", clip)
	}
}

func TestDetailsExplainAFailureWithItsRemedy(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(candidate(imapPlus), probe.Update{Result: refusedResult(imapPlus)})
	h.finish()
	h.ui.grid.list.Select(h.rowIndex(imapPlus))
	p := problem.Problem{Code: "refused", Data: map[string]any{"Port": 143, "Host": "imap.example.com"}}
	h.requireText(h.ui.details.obj, p.ExplanationIn(""))
	h.requireText(h.ui.details.obj, "What to do: "+p.RemedyIn(""))
}

func TestTheRecommendationFillsInWithCopyButtonsAndReasons(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.requireText(h.ui.rec.obj, "the recommendation comes when every test has finished")
	if !h.ui.top.export.Disabled() {
		t.Fatal("Export is enabled before there is anything to export")
	}
	h.send(recommendation())
	r := h.ui.rec.obj
	for _, want := range []string{"Incoming mail", "imap.example.com", "993", "SSL/TLS (implicit)", "mario@example.com", "Normal password", "Outgoing mail", "smtp.example.com", "587", "STARTTLS"} {
		h.requireText(r, want)
	}
	h.requireText(r, recommend.Reason{Code: "implicit-tls"}.Text())
	if h.ui.top.export.Disabled() {
		t.Fatal("Export stays disabled with a recommendation")
	}
	// The first Copy button of the incoming card copies the host name.
	var copies []*widget.Button
	for _, o := range test.LaidOutObjects(r) {
		if b, ok := o.(*widget.Button); ok && b.OnTapped != nil && b.Text == "" && b.Icon != nil && strings.HasSuffix(b.Icon.Name(), "content-copy.svg") {
			copies = append(copies, b)
		}
	}
	if len(copies) != 10 {
		t.Fatalf("copy buttons = %d, want 10 (5 values × 2 directions)", len(copies))
	}
	test.Tap(copies[0])
	if got := h.app.Clipboard().Content(); got != "imap.example.com" {
		t.Fatalf("clipboard = %q", got)
	}
	h.finish()
}

func TestEditingTheAddressCancelsTheRunningCheck(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(candidate(imapTLS, "builtin"))
	test.Type(h.ui.top.address, "x")
	if canceled := <-h.eng.canceled; !canceled {
		t.Fatal("the engine's context was not cancelled")
	}
	h.waitRun()
	h.requireText(h.ui.summary, "stopped")
	row := h.rowWidget(h.rowIndex(imapTLS))
	if row.activity.Visible() || row.word.Text != "Stopped" {
		t.Fatalf("a cancelled row still looks running: %q", row.word.Text)
	}
}

func TestEscapeCancelsTheRunningCheck(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.ui.top.address.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if canceled := <-h.eng.canceled; !canceled {
		t.Fatal("Esc did not cancel the engine")
	}
	h.waitRun()
	if h.ui.running() || !h.ui.top.check.Visible() {
		t.Fatal("the window still shows a running check")
	}
}

func TestEventsOfACancelledRunAreIgnored(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	old := h.ui.run.gen
	h.ui.cancelRun()
	<-h.eng.canceled
	h.waitRun()
	h.ui.handle(old, candidate(imapTLS))
	if len(h.ui.state.rows) != 0 {
		t.Fatal("a late event of the cancelled run added a row")
	}
}

func TestExportOffersEveryFormatAndProposesASensibleFileName(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "s3cret")
	h.send(recommendation())
	h.finish()
	test.Tap(h.ui.top.export)
	d := h.overlay()
	for _, want := range []string{"Thunderbird autoconfig", "Apple profile", "Instructions (web page)", "DNS records", "JSON", "Include the password in the profile"} {
		h.requireText(d, want)
	}
	// Text formats copy to the clipboard.
	var copyBtns []*widget.Button
	for _, o := range test.LaidOutObjects(d) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Copy" {
			copyBtns = append(copyBtns, b)
		}
	}
	if len(copyBtns) == 0 {
		t.Fatal("no Copy buttons in the export dialog")
	}
	test.Tap(copyBtns[0]) // Thunderbird
	if clip := h.app.Clipboard().Content(); !strings.Contains(clip, "<clientConfig") || !strings.Contains(clip, "imap.example.com") {
		t.Fatalf("clipboard = %q", clip)
	}
	// Save… opens Fyne's save dialog with the file name filled in.
	var saves []*widget.Button
	for _, o := range test.LaidOutObjects(d) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Save…" {
			saves = append(saves, b)
		}
	}
	test.Tap(saves[1]) // Apple profile
	fd := h.overlay()
	found := false
	for _, o := range test.LaidOutObjects(fd) {
		if e, ok := o.(*widget.Entry); ok && e.Text == "example.com.mobileconfig" {
			found = true
		}
	}
	if !found {
		t.Fatalf("the save dialog does not propose example.com.mobileconfig: %q", texts(fd))
	}
}

func TestIncludingThePasswordInTheProfileShowsAWarning(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "s3cret")
	h.send(recommendation())
	h.finish()
	test.Tap(h.ui.top.export)
	d := h.overlay()
	var check *widget.Check
	for _, o := range test.LaidOutObjects(d) {
		if c, ok := o.(*widget.Check); ok {
			check = c
		}
	}
	if check == nil || check.Disabled() {
		t.Fatal("no include-password option")
	}
	before := len(texts(d))
	test.Tap(check)
	if len(texts(d)) <= before {
		t.Fatal("no warning appeared when including the password")
	}
}

func TestItalianInterfaceIncludingFyneDialogButtons(t *testing.T) {
	h := newHarness(t)
	h.ui.langFn = ApplyLanguage
	t.Cleanup(func() { _ = ApplyLanguage("") })
	s := h.ui.set
	s.Language = "it"
	h.ui.applySettings(s)
	c := h.win.Content()
	for _, want := range []string{"Verifica", "Indirizzo email", "Password (facoltativa)", "Impostazioni consigliate", "Dettagli", "Da dove arrivano le impostazioni"} {
		h.requireText(c, want)
	}
	if got := lang.L("Cancel"); got != "Annulla" {
		t.Fatalf("Fyne's Cancel = %q, want Annulla", got)
	}
	if got := LoadSettings(h.app.Preferences()).Language; got != "it" {
		t.Fatalf("saved language = %q", got)
	}
	s.Language = ""
	h.ui.applySettings(s)
	if got := lang.L("Cancel"); got != "Cancel" {
		t.Fatalf("back to the system language, Fyne's Cancel = %q", got)
	}
	h.requireText(h.win.Content(), "Check")
}

func TestLanguageChangeKeepsTheRunOnScreen(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(candidate(imapTLS, "builtin"), probe.Update{Result: okResult(imapTLS)}, recommendation())
	h.finish()
	s := h.ui.set
	s.Language = "it"
	h.ui.applySettings(s)
	h.requireText(h.ui.rec.obj, "Posta in arrivo")
	h.requireText(h.ui.rec.obj, "imap.example.com")
	if h.ui.top.address.Text != "mario@example.com" {
		t.Fatalf("address after rebuild = %q", h.ui.top.address.Text)
	}
	if len(h.ui.grid.items) != 2 {
		t.Fatalf("rows after rebuild = %+v", h.ui.grid.items)
	}
}

func TestPasswordEntryHasAShowHideToggle(t *testing.T) {
	h := newHarness(t)
	pw := h.ui.top.password
	test.Type(pw, "s3cret")
	test.WidgetRenderer(pw) // creates the revealer
	tap, ok := pw.ActionItem.(fyne.Tappable)
	if !ok || !pw.Password {
		t.Fatal("the password entry has no show/hide toggle")
	}
	test.Tap(tap)
	if pw.Password {
		t.Fatal("the toggle did not reveal the password")
	}
}

func TestRecentAddressesAreRememberedButPasswordsAreNot(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "s3cret")
	h.finish()
	s := LoadSettings(h.app.Preferences())
	if len(s.Recent) != 1 || s.Recent[0] != "mario@example.com" {
		t.Fatalf("recent = %q", s.Recent)
	}
	for _, key := range []string{prefLanguage, prefTimeoutSec, prefDNSServer, prefISPDBURL, prefAllowHTTP, prefAllowPlain, prefRecent} {
		if strings.Contains(h.app.Preferences().String(key), "s3cret") {
			t.Fatalf("the password was stored under %s", key)
		}
	}
}

func TestEngineErrorIsShownInTheSummary(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(EngineError{Err: errors.New("DNS server \"x:0\": bad port")})
	h.finish()
	h.requireText(h.ui.summary, "bad port")
}

func TestWindowFitsAt900x600(t *testing.T) {
	h := newHarness(t)
	min := h.win.Content().MinSize()
	if min.Width > 900 || min.Height > 600 {
		t.Fatalf("content needs %v, more than 900×600", min)
	}
}

func TestCheckFinishedWithoutRecommendationSaysNothingWorked(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(detect.CheckFinished{Report: &detect.Report{}})
	h.finish()
	h.requireText(h.ui.rec.obj, "No server worked safely")
	if !h.ui.top.export.Disabled() {
		t.Fatal("Export enabled without settings")
	}
	_ = i18n.Language()
}

func TestHelpExplainsTheTermsAPersonMayNotKnow(t *testing.T) {
	h := newHarness(t)
	h.ui.showHelp()
	d := h.overlay()
	for _, want := range []string{"STARTTLS", "SSL/TLS (implicit TLS)", "App password", "Trusted and untrusted sources", "Keyboard"} {
		h.requireText(d, want)
	}
}

func TestSettingsDialogSavesTheChoices(t *testing.T) {
	h := newHarness(t)
	h.ui.showSettings()
	d := h.overlay()
	h.requireText(d, "Allow sending the password without encryption")
	var entries []*widget.Entry
	var selects []*widget.Select
	for _, o := range test.LaidOutObjects(d) {
		switch w := o.(type) {
		case *widget.Entry:
			entries = append(entries, w)
		case *widget.Select:
			selects = append(selects, w)
		}
	}
	if len(entries) != 3 || len(selects) != 2 { // DNS, ISPDB, extra CA file
		t.Fatalf("entries %d, selects %d", len(entries), len(selects))
	}
	test.Type(entries[0], "127.0.0.1:5353")
	selects[1].SetSelectedIndex(4) // 30 s
	test.Tap(findButton(d, "Save"))
	got := LoadSettings(h.app.Preferences())
	if got.DNSServer != "127.0.0.1:5353" || got.ProbeTimeout != 30*time.Second {
		t.Fatalf("saved %+v", got)
	}
	// The next check uses them.
	req := h.start("mario@example.com", "")
	if req.Settings.DNSServer != "127.0.0.1:5353" || req.Settings.ProbeTimeout != 30*time.Second {
		t.Fatalf("request settings %+v", req.Settings)
	}
	h.finish()
}

func TestWindowShortcutsWorkWhileTypingInAnEntry(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(recommendation())
	h.finish()
	h.ui.top.address.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault})
	h.requireText(h.overlay(), "Export the settings")
	// Ordinary entry shortcuts still reach the entry.
	h.ui.top.address.TypedShortcut(&fyne.ShortcutSelectAll{})
	h.ui.top.address.TypedShortcut(&fyne.ShortcutCopy{Clipboard: h.app.Clipboard()})
	if got := h.app.Clipboard().Content(); got != "mario@example.com" {
		t.Fatalf("Ctrl+C in the address copied %q", got)
	}
}

func TestDetailsListEverySourceThatProposedTheEndpoint(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	res := okResult(imapTLS)
	res.Sources = []string{"guess"} // what the probe knew when it started
	h.send(candidate(imapTLS, "guess"), probe.Update{Result: res})
	later := candidate(imapTLS, "autoconfig", "guess")
	later.Update = true
	h.send(later)
	h.finish()
	h.ui.grid.list.Select(h.rowIndex(imapTLS))
	h.requireText(h.ui.details.obj, "Guesses, Autoconfig (HTTPS)")
}

func TestRecommendationShowsProviderNotesAndAlternatives(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	c := candidate(imapTLS, "builtin")
	c.Candidate.Notes = []mail.Note{{Code: "app-password", URL: "https://help.example.com/app-passwords"}}
	rec := recommendation()
	rec.Recommendation.Alternatives = []recommend.Choice{{Server: imapPlus}}
	h.send(c, rec)
	h.finish()
	h.requireText(h.ui.rec.obj, "Good to know")
	h.requireText(h.ui.rec.obj, providers.NoteTextIn("", mail.Note{Code: "app-password"}))
	h.requireText(h.ui.rec.obj, "These also work")
	h.requireText(h.ui.rec.obj, "IMAP imap.example.com:143 · STARTTLS")
	if got := h.ui.exportSettings(false).Notes; len(got) != 1 || got[0].Code != "app-password" {
		t.Fatalf("export notes = %+v", got)
	}
}

func TestEscapeInTheGridCancelsTheRunningCheck(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(candidate(imapTLS, "builtin"))
	h.ui.grid.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if canceled := <-h.eng.canceled; !canceled {
		t.Fatal("Esc in the grid did not cancel the engine")
	}
	h.waitRun()
}
