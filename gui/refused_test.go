package gui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
	"github.com/postino-mail/postino/detect/recommend"
)

// TestAWrongPasswordKeepsTheRightServersOnTheCard: the card says the
// password was refused and by which server, and Export stays enabled
// (issue 16); a certificate that does not verify is said on the card.
func TestAWrongPasswordKeepsTheRightServersOnTheCard(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "wrong")
	rec := recommend.Recommendation{
		Incoming: &recommend.Choice{Server: imapTLS, Result: imapTLS.Key(), Verified: true, Login: probe.LoginFailed},
		Outgoing: &recommend.Choice{Server: smtpSub, Result: smtpSub.Key(), Verified: false, Login: probe.LoginSkipped},
		PasswordRefusedBy: []recommend.RefusedLogin{{Protocol: imapTLS.Protocol, Host: imapTLS.Host, Port: imapTLS.Port,
			ServerText: "NO [AUTHENTICATIONFAILED] Authentication failed."}},
	}
	h.send(candidate(imapTLS, "builtin"), candidate(smtpSub, "builtin"),
		detect.RecommendationReady{Recommendation: rec},
		detect.CheckFinished{Report: &detect.Report{Result: discover.Result{Address: "mario@example.com", Domain: "example.com"}, Recommended: rec}})
	h.finish()
	h.requireText(h.ui.rec.obj, "imap.example.com:993 refused the password (it said: NO [AUTHENTICATIONFAILED] Authentication failed.)")
	h.requireText(h.ui.rec.obj, "The certificate of smtp.example.com does not verify")
	h.requireText(h.ui.rec.obj, "Your password was not sent to smtp.example.com:587")
	if h.ui.top.export.Disabled() {
		t.Fatal("Export is disabled although the servers are right")
	}
}

// TestArrowKeysSelectTheRowDetailsShows: Details follows the arrow keys,
// not only Space; hovering does not select.
func TestArrowKeysSelectTheRowDetailsShows(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(candidate(imapTLS, "builtin"), candidate(smtpSub, "builtin"),
		probe.Update{Result: okResult(imapTLS)}, probe.Update{Result: okResult(smtpSub)})
	h.finish()
	l := h.ui.grid.list
	h.win.Canvas().Focus(l)
	l.OnHighlighted(3) // what Fyne reports when the mouse hovers a row
	if h.ui.selected != "" {
		t.Fatal("hovering selected a row")
	}
	// Items: header, IMAP row, header, SMTP row.
	l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if h.ui.selected != imapTLS.Key() {
		t.Fatalf("after Down: selected %q, want the IMAP row", h.ui.selected)
	}
	h.requireText(h.ui.details.obj, "imap.example.com:993")
	l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if h.ui.selected != smtpSub.Key() {
		t.Fatalf("after Down Down Down: selected %q, want the SMTP row", h.ui.selected)
	}
}

// retryScript is a script engine that can retry one row; its retry
// reports a refused password.
type retryScript struct{ *scriptEngine }

func (retryScript) RetryInsecure(_ context.Context, _ Request, ep mail.Server, _ []string, sink event.Sink) {
	r := okResult(ep)
	r.TLS.Verified = false
	r.Status, r.Login = probe.StatusFailed, probe.LoginFailed
	r.Problems = []problem.Problem{{Code: "imap-authenticationfailed", ServerText: "NO [AUTHENTICATIONFAILED] Authentication failed."}}
	sink(probe.Update{Result: r})
}

// TestTheRecommendationIsChosenAgainAfterARetry: a retry whose login was
// refused must not leave the card as it was ("993 was still
// recommended" with no word of the refusal).
func TestTheRecommendationIsChosenAgainAfterARetry(t *testing.T) {
	h := newHarnessFor(t, nil, func(e *scriptEngine) Engine { return retryScript{e} })
	h.start("mario@example.com", "pw")
	held := okResult(imapTLS)
	held.TLS.Verified = false
	held.TLS.Error = "self-signed"
	held.Status, held.Login = probe.StatusWarning, probe.LoginSkipped
	held.Problems = []problem.Problem{{Code: problem.LoginNotSentInsecure}}
	sub := okResult(smtpSub)
	sub.Login = probe.LoginOK
	rec := recommend.Choose([]probe.Result{held, sub}, nil)
	rep := &detect.Report{Result: discover.Result{Address: "mario@example.com", Domain: "example.com",
		Candidates: []mail.Candidate{candidate(imapTLS, "builtin").Candidate, candidate(smtpSub, "builtin").Candidate}},
		Probes: []detect.ProbeReport{{Result: held}, {Result: sub}}, Recommended: rec}
	h.send(candidate(imapTLS, "builtin"), candidate(smtpSub, "builtin"),
		probe.Update{Result: held}, probe.Update{Result: sub},
		detect.RecommendationReady{Recommendation: rec}, detect.CheckFinished{Report: rep})
	h.finish()
	if h.ui.state.Recommendation.Incoming.Login != probe.LoginSkipped {
		t.Fatalf("before the retry: %+v", h.ui.state.Recommendation.Incoming)
	}
	h.ui.retry(imapTLS.Key(), h.ui.opts.Retrier.RetryInsecure)
	h.waitRun()
	in := h.ui.state.Recommendation.Incoming
	if in == nil || in.Login != probe.LoginFailed || len(h.ui.state.Recommendation.PasswordRefusedBy) != 1 {
		t.Fatalf("after a refused retry the recommendation was not chosen again: %+v", h.ui.state.Recommendation)
	}
	if h.ui.state.Report.Recommended.Incoming.Login != probe.LoginFailed {
		t.Fatal("the report (exports) still holds the old recommendation")
	}
	h.requireText(h.ui.rec.obj, "imap.example.com:993 refused the password")
}
