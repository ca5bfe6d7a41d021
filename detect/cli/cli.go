// Package cli is Postino's command line: `postino detect|check|export|
// health`. Each sub-command lives in its own file and registers itself in
// commands; all of them render the same event stream as the GUI, as text
// or as JSON. The sub-commands, flags, exit codes and JSON field names are
// a public contract: IT staff script against them.
package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
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
}

type command struct {
	summaryKey string // translation key of the one-line summary
	run        func(env *Env) int
}

var commands = map[string]command{}

func register(name, summaryKey string, run func(env *Env) int) {
	commands[name] = command{summaryKey: summaryKey, run: run}
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
		fmt.Fprintln(env.Stdout, "postino", Version)
		return ExitOK
	}
	cmd, ok := commands[env.Args[0]]
	if !ok {
		fmt.Fprintln(env.Stderr, i18n.T("cli.unknown_command", map[string]any{"Name": env.Args[0]}))
		usage(env.Stderr)
		return ExitUsage
	}
	sub := *env
	sub.Args = env.Args[1:]
	return cmd.run(&sub)
}

// Version is set at build time (-ldflags "-X ...cli.Version=...").
var Version = "0.1.0"

func usage(w io.Writer) {
	fmt.Fprintln(w, i18n.T("cli.usage"))
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, i18n.T(commands[n].summaryKey))
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
