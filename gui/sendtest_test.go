package gui

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
	"github.com/postino-mail/postino/detect/recommend"
	"github.com/postino-mail/postino/detect/roundtrip"
	"github.com/postino-mail/postino/gui/backend"
)

// fakeRoundTripper is a script engine that can also send a test
// message: the test hands it progress events and finally the result,
// one at a time, as the harness does for checks.
type fakeRoundTripper struct {
	*scriptEngine
	opts     chan roundtrip.Options
	steps    chan any // roundtrip.Progress, or the roundtrip.Result or error to return
	acks     chan struct{}
	canceled chan bool
	deletes  chan string
	deleted  roundtrip.DeleteResult
}

var _ RoundTripper = (*fakeRoundTripper)(nil)

func newFakeRoundTripper(e *scriptEngine) *fakeRoundTripper {
	return &fakeRoundTripper{
		scriptEngine: e,
		opts:         make(chan roundtrip.Options, 4),
		steps:        make(chan any),
		acks:         make(chan struct{}),
		canceled:     make(chan bool, 4),
		deletes:      make(chan string, 4),
		deleted:      roundtrip.DeleteResult{Deleted: true},
	}
}

func (f *fakeRoundTripper) RoundTrip(ctx context.Context, _ backend.Settings, opts roundtrip.Options, sink event.Sink) (roundtrip.Result, error) {
	f.opts <- opts
	var sentAt time.Time
	for {
		select {
		case <-ctx.Done():
			f.canceled <- true
			r := roundtrip.Result{Status: roundtrip.NotArrived, Code: "canceled", SentAt: sentAt}
			if !sentAt.IsZero() {
				r.Subject = "Postino test pstn1a2b3c4d5e6f"
			}
			return r, nil
		case st := <-f.steps:
			switch st := st.(type) {
			case roundtrip.Result:
				f.canceled <- false
				return st, nil
			case error:
				f.canceled <- false
				return roundtrip.Result{}, st
			case roundtrip.Progress:
				if st.Step == roundtrip.StepWaiting && sentAt.IsZero() {
					sentAt = time.Now()
				}
				sink(st)
				f.acks <- struct{}{}
			}
		}
	}
}

func (f *fakeRoundTripper) DeleteTestMessage(ctx context.Context, _ backend.Settings, opts roundtrip.Options, token string) (roundtrip.DeleteResult, error) {
	f.deletes <- token
	return f.deleted, nil
}

// sendHarness is a window whose engine can send test messages.
type sendHarness struct {
	*harness
	rt *fakeRoundTripper
}

func newSendHarness(t *testing.T) *sendHarness {
	var rt *fakeRoundTripper
	h := newHarnessFor(t, nil, func(e *scriptEngine) Engine { rt = newFakeRoundTripper(e); return rt })
	return &sendHarness{harness: h, rt: rt}
}

// checkWith runs a check that recommends imapTLS and smtpSub with the
// given login outcomes, typing password first.
func (h *sendHarness) checkWith(password string, in, out probe.Login) {
	h.t.Helper()
	h.start("mario@example.com", password)
	rec := recommend.Recommendation{
		Incoming: &recommend.Choice{Server: imapTLS, Result: imapTLS.Key(), Verified: true, Login: in},
		Outgoing: &recommend.Choice{Server: smtpSub, Result: smtpSub.Key(), Verified: true, Login: out},
	}
	h.send(candidate(imapTLS, "builtin"), candidate(smtpSub, "builtin"),
		probe.Update{Result: okResult(imapTLS)}, probe.Update{Result: okResult(smtpSub)},
		detect.RecommendationReady{Recommendation: rec},
		detect.CheckFinished{Report: &detect.Report{Result: discover.Result{Address: "mario@example.com", Domain: "example.com"}, Recommended: rec}})
	h.finish()
}

func (h *sendHarness) sendButton() *widget.Button {
	h.t.Helper()
	b := findButton(h.ui.rec.obj, "Send test message")
	if b == nil {
		h.t.Fatalf("no Send test message button; card: %q", texts(h.ui.rec.obj))
	}
	return b
}

// press taps Send and returns the options the engine received.
func (h *sendHarness) press() roundtrip.Options {
	h.t.Helper()
	test.Tap(h.sendButton())
	select {
	case o := <-h.rt.opts:
		return o
	case <-time.After(5 * time.Second):
		h.t.Fatal("pressing Send did not start a round trip")
	}
	return roundtrip.Options{}
}

func (h *sendHarness) progress(p roundtrip.Progress) {
	h.t.Helper()
	select {
	case h.rt.steps <- p:
	case <-time.After(5 * time.Second):
		h.t.Fatal("the round trip is not running")
	}
	<-h.rt.acks
	h.pump()
}

// result makes the round trip return r (a roundtrip.Result or an error)
// and applies it.
func (h *sendHarness) result(r any) {
	h.t.Helper()
	h.rt.steps <- r
	<-h.rt.canceled
	h.waitRun()
}

// spinning reports whether the card shows the round trip's spinner.
func (h *sendHarness) spinning() bool {
	for _, o := range test.LaidOutObjects(h.ui.rec.obj) {
		if o == h.ui.rec.sendTest.spinner {
			return o.Visible()
		}
	}
	return false
}

func arrived(folder string) roundtrip.Result {
	sent := time.Date(2026, 11, 26, 9, 41, 5, 0, time.Local)
	code := "arrived"
	if folder != "INBOX" {
		code = "arrived-junk"
	}
	return roundtrip.Result{
		Status: roundtrip.Arrived, Code: code, Token: "pstn1a2b3c4d5e6f", Subject: "Postino test pstn1a2b3c4d5e6f",
		SentAt: sent, ArrivedAt: sent.Add(1200 * time.Millisecond), Send: 80 * time.Millisecond,
		Latency: 1200 * time.Millisecond, Folder: folder, Polls: 2,
	}
}

func TestSendTestIsOfferedOnlyAfterBothRecommendedLoginsWorked(t *testing.T) {
	tests := []struct {
		name     string
		password string
		in, out  probe.Login
		reason   string // "" = enabled
	}{
		{"no password", "", "", "", "no password was given"},
		{"password held back on the outgoing server", "pw", probe.LoginOK, probe.LoginSkipped, "could not log in with your password"},
		{"both logins verified", "pw", probe.LoginOK, probe.LoginOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newSendHarness(t)
			h.checkWith(tc.password, tc.in, tc.out)
			b := h.sendButton()
			if b.Disabled() != (tc.reason != "") {
				t.Fatalf("button disabled = %v; card: %q", b.Disabled(), texts(h.ui.rec.obj))
			}
			if tc.reason != "" {
				h.requireText(h.ui.rec.obj, tc.reason)
				test.Tap(b)
				select {
				case <-h.rt.opts:
					t.Fatal("a disabled button started a round trip")
				default:
				}
			} else {
				h.requireNoText(h.ui.rec.obj, "Not available")
			}
		})
	}
}

func TestSendTestSaysWhenNothingWorkedOrTheCheckWasStopped(t *testing.T) {
	h := newSendHarness(t)
	h.start("mario@example.com", "pw")
	h.send(detect.CheckFinished{Report: &detect.Report{}})
	h.finish()
	if !h.sendButton().Disabled() {
		t.Fatal("Send is enabled without working settings")
	}
	h.requireText(h.ui.rec.obj, "no working incoming and outgoing settings")

	test.Tap(h.ui.top.check)
	<-h.eng.reqs
	h.ui.cancelRun()
	<-h.eng.canceled
	h.waitRun()
	h.requireText(h.ui.rec.obj, "the check was stopped before it finished")
}

func TestSendTestIsNotOfferedWhileTheCheckRuns(t *testing.T) {
	h := newSendHarness(t)
	h.start("mario@example.com", "pw")
	h.send(candidate(imapTLS, "builtin"))
	if findButton(h.ui.rec.obj, "Send test message") != nil {
		t.Fatal("Send is offered before the check has finished")
	}
	h.finish()
}

func TestSendTestUsesTheRecommendedEndpointsAndShowsProgressThenArrival(t *testing.T) {
	h := newSendHarness(t)
	h.checkWith("pw", probe.LoginOK, probe.LoginOK)
	opts := h.press()
	if opts.Address != "mario@example.com" || opts.Password != "pw" || opts.SMTP.Key() != smtpSub.Key() || opts.Incoming.Key() != imapTLS.Key() {
		t.Fatalf("options %+v: want the check's address, password and recommended endpoints", opts)
	}
	if opts.AllowInsecureTLS {
		t.Fatal("the window allowed an unverified certificate for the round trip")
	}
	r := h.ui.rec.obj
	h.requireText(r, "Logging in to the incoming server")
	if !h.spinning() || findButton(r, "Stop") == nil || !h.sendButton().Disabled() {
		t.Fatal("a running round trip shows no spinner and Stop, or Send stays enabled")
	}
	stop := findButton(r, "Stop")
	h.progress(roundtrip.Progress{Step: roundtrip.StepSending})
	h.requireText(r, "Sending the test message")
	if findButton(r, "Stop") != stop {
		t.Fatal("progress rebuilt the Stop button (a keyboard user would lose focus on it)")
	}
	h.progress(roundtrip.Progress{Step: roundtrip.StepWaiting, Elapsed: 2500 * time.Millisecond, Polls: 3})
	h.requireText(r, "Sent 2.5 s ago, waiting for it to arrive (mailbox searches: 3)")

	h.result(arrived("INBOX"))
	h.requireText(r, "The test message arrived in 1.2 s.")
	h.requireText(r, "Sent at 09:41:05")
	h.requireText(r, "Arrived at 09:41:06 in the folder “INBOX”, 1.2 s after it was sent (mailbox searches: 2)")
	h.requireNoText(r, "spam")
	h.requireNoText(r, "Sending the test message")
	if h.spinning() || findButton(r, "Stop") != nil || h.sendButton().Disabled() {
		t.Fatal("after the result, the spinner or Stop is still shown, or Send stays disabled")
	}
	if findButton(r, "Delete the test message") == nil {
		t.Fatal("no offer to delete the message that arrived")
	}
}

func TestSendTestSaysClearlyWhenTheMessageLandedInSpam(t *testing.T) {
	h := newSendHarness(t)
	h.checkWith("pw", probe.LoginOK, probe.LoginOK)
	h.press()
	h.result(arrived("Junk"))
	r := h.ui.rec.obj
	h.requireText(r, "but in the spam folder (Junk)")
	h.requireText(r, "It landed in the spam folder “Junk”, not in the inbox.")
	h.requireText(r, "Domain health")
	h.requireNoText(r, "postino health") // the CLI's words, not the window's
}

func TestSendTestFailureShowsTheExplanationAndRemedy(t *testing.T) {
	h := newSendHarness(t)
	h.checkWith("pw", probe.LoginOK, probe.LoginOK)
	h.press()
	p := problem.New("smtp-553", map[string]any{"Host": smtpSub.Host, "Port": smtpSub.Port})
	p.ServerText = "553 5.7.1 Sender address rejected: not owned by user"
	h.result(roundtrip.Result{Status: roundtrip.SendFailed, Code: "send-failed", Problem: &p})
	r := h.ui.rec.obj
	h.requireText(r, "The test message could not be sent.")
	h.requireText(r, screenText(p.ExplanationIn("")))
	h.requireText(r, "What to do: "+screenText(remedyText(p)))
	h.requireText(r, "Sender address rejected")
	if findButton(r, "Delete the test message") != nil {
		t.Fatal("deletion offered for a message that was never sent")
	}
}

func TestSendTestThatCannotStartSaysWhy(t *testing.T) {
	h := newSendHarness(t)
	h.checkWith("pw", probe.LoginOK, probe.LoginOK)
	h.press()
	h.result(errors.New("dns: 300.1.1.1 is not an IP address"))
	h.requireText(h.ui.rec.obj, "The test could not start: dns: 300.1.1.1 is not an IP address")
	h.requireText(h.ui.rec.obj, "Check the DNS server in Settings")
	if h.sendButton().Disabled() {
		t.Fatal("Send stays disabled after a start failure")
	}
}

func TestDeletingTheTestMessagePassesItsToken(t *testing.T) {
	h := newSendHarness(t)
	h.checkWith("pw", probe.LoginOK, probe.LoginOK)
	h.press()
	h.result(arrived("INBOX"))
	test.Tap(findButton(h.ui.rec.obj, "Delete the test message"))
	if tok := <-h.rt.deletes; tok != "pstn1a2b3c4d5e6f" {
		t.Fatalf("Delete got token %q, want the round trip's", tok)
	}
	h.waitRun()
	h.requireText(h.ui.rec.obj, "The test message was deleted.")
	if findButton(h.ui.rec.obj, "Delete the test message") != nil {
		t.Fatal("Delete is still offered after the message was deleted")
	}
}

func TestDeletingTheTestMessageSaysWhatHappened(t *testing.T) {
	refused := problem.New("imap-no", map[string]any{"Host": imapTLS.Host, "Port": imapTLS.Port})
	tests := []struct {
		name string
		res  roundtrip.DeleteResult
		want string
	}{
		{"marked only", roundtrip.DeleteResult{MarkedDeleted: true}, "marked as deleted"},
		{"already gone", roundtrip.DeleteResult{NotFound: true}, "no longer in the mailbox"},
		{"refused", roundtrip.DeleteResult{Problem: &refused}, screenText(refused.ExplanationIn(""))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newSendHarness(t)
			h.rt.deleted = tc.res
			h.checkWith("pw", probe.LoginOK, probe.LoginOK)
			h.press()
			h.result(arrived("INBOX"))
			test.Tap(findButton(h.ui.rec.obj, "Delete the test message"))
			<-h.rt.deletes
			h.waitRun()
			h.requireText(h.ui.rec.obj, tc.want)
			h.requireNoText(h.ui.rec.obj, "The test message was deleted.")
		})
	}
}

func TestStoppingTheSendTestCancelsTheRoundTrip(t *testing.T) {
	stops := []struct {
		name string
		stop func(h *sendHarness)
	}{
		{"Stop button", func(h *sendHarness) { test.Tap(findButton(h.ui.rec.obj, "Stop")) }},
		{"Esc in the address", func(h *sendHarness) {
			h.ui.top.address.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		}},
		{"editing the address", func(h *sendHarness) { test.Type(h.ui.top.address, "x") }},
		{"a new check", func(h *sendHarness) {
			test.Tap(h.ui.top.check)
			<-h.eng.reqs
		}},
	}
	for _, tc := range stops {
		t.Run(tc.name, func(t *testing.T) {
			h := newSendHarness(t)
			h.checkWith("pw", probe.LoginOK, probe.LoginOK)
			h.press()
			h.progress(roundtrip.Progress{Step: roundtrip.StepWaiting, Elapsed: time.Second, Polls: 1})
			tc.stop(h)
			select {
			case c := <-h.rt.canceled:
				if !c {
					t.Fatal("the round trip ended but was not cancelled")
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the round trip's context was not cancelled")
			}
			h.pump()
			if tc.name == "a new check" {
				h.requireNoText(h.ui.rec.obj, "The test was stopped")
				h.finish()
				return
			}
			h.waitRun()
			h.requireText(h.ui.rec.obj, "The test was stopped.")
			h.requireText(h.ui.rec.obj, "its subject is “Postino test pstn1a2b3c4d5e6f”")
			h.requireNoText(h.ui.rec.obj, "waiting for it")
			if h.spinning() || h.ui.sendTestRunning() {
				t.Fatal("the window still shows the round trip running")
			}
		})
	}
}

func TestChangingThePasswordAfterTheCheckDisablesSendTest(t *testing.T) {
	h := newSendHarness(t)
	h.checkWith("pw", probe.LoginOK, probe.LoginOK)
	test.Type(h.ui.top.password, "2")
	if !h.sendButton().Disabled() {
		t.Fatal("Send is enabled with a password the check did not verify")
	}
	h.requireText(h.ui.rec.obj, "the password changed after the check")
}

func TestSendTestInItalian(t *testing.T) {
	h := newSendHarness(t)
	h.checkWith("pw", probe.LoginOK, probe.LoginOK)
	s := h.ui.set
	s.Language = "it"
	h.ui.applySettings(s)
	// The rebuilt window keeps the password the check verified.
	h.requireText(h.ui.rec.obj, "Messaggio di prova")
	h.requireNoText(h.ui.rec.obj, "Non disponibile")
	test.Tap(findButton(h.ui.rec.obj, "Invia messaggio di prova"))
	<-h.rt.opts
	h.progress(roundtrip.Progress{Step: roundtrip.StepWaiting, Elapsed: 1500 * time.Millisecond, Polls: 1})
	h.requireText(h.ui.rec.obj, "Inviato 1,5 s fa, in attesa che arrivi (ricerche nella casella: 1)")
	h.result(arrived("Spam"))
	h.requireText(h.ui.rec.obj, "cartella della posta indesiderata “Spam”")
	if findButton(h.ui.rec.obj, "Elimina il messaggio di prova") == nil {
		t.Fatalf("no Italian delete button: %q", strings.Join(texts(h.ui.rec.obj), " | "))
	}
}

// TestSendTestWithTheRealEngineDeliversAndDeletesTheMessage runs the real
// check and round trip against the loopback lab: the submission server
// delivers into the IMAP account's INBOX (labtest/mailserver), so the
// message really arrives, and Delete really removes it.
func TestSendTestWithTheRealEngineDeliversAndDeletesTheMessage(t *testing.T) {
	const secret = "Sentinel-Pw-7f3a"
	lab := labtest.New(t)
	lab.HTTPS("autoconfig.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.Write([]byte(`<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example.com">
<domain>example.com</domain>
<incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType>
<authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>465</port><socketType>SSL</socketType>
<authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></outgoingServer>
</emailProvider></clientConfig>`))
	}))
	lab.Host("imap.example.com")
	lab.Host("smtp.example.com")
	user := mailserver.NewUser(t, "mario@example.com", secret)
	sub := mailserver.NewSubmission(user, "mario@example.com", secret, nil)
	mailserver.ServeIMAP(t, lab.Listen("imap.example.com", 993), user, nil, lab.Cert("imap.example.com"), true)
	mailserver.ServeSMTP(t, lab.Listen("smtp.example.com", 465), sub, "smtp.example.com", lab.Cert("smtp.example.com"), true)

	u, queue := realWindow(t, lab)
	t.Cleanup(func() { u.Close(); u.wait() })
	u.top.password.SetText(secret)
	u.AutoCheck("mario@example.com")
	drive(t, u, queue)

	send := findButton(u.rec.obj, "Send test message")
	if send == nil || send.Disabled() {
		t.Fatalf("Send is not offered after a check that logged in on both servers: %q", texts(u.rec.obj))
	}
	test.Tap(send)
	drive(t, u, queue)
	res := u.sendtest.result
	if res == nil || res.Status != roundtrip.Arrived || res.Folder != "INBOX" {
		t.Fatalf("round trip = %+v (%s); card: %q", res, u.sendtest.err, texts(u.rec.obj))
	}
	if !hasText(u.rec.obj, "The test message arrived in") || !hasText(u.rec.obj, "in the folder “INBOX”") {
		t.Fatalf("the card does not show the arrival: %q", texts(u.rec.obj))
	}
	rec := sub.Recorded()
	if len(rec.Rcpts) != 1 || rec.Rcpts[0] != "mario@example.com" {
		t.Fatalf("the test message went to %q, want only the address itself", rec.Rcpts)
	}
	for _, m := range rec.Messages {
		if strings.Contains(string(m), secret) {
			t.Fatal("the password is in the test message")
		}
	}
	if n := mailserver.Count(t, user, "INBOX"); n != 1 {
		t.Fatalf("INBOX holds %d messages, want the test message", n)
	}

	test.Tap(findButton(u.rec.obj, "Delete the test message"))
	drive(t, u, queue)
	if d := u.sendtest.deleted; d == nil || !d.Deleted {
		t.Fatalf("delete = %+v (%s)", d, u.sendtest.deleteErr)
	}
	if n := mailserver.Count(t, user, "INBOX"); n != 0 {
		t.Fatalf("INBOX holds %d messages after Delete", n)
	}
	if !hasText(u.rec.obj, "The test message was deleted.") {
		t.Fatalf("card: %q", texts(u.rec.obj))
	}
}
