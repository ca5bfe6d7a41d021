package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/health"
	"github.com/postino-mail/postino/detect/network"
)

func init() { register("health", "health.cli.summary", runHealth) }

// healthNetwork builds the network `postino health` uses; tests replace
// it with a labtest network (port mapping and a test CA cannot come from
// the environment).
var healthNetwork = func(env *Env, dnsFlag string) (*network.Network, error) {
	if dnsFlag == "" {
		dnsFlag = env.Getenv(network.EnvDNS)
	}
	return network.New(network.Options{DNS: dnsFlag})
}

// maxHealthTimeout bounds --timeout: a health run is a handful of DNS
// queries and one HTTPS fetch.
const maxHealthTimeout = 5 * time.Minute

type healthArgs struct {
	json      bool
	dns       string
	selectors listFlag
	timeout   time.Duration
	lang      string
	target    string
}

// listFlag collects a repeatable flag; each use may also hold a
// comma-separated list (--dkim-selector s1,s2).
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// healthUsageError is a command-line mistake the flag package did not
// report itself; its text is already translated.
type healthUsageError struct{ msg string }

func (e healthUsageError) Error() string { return e.msg }

// parseHealthArgs accepts flags before and after the domain.
func parseHealthArgs(args []string, stderr io.Writer) (*healthArgs, error) {
	a := &healthArgs{}
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&a.json, "json", false, i18n.T("health.cli.flag.json"))
	fs.StringVar(&a.dns, "dns", "", i18n.T("health.cli.flag.dns"))
	fs.Var(&a.selectors, "dkim-selector", i18n.T("health.cli.flag.dkim_selector"))
	fs.DurationVar(&a.timeout, "timeout", health.DefaultTimeout, i18n.T("health.cli.flag.timeout"))
	fs.StringVar(&a.lang, "lang", "", i18n.T("health.cli.flag.lang"))
	fs.Usage = func() {
		fmt.Fprintln(stderr, i18n.T("health.cli.usage"))
		fs.PrintDefaults()
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch {
	case len(positional) != 1:
		return nil, healthUsageError{i18n.T("health.cli.one_domain")}
	case a.timeout <= 0 || a.timeout > maxHealthTimeout:
		return nil, healthUsageError{i18n.T("health.cli.bad_timeout")}
	case a.lang != "" && i18n.Normalize(a.lang) == "":
		return nil, healthUsageError{i18n.T("health.cli.bad_lang", map[string]any{"Lang": a.lang})}
	}
	a.target = positional[0]
	return a, nil
}

func runHealth(env *Env) int {
	a, err := parseHealthArgs(env.Args, env.Stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		var ue healthUsageError
		if errors.As(err, &ue) {
			fmt.Fprintln(env.Stderr, ue.msg)
		}
		return ExitUsage
	}
	if a.lang != "" {
		i18n.SetLanguage(a.lang)
	}
	domain, err := health.Domain(a.target)
	if err != nil {
		fmt.Fprintln(env.Stderr, strings.Join(strings.Fields(err.Error()), " "))
		return ExitUsage
	}
	nw, err := healthNetwork(env, a.dns)
	if err != nil {
		fmt.Fprintln(env.Stderr, i18n.T("health.cli.network", map[string]any{"Error": err.Error()}))
		return ExitUsage
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var sink event.Sink
	if !a.json && env.StderrIsTerminal {
		// Checks finish on their own goroutines; one line at a time.
		var mu sync.Mutex
		sink = func(e event.Event) {
			if d, ok := e.(health.CheckDone); ok {
				mu.Lock()
				fmt.Fprintf(env.Stderr, "  %s %s\n", verdictMarker(d.Check.Verdict), health.Title(d.Check.Name))
				mu.Unlock()
			}
		}
	}
	r := health.Run(ctx, nw, domain, health.Options{DKIMSelectors: a.selectors, Timeout: a.timeout}, sink)

	if a.json {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		doc := struct {
			*health.Report
			Worst health.Verdict `json:"worst"`
		}{r, r.Worst()}
		if err := enc.Encode(doc); err != nil {
			fmt.Fprintln(env.Stderr, err)
			return ExitUsage
		}
	} else {
		writeHealthText(env.Stdout, r)
	}
	if r.HasProblem() {
		return ExitNotFound
	}
	return ExitOK
}

// verdictMarker is a one-character sign that still reads on a terminal
// without colours.
func verdictMarker(v health.Verdict) string {
	switch v {
	case health.OK:
		return "✓"
	case health.Warning:
		return "!"
	case health.Problem:
		return "✗"
	}
	return "·"
}

// writeHealthText prints one block per check: marker, verdict word and
// title, the summary, then (unless all is well) why and what to do, and
// the details and records.
func writeHealthText(w io.Writer, r *health.Report) {
	fmt.Fprintln(w, i18n.T("health.cli.header", map[string]any{"Domain": r.Domain}))
	counts := map[health.Verdict]int{}
	for _, c := range r.Checks {
		counts[c.Verdict]++
		fmt.Fprintln(w)
		fmt.Fprintf(w, "%s %s  %s\n", verdictMarker(c.Verdict), strings.ToUpper(c.Verdict.Label()), health.Title(c.Name))
		fmt.Fprintf(w, "  %s\n", c.Summary)
		if c.Verdict != health.OK {
			fmt.Fprintf(w, "  %s: %s\n", i18n.T("health.cli.why"), c.Explanation)
			fmt.Fprintf(w, "  %s: %s\n", i18n.T("health.cli.todo"), c.Remedy)
		}
		for _, d := range c.Details {
			fmt.Fprintf(w, "  - %s\n", d)
		}
		if len(c.Records) > 0 {
			fmt.Fprintf(w, "  %s:\n", i18n.T("health.cli.records"))
			for _, rec := range c.Records {
				fmt.Fprintf(w, "    %s\n", rec)
			}
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, i18n.T("health.cli.total", map[string]any{
		"OK": counts[health.OK], "Warnings": counts[health.Warning], "Problems": counts[health.Problem],
		"NotFound": counts[health.NotFound], "Seconds": fmt.Sprintf("%.1f", float64(r.ElapsedMS)/1000),
	}))
}
