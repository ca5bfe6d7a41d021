package cli

import (
	"context"
	"flag"
	"io"
	"sync"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/roundtrip"
)

// maxSendDeadline bounds --send-deadline: a person waits at the terminal,
// and a script that wants longer should look for the message later by
// its Message-ID.
const (
	minSendDeadline = 100 * time.Millisecond
	maxSendDeadline = 10 * time.Minute
)

// checkSendTestFlags refuses round-trip flags that cannot work, before
// anything touches the network: the round trip logs in as the person, so
// it needs the password; and --send-deadline or --delete-test alone
// would be silently ignored.
func (a *checkArgs) checkSendTestFlags(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case a.sendTest && !a.passwordStdin:
		return usageError(i18n.T("check.error.send_test_password"))
	case !a.sendTest && (set["send-deadline"] || set["delete-test"]):
		return usageError(i18n.T("check.error.send_test_needed"))
	case a.sendDeadline < minSendDeadline || a.sendDeadline > maxSendDeadline:
		return usageError(i18n.T("check.error.send_deadline", map[string]any{"Value": a.sendDeadline.String()}))
	}
	return nil
}

// sendTest runs the round trip with the recommended settings and the
// check's credentials (detect.Report.RoundTripOptions decides whether it
// may), or returns a Refused result saying why it did not.
// The message goes from addr to addr only: roundtrip.Run takes no other
// recipient.
func sendTest(ctx context.Context, env *Env, a *checkArgs, nw *network.Network, addr address.Address, password string, rep *detect.Report) roundtrip.Result {
	opts, code := rep.RoundTripOptions(addr.String(), a.user, password)
	if code != "" {
		return roundtrip.Result{Status: roundtrip.Refused, Code: code}
	}
	opts.Deadline = a.sendDeadline
	opts.Delete = a.deleteTest
	opts.AllowInsecureTLS = a.allowInsecureTLS
	opts.Lang = i18n.For(a.lang).Lang()
	var sink event.Sink = event.Discard
	var view *roundtripView
	if env.StderrIsTerminal || isTerminal(env.Stderr) {
		view = &roundtripView{w: env.Stderr, loc: i18n.For(a.lang)}
		sink = view.Handle
	}
	return roundtrip.Run(ctx, nw, opts, sink)
}

// notSentLine is the one line saying why no test message was sent (the
// summary of a Refused result, which says so).
func notSentLine(r roundtrip.Result, loc i18n.Localizer) string { return oneLine(r.SummaryIn(loc)) }

// roundtripView is the live line of a running round trip on a terminal,
// drawn below the check's live view in the same style: one line
// rewritten in place (CR, CSI 2 K: erase line), ended when the result is
// known.
type roundtripView struct {
	w    io.Writer
	loc  i18n.Localizer
	mu   sync.Mutex
	done bool
}

// Handle is an event.Sink.
func (v *roundtripView) Handle(e event.Event) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.done {
		return
	}
	var line string
	switch e := e.(type) {
	case roundtrip.Progress:
		if e.Step == roundtrip.StepDone {
			return
		}
		line = "… " + v.loc.T("check.sendtest.step."+string(e.Step), map[string]any{
			"Seconds": v.loc.Seconds(e.Elapsed), "Polls": e.Polls,
		})
	case roundtrip.Finished:
		icon := "✗"
		if e.Result.Status == roundtrip.Arrived {
			icon = "✓"
		}
		line = icon + " " + v.loc.T("check.sendtest.finished", map[string]any{"Summary": e.Result.SummaryIn(v.loc)})
		v.done = true
	default:
		return
	}
	s := "\r\x1b[2K" + clip(printable(line), progressWidth)
	if v.done {
		s += "\n"
	}
	io.WriteString(v.w, s)
}
