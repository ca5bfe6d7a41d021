package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/roundtrip"
)

func init() { register("check", "check.summary", runCheck) }

// checkNetwork builds the network a check (and an export that runs one)
// uses. Tests replace it to point the command at a loopback lab (port
// mapping and a test CA cannot come from the environment).
var checkNetwork = networkFromFlag

// maxSecretLine bounds what --password-stdin accepts: a password is
// short, and a pipe that never ends must not fill memory.
const maxSecretLine = 4096

type checkArgs struct {
	json             bool
	dns              string
	caFile           string
	ispdb            string
	timeout          time.Duration
	user             string
	passwordStdin    bool
	allowPlaintext   bool
	allowInsecureTLS bool
	noHTTP           bool
	lang             string
	parallel         int
	address          string
	// The round trip (issue 7): send a test message to the address
	// itself after the check.
	sendTest     bool
	sendDeadline time.Duration
	deleteTest   bool
}

// parseCheckArgs accepts flags before and after the address, as people
// type them (`postino check anna@example.org --json`). -h prints the
// usage on stdout and returns flag.ErrHelp; every other mistake is a
// usageError holding one translated line, as for the other commands.
func parseCheckArgs(args []string, stdout io.Writer) (*checkArgs, error) {
	a := &checkArgs{}
	fs := newFlagSet("check")
	addJSONFlag(fs, &a.json)
	addDNSFlag(fs, &a.dns)
	addCAFileFlag(fs, &a.caFile)
	addISPDBFlag(fs, &a.ispdb)
	fs.DurationVar(&a.timeout, "timeout", detect.DefaultProbeTimeout, i18n.T("check.flag.timeout"))
	fs.StringVar(&a.user, "user", "", i18n.T("check.flag.user"))
	fs.BoolVar(&a.passwordStdin, "password-stdin", false, i18n.T("check.flag.password_stdin"))
	fs.BoolVar(&a.allowPlaintext, "allow-plaintext", false, i18n.T("check.flag.allow_plaintext"))
	fs.BoolVar(&a.allowInsecureTLS, "allow-insecure-tls", false, i18n.T("check.flag.allow_insecure_tls"))
	addNoHTTPFlag(fs, &a.noHTTP)
	addLangFlag(fs, &a.lang)
	fs.IntVar(&a.parallel, "parallel", detect.DefaultParallel, i18n.T("check.flag.parallel"))
	fs.BoolVar(&a.sendTest, "send-test", false, i18n.T("check.flag.send_test"))
	fs.DurationVar(&a.sendDeadline, "send-deadline", roundtrip.DefaultDeadline, i18n.T("check.flag.send_deadline"))
	fs.BoolVar(&a.deleteTest, "delete-test", false, i18n.T("check.flag.delete_test"))
	positional, err := parseFlags(fs, args, stdout, "check.usage")
	if err != nil {
		return nil, err
	}
	switch {
	case len(positional) == 0:
		return nil, usageError(i18n.T("check.error.no_address"))
	case len(positional) > 1:
		return nil, usageError(i18n.T("check.error.extra_args", map[string]any{"Args": strings.Join(positional[1:], " ")}))
	case a.timeout <= 0 || a.timeout > 5*time.Minute:
		return nil, usageError(i18n.T("check.error.timeout", map[string]any{"Value": a.timeout.String()}))
	case a.parallel < 1 || a.parallel > 256:
		return nil, usageError(i18n.T("check.error.parallel", map[string]any{"Value": a.parallel}))
	case detect.CheckCredentials(a.user, "") != nil:
		return nil, detect.CheckCredentials(a.user, "")
	}
	if err := a.checkSendTestFlags(fs); err != nil {
		return nil, err
	}
	if err := checkLang(a.lang); err != nil {
		return nil, err
	}
	a.address = positional[0]
	return a, nil
}

// readPassword reads the password: all of r (a pipe, as `echo pw |` or
// a secrets manager gives it), minus one trailing "\n" or "\r\n". A CR,
// LF or NUL left inside is refused, because it would let the password
// inject protocol commands (RFC 5321 §2.3.8, RFC 9051 §4).
func readPassword(r io.Reader) (string, error) {
	if r == nil {
		return "", errors.New(i18n.T("check.error.password_empty"))
	}
	data, err := io.ReadAll(io.LimitReader(r, maxSecretLine+3))
	if err != nil {
		return "", errors.New(i18n.T("check.error.password_read", map[string]any{"Error": err.Error()}))
	}
	line := string(data)
	switch {
	case strings.HasSuffix(line, "\r\n"):
		line = line[:len(line)-2]
	case strings.HasSuffix(line, "\n"):
		line = line[:len(line)-1]
	}
	if len(line) > maxSecretLine {
		return "", errors.New(i18n.T("check.error.password_long", map[string]any{"Max": maxSecretLine}))
	}
	if line == "" {
		return "", errors.New(i18n.T("check.error.password_empty"))
	}
	if err := detect.CheckCredentials("", line); err != nil {
		return "", err
	}
	return line, nil
}

// isTerminal reports whether w is a terminal (a character device), for
// callers that did not set Env.StderrIsTerminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func runCheck(env *Env) int {
	a, err := parseCheckArgs(env.Args, env.Stdout)
	if err != nil {
		return reportParseError(env, err)
	}
	if a.lang != "" {
		i18n.SetLanguage(a.lang)
	}
	addr, err := address.Parse(a.address)
	if err != nil {
		fmt.Fprintln(env.Stderr, oneLine(err.Error()))
		return ExitUsage
	}
	var password string
	if a.passwordStdin {
		if password, err = readPassword(env.Stdin); err != nil {
			fmt.Fprintln(env.Stderr, err)
			return ExitUsage
		}
	}
	if a.ispdb, err = ispdbFromFlag(env, a.ispdb); err != nil {
		fmt.Fprintln(env.Stderr, err)
		return ExitUsage
	}
	nw, err := checkNetwork(env, a.dns)
	if err == nil {
		err = trustCAFile(env, nw, a.caFile)
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		return ExitUsage
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var sink event.Sink = event.Discard
	var progress *progressView
	if env.StderrIsTerminal || isTerminal(env.Stderr) {
		progress = newProgressView(env.Stderr)
		sink = progress.Handle
	}
	rep := detect.Check(ctx, detect.CheckOptions{
		Network:          nw,
		ISPDBURL:         a.ispdb,
		NoHTTP:           a.noHTTP,
		OverrideDir:      env.Getenv(EnvISPDir),
		ProbeTimeout:     a.timeout,
		Parallel:         a.parallel,
		Username:         a.user,
		Password:         password,
		AllowPlaintext:   a.allowPlaintext,
		AllowInsecureTLS: a.allowInsecureTLS,
	}, addr, sink)
	if progress != nil {
		progress.Close()
	}

	// The round trip runs after the check: its live line follows the
	// check's, and in text mode the check's table is already on screen
	// while the message travels.
	doc := checkDocument{Report: rep}
	if !a.json {
		renderCheckText(env.Stdout, rep)
	}
	if a.sendTest {
		rt := sendTest(ctx, env, a, nw, addr, password, rep)
		doc.Roundtrip = &rt
		if !a.json {
			renderRoundtripText(env.Stdout, addr.String(), rt)
		} else if rt.Status == roundtrip.Refused {
			fmt.Fprintln(env.Stderr, notSentLine(rt))
		}
	}
	if a.json {
		if err := writeJSON(env.Stdout, doc); err != nil {
			fmt.Fprintln(env.Stderr, err)
			return ExitNotFound
		}
	}
	if !rep.Working() || (doc.Roundtrip != nil && doc.Roundtrip.Status != roundtrip.Arrived) {
		return ExitNotFound
	}
	return ExitOK
}

// checkDocument is what `postino check --json` prints: the report, plus
// the round trip when --send-test was given (docs/json.md).
type checkDocument struct {
	*detect.Report
	Roundtrip *roundtrip.Result `json:"roundtrip,omitempty"`
}
