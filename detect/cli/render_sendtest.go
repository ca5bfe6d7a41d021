package cli

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/problem"
	"github.com/postino-mail/postino/detect/roundtrip"
)

// renderRoundtripText writes the round trip's outcome after the check's
// report: what happened in one sentence, when the message was accepted
// and when it arrived, whether it was deleted, and for anything but a
// clean arrival the explanation, the server's words and the remedy.
func renderRoundtripText(w io.Writer, loc i18n.Localizer, addr string, r roundtrip.Result) {
	fmt.Fprintln(w)
	if r.Status == roundtrip.Refused {
		fmt.Fprintln(w, notSentLine(r, loc))
		return
	}
	fmt.Fprintln(w, loc.T("check.sendtest.title", map[string]any{"Address": addr}))
	icon := "✗"
	if r.Status == roundtrip.Arrived {
		icon = "✓"
	}
	fmt.Fprintf(w, "  %s %s\n", icon, printable(r.SummaryIn(loc)))

	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	row := func(labelKey, value string) { fmt.Fprintf(tw, "  %s\t%s\n", loc.T(labelKey), printable(value)) }
	if !r.SentAt.IsZero() {
		row("check.sendtest.sent", loc.T("check.sendtest.sent_value", map[string]any{
			"Time": wallClock(r.SentAt), "Duration": shortDuration(loc, r.Send)}))
	}
	if r.Status == roundtrip.Arrived {
		row("check.sendtest.arrived", loc.T("check.sendtest.arrived_value", map[string]any{
			"Time": wallClock(r.ArrivedAt), "Folder": r.Folder, "Duration": shortDuration(loc, r.Latency), "Polls": r.Polls}))
	}
	// Subject and Message-ID help find a message the server accepted; a
	// refused one was never sent, so there is nothing to look for.
	if !r.SentAt.IsZero() {
		if r.Subject != "" {
			row("check.sendtest.subject", r.Subject)
		}
		if r.MessageID != "" {
			row("check.sendtest.message_id", "<"+r.MessageID+">")
		}
	}
	if r.Status == roundtrip.Arrived {
		row("check.sendtest.deleted", deletedText(r, loc))
	}
	tw.Flush()

	if r.Code != "arrived" {
		fmt.Fprintf(w, "  %s\n", printable(r.ExplanationIn(loc)))
		if r.Problem != nil && r.Problem.ServerText != "" {
			fmt.Fprintf(w, "  %s %s\n", loc.T("check.server_said"), printable(problem.ServerWordsIn(r.Problem.ServerText, loc)))
		}
		if rem := r.RemedyIn(loc); rem != "" {
			fmt.Fprintf(w, "  → %s\n", printable(rem))
		}
	}
}

// deletedText says what became of an arrived test message.
func deletedText(r roundtrip.Result, loc i18n.Localizer) string {
	switch {
	case r.Deleted:
		return loc.T("check.sendtest.deleted_yes")
	case r.MarkedDeleted:
		return loc.T("check.sendtest.deleted_marked")
	case r.DeleteFailed != nil:
		return loc.T("check.sendtest.deleted_failed", map[string]any{"Explanation": r.DeleteFailed.Render(loc).Explanation})
	}
	return loc.T("check.sendtest.deleted_kept")
}

// shortDuration shows a duration to a useful precision: milliseconds
// below a second (a loopback or local delivery), else tenths of seconds.
func shortDuration(loc i18n.Localizer, d time.Duration) string {
	if d < time.Second {
		return loc.T("check.ms", map[string]any{"MS": d.Milliseconds()})
	}
	return loc.Seconds(d) + " s"
}

// wallClock shows a time as the person's clock does, with the zone, to
// compare with what their mail program shows.
func wallClock(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05 MST") }
