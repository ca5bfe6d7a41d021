package detect

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
	"github.com/postino-mail/postino/detect/recommend"
)

// Report is the outcome of a check: the detect document (address,
// domain, sources, candidates, provider) extended with every probe and
// the recommendation. Its JSON form is public (docs/json.md).
//
// Check fills codes and typed data only; the words (problem
// explanations and remedies, the recommendation's reasons) are chosen at
// the edge, by the front end that writes or shows the report, with In.
type Report struct {
	discover.Result
	Probes      []ProbeReport            `json:"probes"`
	Recommended recommend.Recommendation `json:"recommended"`
	// Language is the language In rendered the texts (explanations,
	// remedies, reasons) in; "" for a report straight from Check.
	Language string `json:"language"`
	// Canceled is true when the check was interrupted before every probe
	// finished; unfinished probes stay in phase "queued" or their last one.
	Canceled bool `json:"canceled,omitempty"`
	// SkippedEndpoints counts endpoints not probed because the sources
	// proposed more than a check probes (256).
	SkippedEndpoints int   `json:"skipped_endpoints,omitempty"`
	ElapsedMS        int64 `json:"elapsed_ms"`

	gate gateStats // what the login gate cost, for the benchmark
}

// ProbeReport is one probed endpoint as the report shows it: the
// endpoint itself, everything the probe found, and its main problem.
//
// The fields the public contract lists (docs/json.md) are repeated from
// probe.Result without omitempty, so they are always present in the JSON
// (null or "" when they do not apply) and scripts can rely on them; they
// hold the same values as the embedded Result's.
type ProbeReport struct {
	Protocol mail.Protocol `json:"protocol"`
	Host     string        `json:"host"`
	Port     int           `json:"port"`
	Security mail.Security `json:"security"`
	Username string        `json:"username,omitempty"`
	probe.Result

	Reachability    probe.Reachability `json:"reachability"`
	Greeting        string             `json:"greeting"`
	TLS             *TLSReport         `json:"tls"`
	StartTLSOffered *bool              `json:"starttls_offered"`
	Status          probe.Status       `json:"status"`
	Summary         string             `json:"summary"`
	Phases          []probe.PhaseTime  `json:"phases"`
	Transcript      []probe.Line       `json:"transcript"`
	// Problem is the most important of Problems (null when none).
	Problem  *ProblemText  `json:"problem"`
	Problems []ProblemText `json:"problems"`
}

// TLSReport is probe.TLSInfo with "error" always present ("" when the
// certificate verified).
type TLSReport struct {
	probe.TLSInfo
	Error string `json:"error"`
}

// ProblemText is a problem as the report shows it: its stable code, the
// explanation and remedy in the report's language (empty until In
// renders them), and the server's own words.
type ProblemText = problem.Rendered

func newProbeReport(r probe.Result) ProbeReport {
	ep := r.Endpoint
	pr := ProbeReport{
		Protocol: ep.Protocol, Host: ep.Host, Port: ep.Port, Security: ep.Security, Username: ep.Username,
		Result:       r,
		Reachability: r.Reachability, Greeting: r.Greeting, StartTLSOffered: r.StartTLSOffered,
		Status: r.Status, Summary: r.Summary, Problems: []ProblemText{},
		Phases: append([]probe.PhaseTime{}, r.Phases...), Transcript: append([]probe.Line{}, r.Transcript...),
	}
	if r.TLS != nil {
		pr.TLS = &TLSReport{TLSInfo: *r.TLS, Error: r.TLS.Error}
	}
	if pr.Sources == nil {
		pr.Result.Sources = []string{}
	}
	if pr.AuthMechanisms == nil {
		pr.Result.AuthMechanisms = []string{}
	}
	for _, p := range r.Problems {
		pr.Problems = append(pr.Problems, ProblemText{Code: p.Code, ServerText: p.ServerText})
	}
	if len(pr.Problems) > 0 {
		pr.Problem = &pr.Problems[0]
	}
	return pr
}

// In returns a copy of the report with its words in l's language: each
// probe's summary, certificate verdict and problems explained, with a
// remedy, and the recommendation's
// reasons; Language says which. This is what a front end writes (the
// CLI's --json, the JSON export) or shows as text. A report already
// rendered (one read back with ReadReport) keeps its words, since the
// template data behind them is not in the JSON; only Language-less
// reports straight from Check are rendered.
func (r *Report) In(l i18n.Localizer) *Report {
	c := *r
	if r.Language != "" {
		// Already in words; the reasons, re-rendered from their codes at
		// every write, stay in the report's language.
		c.Recommended = r.Recommended.In(i18n.For(r.Language))
		return &c
	}
	c.Language = l.Lang()
	c.Recommended = r.Recommended.In(l)
	c.Probes = make([]ProbeReport, len(r.Probes))
	for i, p := range r.Probes {
		p.Summary = p.Result.SummaryIn(l)
		p.Result.Summary = p.Summary
		// A server text that held the password is a marker until now.
		p.Greeting = problem.ServerWordsIn(p.Greeting, l)
		p.Result.Greeting = problem.ServerWordsIn(p.Result.Greeting, l)
		p.Result.LoginMessage = problem.ServerWordsIn(p.Result.LoginMessage, l)
		p.Transcript = serverLinesIn(p.Transcript, l)
		p.Result.Transcript = serverLinesIn(p.Result.Transcript, l)
		if p.Result.TLS != nil {
			t := *p.Result.TLS
			t.Error = t.ErrorIn(l)
			p.Result.TLS = &t
			p.TLS = &TLSReport{TLSInfo: t, Error: t.Error}
		}
		if len(p.Problems) > 0 {
			p.Problems = append([]ProblemText(nil), p.Problems...)
			for j := range p.Problems {
				// The report's problems are the probe's, in order
				// (newProbeReport); a hand-built report may differ.
				if j < len(p.Result.Problems) && p.Result.Problems[j].Code == p.Problems[j].Code {
					p.Problems[j] = p.Result.Problems[j].Render(l)
				}
			}
			p.Problem = &p.Problems[0]
		}
		c.Probes[i] = p
	}
	return &c
}

// serverLinesIn is a copy of lines with a withheld server text said in
// l's language (problem.ServerWordsIn); lines itself when none is.
func serverLinesIn(lines []probe.Line, l i18n.Localizer) []probe.Line {
	for i, ln := range lines {
		if ln.Text != problem.Withheld {
			continue
		}
		out := append([]probe.Line(nil), lines...)
		for j := i; j < len(out); j++ {
			out[j].Text = problem.ServerWordsIn(out[j].Text, l)
		}
		return out
	}
	return lines
}

// MaxReportSize bounds what ReadReport accepts: a real report is tens of
// kilobytes; anything far larger is not one.
const MaxReportSize = 16 << 20

// ErrNotAReport means the document is JSON but not a check or detect
// report.
var ErrNotAReport = errors.New("not a Postino report")

// ReadReport reads a document written by `postino check --json` (or the
// Report's JSON form) back into a Report, restoring each probe's endpoint
// and problem codes so the recommendation and exports can use it.
func ReadReport(r io.Reader) (*Report, error) { return readReport(r, MaxReportSize) }

// readReport is ReadReport with a size cap of maxSize bytes.
func readReport(r io.Reader, maxSize int64) (*Report, error) {
	dec := json.NewDecoder(io.LimitReader(r, maxSize+1))
	var rep Report
	if err := dec.Decode(&rep); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("reading report: %w (truncated, or larger than %d bytes)", err, maxSize)
		}
		return nil, fmt.Errorf("reading report: %w", err)
	}
	if rep.Domain == "" || rep.Address == "" {
		return nil, ErrNotAReport
	}
	for i := range rep.Probes {
		p := &rep.Probes[i]
		if !p.Protocol.Valid() || p.Host == "" || p.Port < 1 || p.Port > 65535 || !p.Security.Valid() {
			return nil, fmt.Errorf("%w: probe %d has no valid endpoint", ErrNotAReport, i)
		}
		p.Endpoint = mail.Server{Protocol: p.Protocol, Host: p.Host, Port: p.Port, Security: p.Security, Username: p.Username}
		if p.ID == "" {
			p.ID = p.Endpoint.Key()
		}
		p.Result.Reachability, p.Result.Greeting, p.Result.StartTLSOffered = p.Reachability, p.Greeting, p.StartTLSOffered
		p.Result.Status, p.Result.Summary = p.Status, p.Summary
		p.Result.Phases, p.Result.Transcript = p.Phases, p.Transcript
		p.Result.TLS = nil
		if p.TLS != nil {
			t := p.TLS.TLSInfo
			t.Error = p.TLS.Error
			p.Result.TLS = &t
		}
		p.Result.Problems = nil
		for _, t := range p.Problems {
			p.Result.Problems = append(p.Result.Problems, problem.Problem{Code: t.Code, ServerText: t.ServerText})
		}
		if len(p.Problems) > 0 {
			p.Problem = &p.Problems[0]
		} else {
			p.Problem = nil
		}
	}
	return &rep, nil
}

// Results returns the probe results of the report, as Check collected
// them (for recommend.Choose on a report read back from disk).
func (r *Report) Results() []probe.Result {
	out := make([]probe.Result, len(r.Probes))
	for i, p := range r.Probes {
		out[i] = p.Result
	}
	return out
}

// Working reports whether the recommendation has both an incoming and an
// outgoing endpoint and neither refused the password: what `postino
// check` turns into exit code 0. (A refused password still recommends
// the servers, so they can be exported, but the check did not work.)
func (r *Report) Working() bool {
	in, out := r.Recommended.Incoming, r.Recommended.Outgoing
	return in != nil && out != nil && in.Login != probe.LoginFailed && out.Login != probe.LoginFailed
}
