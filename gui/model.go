package gui

import (
	"slices"
	"sort"
	"time"

	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/recommend"
)

// sourceOrder is discovery's rank order (docs/architecture.md); the
// Sources view lists sources in it so the most trusted come first.
var sourceOrder = []string{
	"override", "builtin", "autoconfig", "ispdb", "srv", "mx",
	"autodiscover", "autoconfig-http", "guess",
}

// Source states shown in the Sources view.
const (
	stateSearching = "searching"
	stateFound     = "found"
	stateNotFound  = "not-found"
	stateError     = "error"
)

// sourceLine is what the Sources view shows for one discovery source.
type sourceLine struct {
	Name       string
	URL        string
	Trust      string
	State      string
	Err        string
	Candidates int
	Provider   string
}

// checkState is everything one run has reported so far. It is plain data
// touched only on the Fyne thread (via fyne.Do), so it needs no locks.
type checkState struct {
	Address string
	Domain  string
	// allowPlain is the check's "password without encryption", which
	// holds for this check and its retries only (issue 10).
	allowPlain bool
	Started    time.Time
	// Finished is the time the run ended (zero while running).
	Finished  time.Time
	Cancelled bool
	// PasswordGiven: the person typed a password for this check.
	PasswordGiven bool

	sources map[string]*sourceLine
	rows    map[string]*probe.Result
	// retrying marks rows probed again on their own after the run ended
	// (see Retrier).
	retrying map[string]bool
	// arrival records the order rows appeared, to keep them still.
	arrival map[string]int

	Candidates     []mail.Candidate
	Recommendation *recommend.Recommendation
	// Provider is the provider's name when a source knew it.
	Provider string
	// Report is the engine's final report (exports are built from it and
	// the JSON export embeds it).
	Report *detect.Report
	// ProviderNotes are the provider's remarks from the final report.
	ProviderNotes []mail.Note
	// Err is why the engine could not run, if it could not.
	Err string
}

func newCheckState(addr string, now time.Time) *checkState {
	return &checkState{
		Address:  addr,
		Started:  now,
		sources:  map[string]*sourceLine{},
		rows:     map[string]*probe.Result{},
		retrying: map[string]bool{},
		arrival:  map[string]int{},
	}
}

// Running reports whether the run has not ended yet.
func (s *checkState) Running() bool { return s != nil && s.Finished.IsZero() }

// RowRunning reports whether row id may still change: the run is going
// on, or that row alone is being probed again.
func (s *checkState) RowRunning(id string) bool {
	return s != nil && (s.Running() || s.retrying[id])
}

func (s *checkState) source(name string) *sourceLine {
	l, ok := s.sources[name]
	if !ok {
		l = &sourceLine{Name: name}
		s.sources[name] = l
	}
	return l
}

// Sources returns the sources seen so far in rank order; unknown names
// (a newer engine) come last, alphabetically.
func (s *checkState) Sources() []sourceLine {
	rank := map[string]int{}
	for i, n := range sourceOrder {
		rank[n] = i
	}
	out := make([]sourceLine, 0, len(s.sources))
	for _, l := range s.sources {
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool {
		ri, iok := rank[out[i].Name]
		rj, jok := rank[out[j].Name]
		switch {
		case iok && jok:
			return ri < rj
		case iok != jok:
			return iok
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// addCandidate makes sure a row exists for c, queued until its probe
// reports. A probe update may already have created it. It reports
// whether a new row appeared.
func (s *checkState) addCandidate(c mail.Candidate) bool {
	id := c.Server.Key()
	replaced := false
	for i := range s.Candidates {
		if s.Candidates[i].Server.Key() == id {
			s.Candidates[i], replaced = c, true // a later source also proposed it
		}
	}
	if !replaced {
		s.Candidates = append(s.Candidates, c)
	}
	if r, ok := s.rows[id]; ok {
		if r.Phase == probe.PhaseQueued {
			r.Sources = c.Sources
		}
		return false
	}
	s.rows[id] = &probe.Result{ID: id, Endpoint: c.Server, Sources: c.Sources, Phase: probe.PhaseQueued}
	s.arrival[id] = len(s.arrival)
	return true
}

// update stores a probe snapshot and reports whether it is a new row.
func (s *checkState) update(r probe.Result) bool {
	_, known := s.rows[r.ID]
	if _, ok := s.arrival[r.ID]; !ok {
		s.arrival[r.ID] = len(s.arrival)
	}
	cp := r
	s.rows[r.ID] = &cp
	return !known
}

// Row returns the latest snapshot of one row.
func (s *checkState) Row(id string) (probe.Result, bool) {
	r, ok := s.rows[id]
	if !ok {
		return probe.Result{}, false
	}
	return *r, true
}

// SourcesOf returns every source known to have proposed endpoint r: the
// ones the probe started with, and those of later candidate events for
// the same endpoint (the engine reports the merged list only at the end).
func (s *checkState) SourcesOf(r probe.Result) []string {
	out := append([]string(nil), r.Sources...)
	for _, c := range s.Candidates {
		if c.Server.Key() != r.ID {
			continue
		}
		for _, name := range c.Sources {
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

// Notes gathers what a person must know about the chosen endpoints (app
// password, IMAP to switch on, ...): the provider's notes and those of
// the chosen endpoints' candidates, once per code.
func (s *checkState) Notes(chosen ...mail.Server) []mail.Note {
	var out []mail.Note
	seen := map[string]bool{}
	add := func(ns []mail.Note) {
		for _, n := range ns {
			if n.Code != "" && !seen[n.Code] {
				seen[n.Code] = true
				out = append(out, n)
			}
		}
	}
	add(s.ProviderNotes)
	for _, c := range s.Candidates {
		for _, srv := range chosen {
			if c.Server.Key() == srv.Key() {
				add(c.Notes)
			}
		}
	}
	return out
}

// Rows returns the row IDs of one direction (incoming: IMAP then POP3;
// outgoing: SMTP), grouped by protocol and host, in standard port order.
func (s *checkState) Rows(incoming bool) []string {
	var ids []string
	for id, r := range s.rows {
		if r.Endpoint.Protocol.Incoming() == incoming {
			ids = append(ids, id)
		}
	}
	proto := map[mail.Protocol]int{mail.IMAP: 0, mail.POP3: 1, mail.SMTP: 2}
	// A host's rows stay together, in the order its host first appeared,
	// and within a host in the standard port order (implicit TLS first:
	// 993 143, 995 110, 465 587 25 2525), so a person reads the grid the
	// same way every time, whatever order the probes happened to start.
	hostFirst := map[string]int{}
	hostKey := func(r *probe.Result) string { return string(r.Endpoint.Protocol) + "|" + r.Endpoint.Host }
	for _, id := range ids {
		k := hostKey(s.rows[id])
		if a, ok := hostFirst[k]; !ok || s.arrival[id] < a {
			hostFirst[k] = s.arrival[id]
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := s.rows[ids[i]], s.rows[ids[j]]
		if pa, pb := proto[a.Endpoint.Protocol], proto[b.Endpoint.Protocol]; pa != pb {
			return pa < pb
		}
		if ha, hb := hostFirst[hostKey(a)], hostFirst[hostKey(b)]; ha != hb {
			return ha < hb
		}
		if ra, rb := portRank(a.Endpoint), portRank(b.Endpoint); ra != rb {
			return ra < rb
		}
		return s.arrival[ids[i]] < s.arrival[ids[j]]
	})
	return ids
}

// portRank is the position of an endpoint's port and security among its
// protocol's standard ports; anything else comes after them.
func portRank(ep mail.Server) int {
	std := mail.StandardPorts(ep.Protocol)
	for i, p := range std {
		if p.Port == ep.Port && p.Security == ep.Security {
			return i
		}
	}
	return len(std)
}

// Tally counts finished rows by the word the grid shows. NotListening
// counts apart the ports where nothing listens and no trusted source
// said a server would be (Postino tried them because it probes every
// standard port, or a guess proposed them): that is expected, not a
// failure.
type Tally struct{ Total, Done, OK, Warning, Failed, NotListening int }

// Tally counts the rows.
func (s *checkState) Tally() Tally {
	var t Tally
	trusted := map[string]bool{}
	for _, c := range s.Candidates {
		if c.Trusted {
			trusted[c.Server.Key()] = true
		}
	}
	for _, r := range s.rows {
		t.Total++
		if r.Phase != probe.PhaseDone {
			continue
		}
		t.Done++
		switch r.Status {
		case probe.StatusOK:
			t.OK++
		case probe.StatusWarning:
			t.Warning++
		default:
			if r.Reachability == probe.Refused && !trusted[r.ID] {
				t.NotListening++
			} else {
				t.Failed++
			}
		}
	}
	return t
}

// Elapsed is the run's duration so far (or in total once finished).
func (s *checkState) Elapsed(now time.Time) time.Duration {
	if !s.Finished.IsZero() {
		return s.Finished.Sub(s.Started)
	}
	return now.Sub(s.Started)
}

// report is the engine's final report, or, before it arrives (or from an
// engine that sends none), one assembled from what the run reported so
// far, so exports always go through detect.Report.ExportSettings like the
// CLI's.
func (s *checkState) report() *detect.Report {
	if s.Report != nil {
		return s.Report
	}
	rep := &detect.Report{Result: discover.Result{
		Address:    addressASCII(s.Address, s.Domain),
		Domain:     s.Domain,
		Candidates: s.Candidates,
	}}
	if s.Provider != "" || len(s.ProviderNotes) > 0 {
		rep.Provider = &mail.Provider{DisplayName: s.Provider, Notes: s.ProviderNotes}
	}
	if s.Recommendation != nil {
		rep.Recommended = *s.Recommendation
	}
	for _, id := range append(s.Rows(true), s.Rows(false)...) {
		r := s.rows[id]
		rep.Probes = append(rep.Probes, detect.ProbeReport{
			Protocol: r.Endpoint.Protocol, Host: r.Endpoint.Host, Port: r.Endpoint.Port,
			Security: r.Endpoint.Security, Result: *r,
		})
	}
	return rep
}
