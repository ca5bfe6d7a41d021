package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/batch"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/export"
)

type batchArgs struct {
	caFile        string
	formats       string
	output        string
	lang          string
	org           string
	signP12       string
	signPassStdin bool
	json          bool
	force         bool
	health        bool
	dns           string
	ispdb         string
	noHTTP        bool
	timeout       time.Duration
	domains       int
	perHost       int
	input         string
}

func parseBatchArgs(args []string, stdout io.Writer) (*batchArgs, []export.Format, error) {
	a := &batchArgs{}
	fs := newFlagSet("batch")
	var names []string
	for _, f := range export.Formats() {
		names = append(names, f.Name)
	}
	fs.StringVar(&a.formats, "format", strings.Join(batch.DefaultFormats, ","), i18n.T("batch.flag.format", map[string]any{"Formats": strings.Join(names, ",")}))
	fs.StringVar(&a.output, "o", "", i18n.T("batch.flag.output"))
	addLangFlag(fs, &a.lang)
	fs.StringVar(&a.org, "org", "", i18n.T("export.flag.org"))
	fs.StringVar(&a.signP12, "sign-p12", "", i18n.T("export.flag.sign_p12"))
	fs.BoolVar(&a.signPassStdin, "sign-pass-stdin", false, i18n.T("export.flag.sign_pass_stdin"))
	addJSONFlag(fs, &a.json)
	fs.BoolVar(&a.force, "force", false, i18n.T("batch.flag.force"))
	fs.BoolVar(&a.health, "health", false, i18n.T("batch.flag.health"))
	addDNSFlag(fs, &a.dns)
	addCAFileFlag(fs, &a.caFile)
	addISPDBFlag(fs, &a.ispdb)
	addNoHTTPFlag(fs, &a.noHTTP)
	fs.DurationVar(&a.timeout, "timeout", detect.DefaultProbeTimeout, i18n.T("export.flag.timeout"))
	fs.IntVar(&a.domains, "domains", batch.DefaultDomains, i18n.T("batch.flag.domains"))
	fs.IntVar(&a.perHost, "per-host", batch.DefaultPerHost, i18n.T("batch.flag.per_host"))
	positional, err := parseFlags(fs, args, stdout, "batch.cli.usage")
	if err != nil {
		return nil, nil, err
	}
	usage := func(key string, data ...any) error { return usageError(i18n.T(key, data...)) }
	var formats []export.Format
	seen := map[string]bool{}
	for _, n := range strings.Split(a.formats, ",") {
		n = strings.TrimSpace(n)
		if n == "" || seen[n] {
			continue
		}
		f, ok := export.Lookup(n)
		if !ok {
			return nil, nil, usage("export.cli.err.format", map[string]any{"Value": n, "Formats": strings.Join(names, ", ")})
		}
		seen[n] = true
		formats = append(formats, f)
	}
	switch {
	case len(positional) == 0:
		return nil, nil, usage("batch.cli.err.no_input")
	case len(positional) > 1:
		return nil, nil, usage("export.cli.err.extra_args", map[string]any{"Args": strings.Join(positional[1:], " ")})
	case len(formats) == 0:
		return nil, nil, usage("batch.cli.err.no_format")
	case a.output == "":
		return nil, nil, usage("batch.cli.err.no_output")
	case a.signP12 != "" && !seen["mobileconfig"]:
		return nil, nil, usage("export.cli.err.sign_format", map[string]any{"Format": a.formats})
	case a.signPassStdin && a.signP12 == "":
		return nil, nil, usage("export.cli.err.sign_pass_without_p12")
	case a.signPassStdin && positional[0] == "-":
		return nil, nil, usage("export.cli.err.stdin_twice")
	case a.timeout <= 0 || a.timeout > 5*time.Minute:
		return nil, nil, usage("export.cli.err.timeout", map[string]any{"Value": a.timeout.String()})
	case a.domains < 1 || a.domains > 256:
		return nil, nil, usage("batch.cli.err.domains", map[string]any{"Value": a.domains})
	case a.perHost < 1 || a.perHost > 16:
		return nil, nil, usage("batch.cli.err.per_host", map[string]any{"Value": a.perHost})
	case strings.ContainsAny(a.org, "\r\n\x00"):
		return nil, nil, usage("export.cli.err.control")
	}
	if err := checkLang(a.lang); err != nil {
		return nil, nil, err
	}
	a.input = positional[0]
	return a, formats, nil
}

func runBatch(env *Env) int {
	a, formats, err := parseBatchArgs(env.Args, env.Stdout)
	if err != nil {
		return reportParseError(env, err)
	}
	loc := runLanguage(a.lang) // the words, in the language of the run
	opts := batch.Options{Output: a.output, Formats: formats, Lang: a.lang, Organization: a.org,
		Force: a.force, Health: a.health, NoHTTP: a.noHTTP, ProbeTimeout: a.timeout,
		Domains: a.domains, PerHost: a.perHost, OverrideDir: env.Getenv(EnvISPDir)}
	if a.signP12 != "" {
		p12Password := ""
		if a.signPassStdin {
			if p12Password, err = readSecretLine(bufio.NewReaderSize(env.Stdin, 64)); err != nil {
				return env.refuse(loc, err)
			}
		}
		if opts.Signer, err = loadSigner(a.signP12, p12Password); err != nil {
			return env.refuse(loc, err)
		}
	}
	list, err := readUserList(env, a.input)
	if err != nil {
		return env.refuse(loc, err)
	}
	if opts.ISPDBURL, err = ispdbFromFlag(env, a.ispdb); err != nil {
		return env.refuse(loc, err)
	}
	if opts.Network, err = env.networkWithCA(a.dns, a.caFile); err != nil {
		return env.refuse(loc, err)
	}

	ctx, stop := env.runContext()
	defer stop()
	view := &batchView{w: env.Stderr, loc: loc, live: env.StderrIsTerminal || isTerminal(env.Stderr)}
	rep, err := batch.Run(ctx, opts, list, view.Handle)
	view.Close()
	if rep == nil {
		return env.refuse(loc, usageError(loc.T("batch.cli.err.output", map[string]any{"Dir": a.output, "Error": fileError(err)})))
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, loc.T("batch.cli.err.report", map[string]any{"Dir": a.output, "Error": fileError(err)}))
	}
	if a.json {
		data, err := batch.MarshalReport(rep)
		if err != nil {
			return env.refuse(loc, err)
		}
		env.Stdout.Write(data)
	} else {
		renderBatchText(env.Stdout, loc, rep, a.output)
	}
	if rep.AllDone() && err == nil {
		return ExitOK
	}
	return ExitNotFound
}

func readUserList(env *Env, name string) (*batch.List, error) {
	var r io.Reader = env.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, usageError(i18n.T("export.cli.err.read_file", map[string]any{"File": name, "Error": fileError(err)}))
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			return nil, usageError(i18n.T("export.cli.err.read_file", map[string]any{"File": name, "Error": i18n.T("export.cli.err.is_dir")}))
		}
		r = f
	}
	if r == nil {
		r = strings.NewReader("")
	}
	list, err := batch.Parse(r)
	var ie *batch.InputError
	if errors.As(err, &ie) {
		return nil, usageError(i18n.T("batch.cli.err.input", map[string]any{"File": name, "Error": ie.In(i18n.For(""))}))
	}
	return list, err
}

// batchView renders a batch's events on stderr: each rejected row and a
// password-column notice at the start, then (on a terminal) one live
// line with the counts and the time left, rewritten at most ten times a
// second.
type batchView struct {
	w    io.Writer
	loc  i18n.Localizer
	live bool

	mu     sync.Mutex
	last   time.Time
	shown  bool
	closed bool
}

func (v *batchView) Handle(e event.Event) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return
	}
	switch e := e.(type) {
	case batch.Started:
		if e.IgnoredPasswordColumn != "" {
			fmt.Fprintln(v.w, v.loc.T("batch.password_column", map[string]any{"Column": e.IgnoredPasswordColumn}))
		}
		for _, r := range e.Rows {
			fmt.Fprintln(v.w, v.loc.T("batch.cli.rejected", map[string]any{"Line": r.Line, "Text": r.Text}))
		}
	case batch.Progress:
		if !v.live || (time.Since(v.last) < 100*time.Millisecond && e.UsersDone < e.Users) {
			return
		}
		v.last = time.Now()
		line := v.loc.T("batch.cli.progress", map[string]any{
			"DomainsDone": e.DomainsDone, "Domains": e.Domains, "UsersDone": e.UsersDone, "Users": e.Users,
			"Endpoints": e.EndpointsProbed,
		})
		if eta := e.ETA(); eta > 0 {
			line += " · " + v.loc.T("batch.cli.eta", map[string]any{"Seconds": int(eta.Seconds() + 0.5)})
		}
		fmt.Fprintf(v.w, "\r\x1b[K%s", line)
		v.shown = true
	}
}

// Close ends the live line; no event is rendered after it.
func (v *batchView) Close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.shown {
		fmt.Fprint(v.w, "\r\x1b[K")
	}
	v.closed = true
}

// renderBatchText prints the outcome: each domain with its settings or
// its problem, each user without a profile and why, and the totals.
func renderBatchText(w io.Writer, loc i18n.Localizer, r *batch.Report, dir string) {
	for _, d := range r.Domains {
		status := loc.T("batch.domain." + string(d.Status))
		fmt.Fprintf(w, "%s: %s\n", d.Domain, status)
		if d.Incoming != nil && d.Outgoing != nil {
			fmt.Fprintf(w, "  %s\n  %s\n", d.Incoming.String(), d.Outgoing.String())
		}
		if d.Status != batch.DomainOK {
			for _, p := range d.Problems {
				fmt.Fprintf(w, "  %s:%d %s %s\n", p.Host, p.Port, p.Explanation, p.Remedy)
			}
		}
		for _, h := range d.Health {
			fmt.Fprintf(w, "  %s: %s — %s\n", h.Name, h.Verdict, h.Summary)
		}
	}
	for _, u := range r.Users {
		if u.Reason != nil {
			fmt.Fprintf(w, "%s: %s\n", u.Address, u.Reason.Text)
		}
	}
	fmt.Fprintln(w, loc.T("batch.report.summary", r.Summary))
	if r.Canceled {
		fmt.Fprintln(w, loc.T("batch.report.canceled"))
	}
	fmt.Fprintln(w, loc.T("batch.cli.report_at", map[string]any{"Dir": dir, "Endpoints": r.EndpointsProbed}))
}
