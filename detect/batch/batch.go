// Package batch prepares mail profiles for a whole list of users at
// once: it parses the list (CSV as people export it, or one address a
// line), checks each distinct domain once, probes each distinct
// endpoint once per batch whichever domains share it, and writes each
// user's files, each domain's files and a report. It speaks in events
// and codes (see events.go); the command line and the window choose the
// words.
//
// Batch never logs in: it has no passwords.
package batch

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/health"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/export"
)

// Defaults for Options.
const (
	// DefaultDomains is how many domains are checked at once. A check
	// spends most of its time waiting on the network, so many can run
	// on two cores.
	DefaultDomains = 32
	// DefaultStartGap spaces the domains' starts: each starts about
	// twenty DNS queries at once, and a few hundred UDP queries in the
	// same instant overflow a resolver's receive buffer (the lost ones
	// only end at the DNS timeout).
	DefaultStartGap = 10 * time.Millisecond
	// DefaultPerHost is how many connections at most are open at once
	// to one server host: a few, as a mail client with a few accounts
	// would open, never a flood.
	DefaultPerHost = 4
)

// DefaultFormats are the per-user formats when none are asked for: the
// Apple profile, the Thunderbird file and the written instructions.
var DefaultFormats = []string{"mobileconfig", "thunderbird", "html"}

// CheckFile is the name of a domain's saved check, which a later run
// reuses instead of asking the network again (unless Force).
const CheckFile = "check.json"

// Options configure Run.
type Options struct {
	// Output is the folder everything is written into (required).
	Output string
	// Formats are the per-user formats (DefaultFormats when empty).
	Formats []export.Format
	// Lang is the language of the instructions of users whose row does
	// not name one ("" = the interface language).
	Lang         string
	Organization string
	Signer       *export.Signer
	// Force replaces existing files and checks every domain again;
	// without it, existing files are kept and a domain whose check an
	// earlier run saved is not checked again.
	Force bool
	// Health runs the domain health checks (MX, SPF, DKIM, DMARC,
	// MTA-STS, TLS-RPT) for every domain.
	Health bool

	Network         *network.Network
	ISPDBURL        string
	NoHTTP          bool
	OverrideDir     string
	DiscoverTimeout time.Duration
	ProbeTimeout    time.Duration
	// Domains bounds the domains in flight (DefaultDomains).
	Domains int
	// PerHost bounds the simultaneous connections to one server host
	// (DefaultPerHost).
	PerHost int
	// StartGap is the least time between two domains' starts
	// (DefaultStartGap; negative: none).
	StartGap time.Duration
}

// Seams for tests.
var (
	runCheck  = detect.Check
	runHealth = health.Run
)

// Run prepares profiles for every user of list and writes them, the
// domain files and the reports (report.json, report.csv, report.html)
// into opts.Output. It emits the events of events.go on sink. Cancelling
// ctx stops promptly: what finished is kept and reported, the rest is
// reported as canceled. The error is only for an output folder that
// cannot be used at all or reports that cannot be written.
func Run(ctx context.Context, opts Options, list *List, sink event.Sink) (*Report, error) {
	start := time.Now()
	if err := opts.withDefaults(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.Output, 0o755); err != nil {
		return nil, err
	}

	b := &run{ctx: ctx, opts: opts, list: list, sink: sink, start: start, loc: i18n.For(opts.Lang)}
	b.cache = newProbeCache(ctx, opts.PerHost, func(probe.Result) { b.progress() })
	b.groupByDomain()
	b.rep = &Report{
		Format: ReportFormat, Version: ReportVersion, Language: b.loc.Lang(),
		IgnoredPasswordColumn: list.IgnoredPasswordColumn,
		Rejected:              make([]RowError, len(list.Rejected)),
		Domains:               make([]DomainReport, len(b.domains)),
		Users:                 make([]UserReport, len(list.Users)),
	}
	for _, f := range opts.Formats {
		b.rep.Formats = append(b.rep.Formats, f.Name)
	}
	for i, e := range list.Rejected {
		e.Text = e.In(b.loc)
		b.rep.Rejected[i] = e
	}
	b.emit(Started{Users: len(list.Users), Domains: len(b.domains), Rejected: len(list.Rejected),
		Rows: b.rep.Rejected, IgnoredPasswordColumn: list.IgnoredPasswordColumn})

	b.runDomains()
	b.cancelUnstarted()
	b.finishReport()
	syncOutput(opts.Output)
	err := WriteReports(opts.Output, b.rep, list.Separator)
	b.emit(Finished{Report: b.rep})
	return b.rep, err
}

// withDefaults fills the options left zero. The network is not one of
// them: the caller's (with its DNS server and trust store) is the one
// to use, and a silent fallback to the system's would ignore both.
func (o *Options) withDefaults() error {
	if o.Output == "" {
		return errors.New("batch: no output folder")
	}
	if o.Network == nil {
		return errors.New("batch: no network")
	}
	if o.Domains <= 0 {
		o.Domains = DefaultDomains
	}
	if o.PerHost <= 0 {
		o.PerHost = DefaultPerHost
	}
	if o.StartGap == 0 {
		o.StartGap = DefaultStartGap
	}
	if o.ProbeTimeout <= 0 {
		o.ProbeTimeout = detect.DefaultProbeTimeout
	}
	if len(o.Formats) == 0 {
		for _, n := range DefaultFormats {
			f, _ := export.Lookup(n)
			o.Formats = append(o.Formats, f)
		}
	}
	return nil
}

// runDomains checks the domains with opts.Domains workers, starting one
// every opts.StartGap so a batch never opens a burst of connections,
// until all are done or the context ends.
func (b *run) runDomains() {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < b.opts.Domains && w < len(b.domains); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				b.domain(i)
			}
		}()
	}
	defer func() {
		close(next)
		wg.Wait()
	}()
	var pace <-chan time.Time
	if b.opts.StartGap > 0 {
		t := time.NewTicker(b.opts.StartGap)
		defer t.Stop()
		pace = t.C
	}
	for i := range b.domains {
		if pace != nil && i > 0 {
			select {
			case <-pace:
			case <-b.ctx.Done():
				return
			}
		}
		select {
		case next <- i:
		case <-b.ctx.Done():
			return
		}
	}
}

// cancelUnstarted reports the domains never started, and their users,
// as canceled.
func (b *run) cancelUnstarted() {
	for i, d := range b.domains {
		if b.rep.Domains[i].Domain == "" {
			b.rep.Domains[i] = DomainReport{Domain: d.name, DomainUnicode: d.unicode, Status: DomainCanceled,
				Users: len(d.users), Problems: []Problem{}, Files: []string{}}
			for _, ui := range d.users {
				b.rep.Users[ui] = b.failedUser(ui, ReasonCanceled)
			}
		}
	}
}

// run is one batch's shared state.
type run struct {
	ctx   context.Context
	opts  Options
	list  *List
	sink  event.Sink
	start time.Time
	cache *probeCache
	// loc writes the report's words, in the batch's language.
	loc i18n.Localizer

	domains []domainWork

	mu          sync.Mutex // guards rep, the counters and emission
	rep         *Report
	domainsDone int
	usersDone   int
}

type domainWork struct {
	name, unicode string
	users         []int // indexes into list.Users
}

func (b *run) groupByDomain() {
	index := map[string]int{}
	for i, u := range b.list.Users {
		d := strings.ToLower(u.Address.Domain)
		j, ok := index[d]
		if !ok {
			j = len(b.domains)
			index[d] = j
			b.domains = append(b.domains, domainWork{name: d, unicode: u.Address.DomainUnicode})
		}
		b.domains[j].users = append(b.domains[j].users, i)
	}
}

// emit sends an event; events never overlap.
func (b *run) emit(e event.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sink.Emit(e)
}

func (b *run) progress() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sink.Emit(b.progressLocked())
}

func (b *run) progressLocked() Progress {
	return Progress{
		DomainsDone: b.domainsDone, Domains: len(b.domains),
		UsersDone: b.usersDone, Users: len(b.list.Users),
		EndpointsProbed: b.cache.probed(), Elapsed: time.Since(b.start),
	}
}

// domain checks one domain (or reuses its saved check) and writes its
// files and its users'.
func (b *run) domain(i int) {
	d := b.domains[i]
	start := time.Now()
	b.emit(DomainStarted{Domain: d.name, Users: len(d.users)})
	dr := DomainReport{Domain: d.name, Users: len(d.users), Problems: []Problem{}, Files: []string{}}
	if d.unicode != d.name {
		dr.DomainUnicode = d.unicode
	}

	var healthDone chan *health.Report
	if b.opts.Health {
		healthDone = make(chan *health.Report, 1)
		go func() { healthDone <- runHealth(b.ctx, b.opts.Network, d.name, health.Options{}, nil) }()
	}
	rep, reused := b.check(d)
	if !rep.Working() && !rep.Canceled && sourceFailed(rep) && b.ctx.Err() == nil {
		// A source could not be asked (a DNS answer lost, a web server
		// too slow): ask once more rather than leave the domain's users
		// without profiles for a passing failure. Its endpoints are not
		// probed again (the cache keeps their results).
		rep, reused = b.check(d)
	}
	dr.Reused = reused
	users := b.settle(d, rep, reused, &dr)
	if healthDone != nil {
		dr.Health = healthVerdicts(<-healthDone, b.loc)
	}
	dr.ElapsedMS = time.Since(start).Milliseconds()

	b.mu.Lock()
	defer b.mu.Unlock()
	for k, ui := range d.users {
		b.rep.Users[ui] = users[k]
		b.usersDone++
		b.sink.Emit(UserFinished{User: users[k]})
	}
	b.rep.Domains[i] = dr
	b.domainsDone++
	b.sink.Emit(DomainFinished{Domain: dr})
	b.sink.Emit(b.progressLocked())
}

// settle judges a domain's check into dr, writes its domain files when
// it works, and returns its users' reports: their files, or why none.
func (b *run) settle(d domainWork, rep *detect.Report, reused bool, dr *DomainReport) []UserReport {
	reasonCode := ""
	switch {
	case rep.Canceled:
		dr.Status, reasonCode = DomainCanceled, ReasonCanceled
	case !rep.Working() && len(rep.Candidates) == 0:
		dr.Status, reasonCode = DomainNotFound, ReasonNotFound
	case !rep.Working():
		dr.Status, reasonCode = DomainNotWorking, ReasonNotWorking
	default:
		dr.Status = DomainOK
	}
	if rep.Provider != nil {
		dr.Provider = rep.Provider.DisplayName
	}
	dr.Problems = problemsOf(rep)

	users := make([]UserReport, len(d.users))
	if dr.Status == DomainOK {
		rec := rep.Recommended
		dr.Verified = rec.Incoming.Verified && rec.Outgoing.Verified
		s, err := rep.ExportSettings("")
		if err == nil {
			in, out := templated(s, s.Incoming), templated(s, s.Outgoing)
			dr.Incoming, dr.Outgoing = &in, &out
			err = b.saveCheck(d, rep, reused)
		}
		if err == nil {
			dr.Files, err = writeDomainFiles(b.opts.Output, DomainDir(d.name), rep, b.exportOptions(""), b.opts.Force)
			dr.Files = append(dr.Files, path.Join(DomainDir(d.name), CheckFile))
		}
		if err != nil {
			dr.Status, reasonCode = DomainWriteFailed, ReasonWriteFailed
		} else {
			for k, ui := range d.users {
				users[k] = b.user(ui, s)
			}
		}
	}
	if reasonCode != "" {
		for k, ui := range d.users {
			users[k] = b.failedUser(ui, reasonCode)
		}
	}
	return users
}

// check returns the domain's check: the one an earlier run saved when
// there is one and Force is off, else a fresh one run for the domain's
// first user, its probes shared with the rest of the batch.
func (b *run) check(d domainWork) (*detect.Report, bool) {
	if !b.opts.Force {
		if rep := b.savedCheck(d); rep != nil {
			return rep, true
		}
	}
	first := b.list.Users[d.users[0]]
	rep := runCheck(b.ctx, detect.CheckOptions{
		Network:         b.opts.Network,
		ISPDBURL:        b.opts.ISPDBURL,
		NoHTTP:          b.opts.NoHTTP,
		OverrideDir:     b.opts.OverrideDir,
		DiscoverTimeout: b.opts.DiscoverTimeout,
		ProbeTimeout:    b.opts.ProbeTimeout,
		// No Username: a login the list gives is that user's alone
		// (forUser), and a probe without a password does not use it.
		Probe: b.cache.probe,
	}, first.Address, nil)
	return rep, false
}

// sourceFailed reports whether some discovery source of rep ended in an
// error rather than an answer.
func sourceFailed(rep *detect.Report) bool {
	for _, s := range rep.Sources {
		if s.Status == discover.StatusError {
			return true
		}
	}
	return false
}

// savedCheck reads a working check an earlier run saved for d.
func (b *run) savedCheck(d domainWork) *detect.Report {
	f, err := os.Open(b.path(path.Join(DomainDir(d.name), CheckFile)))
	if err != nil {
		return nil
	}
	defer f.Close()
	rep, err := detect.ReadReport(f)
	if err != nil || rep.Canceled || !rep.Working() || !strings.EqualFold(rep.Domain, d.name) {
		return nil
	}
	return rep
}

// saveCheck writes the domain's check as `postino check --json` does
// (docs/json.md): in words, in the batch's language, so a later run
// that reuses it keeps those words.
func (b *run) saveCheck(d domainWork, rep *detect.Report, reused bool) error {
	if reused {
		return nil
	}
	data, err := json.MarshalIndent(rep.In(b.loc), "", "  ")
	if err != nil {
		return err
	}
	_, err = writeAtomic(b.opts.Output, path.Join(DomainDir(d.name), CheckFile), append(data, '\n'), 0o644, true, true)
	return err
}

func (b *run) path(rel string) string { return pathJoin(b.opts.Output, rel) }

func (b *run) exportOptions(lang string) export.Options {
	if lang == "" {
		lang = b.loc.Lang()
	}
	return export.Options{Lang: lang, Organization: b.opts.Organization, Signer: b.opts.Signer}
}

// user writes one user's files from the domain's settings s (found for
// the domain's first user).
func (b *run) user(ui int, s export.Settings) UserReport {
	u := b.list.Users[ui]
	ur := b.userReport(ui)
	s = forUser(s, u)
	names := fileNames(b.opts.Formats, SafeName(u.Address.String()))
	dir := UserDir(u.Address.String())
	opts := b.exportOptions(u.Language)
	wrote := false
	for _, f := range b.opts.Formats {
		rel := path.Join(dir, names[f.Name])
		if !b.opts.Force && present(b.path(rel)) {
			ur.Files = append(ur.Files, rel)
			continue
		}
		data, err := f.Export(s, opts)
		if err != nil {
			return b.failedUserWith(ui, ReasonExportFailed, err)
		}
		w, err := writeAtomic(b.opts.Output, rel, data, 0o644, b.opts.Force, false)
		if err != nil {
			return b.failedUserWith(ui, ReasonWriteFailed, err)
		}
		wrote = wrote || w
		ur.Files = append(ur.Files, rel)
	}
	ur.Status = UserKept
	if wrote {
		ur.Status = UserWritten
	}
	return ur
}

func (b *run) userReport(ui int) UserReport {
	u := b.list.Users[ui]
	lang := u.Language
	if lang == "" {
		lang = b.loc.Lang()
	}
	return UserReport{Line: u.Line, Address: u.Address.String(), Name: u.Name, Domain: u.Address.Domain,
		Language: lang, Files: []string{}}
}

func (b *run) failedUser(ui int, code string) UserReport {
	return b.failedUserWith(ui, code, nil)
}

func (b *run) failedUserWith(ui int, code string, err error) UserReport {
	ur := b.userReport(ui)
	ur.Status = UserFailed
	data := map[string]any{"Domain": ur.Domain, "Error": ""}
	if err != nil {
		data["Error"] = i18n.ErrorText(err, b.loc)
	}
	ur.Reason = &Reason{Code: code, Text: b.loc.T("batch.reason."+code, data)}
	return ur
}

// finishReport fills in the summary and the totals.
func (b *run) finishReport() {
	r := b.rep
	r.Canceled = b.ctx.Err() != nil
	r.EndpointsProbed = b.cache.probed()
	r.ElapsedMS = time.Since(b.start).Milliseconds()
	s := Summary{Users: len(r.Users), Rejected: len(r.Rejected), Domains: len(r.Domains)}
	for _, u := range r.Users {
		switch u.Status {
		case UserWritten:
			s.Written++
		case UserKept:
			s.Kept++
		default:
			s.Failed++
		}
	}
	for _, d := range r.Domains {
		if d.Status == DomainOK {
			s.DomainsOK++
		}
		if d.Status == DomainCanceled {
			r.Canceled = true
		}
	}
	r.Summary = s
}

// forUser turns the settings found for the domain's first user into
// u's: u's address and name, and each server's login in the same form
// (the address, the local part, or the login the list gives).
func forUser(s export.Settings, u User) export.Settings {
	refLocal, refDomain := s.LocalPart(), s.AddressDomain()
	login := func(srv mail.Server) mail.Server {
		if u.Username != "" {
			srv.Username = u.Username
			return srv
		}
		tmpl := mail.TemplateUsername(srv.Username, refLocal, refDomain)
		if srv.Username == "" {
			tmpl = mail.PlaceholderAddress
		}
		srv.Username = mail.ExpandUsername(tmpl, u.Address.Local, u.Address.Domain)
		return srv
	}
	out := s
	out.Address, out.DisplayName = u.Address.String(), u.Name
	out.Incoming, out.Outgoing = login(s.Incoming), login(s.Outgoing)
	out.AlternativesIn = make([]mail.Server, len(s.AlternativesIn))
	for i, a := range s.AlternativesIn {
		out.AlternativesIn[i] = login(a)
	}
	out.AlternativesOut = make([]mail.Server, len(s.AlternativesOut))
	for i, a := range s.AlternativesOut {
		out.AlternativesOut[i] = login(a)
	}
	return out
}

// templated is srv with its login as a template for the whole domain.
func templated(s export.Settings, srv mail.Server) mail.Server {
	login := srv.Username
	if login == "" {
		login = s.Address
	}
	srv.Username = mail.TemplateUsername(login, s.LocalPart(), s.AddressDomain())
	return srv
}

// problemsOf lists the problems of the endpoints a source proposed (not
// the other standard ports Postino tried on the same hosts, which a
// provider need not offer), each once.
func problemsOf(rep *detect.Report) []Problem {
	out := []Problem{}
	seen := map[string]bool{}
	for _, p := range rep.Probes {
		if len(p.Sources) == 0 || p.Status == probe.StatusOK {
			continue
		}
		for _, t := range p.Problems {
			key := p.ID + "|" + t.Code
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, Problem{Protocol: p.Protocol, Host: p.Host, Port: p.Port, Security: p.Security, ProblemText: t})
		}
	}
	return out
}

func healthVerdicts(r *health.Report, l i18n.Localizer) []HealthVerdict {
	if r == nil {
		return nil
	}
	out := make([]HealthVerdict, 0, len(r.Checks))
	for _, c := range r.Checks {
		out = append(out, HealthVerdict{Name: c.Name, Verdict: string(c.Verdict), Code: c.Code,
			Summary: c.Summary.In(l), Remedy: c.Remedy.In(l)})
	}
	return out
}
