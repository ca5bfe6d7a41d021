package batch

import "time"

// The events a batch emits, one at a time (never concurrently), in
// this order: Started; then, for each domain, DomainStarted, the
// UserFinished of its users and DomainFinished, with Progress after
// every domain and every endpoint probed; Finished last. They carry
// codes and numbers; the front ends choose the words.

// Started is the first event: what the batch is about to do.
type Started struct {
	Users, Domains, Rejected int
	// Rows are the rejected rows, each with its line and reason.
	Rows []RowError
	// IgnoredPasswordColumn names a password column that is not read.
	IgnoredPasswordColumn string
}

// EventKind implements event.Event.
func (Started) EventKind() string { return "batch-started" }

// DomainStarted says a domain's check (or the reuse of an earlier one)
// has begun.
type DomainStarted struct {
	Domain string
	Users  int
}

// EventKind implements event.Event.
func (DomainStarted) EventKind() string { return "batch-domain-started" }

// DomainFinished carries a domain's outcome, after its users' files
// are written.
type DomainFinished struct{ Domain DomainReport }

// EventKind implements event.Event.
func (DomainFinished) EventKind() string { return "batch-domain-finished" }

// UserFinished carries one user's outcome.
type UserFinished struct{ User UserReport }

// EventKind implements event.Event.
func (UserFinished) EventKind() string { return "batch-user-finished" }

// Progress counts what is done so far.
type Progress struct {
	DomainsDone, Domains int
	UsersDone, Users     int
	// EndpointsProbed counts the distinct endpoints probed (or being
	// probed) so far.
	EndpointsProbed int
	Elapsed         time.Duration
}

// EventKind implements event.Event.
func (Progress) EventKind() string { return "batch-progress" }

// ETA estimates the time left from the pace so far (0 until a user is
// done, or when all are).
func (p Progress) ETA() time.Duration {
	if p.UsersDone == 0 || p.UsersDone >= p.Users {
		return 0
	}
	return time.Duration(float64(p.Elapsed) * float64(p.Users-p.UsersDone) / float64(p.UsersDone))
}

// Finished is the last event; Report is the value Run returns.
type Finished struct{ Report *Report }

// EventKind implements event.Event.
func (Finished) EventKind() string { return "batch-finished" }
