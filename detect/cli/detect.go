package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/providers"
)

// EnvISPDir names the environment variable that selects the directory of
// local override files (default: the user config dir + postino/isp).
const EnvISPDir = "POSTINO_ISP_DIR"

type detectArgs struct {
	json    bool
	dns     string
	caFile  string
	ispdb   string
	timeout time.Duration
	noHTTP  bool
	lang    string
	address string
}

// parseDetectArgs reads the command line. Flags may come before and
// after the address. -h prints the usage on stdout and returns
// flag.ErrHelp; every other mistake is a usageError holding one
// translated line.
func parseDetectArgs(args []string, stdout io.Writer) (*detectArgs, error) {
	a := &detectArgs{}
	fs := newFlagSet("detect")
	addJSONFlag(fs, &a.json)
	addDNSFlag(fs, &a.dns)
	addCAFileFlag(fs, &a.caFile)
	addISPDBFlag(fs, &a.ispdb)
	fs.DurationVar(&a.timeout, "timeout", discover.DefaultTimeout, i18n.T("detect.flag.timeout"))
	addNoHTTPFlag(fs, &a.noHTTP)
	addLangFlag(fs, &a.lang)
	positional, err := parseFlags(fs, args, stdout, "detect.usage")
	if err != nil {
		return nil, err
	}
	switch {
	case len(positional) == 0:
		return nil, usageError(i18n.T("detect.error.no_address"))
	case len(positional) > 1:
		return nil, usageError(i18n.T("detect.error.extra_args", map[string]any{"Args": strings.Join(positional[1:], " ")}))
	case a.timeout < time.Second || a.timeout > 5*time.Minute:
		return nil, usageError(i18n.T("detect.error.timeout", map[string]any{"Value": a.timeout.String()}))
	}
	if err := checkLang(a.lang); err != nil {
		return nil, err
	}
	a.address = positional[0]
	return a, nil
}

func runDetect(env *Env) int {
	a, err := parseDetectArgs(env.Args, env.Stdout)
	if err != nil {
		return reportParseError(env, err)
	}
	loc := runLanguage(a.lang) // the words, in the language of the run
	addr, err := address.Parse(a.address)
	if err != nil {
		return env.refuse(loc, err)
	}
	netw, err := env.networkWithCA(a.dns, a.caFile)
	if err != nil {
		return env.refuse(loc, err)
	}
	ispdb, err := ispdbFromFlag(env, a.ispdb)
	if err != nil {
		return env.refuse(loc, err)
	}

	ctx, stop := env.runContext()
	defer stop()
	var sink event.Sink
	if !a.json && env.StderrIsTerminal {
		sink = liveSourceLines(env.Stderr, loc)
	}
	res := discover.Run(ctx, discover.Options{
		Network:     netw,
		ISPDBURL:    ispdb,
		NoHTTP:      a.noHTTP,
		Timeout:     a.timeout,
		OverrideDir: env.Getenv(EnvISPDir),
	}, addr, sink)

	if a.json {
		if err := writeJSON(env.Stdout, res); err != nil {
			fmt.Fprintln(env.Stderr, err)
			return ExitUsage
		}
	} else {
		writeDetectText(env.Stdout, loc, res)
	}
	if res.HasIncoming() && res.HasOutgoing() {
		return ExitOK
	}
	return ExitNotFound
}

// oneLine keeps an error message on one line, whatever the input held.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// liveSourceLines prints one line per finished source while the run goes
// on, so a person at a terminal sees progress.
func liveSourceLines(w io.Writer, loc i18n.Localizer) event.Sink {
	return func(e event.Event) {
		if f, ok := e.(discover.SourceFinished); ok {
			fmt.Fprintf(w, "  %s: %s\n", sourceLabel(loc, f.Source), statusLabel(loc, f.Status))
		}
	}
}

func sourceLabel(loc i18n.Localizer, s discover.SourceName) string {
	return loc.T("discover.source." + string(s))
}

// shortSources names a candidate's sources briefly, in the person's
// language, for the narrow column of the candidates table.
func shortSources(loc i18n.Localizer, names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = loc.T("discover.short." + n)
	}
	return strings.Join(out, ", ")
}

func statusLabel(loc i18n.Localizer, s discover.Status) string {
	return loc.T("discover.status." + string(s))
}

// sourceDetail says what a source found or why it failed.
func sourceDetail(loc i18n.Localizer, s discover.SourceReport) string {
	var parts []string
	if s.Provider != "" {
		parts = append(parts, s.Provider)
	}
	if s.ErrorCode != "" && !(s.Status == discover.StatusNotFound && s.ErrorCode == discover.CodeNotFound) {
		parts = append(parts, loc.T("discover.error."+s.ErrorCode))
	}
	if s.URL != "" {
		parts = append(parts, s.URL)
	}
	return strings.Join(parts, " · ")
}

// writeProvider names the recognised provider and says what a person
// must know before configuring a mail program (an app password, IMAP to
// switch on, ...), with the provider's own documentation.
func writeProvider(w io.Writer, loc i18n.Localizer, p *mail.Provider) {
	if p.DisplayName != "" {
		fmt.Fprintln(w, loc.T("detect.text.provider", map[string]any{"Name": p.DisplayName}))
	}
	for _, n := range p.Notes {
		text := oneLine(providers.NoteTextIn(loc.Lang(), n))
		if n.Untrusted {
			// Anyone on the path could have written it: no link.
			fmt.Fprintln(w, "  - "+loc.T("security.note.untrusted", map[string]any{"Text": text}))
			continue
		}
		if n.URL != "" && !strings.Contains(text, n.URL) {
			text += " " + n.URL
		}
		fmt.Fprintln(w, "  - "+text)
	}
	for _, u := range p.Documentation {
		fmt.Fprintln(w, loc.T("detect.text.documentation", map[string]any{"URL": u}))
	}
}

func writeDetectText(w io.Writer, loc i18n.Localizer, res *discover.Result) {
	// People read the domain as they typed it; the ASCII form DNS uses
	// follows when it differs (an internationalised domain).
	addr, domain := res.Address, res.Domain
	if res.DomainUnicode != "" && res.DomainUnicode != res.Domain {
		addr = strings.TrimSuffix(res.Address, res.Domain) + res.DomainUnicode
	}
	fmt.Fprintln(w, loc.T("detect.text.title", map[string]any{"Address": addr, "Domain": domain}))
	if res.Provider != nil {
		writeProvider(w, loc, res.Provider)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, loc.T("detect.text.sources"))
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", loc.T("detect.col.source"), loc.T("detect.col.result"),
		loc.T("detect.col.servers"), loc.T("detect.col.trust"), loc.T("detect.col.details"))
	for _, s := range res.Sources {
		trust := loc.T("discover.trust." + string(s.Trust))
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%s\n", sourceLabel(loc, s.Name), statusLabel(loc, s.Status), s.Candidates, trust, sourceDetail(loc, s))
	}
	tw.Flush()
	fmt.Fprintln(w)
	if len(res.Candidates) == 0 {
		fmt.Fprintln(w, loc.T("detect.text.none"))
		return
	}
	fmt.Fprintln(w, loc.T("detect.text.candidates"))
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  #\t%s\t%s\t%s\t%s\t%s\t%s\n",
		loc.T("detect.col.protocol"), loc.T("detect.col.server"), loc.T("detect.col.security"),
		loc.T("detect.col.username"), loc.T("detect.col.sources"), loc.T("detect.col.trust"))
	for i, c := range res.Candidates {
		trust := loc.T("detect.text.trusted")
		if !c.Trusted {
			trust = loc.T("detect.text.untrusted")
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%s\t%s\n", i+1, strings.ToUpper(string(c.Protocol)), c.Address(),
			loc.T("discover.security."+string(c.Security)), res.Login(c), shortSources(loc, c.Sources), trust)
	}
	tw.Flush()
	for _, c := range res.Candidates {
		if !c.Trusted {
			// Say once what the word in the last column means.
			fmt.Fprintln(w)
			fmt.Fprintln(w, loc.T("detect.text.untrusted_legend"))
			break
		}
	}
	if !res.HasIncoming() || !res.HasOutgoing() {
		fmt.Fprintln(w)
		fmt.Fprintln(w, loc.T("detect.text.incomplete"))
	}
}
