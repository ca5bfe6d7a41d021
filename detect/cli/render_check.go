package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/recommend"
)

// progressWidth keeps every live line shorter than a classic 80-column
// terminal: a line that wraps would break the cursor arithmetic.
const progressWidth = 79

// progressView draws live progress on a terminal: one status line for
// discovery and one line per endpoint, rewritten in place with ANSI
// cursor movements (CSI n A: cursor up; CSI 2 K: erase line) as events
// arrive from many goroutines.
type progressView struct {
	loc   i18n.Localizer
	w     io.Writer
	mu    sync.Mutex
	ids   []string
	lines map[string]string
	// finished marks endpoints whose probe is done.
	finished map[string]bool
	status   string
	found    int
	started  int
	done     int
	drawn    int
	closed   bool
}

func newProgressView(w io.Writer, loc i18n.Localizer) *progressView {
	return &progressView{w: w, loc: loc, lines: map[string]string{}, finished: map[string]bool{}}
}

// Handle is an event.Sink.
func (p *progressView) Handle(e event.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	switch e := e.(type) {
	case detect.CheckStarted:
		p.status = p.loc.T("check.progress.discovering", map[string]any{"Address": e.Address})
	case discover.SourceStarted:
		p.started++
		p.status = p.sourcesLine()
	case discover.SourceFinished:
		p.done++
		p.status = p.sourcesLine()
	case discover.CandidateFound:
		if e.Update {
			return
		}
		p.found++
		p.status = p.sourcesLine()
	case probe.Update:
		if _, ok := p.lines[e.Result.ID]; !ok {
			p.ids = append(p.ids, e.Result.ID)
		}
		p.lines[e.Result.ID] = progressLine(p.loc, e.Result)
		p.finished[e.Result.ID] = e.Result.Phase == probe.PhaseDone
	case detect.RecommendationReady:
		p.status = p.loc.T("check.progress.done")
	default:
		return
	}
	p.redraw()
}

func (p *progressView) sourcesLine() string {
	return p.loc.T("check.progress.sources", map[string]any{"Done": p.done, "Started": p.started, "Count": p.found})
}

// Close stops drawing; later events (none are expected) are ignored.
func (p *progressView) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
}

// maxProgressRows keeps the live view shorter than a small terminal: a
// view taller than the screen scrolls, and cursor-up cannot reach lines
// that scrolled away.
const maxProgressRows = 18

func (p *progressView) redraw() {
	var b strings.Builder
	if p.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA\r", p.drawn)
	}
	n := 0
	write := func(s string) {
		b.WriteString("\x1b[2K" + clip(s, progressWidth) + "\n")
		n++
	}
	write(p.status)
	if len(p.ids) <= maxProgressRows {
		for _, id := range p.ids {
			write(p.lines[id])
		}
	} else {
		// Too many to show: the endpoints still running, then a count
		// of the finished ones (the final table lists them all).
		done, shown := 0, 0
		for _, id := range p.ids {
			switch {
			case p.finished[id]:
				done++
			case shown < maxProgressRows:
				write(p.lines[id])
				shown++
			}
		}
		write(p.loc.T("check.progress.finished", map[string]any{"Done": done, "Total": len(p.ids)}))
	}
	// Erase what a taller previous frame left below (CSI J).
	b.WriteString("\x1b[J")
	p.drawn = n
	io.WriteString(p.w, b.String())
}

func progressLine(loc i18n.Localizer, r probe.Result) string {
	icon, state := "…", loc.T("check.phase."+string(r.Phase))
	if r.Phase == probe.PhaseDone {
		icon, state = statusIcon(r.Status), statusWord(loc, r)
		if sum := r.SummaryIn(loc); sum != "" {
			state += " · " + sum
		}
	}
	return printable(fmt.Sprintf("%s %-4s %-30s %-8s %s", icon, protoName(r.Endpoint.Protocol),
		r.Endpoint.Address(), securityName(loc, r.Endpoint.Security), state))
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func statusIcon(s probe.Status) string {
	switch s {
	case probe.StatusOK:
		return "✓"
	case probe.StatusWarning:
		return "!"
	case probe.StatusFailed:
		return "✗"
	}
	return "·"
}

func statusWord(loc i18n.Localizer, r probe.Result) string {
	if r.Phase != probe.PhaseDone || r.Status == "" {
		return loc.T("check.status.unfinished")
	}
	return loc.T("check.status." + string(r.Status))
}

func protoName(p mail.Protocol) string { return strings.ToUpper(string(p)) }

func securityName(loc i18n.Localizer, s mail.Security) string {
	if !s.Valid() {
		return "?"
	}
	return loc.T("check.security." + string(s))
}

// renderCheckText writes the final table, the recommendation with its
// reasons, the alternatives, and every problem with its explanation and
// remedy.
func renderCheckText(w io.Writer, loc i18n.Localizer, rep *detect.Report) {
	fmt.Fprintln(w, loc.T("check.title", map[string]any{"Address": rep.Address}))
	if rep.Canceled {
		fmt.Fprintln(w, loc.T("check.canceled"))
	}
	renderProbeTable(w, loc, rep)
	renderRecommendation(w, loc, rep.Recommended)
	renderProblems(w, loc, rep)
}

// renderProbeTable is one line per endpoint tried.
func renderProbeTable(w io.Writer, loc i18n.Localizer, rep *detect.Report) {
	fmt.Fprintln(w)
	if len(rep.Probes) == 0 {
		fmt.Fprintln(w, loc.T("check.no_candidates"))
		writeFailedSources(w, loc, rep.Sources)
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", loc.T("check.col.protocol"), loc.T("check.col.server"),
			loc.T("check.col.security"), loc.T("check.col.status"), loc.T("check.col.time"), loc.T("check.col.details"))
		for _, p := range rep.Probes {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s\t%s\t%s\n", protoName(p.Protocol), p.Endpoint.Address(),
				securityName(loc, p.Security), statusIcon(p.Status), statusWord(loc, p.Result),
				loc.T("check.ms", map[string]any{"MS": p.ElapsedMS}), printable(p.Summary))
		}
		tw.Flush()
	}

}

// renderRecommendation is the settings to use, why, and the
// alternatives.
func renderRecommendation(w io.Writer, loc i18n.Localizer, rec recommend.Recommendation) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, loc.T("check.recommended"))
	fmt.Fprintln(w, "  "+loc.T("check.incoming")+" "+choiceText(loc, rec.Incoming))
	fmt.Fprintln(w, "  "+loc.T("check.outgoing")+" "+choiceText(loc, rec.Outgoing))
	if len(rec.Reasons) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, loc.T("check.why"))
		for _, r := range rec.Reasons {
			fmt.Fprintln(w, "  - "+r.Text())
		}
	}
	if len(rec.Alternatives) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, loc.T("check.alternatives"))
		for i := range rec.Alternatives {
			fmt.Fprintln(w, "  - "+choiceText(loc, &rec.Alternatives[i]))
		}
	}
}

// renderProblems explains every endpoint's problems with their remedy.
func renderProblems(w io.Writer, loc i18n.Localizer, rep *detect.Report) {
	// A closed port that no trusted source lists (Postino tried it
	// because it probes every standard port, or a guess proposed it) is
	// expected, not a problem to read about: those go on one line, the
	// rest in full.
	trusted := map[string]bool{}
	for _, c := range rep.Candidates {
		if c.Trusted {
			trusted[c.Key()] = true
		}
	}
	var closed []string
	printed := false
	for _, p := range rep.Probes {
		if len(p.Problems) == 0 {
			continue
		}
		if !trusted[p.Endpoint.Key()] && len(p.Problems) == 1 && p.Problems[0].Code == "refused" {
			closed = append(closed, fmt.Sprintf("%s %d", protoName(p.Protocol), p.Port))
			continue
		}
		if !printed {
			fmt.Fprintln(w)
			fmt.Fprintln(w, loc.T("check.problems"))
			printed = true
		}
		fmt.Fprintf(w, "  %s %s %s (%s)\n", statusIcon(p.Status), protoName(p.Protocol), p.Endpoint.Address(), securityName(loc, p.Security))
		for _, pr := range p.Problems {
			fmt.Fprintf(w, "      %s\n", printable(pr.Explanation))
			if pr.ServerText != "" {
				fmt.Fprintf(w, "      %s %s\n", loc.T("check.server_said"), printable(pr.ServerText))
			}
			if pr.Remedy != "" {
				fmt.Fprintf(w, "      → %s\n", printable(pr.Remedy))
			}
		}
	}
	if len(closed) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, loc.T("check.closed_ports", map[string]any{"List": strings.Join(closed, ", ")}))
	}
}

func choiceText(loc i18n.Localizer, c *recommend.Choice) string {
	if c == nil {
		return loc.T("check.none")
	}
	s := fmt.Sprintf("%s %s (%s)", protoName(c.Protocol), c.Address(), securityName(loc, c.Security))
	if c.Username != "" {
		s += ", " + loc.T("check.user", map[string]any{"User": c.Username})
	}
	// A choice that works only with a caveat says so on its own line of
	// the list: "these also work" must not hide an expired certificate.
	var caveats []string
	if !c.Verified {
		caveats = append(caveats, loc.T("check.caveat.unverified"))
	}
	switch c.Login {
	case probe.LoginSkipped:
		caveats = append(caveats, loc.T("check.caveat.login_skipped"))
	case probe.LoginFailed:
		caveats = append(caveats, loc.T("check.caveat.login_refused"))
	}
	if len(caveats) > 0 {
		s += " — " + strings.Join(caveats, ", ")
	}
	return s
}

// printable keeps server words and summaries from breaking the layout (or
// moving the cursor: control characters are dropped).
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}

// writeFailedSources says, when nothing was found, which sources failed
// and why: "no server found" after a dead DNS server or a broken network
// must not read like a domain without mail.
func writeFailedSources(w io.Writer, loc i18n.Localizer, sources []discover.SourceReport) {
	var failed []discover.SourceReport
	for _, s := range sources {
		if s.Status == discover.StatusError {
			failed = append(failed, s)
		}
	}
	if len(failed) == 0 {
		return
	}
	fmt.Fprintln(w, loc.T("check.sources_failed", map[string]any{"Count": len(failed), "Total": len(sources)}))
	for _, s := range failed {
		why := s.Error
		if s.ErrorCode != "" {
			why = loc.T("discover.error." + s.ErrorCode)
		}
		fmt.Fprintf(w, "  - %s: %s\n", sourceLabel(loc, s.Name), printable(why))
	}
	fmt.Fprintln(w, loc.T("check.sources_failed_hint"))
}
