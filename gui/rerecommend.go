package gui

import (
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/probe"
)

// retryEnded runs when one row's retry ("Try the login anyway…") is
// over: the recommendation is chosen again from every row as they now
// stand, so a login refused on retry no longer leaves that server
// recommended, and one that worked can be.
func (u *UI) retryEnded() {
	s := u.state
	rep := s.report()
	for _, id := range append(s.Rows(true), s.Rows(false)...) {
		if r, ok := s.Row(id); ok {
			if p, found := findProbe(rep, id); !found || p.Phase != r.Phase || p.Login != r.Login || p.Status != r.Status {
				rep = rep.WithRetried(r)
			}
		}
	}
	s.Report = rep
	rec := rep.Recommended
	s.Recommendation = &rec
	u.render()
	u.runEnded()
}

// findProbe returns the report's probe result of endpoint id.
func findProbe(rep *detect.Report, id string) (probe.Result, bool) {
	for _, p := range rep.Probes {
		if p.ID == id {
			return p.Result, true
		}
	}
	return probe.Result{}, false
}
