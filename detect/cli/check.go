package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/recommend"
	"github.com/postino-mail/postino/detect/roundtrip"
)

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
	trustHosts       hostList
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
	fs.Var(&a.trustHosts, "trust-host", i18n.T("check.flag.trust_host"))
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
	loc := runLanguage(a.lang) // the words, in the language of the run
	in, err := checkInputs(env, a)
	if err != nil {
		return env.refuse(loc, err)
	}

	ctx, stop := env.runContext()
	defer stop()
	rep := runCheckEngine(ctx, env, a, in, loc).In(loc) // the words, in the language of the run

	// The round trip runs after the check: its live line follows the
	// check's, and in text mode the check's table is already on screen
	// while the message travels.
	doc := checkDocument{Report: rep}
	saidWhy := false // the one line saying why the exit is 1 is out
	if !a.json {
		renderCheckText(env.Stdout, loc, rep)
	}
	if a.sendTest {
		rt := sendTest(ctx, env, a, in.nw, in.addr, in.password, rep)
		words := rt.In(loc)
		doc.Roundtrip = &words
		if !a.json {
			renderRoundtripText(env.Stdout, loc, in.addr.String(), rt)
		} else if rt.Status == roundtrip.Refused {
			fmt.Fprintln(env.Stderr, notSentLine(rt, loc))
			saidWhy = true
		}
	}
	if a.json {
		if err := writeJSON(env.Stdout, doc); err != nil {
			fmt.Fprintln(env.Stderr, err)
			return ExitNotFound
		}
	}
	why := exitCaveat(loc, rep, in.password != "", a.trustHosts)
	if why == "" && doc.Roundtrip != nil && doc.Roundtrip.Status != roundtrip.Arrived {
		why = loc.T("check.exit.caveat.roundtrip")
	}
	if why != "" {
		// The recommendation (if any) is printed above; one line says
		// why it does not count as proven.
		if !saidWhy {
			fmt.Fprintln(env.Stderr, why)
		}
		return ExitNotFound
	}
	return ExitOK
}

// checkInput is what a check needs beyond its flags, read and checked
// before anything is dialed.
type checkInput struct {
	addr     address.Address
	password string
	nw       *network.Network
}

func checkInputs(env *Env, a *checkArgs) (checkInput, error) {
	var in checkInput
	var err error
	if in.addr, err = address.Parse(a.address); err != nil {
		return in, err
	}
	if a.passwordStdin {
		if in.password, err = readPassword(env.Stdin); err != nil {
			return in, err
		}
	}
	if a.ispdb, err = ispdbFromFlag(env, a.ispdb); err != nil {
		return in, err
	}
	in.nw, err = env.networkWithCA(a.dns, a.caFile)
	return in, err
}

// runCheckEngine runs the check, with live lines on a terminal.
func runCheckEngine(ctx context.Context, env *Env, a *checkArgs, in checkInput, loc i18n.Localizer) *detect.Report {
	var sink event.Sink = event.Discard
	var progress *progressView
	if env.StderrIsTerminal || isTerminal(env.Stderr) {
		progress = newProgressView(env.Stderr, loc)
		sink = progress.Handle
		defer progress.Close()
	}
	return detect.Check(ctx, detect.CheckOptions{
		Network:          in.nw,
		ISPDBURL:         a.ispdb,
		NoHTTP:           a.noHTTP,
		OverrideDir:      env.Getenv(EnvISPDir),
		ProbeTimeout:     a.timeout,
		Parallel:         a.parallel,
		Username:         a.user,
		Password:         in.password,
		AllowPlaintext:   a.allowPlaintext,
		AllowInsecureTLS: a.allowInsecureTLS,
		TrustHosts:       a.trustHosts,
	}, in.addr, sink)
}

// exitCaveat says why a check does not exit 0, or "" when it may: the
// recommended incoming and outgoing endpoints must both exist, have a
// verified certificate (or be a host the person trusted explicitly with
// --trust-host) and, when a password was given, have logged in.
func exitCaveat(loc i18n.Localizer, rep *detect.Report, withPassword bool, trusted hostList) string {
	if !rep.Working() {
		return loc.T("check.exit.caveat.no_recommendation")
	}
	for _, c := range []*recommend.Choice{rep.Recommended.Incoming, rep.Recommended.Outgoing} {
		ep := map[string]any{"Endpoint": net.JoinHostPort(c.Host, strconv.Itoa(c.Port))}
		switch {
		case !c.Verified && !trusted.has(c.Host):
			return loc.T("check.exit.caveat.cert", ep)
		case withPassword && c.Login == probe.LoginSkipped:
			return loc.T("check.exit.caveat.login_not_tried", ep)
		case withPassword && c.Login != probe.LoginOK:
			return loc.T("check.exit.caveat.login_failed", ep)
		}
	}
	return ""
}

// hostList is a repeatable flag of host names (--trust-host).
type hostList []string

func (h *hostList) String() string { return strings.Join(*h, ",") }

func (h *hostList) Set(v string) error {
	host := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(v), "."))
	if !address.IsServerHost(host) {
		return errors.New(i18n.T("check.error.trust_host", map[string]any{"Value": strconv.Quote(v)}))
	}
	*h = append(*h, host)
	return nil
}

func (h hostList) has(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, x := range h {
		if x == host {
			return true
		}
	}
	return false
}

// checkDocument is what `postino check --json` prints: the report, plus
// the round trip when --send-test was given (docs/json.md).
type checkDocument struct {
	*detect.Report
	Roundtrip *roundtrip.Rendered `json:"roundtrip,omitempty"`
}
