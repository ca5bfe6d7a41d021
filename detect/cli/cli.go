// Package cli is Postino's command line: `postino detect|check|export|
// health`. Each sub-command lives in its own file and has one line in the
// commands table; all of them render the same event stream as the GUI, as
// text or as JSON. The sub-commands, flags, exit codes and JSON field names are
// a public contract: IT staff script against them.
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
	"regexp"
	"strings"

	"github.com/postino-mail/postino/assets/buildinfo"
	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/input"
	"github.com/postino-mail/postino/detect/network"
)

// Exit codes shared by every sub-command.
const (
	ExitOK       = 0 // the thing asked for was found / works
	ExitNotFound = 1 // ran fine, but nothing usable was found / works
	ExitUsage    = 2 // bad input or usage
)

// Env is what a sub-command may touch: its arguments and standard streams.
// Tests run sub-commands in-process with buffers.
type Env struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads environment variables (os.Getenv in main; a map in tests).
	Getenv func(string) string
	// StderrIsTerminal enables live progress lines.
	StderrIsTerminal bool
	// Network is the one door to the network, built once by main (tests
	// hand in a loopback lab's). A sub-command's --dns, else
	// $POSTINO_DNS, replaces only its DNS server (Network.WithDNS).
	Network *network.Network
	// Check runs a check; nil means detect.Check. Tests of export set it
	// to see what export asks for without probing anything.
	Check func(context.Context, detect.CheckOptions, address.Address, event.Sink) *detect.Report
	// Context is what a run starts from; nil is context.Background().
	// Ctrl-C cancels a run either way; tests cancel it themselves.
	Context context.Context
}

// runLanguage sets the run's language (--lang; "" follows the system)
// and returns its words.
func runLanguage(lang string) i18n.Localizer {
	if lang != "" {
		i18n.SetLanguage(lang)
	}
	return i18n.For(lang)
}

// refuse says on one line, in the run's language, why the input cannot
// be used, and returns ExitUsage.
func (env *Env) refuse(loc i18n.Localizer, err error) int {
	fmt.Fprintln(env.Stderr, oneLine(i18n.ErrorText(err, loc)))
	return ExitUsage
}

// runContext is the context a sub-command runs under: Env.Context, ended
// by Ctrl-C (the run stops cleanly and reports what finished).
func (env *Env) runContext() (context.Context, context.CancelFunc) {
	base := env.Context
	if base == nil {
		base = context.Background()
	}
	return signal.NotifyContext(base, os.Interrupt)
}

// check returns the check this run uses.
func (env *Env) check() func(context.Context, detect.CheckOptions, address.Address, event.Sink) *detect.Report {
	if env.Check != nil {
		return env.Check
	}
	return detect.Check
}

type command struct {
	name       string
	summaryKey string // translation key of the one-line summary
	run        func(env *Env) int
}

// commands is every sub-command, in the order `postino help` lists them
// (alphabetical). Adding a sub-command is adding its line here.
var commands = []command{
	{"batch", "batch.cli.summary", runBatch},
	{"check", "check.summary", runCheck},
	{"detect", "detect.summary", runDetect},
	{"export", "export.cli.summary", runExport},
	{"health", "health.cli.summary", runHealth},
}

// findCommand returns the sub-command called name.
func findCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// Main runs the sub-command named by env.Args[0] and returns the exit code.
func Main(env *Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	// --lang may appear anywhere; apply it before any message is printed.
	if l := langFromArgs(env.Args); l != "" {
		i18n.SetLanguage(l)
	}
	if len(env.Args) == 0 || env.Args[0] == "-h" || env.Args[0] == "--help" || env.Args[0] == "help" {
		usage(env.Stdout)
		if len(env.Args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	if env.Args[0] == "version" || env.Args[0] == "--version" {
		fmt.Fprintln(env.Stdout, buildinfo.Get())
		return ExitOK
	}
	cmd, ok := findCommand(env.Args[0])
	if !ok {
		fmt.Fprintln(env.Stderr, i18n.T("cli.unknown_command", map[string]any{"Name": env.Args[0]}))
		usage(env.Stderr)
		return ExitUsage
	}
	sub := *env
	sub.Args = env.Args[1:]
	return cmd.run(&sub)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, i18n.T("cli.usage"))
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, i18n.T(c.summaryKey))
	}
}

func langFromArgs(args []string) string {
	for i, a := range args {
		switch {
		case a == "--lang" || a == "-lang":
			if i+1 < len(args) {
				return args[i+1]
			}
		case strings.HasPrefix(a, "--lang="), strings.HasPrefix(a, "-lang="):
			return a[strings.Index(a, "=")+1:]
		}
	}
	return ""
}

// parseInterspersed parses args with fs and returns the positional
// arguments, accepting flags before and after them, as people type them
// (`postino detect anna@example.org --json`). The flag package stops at
// the first positional argument, so parsing resumes after each one.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// newFlagSet returns a sub-command's flag set, silenced: the flag
// package would print its English error and the whole flag list, where
// parseFlags says it in one translated line instead.
func newFlagSet(command string) *flag.FlagSet {
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses a sub-command's arguments with fs (made by
// newFlagSet) and returns the positional ones. -h/--help prints the
// usage (translation key usageKey) and the flags on stdout and returns
// flag.ErrHelp; a flag mistake is a usageError holding one translated
// line that names the option.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer, usageKey string) ([]string, error) {
	positional, err := parseInterspersed(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		printUsage(stdout, fs, usageKey)
		return nil, err
	case err != nil:
		return nil, usageError(flagErrorText(err, fs.Name()))
	}
	return positional, nil
}

// writeJSON writes v as the indented JSON document a --json run prints,
// with <, > and & left as they are (they are not going into HTML).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// The options several sub-commands share, with one help text each.

func addJSONFlag(fs *flag.FlagSet, p *bool)  { fs.BoolVar(p, "json", false, i18n.T("cli.flag.json")) }
func addDNSFlag(fs *flag.FlagSet, p *string) { fs.StringVar(p, "dns", "", i18n.T("cli.flag.dns")) }
func addISPDBFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "ispdb", "", i18n.T("cli.flag.ispdb"))
}
func addNoHTTPFlag(fs *flag.FlagSet, p *bool) {
	fs.BoolVar(p, "no-http", false, i18n.T("cli.flag.no_http"))
}
func addLangFlag(fs *flag.FlagSet, p *string) { fs.StringVar(p, "lang", "", i18n.T("cli.flag.lang")) }

// printUsage writes a sub-command's usage sentence (translation key
// usageKey) and its flags to w.
func printUsage(w io.Writer, fs *flag.FlagSet, usageKey string) {
	fmt.Fprintln(w, i18n.T(usageKey))
	old := fs.Output()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(old)
}

// The flag package's error sentences (stable since Go 1.0), recognised
// so they can be said in the person's language.
var (
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: -+(.+)$`)
	flagBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-+([^:]+):`)
)

// flagErrorText turns an error of fs.Parse into one translated line that
// names the option and says how to see the others; the flag package's
// own output (its English sentence and the whole flag list) is silenced
// by the callers.
func flagErrorText(err error, command string) string {
	msg := err.Error()
	text := msg
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		text = i18n.T("cli.error.unknown_flag", map[string]any{"Flag": "--" + m[1]})
	} else if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		text = i18n.T("cli.error.flag_needs_value", map[string]any{"Flag": "--" + m[1]})
	} else if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		text = i18n.T("cli.error.flag_value", map[string]any{"Flag": "--" + m[2], "Value": m[1]})
	}
	return text + " " + i18n.T("cli.hint.help", map[string]any{"Command": command})
}

// checkLang refuses a --lang value Postino has no translation for,
// rather than silently answering in another language.
func checkLang(lang string) error {
	if lang != "" && i18n.Normalize(lang) == "" {
		return usageError(i18n.T("cli.error.lang", map[string]any{"Lang": lang, "Languages": strings.Join(i18n.Languages, ", ")}))
	}
	return nil
}

// reportParseError finishes a sub-command whose arguments did not parse:
// after --help (usage already on stdout) it exits 0, otherwise it prints
// the one-line reason on stderr and exits 2.
func reportParseError(env *Env, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	// Parsing comes before the run's Localizer: the process-wide
	// language, which main set from --lang.
	fmt.Fprintln(env.Stderr, i18n.ErrorText(err, i18n.For("")))
	return ExitUsage
}

// networkFor returns the Network a sub-command uses: the one main built,
// asking the --dns server when given, else $POSTINO_DNS, else the
// system's resolvers. A DNS server that breaks input.DNSServer's rule is
// a usageError.
func (env *Env) networkFor(dnsFlag string) (*network.Network, error) {
	if env.Network == nil {
		return nil, usageError(i18n.T("input.err.no-network"))
	}
	if dnsFlag == "" {
		dnsFlag = env.Getenv(network.EnvDNS)
	}
	nw, err := env.Network.WithDNS(dnsFlag)
	if err != nil {
		return nil, inputError(err)
	}
	return nw, nil
}

// ispdbFromFlag returns the ISPDB address a sub-command uses: the
// --ispdb value when given, else $POSTINO_ISPDB, else "" (discover's
// default). A value that breaks input.ISPDBURL's rule is a usageError.
func ispdbFromFlag(env *Env, flagValue string) (string, error) {
	if flagValue == "" {
		flagValue = env.Getenv(discover.EnvISPDB)
	}
	u, err := input.ISPDBURL(flagValue)
	if err != nil {
		return "", inputError(err)
	}
	return u, nil
}

// inputError turns an *input.Error into a usageError in the language of
// the run; any other error keeps its own text.
func inputError(err error) error {
	var e *input.Error
	if errors.As(err, &e) {
		return usageError(e.In(i18n.For("")))
	}
	return usageError(err.Error())
}

// usageError is a mistake in the command line; its text is already
// translated and is printed as it is.
type usageError string

func (e usageError) Error() string { return string(e) }
