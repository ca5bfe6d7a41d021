// Package roundtrip proves that mail really flows: it sends a short test
// message from an address to itself through the account's SMTP
// submission server, then watches the account's mailbox over IMAP (or
// POP3) until the message arrives or a deadline passes, and reports how
// long that took. It never sends to anyone but the address itself, never
// sends the password without TLS, and never sends it to a server whose
// certificate failed verification unless the caller explicitly allows it.
package roundtrip

import (
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/problem"
)

// Status is the outcome of a round trip.
type Status string

const (
	// Arrived: the message was sent and found in the mailbox.
	Arrived Status = "arrived"
	// NotArrived: the message was accepted but not seen before the
	// deadline.
	NotArrived Status = "not-arrived"
	// SendFailed: the SMTP server could not be reached or refused the
	// login or the message.
	SendFailed Status = "send-failed"
	// ReceiveFailed: the incoming server could not be reached or refused
	// the login; nothing was sent.
	ReceiveFailed Status = "receive-failed"
	// Refused: the options were unsafe or incomplete, so Postino did not
	// start (plain-text endpoint, no password, bad address).
	Refused Status = "refused"
)

// Step is where a running round trip is.
type Step string

const (
	StepConnectIncoming Step = "connect-incoming"
	StepSending         Step = "sending"
	StepWaiting         Step = "waiting"
	StepDeleting        Step = "deleting"
	StepDone            Step = "done"
)

// Steps lists every step a running round trip reports, in order.
func Steps() []Step {
	return []Step{StepConnectIncoming, StepSending, StepWaiting, StepDeleting, StepDone}
}

// Codes lists every Result.Code, each with a summary, an explanation and
// a remedy in every language (key "roundtrip.CODE.summary", ...): the
// outcomes of Run, and the reasons a front end gives for not starting
// one after a check (no-working-settings, login-unverified,
// check-canceled).
func Codes() []string {
	return []string{
		"arrived", "arrived-junk", "not-arrived", "canceled",
		"send-failed", "receive-failed", "search-failed",
		"no-password", "bad-address", "bad-smtp", "bad-incoming", "plaintext-refused",
		"no-working-settings", "login-unverified", "check-canceled",
	}
}

// Progress is emitted at every step and after every poll of the mailbox.
type Progress struct {
	Step Step
	// Elapsed is the time since the message was accepted (0 before).
	Elapsed time.Duration
	// Polls counts the mailbox searches so far.
	Polls int
}

// EventKind implements event.Event.
func (Progress) EventKind() string { return "roundtrip-progress" }

// Finished is emitted once with the result.
type Finished struct{ Result Result }

// EventKind implements event.Event.
func (Finished) EventKind() string { return "roundtrip-finished" }

// Result is what a round trip found: codes and typed data. Its sentences
// are rendered by the front end in the language it chooses (SummaryIn,
// ExplanationIn, RemedyIn, and In for the JSON shape).
type Result struct {
	Status Status
	// Code is a stable reason: the Status, or a more precise one
	// ("arrived-junk", "plaintext-refused", "no-password", ...).
	Code string
	// Problem is the server's refusal or the connection failure behind
	// SendFailed and ReceiveFailed, explained by the problem catalogue.
	Problem *problem.Problem
	// Token is the unique word in the subject; MessageID the Message-ID
	// header we generated (without angle brackets).
	Token     string
	MessageID string
	Subject   string
	// SentAt is when the SMTP server accepted the message; ArrivedAt
	// when the mailbox search first found it.
	SentAt    time.Time
	ArrivedAt time.Time
	// Send is how long the SMTP submission took; Latency is ArrivedAt -
	// SentAt: exact when the IMAP server announces new mail (IDLE),
	// otherwise precise to the poll interval.
	Send    time.Duration
	Latency time.Duration
	// Folder is where the message was found (INBOX, or a spam folder).
	Folder string
	Polls  int
	// Deleted is true when the test message was removed afterwards;
	// DeleteFailed explains why it could not be. MarkedDeleted means the
	// IMAP server cannot expunge a single message (no UIDPLUS, RFC 4315):
	// the message is flagged \Deleted and goes at the mail client's next
	// expunge, so that no other message flagged by the person is lost.
	Deleted       bool
	DeleteFailed  *problem.Problem
	MarkedDeleted bool

	data map[string]any
}

// SummaryIn is one sentence saying what happened, in l's language.
func (r Result) SummaryIn(l i18n.Localizer) string {
	return l.T("roundtrip."+r.Code+".summary", r.templateData(l))
}

// ExplanationIn says why, in plain words in l's language: the server's
// refusal from the problem catalogue when there is one.
func (r Result) ExplanationIn(l i18n.Localizer) string {
	if r.Problem != nil {
		return r.Problem.Render(l).Explanation
	}
	return l.T("roundtrip."+r.Code+".explanation", r.templateData(l))
}

// RemedyIn says what to do, in l's language.
func (r Result) RemedyIn(l i18n.Localizer) string {
	if r.Problem != nil {
		return r.Problem.Render(l).Remedy
	}
	return l.T("roundtrip."+r.Code+".remedy", r.templateData(l))
}

func (r Result) templateData(l i18n.Localizer) map[string]any {
	d := map[string]any{
		"Seconds": l.Seconds(r.Latency),
		"Send":    l.Seconds(r.Send),
		"Folder":  r.Folder,
		"Polls":   r.Polls,
	}
	for k, v := range r.data {
		if dur, ok := v.(time.Duration); ok {
			// Durations are written when the sentence is, so that they
			// follow the language it is rendered in (Localizer.Seconds:
			// hundredths below a second, tenths above, the language's
			// decimal separator).
			v = l.Seconds(dur)
		}
		d[k] = v
	}
	return d
}

// Rendered is a result in words: its public JSON shape (docs/json.md).
type Rendered struct {
	Status       Status            `json:"status"`
	Code         string            `json:"code"`
	Summary      string            `json:"summary"`
	Explanation  string            `json:"explanation"`
	Remedy       string            `json:"remedy"`
	Problem      *problem.Rendered `json:"problem,omitempty"`
	Token        string            `json:"token,omitempty"`
	MessageID    string            `json:"message_id,omitempty"`
	Subject      string            `json:"subject,omitempty"`
	SentAt       *time.Time        `json:"sent_at,omitempty"`
	ArrivedAt    *time.Time        `json:"arrived_at,omitempty"`
	SendMS       int64             `json:"send_ms"`
	LatencyMS    int64             `json:"latency_ms"`
	Folder       string            `json:"folder,omitempty"`
	Polls        int               `json:"polls"`
	Deleted      bool              `json:"deleted"`
	DeleteFailed *problem.Rendered `json:"delete_failed,omitempty"`
	Marked       bool              `json:"marked_deleted,omitempty"`
}

// In puts the result into words in l's language, in its public JSON
// shape: what a front end writes (the CLI's check --json).
func (r Result) In(l i18n.Localizer) Rendered {
	d := Rendered{
		Status: r.Status, Code: r.Code, Summary: r.SummaryIn(l), Explanation: r.ExplanationIn(l), Remedy: r.RemedyIn(l),
		Token: r.Token, MessageID: r.MessageID, Subject: r.Subject,
		SendMS: r.Send.Milliseconds(), LatencyMS: r.Latency.Milliseconds(), Folder: r.Folder,
		Polls: r.Polls, Deleted: r.Deleted, Marked: r.MarkedDeleted,
	}
	if r.Problem != nil {
		p := r.Problem.Render(l)
		d.Problem = &p
	}
	if r.DeleteFailed != nil {
		p := r.DeleteFailed.Render(l)
		d.DeleteFailed = &p
	}
	if !r.SentAt.IsZero() {
		t := r.SentAt.UTC()
		d.SentAt = &t
	}
	if !r.ArrivedAt.IsZero() {
		t := r.ArrivedAt.UTC()
		d.ArrivedAt = &t
	}
	return d
}
