package gui

import (
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/probe"
)

// handle applies one engine event of run id to the state and re-renders
// what it touched. It runs on the Fyne thread (the sink wraps it in
// fyne.Do). Events of an older run are dropped: the person has moved on.
func (u *UI) handle(id int, ev event.Event) {
	if id != u.runID || u.state == nil {
		return
	}
	s := u.state
	switch e := ev.(type) {
	case detect.CheckStarted:
		if e.Domain != "" {
			s.Domain = e.Domain
		}
	case EngineError:
		s.Err = e.Err.Error()
	case discover.SourceStarted:
		l := s.source(string(e.Source))
		l.State, l.URL = stateSearching, e.URL
		u.sources.render()
	case discover.SourceFinished:
		l := s.source(string(e.Source))
		l.URL, l.Trust, l.Candidates, l.Provider = e.URL, string(e.Trust), e.Candidates, e.Provider
		l.State = string(e.Status)
		l.Err = ""
		if e.Err != nil && e.Status == discover.StatusError {
			l.Err = e.Err.Error()
		}
		if e.Provider != "" && s.Provider == "" {
			s.Provider = e.Provider
		}
		u.sources.render()
	case discover.CandidateFound:
		s.addCandidate(e.Candidate)
		u.status.render()
	case probe.Update:
		s.update(e.Result)
		u.status.render()
		if e.Result.ID == u.selected {
			u.details.render()
		}
	case detect.RecommendationReady:
		rec := e.Recommendation
		s.Recommendation = &rec
		u.rec.render()
		u.top.render()
	case detect.CheckFinished:
		if e.Report != nil {
			s.Report = e.Report
			// The report has each endpoint's full list of sources.
			for _, p := range e.Report.Probes {
				if r, ok := s.rows[p.ID]; ok && len(p.Sources) > 0 {
					r.Sources = p.Sources
				}
			}
			if p := e.Report.Provider; p != nil {
				if p.DisplayName != "" {
					s.Provider = p.DisplayName
				}
				s.ProviderNotes = p.Notes
			}
			if s.Recommendation == nil {
				rec := e.Report.Recommended
				s.Recommendation = &rec
			}
		}
		if s.Running() {
			s.Finished = u.now()
		}
		u.render()
		return
	}
	u.renderSummary()
}
