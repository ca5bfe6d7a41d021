package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/export"
	"github.com/postino-mail/postino/export/atomicfile"
)

// maxP12Size bounds the signing file: a .p12 with a chain is a few
// kilobytes.
const maxP12Size = 1 << 20

type exportArgs struct {
	format          string
	output          string
	lang            string
	name            string
	org             string
	webHost         string
	signP12         string
	signPassStdin   bool
	includePassword bool
	passwordStdin   bool
	from            string
	force           bool
	dns             string
	caFile          string
	ispdb           string
	timeout         time.Duration
	noHTTP          bool
	user            string
	address         string
	domainFiles     string
	declareAbsent   []string
	encryptTo       string
	formatSet       bool
}

// exportUsagef is bad input (exit code 2): one translated line.
func exportUsagef(key string, data ...any) error { return usageError(i18n.T(key, data...)) }

// parseExportArgs reads the command line. Flags may come before and
// after the address. -h prints the usage on stdout and returns
// flag.ErrHelp; every other mistake is a usageError holding one
// translated line, as for the other commands.
func parseExportArgs(args []string, stdout io.Writer) (*exportArgs, error) {
	a := &exportArgs{}
	var absent string
	fs := exportFlags(a, &absent)
	positional, err := parseFlags(fs, args, stdout, "export.cli.usage")
	if err != nil {
		return nil, err
	}
	fs.Visit(func(fl *flag.Flag) { a.formatSet = a.formatSet || fl.Name == "format" })
	if err := a.check(positional, absent); err != nil {
		return nil, err
	}
	if len(positional) == 1 {
		a.address = positional[0]
	}
	return a, nil
}

// exportFlags declares export's flags into a; --declare-absent's list
// goes to absent.
func exportFlags(a *exportArgs, absent *string) *flag.FlagSet {
	fs := newFlagSet("export")
	fs.StringVar(&a.format, "format", "text", i18n.T("export.flag.format", map[string]any{"Formats": strings.Join(formatNames(), "|")}))
	fs.StringVar(&a.output, "o", "", i18n.T("export.flag.output"))
	fs.StringVar(&a.lang, "lang", "", i18n.T("export.flag.lang"))
	fs.StringVar(&a.name, "name", "", i18n.T("export.flag.name"))
	fs.StringVar(&a.org, "org", "", i18n.T("export.flag.org"))
	fs.StringVar(&a.webHost, "web-host", "", i18n.T("export.flag.web_host"))
	fs.StringVar(&a.signP12, "sign-p12", "", i18n.T("export.flag.sign_p12"))
	fs.BoolVar(&a.signPassStdin, "sign-pass-stdin", false, i18n.T("export.flag.sign_pass_stdin"))
	fs.BoolVar(&a.includePassword, "include-password", false, i18n.T("export.flag.include_password"))
	fs.BoolVar(&a.passwordStdin, "password-stdin", false, i18n.T("export.flag.password_stdin"))
	fs.StringVar(&a.from, "from", "", i18n.T("export.flag.from"))
	fs.BoolVar(&a.force, "force", false, i18n.T("export.flag.force"))
	addDNSFlag(fs, &a.dns)
	addCAFileFlag(fs, &a.caFile)
	addISPDBFlag(fs, &a.ispdb)
	fs.DurationVar(&a.timeout, "timeout", detect.DefaultProbeTimeout, i18n.T("export.flag.timeout"))
	addNoHTTPFlag(fs, &a.noHTTP)
	fs.StringVar(&a.user, "user", "", i18n.T("export.flag.user"))
	fs.StringVar(&a.domainFiles, "domain-files", "", i18n.T("domainfiles.flag.domain_files"))
	fs.StringVar(absent, "declare-absent", "", i18n.T("domainfiles.flag.declare_absent", map[string]any{"Services": strings.Join(export.ServiceLabels(), ", ")}))
	fs.StringVar(&a.encryptTo, "encrypt-to", "", i18n.T("domainfiles.flag.encrypt_to"))
	return fs
}

// check refuses flag combinations that cannot make sense, with one
// translated line each (exit 2), before anything is read or dialed.
func (a *exportArgs) check(positional []string, absent string) error {
	for _, label := range strings.Split(absent, ",") {
		if label = strings.TrimSpace(label); label != "" {
			if !slices.Contains(export.ServiceLabels(), label) {
				return exportUsagef("domainfiles.err.service", map[string]any{"Service": label, "Services": strings.Join(export.ServiceLabels(), ", ")})
			}
			a.declareAbsent = append(a.declareAbsent, label)
		}
	}
	if a.domainFiles != "" {
		switch {
		case a.formatSet || a.output != "":
			return exportUsagef("domainfiles.cli.err.with_format")
		case a.includePassword, a.signP12 != "", a.encryptTo != "", a.name != "":
			return exportUsagef("domainfiles.cli.err.personal")
		}
	}
	if len(a.declareAbsent) > 0 && a.domainFiles == "" && a.format != "dns" {
		return exportUsagef("domainfiles.cli.err.declare_absent_format")
	}
	f, ok := export.Lookup(a.format)
	switch {
	case !ok:
		return exportUsagef("export.cli.err.format", map[string]any{"Value": a.format, "Formats": strings.Join(formatNames(), ", ")})
	case len(positional) > 1:
		return exportUsagef("export.cli.err.extra_args", map[string]any{"Args": strings.Join(positional[1:], " ")})
	case len(positional) == 0 && a.from == "":
		return exportUsagef("export.cli.err.no_address")
	case a.includePassword && !f.Password:
		return exportUsagef("export.cli.err.password_format", map[string]any{"Format": f.Name})
	case a.signP12 != "" && !f.Signable:
		return exportUsagef("export.cli.err.sign_format", map[string]any{"Format": f.Name})
	case a.encryptTo != "" && f.Name != "mobileconfig":
		return exportUsagef("domainfiles.cli.err.encrypt_format", map[string]any{"Format": f.Name})
	case a.signPassStdin && a.signP12 == "":
		return exportUsagef("export.cli.err.sign_pass_without_p12")
	case a.from == "-" && (a.includePassword || a.passwordStdin || a.signPassStdin):
		return exportUsagef("export.cli.err.stdin_twice")
	case a.timeout <= 0 || a.timeout > 5*time.Minute:
		return exportUsagef("export.cli.err.timeout", map[string]any{"Value": a.timeout.String()})
	case strings.ContainsAny(a.name+a.org+a.user, "\r\n\x00"):
		return exportUsagef("export.cli.err.control")
	}
	return checkLang(a.lang)
}

// formatNames lists the export formats by name.
func formatNames() []string {
	names := make([]string, 0, 8)
	for _, f := range export.Formats() {
		names = append(names, f.Name)
	}
	return names
}

// exportSecrets are what export reads from standard input, one per line, in
// this order: the mail password (with --include-password or
// --password-stdin), then the .p12 password (with --sign-pass-stdin).
// Reading them from a pipe keeps them out of the process list, the shell
// history and the environment.
type exportSecrets struct {
	password, p12Password string
}

func readSecrets(r io.Reader, a *exportArgs) (exportSecrets, error) {
	var s exportSecrets
	wantPassword := a.includePassword || a.passwordStdin
	if !wantPassword && !a.signPassStdin {
		return s, nil
	}
	if r == nil {
		r = strings.NewReader("")
	}
	br := bufio.NewReaderSize(r, 64)
	var err error
	if wantPassword {
		if s.password, err = readSecretLine(br); err != nil {
			return s, err
		}
		if s.password == "" {
			return s, exportUsagef("export.cli.err.password_empty")
		}
	}
	if a.signPassStdin {
		if s.p12Password, err = readSecretLine(br); err != nil {
			return s, err
		}
	}
	return s, nil
}

// readSecretLine reads one line (without its "\n" or "\r\n"), refusing
// more than maxSecretLine bytes and NUL or CR inside: a password with a
// line break could inject protocol commands (RFC 5321 §2.3.8).
func readSecretLine(br *bufio.Reader) (string, error) {
	var line []byte
	for {
		b, err := br.ReadByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", exportUsagef("export.cli.err.stdin", map[string]any{"Error": err.Error()})
		}
		if b == '\n' {
			break
		}
		if len(line) >= maxSecretLine+1 {
			return "", exportUsagef("export.cli.err.secret_long", map[string]any{"Max": maxSecretLine})
		}
		line = append(line, b)
	}
	out := strings.TrimSuffix(string(line), "\r")
	if len(out) > maxSecretLine {
		return "", exportUsagef("export.cli.err.secret_long", map[string]any{"Max": maxSecretLine})
	}
	if strings.ContainsAny(out, "\r\x00") {
		return "", exportUsagef("export.cli.err.secret_control")
	}
	return out, nil
}

func runExport(env *Env) int {
	a, err := parseExportArgs(env.Args, env.Stdout)
	if err != nil {
		return reportParseError(env, err)
	}
	f, _ := export.Lookup(a.format)
	loc := runLanguage(a.lang) // the words, in the language of the run
	sec, err := readSecrets(env.Stdin, a)
	if err != nil {
		return env.refuse(loc, err)
	}
	opts, err := exportOptions(a, loc, sec.p12Password)
	if err != nil {
		return env.refuse(loc, err)
	}
	rep, raw, err := reportToExport(env, a, sec.password)
	if err != nil {
		return env.refuse(loc, err)
	}
	opts.Report = raw

	// An interrupted check has not tested every server: its choice may
	// not be the best one, so nothing is written from it.
	if rep.Canceled {
		fmt.Fprintln(env.Stderr, loc.T("export.cli.err.canceled", map[string]any{"Address": rep.Address}))
		return ExitNotFound
	}
	s, ok := settingsFromReport(rep, a.name)
	if !ok {
		fmt.Fprintln(env.Stderr, nothingToExport(loc, rep))
		return ExitNotFound
	}
	if a.domainFiles != "" || f.Name == "dns" {
		// What is published for the whole domain holds only servers
		// that passed the check with a verified certificate.
		if s, err = rep.DomainSettings(); err != nil {
			fmt.Fprintln(env.Stderr, loc.T("domainfiles.cli.err.not_verified", map[string]any{"Address": rep.Address}))
			return ExitNotFound
		}
	}
	if a.domainFiles != "" {
		return writeDomainFiles(env, a, s)
	}
	s.Password = sec.password
	data, err := f.Export(s, opts)
	if err != nil {
		return env.refuse(loc, err)
	}
	exportWarnings(env, a, loc, f, s, opts, rep)
	return writeExport(env, a, loc, f, data)
}

// exportOptions are the export's options from the flags: the device
// certificate to encrypt to and the signing identity are read here.
func exportOptions(a *exportArgs, loc i18n.Localizer, p12Password string) (export.Options, error) {
	opts := export.Options{Lang: loc.Lang(), IncludePassword: a.includePassword, Organization: a.org, WebHost: a.webHost, DeclareAbsent: a.declareAbsent}
	if a.encryptTo != "" {
		data, err := readFileCapped(a.encryptTo, maxP12Size)
		if err != nil {
			return opts, exportUsagef("export.cli.err.read_file", map[string]any{"File": a.encryptTo, "Error": fileError(err)})
		}
		if opts.EncryptTo, err = export.LoadEncryptionCert(data); err != nil {
			return opts, err
		}
	}
	if a.signP12 != "" {
		var err error
		if opts.Signer, err = loadSigner(a.signP12, p12Password); err != nil {
			return opts, err
		}
	}
	return opts, nil
}

// reportToExport is the check the export is made from: a saved report
// (--from), which must be for the address given, or a check run now.
func reportToExport(env *Env, a *exportArgs, password string) (*detect.Report, json.RawMessage, error) {
	if a.from == "" {
		return runExportCheck(env, a, password)
	}
	rep, raw, err := readReportFile(env, a.from)
	if err == nil && a.address != "" && !reportIsFor(a.address, rep) {
		err = exportUsagef("export.cli.err.address_mismatch", map[string]any{"Address": a.address, "Report": rep.Address})
	}
	return rep, raw, err
}

// exportWarnings says on stderr what the person must know about the
// file: a password inside, servers left out, servers not verified.
func exportWarnings(env *Env, a *exportArgs, loc i18n.Localizer, f export.Format, s export.Settings, opts export.Options, rep *detect.Report) {
	if a.includePassword {
		fmt.Fprintln(env.Stderr, export.PasswordWarning(loc.Lang()))
		if opts.EncryptTo == nil && f.Name == "mobileconfig" {
			fmt.Fprintln(env.Stderr, loc.T("domainfiles.cli.warn.password_unencrypted"))
		}
	}
	if f.Name == "thunderbird" {
		for _, l := range export.ThunderbirdLeftOut(s) {
			fmt.Fprintln(env.Stderr, loc.T("domainfiles.cli.left_out", map[string]any{"Text": l.Text(loc.Lang())}))
		}
	}
	for _, w := range unverifiedWarnings(loc, rep) {
		fmt.Fprintln(env.Stderr, w)
	}
}

// writeExport writes the file to -o (atomically, 0600 when it holds a
// password) or to stdout.
func writeExport(env *Env, a *exportArgs, loc i18n.Localizer, f export.Format, data []byte) int {
	if a.output == "" {
		if _, err := env.Stdout.Write(data); err != nil {
			fmt.Fprintln(env.Stderr, i18n.ErrorText(err, loc))
			return ExitUsage
		}
		return ExitOK
	}
	mode := os.FileMode(0o644)
	if a.includePassword {
		mode = 0o600 // the file holds a password: only its owner may read it
	}
	if err := writeFileAtomic(a.output, data, mode, a.force); err != nil {
		fmt.Fprintln(env.Stderr, i18n.ErrorText(err, loc))
		return ExitUsage
	}
	fmt.Fprintln(env.Stderr, loc.T("export.cli.wrote", map[string]any{"File": a.output, "Format": f.Name}))
	return ExitOK
}

// writeDomainFiles writes the tree for the domain's web server under
// a.domainFiles. Without --force, files already there are not replaced.
func writeDomainFiles(env *Env, a *exportArgs, s export.Settings) int {
	loc := i18n.For(a.lang)
	files, err := export.DomainFiles(s, export.DomainFilesOptions{Lang: a.lang, WebHost: a.webHost, DeclareAbsent: a.declareAbsent})
	if err != nil {
		return env.refuse(loc, err)
	}
	if info, err := os.Stat(a.domainFiles); err == nil && !info.IsDir() {
		fmt.Fprintln(env.Stderr, exportUsagef("export.cli.err.write", map[string]any{"File": a.domainFiles, "Error": loc.T("domainfiles.cli.err.not_dir")}))
		return ExitUsage
	}
	if !a.force {
		for _, f := range files {
			p := filepath.Join(a.domainFiles, filepath.FromSlash(f.Path))
			if _, err := os.Lstat(p); err == nil {
				fmt.Fprintln(env.Stderr, exportUsagef("export.cli.err.exists", map[string]any{"File": p}))
				return ExitUsage
			}
		}
	}
	if err := export.WriteTree(a.domainFiles, files); err != nil {
		fmt.Fprintln(env.Stderr, exportUsagef("export.cli.err.write", map[string]any{"File": a.domainFiles, "Error": fileError(err)}))
		return ExitUsage
	}
	for _, l := range export.ThunderbirdLeftOut(s) {
		fmt.Fprintln(env.Stderr, loc.T("domainfiles.cli.left_out", map[string]any{"Text": l.Text(loc.Lang())}))
	}
	for _, f := range files {
		fmt.Fprintln(env.Stderr, "  "+filepath.Join(a.domainFiles, filepath.FromSlash(f.Path)))
	}
	fmt.Fprintln(env.Stderr, loc.T("domainfiles.cli.wrote", map[string]any{"Dir": a.domainFiles, "Count": len(files), "Readme": filepath.Join(a.domainFiles, export.DomainFileReadme)}))
	return ExitOK
}

func loadSigner(path, password string) (*export.Signer, error) {
	data, err := readFileCapped(path, maxP12Size)
	if err != nil {
		return nil, exportUsagef("export.cli.err.read_file", map[string]any{"File": path, "Error": fileError(err)})
	}
	return export.LoadSigner(data, password)
}

// readFileCapped reads a whole file, refusing one larger than limit.
func readFileCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAllCapped(f, limit)
}

func readAllCapped(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errors.New(i18n.T("export.cli.err.too_large", map[string]any{"Max": limit}))
	}
	return data, nil
}

// fileError says what went wrong with a file in the user's language for
// the usual cases, without repeating the path (or naming our temporary
// file) the way *fs.PathError does.
func fileError(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return i18n.T("export.cli.err.not_exist")
	case errors.Is(err, fs.ErrPermission):
		return i18n.T("export.cli.err.permission")
	case errors.Is(err, syscall.EISDIR):
		return i18n.T("export.cli.err.is_dir")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return err.Error()
}

// maxReportFile bounds --from: real reports are tens of kilobytes.
const maxReportFile = 16 << 20

// readReportFile reads a saved `postino check --json` report ("-" is
// standard input) and keeps its bytes for the JSON export.
func readReportFile(env *Env, path string) (*detect.Report, json.RawMessage, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = readAllCapped(env.Stdin, maxReportFile)
	} else {
		data, err = readFileCapped(path, maxReportFile)
	}
	if err != nil {
		return nil, nil, exportUsagef("export.cli.err.read_file", map[string]any{"File": path, "Error": fileError(err)})
	}
	rep, err := detect.ReadReport(strings.NewReader(string(data)))
	if err != nil {
		return nil, nil, exportUsagef("export.cli.err.report", map[string]any{"File": path, "Error": err.Error()})
	}
	return rep, json.RawMessage(data), nil
}

func reportIsFor(given string, rep *detect.Report) bool {
	addr, err := address.Parse(given)
	return err == nil && strings.EqualFold(addr.String(), rep.Address)
}

// runExportCheck runs the same check as `postino check` and returns its
// report and the report's JSON (for the JSON export).
func runExportCheck(env *Env, a *exportArgs, password string) (*detect.Report, json.RawMessage, error) {
	loc := i18n.For(a.lang) // the words, in the language of the run
	addr, err := address.Parse(a.address)
	if err != nil {
		return nil, nil, usageError(oneLine(i18n.ErrorText(err, loc)))
	}
	if a.ispdb, err = ispdbFromFlag(env, a.ispdb); err != nil {
		return nil, nil, err
	}
	nw, err := env.networkWithCA(a.dns, a.caFile)
	if err != nil {
		return nil, nil, err
	}
	ctx, stop := env.runContext()
	defer stop()
	var sink event.Sink = event.Discard
	var progress *progressView
	if env.StderrIsTerminal {
		progress = newProgressView(env.Stderr, loc)
		sink = progress.Handle
	}
	rep := env.check()(ctx, detect.CheckOptions{
		Network:      nw,
		ISPDBURL:     a.ispdb,
		NoHTTP:       a.noHTTP,
		ProbeTimeout: a.timeout,
		Username:     a.user,
		Password:     password,
	}, addr, sink)
	if progress != nil {
		progress.Close()
	}
	rep = rep.In(loc) // the words, in the language of the run
	raw, err := json.Marshal(rep)
	if err != nil {
		return nil, nil, err
	}
	return rep, raw, nil
}

// writeFileAtomic writes data to path so that readers see either the
// old file or the whole new one, never a part (atomicfile). Without
// force an existing file is never replaced.
func writeFileAtomic(path string, data []byte, mode os.FileMode, force bool) error {
	err := atomicfile.Write(path, data, atomicfile.Options{Mode: mode, Keep: !force})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, atomicfile.ErrExists):
		return exportUsagef("export.cli.err.exists", map[string]any{"File": path})
	case errors.Is(err, atomicfile.ErrIsDir):
		return exportUsagef("export.cli.err.write", map[string]any{"File": path, "Error": i18n.T("export.cli.err.is_dir")})
	}
	return exportUsagef("export.cli.err.write", map[string]any{"File": path, "Error": fileError(err)})
}
