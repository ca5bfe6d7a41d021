package gui

import (
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/probe"
)

// dirty says what a batch of events changed, so only that is redrawn.
type dirty struct {
	sources bool
	// rows are the grid rows whose content changed; layout is set when
	// rows appeared (the grid's order and headers must be rebuilt).
	rows   map[string]bool
	layout bool
	rec    bool
	all    bool
}

// handleBatch applies every event of one batch (run gen) to the state and
// then redraws once, only what changed: a probe update refreshes its row
// (and Details when it is the selected one), not the whole grid. It runs
// on the Fyne thread.
func (u *UI) handleBatch(gen int, batch []event.Event) {
	if !u.run.current(gen) || u.state == nil {
		return
	}
	d := dirty{rows: map[string]bool{}}
	for _, ev := range batch {
		u.apply(ev, &d)
	}
	u.redraw(d)
}

// handle applies one event of run gen and redraws (tests, benchmarks).
func (u *UI) handle(gen int, ev event.Event) { u.handleBatch(gen, []event.Event{ev}) }

// redraw re-renders what d marks.
func (u *UI) redraw(d dirty) {
	if d.all {
		u.render()
		u.checkRendered()
		return
	}
	if d.sources {
		u.sources.render()
	}
	if d.layout {
		u.grid.render()
	} else {
		for id := range d.rows {
			u.grid.refreshRow(id)
		}
	}
	if d.rows[u.selected] {
		u.details.render()
	}
	if d.rec {
		u.rec.render()
		u.top.render()
	}
	u.renderSummary()
}

// apply records one engine event in the state and marks what it changed.
func (u *UI) apply(ev event.Event, d *dirty) {
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
		d.sources = true
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
		d.sources = true
	case discover.CandidateFound:
		if s.addCandidate(e.Candidate) {
			d.layout = true
		}
		d.rows[e.Candidate.Server.Key()] = true
	case probe.Update:
		if s.update(e.Result) {
			d.layout = true
		}
		d.rows[e.Result.ID] = true
	case detect.RecommendationReady:
		rec := e.Recommendation
		s.Recommendation = &rec
		d.rec = true
	case detect.CheckFinished:
		u.finish(e)
		d.all = true
	}
}

// finish takes in the engine's final report.
func (u *UI) finish(e detect.CheckFinished) {
	s := u.state
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
}
