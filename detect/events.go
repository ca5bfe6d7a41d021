// Package detect runs a whole check of one address: discovery of every
// candidate endpoint, a probe of every standard port of every candidate
// host (all in parallel, bounded), and the recommendation. It reports
// everything as events and returns a Report, the document `postino check
// --json` prints and `postino export --from` reads back.
package detect

import "github.com/postino-mail/postino/detect/recommend"

// CheckStarted is the first event of a check.
type CheckStarted struct {
	Address string
	Domain  string
}

// EventKind implements event.Event.
func (CheckStarted) EventKind() string { return "check-started" }

// RecommendationReady carries the chosen settings once every probe has
// finished.
type RecommendationReady struct {
	Recommendation recommend.Recommendation
}

// EventKind implements event.Event.
func (RecommendationReady) EventKind() string { return "recommendation-ready" }

// CheckFinished is the last event of a check; Report is the same value
// Check returns.
type CheckFinished struct {
	Report *Report
}

// EventKind implements event.Event.
func (CheckFinished) EventKind() string { return "check-finished" }
