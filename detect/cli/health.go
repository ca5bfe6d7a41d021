package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/health"
	"github.com/postino-mail/postino/detect/input"
)

// --timeout bounds: a health run is a handful of DNS queries and one
// HTTPS fetch; under a second not even one slow answer fits.
const (
	minHealthTimeout = time.Second
	maxHealthTimeout = 5 * time.Minute
)

type healthArgs struct {
	json      bool
	dns       string
	caFile    string
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

// parseHealthArgs accepts flags before and after the domain. -h prints
// the usage on stdout and returns flag.ErrHelp; every other mistake is a
// usageError holding one translated line, as for the other commands.
func parseHealthArgs(args []string, stdout io.Writer) (*healthArgs, error) {
	a := &healthArgs{}
	fs := newFlagSet("health")
	addJSONFlag(fs, &a.json)
	addDNSFlag(fs, &a.dns)
	addCAFileFlag(fs, &a.caFile)
	fs.Var(&a.selectors, "dkim-selector", i18n.T("health.cli.flag.dkim_selector"))
	fs.DurationVar(&a.timeout, "timeout", health.DefaultTimeout, i18n.T("health.cli.flag.timeout"))
	addLangFlag(fs, &a.lang)
	positional, err := parseFlags(fs, args, stdout, "health.cli.usage")
	if err != nil {
		return nil, err
	}
	switch {
	case len(positional) != 1:
		return nil, usageError(i18n.T("health.cli.one_domain"))
	case a.timeout < minHealthTimeout || a.timeout > maxHealthTimeout:
		return nil, usageError(i18n.T("health.cli.bad_timeout", map[string]any{"Value": a.timeout.String()}))
	}
	if err := checkLang(a.lang); err != nil {
		return nil, err
	}
	selectors, err := input.DKIMSelectors(a.selectors...)
	if err != nil {
		return nil, inputError(err)
	}
	a.selectors = selectors
	a.target = positional[0]
	return a, nil
}

func runHealth(env *Env) int {
	a, err := parseHealthArgs(env.Args, env.Stdout)
	if err != nil {
		return reportParseError(env, err)
	}
	loc := runLanguage(a.lang) // the words, in the language of the run
	domain, err := health.Domain(a.target)
	if err != nil {
		return env.refuse(loc, err)
	}
	nw, err := env.networkWithCA(a.dns, a.caFile)
	if err != nil {
		return env.refuse(loc, err)
	}

	ctx, stop := env.runContext()
	defer stop()
	var sink event.Sink
	if !a.json && env.StderrIsTerminal {
		// Checks finish on their own goroutines; one line at a time.
		var mu sync.Mutex
		sink = func(e event.Event) {
			if d, ok := e.(health.CheckDone); ok {
				mu.Lock()
				fmt.Fprintf(env.Stderr, "  %s %s\n", verdictMarker(d.Check.Verdict), health.Title(loc, d.Check.Name))
				mu.Unlock()
			}
		}
	}
	r := health.Run(ctx, nw, domain, health.Options{DKIMSelectors: a.selectors, Timeout: a.timeout}, sink)

	if a.json {
		doc := struct {
			*health.Report
			Worst health.Verdict `json:"worst"`
		}{r.In(loc), r.Worst()}
		if err := writeJSON(env.Stdout, doc); err != nil {
			fmt.Fprintln(env.Stderr, err)
			return ExitUsage
		}
	} else {
		writeHealthText(env.Stdout, loc, r)
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
func writeHealthText(w io.Writer, loc i18n.Localizer, r *health.Report) {
	// People read the domain as they typed it; the ASCII form DNS uses
	// follows when it differs (an internationalised domain).
	if r.DomainUnicode != "" {
		fmt.Fprintln(w, loc.T("health.cli.header_idn", map[string]any{"Domain": r.Domain, "Unicode": r.DomainUnicode}))
	} else {
		fmt.Fprintln(w, loc.T("health.cli.header", map[string]any{"Domain": r.Domain}))
	}
	counts := map[health.Verdict]int{}
	for _, c := range r.Checks {
		counts[c.Verdict]++
		fmt.Fprintln(w)
		fmt.Fprintf(w, "%s %s  %s\n", verdictMarker(c.Verdict), strings.ToUpper(c.Verdict.Label(loc)), health.Title(loc, c.Name))
		// Records and the values quoted from them are the bytes the
		// domain published: escape what a terminal would obey.
		fmt.Fprintf(w, "  %s\n", visibleText(c.Summary.In(loc)))
		if c.Verdict != health.OK {
			fmt.Fprintf(w, "  %s: %s\n", loc.T("health.cli.why"), visibleText(c.Explanation.In(loc)))
			fmt.Fprintf(w, "  %s: %s\n", loc.T("health.cli.todo"), visibleText(c.Remedy.In(loc)))
		}
		for _, d := range c.Details {
			fmt.Fprintf(w, "  - %s\n", visibleText(d.In(loc)))
		}
		if len(c.Records) > 0 {
			fmt.Fprintf(w, "  %s:\n", loc.T("health.cli.records"))
			for _, rec := range c.Records {
				fmt.Fprintf(w, "    %s\n", visibleText(shortenKey(rec)))
			}
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, loc.T("health.cli.total", map[string]any{
		"OK": counts[health.OK], "Warnings": counts[health.Warning], "Problems": counts[health.Problem],
		"NotFound": counts[health.NotFound], "Seconds": loc.Seconds(time.Duration(r.ElapsedMS) * time.Millisecond),
	}))
}

// shortenKey abbreviates the public key of a DKIM record for the text
// output, where a 2048-bit key would fill several lines with base64 that
// nobody reads; --json keeps every record verbatim.
func shortenKey(rec string) string {
	i := strings.Index(rec, "p=")
	if i < 0 || (i > 0 && rec[i-1] != ' ' && rec[i-1] != ';') {
		return rec
	}
	key, rest, _ := strings.Cut(rec[i+2:], ";")
	if len(key) <= 40 || strings.IndexFunc(key, func(r rune) bool { return r >= 0x80 }) >= 0 {
		return rec // short, or not base64: cutting it could split a character
	}
	short := key[:16] + "…" + key[len(key)-8:]
	if rest != "" {
		short += ";" + rest
	}
	return rec[:i+2] + short
}

// visibleText writes control characters (C0, DEL, C1) and bytes that are
// not UTF-8 as \xHH, so a published record shows exactly what is wrong
// with it (a tab, a line break) and cannot move the cursor or recolour
// the terminal.
func visibleText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1, r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
			for _, c := range []byte(s[i : i+size]) {
				fmt.Fprintf(&b, "\\x%02x", c)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
