package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/recommend"
)

// sentinel is a password that must never appear in any output.
const sentinel = "Sentinel-Pw-7f3a9c"

// runCLI runs `postino ARGS...` in-process and returns the exit code
// and both streams.
func runCLI(t *testing.T, stdin string, terminal bool, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(&Env{
		Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string {
			switch k {
			case "POSTINO_ISPDB":
				return "https://ispdb.example.net/v1.1/"
			case EnvISPDir:
				return "-" // no local override files from the machine running the tests
			}
			return ""
		},
		StderrIsTerminal: terminal,
		Network:          testNetwork,
	})
	t.Cleanup(func() { i18n.SetLanguage("") })
	return code, out.String(), errb.String()
}

// noNetwork makes any attempt to build the network fail the test: bad
// input must be refused before anything is dialed.
func noNetwork(t *testing.T) { useTripwire(t) }

func TestCheckRefusesBadInputWithExitCode2(t *testing.T) {
	cases := []struct {
		name, stdin string
		args        []string
		wantErr     string // part of the English error
	}{
		{"no address", "", []string{"check"}, "Missing the email address"},
		{"two addresses", "", []string{"check", "a@example.org", "b@example.org"}, "Too many arguments"},
		{"not an address", "", []string{"check", "not-an-address"}, ""},
		{"unknown flag", "", []string{"check", "--frobnicate", "a@example.org"}, "Unknown option --frobnicate. “postino check --help” lists every option."},
		{"bad flag value", "", []string{"check", "--send-deadline", "soon", "a@example.org"}, "--send-deadline"},
		{"zero timeout", "", []string{"check", "--timeout", "0s", "a@example.org"}, "timeout"},
		{"unknown language", "", []string{"check", "--lang", "xx", "a@example.org"}, "Unknown language"},
		{"ISPDB not a URL", "", []string{"check", "--ispdb", "ftp.example.org", "a@example.org"}, "ftp.example.org"},
		{"line feed in user", "", []string{"check", "--user", "anna\nRSET", "a@example.org"}, "user name"},
		{"NUL in user", "", []string{"check", "--user", "anna\x00", "a@example.org"}, "user name"},
		{"empty password", "", []string{"check", "--password-stdin", "a@example.org"}, "no password"},
		{"CR inside password", "pass\rword\n", []string{"check", "--password-stdin", "a@example.org"}, "line break"},
		{"LF inside password", "pass\nQUIT\n", []string{"check", "--password-stdin", "a@example.org"}, "line break"},
		{"NUL inside password", "pass\x00word\n", []string{"check", "--password-stdin", "a@example.org"}, "NUL"},
		{"two line endings", "password\n\n", []string{"check", "--password-stdin", "a@example.org"}, "line break"},
		{"endless password", strings.Repeat("p", 10000), []string{"check", "--password-stdin", "a@example.org"}, "longer than"},
		{"send-test without a password", "", []string{"check", "--send-test", "a@example.org"}, "--send-test logs in to your servers to send and find a test message, so it needs the password: add --password-stdin"},
		{"delete-test without send-test", "pw\n", []string{"check", "--password-stdin", "--delete-test", "a@example.org"}, "add --send-test"},
		{"send-deadline without send-test", "pw\n", []string{"check", "--password-stdin", "--send-deadline", "30s", "a@example.org"}, "add --send-test"},
		{"zero send-deadline", "pw\n", []string{"check", "--password-stdin", "--send-test", "--send-deadline", "0s", "a@example.org"}, "--send-deadline 0s is not valid"},
		{"trust-host not a host", "", []string{"check", "--trust-host", "imap example/org", "a@example.org"}, "--trust-host"},
		{"hour-long send-deadline", "pw\n", []string{"check", "--password-stdin", "--send-test", "--send-deadline", "1h", "a@example.org"}, "between 100ms and 10m"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			noNetwork(t)
			code, out, errOut := runCLI(t, tc.stdin, false, append([]string{tc.args[0], "--lang", "en"}, tc.args[1:]...)...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d; stderr: %s", code, ExitUsage, errOut)
			}
			if !strings.Contains(errOut, tc.wantErr) || strings.TrimSpace(errOut) == "" {
				t.Errorf("stderr %q lacks %q", errOut, tc.wantErr)
			}
			if out != "" {
				t.Errorf("stdout not empty on bad input: %q", out)
			}
		})
	}
}

func TestReadPasswordStripsOneLineEnding(t *testing.T) {
	for in, want := range map[string]string{
		"secret\n":    "secret",
		"secret\r\n":  "secret",
		"secret":      "secret",
		" sp aced \n": " sp aced ",
	} {
		got, err := readPassword(strings.NewReader(in))
		if err != nil || got != want {
			t.Errorf("readPassword(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// checkLab is a provider whose autoconfig lists IMAP 993 and SMTP 465 on
// mail.example.org; withSMTP false leaves SMTP unserved. It returns the
// SMTP server's backend (nil without SMTP), which records what clients
// did.
func checkLab(t *testing.T, withSMTP bool) *mailserver.Submission {
	t.Helper()
	lab := labtest.New(t)
	serveLabAutoconfig(lab)
	cert := lab.Cert("mail.example.org")
	user := mailserver.NewUser(t, "anna@example.org", sentinel)
	mailserver.ServeIMAP(t, lab.Listen("mail.example.org", 993), user, imap.CapSet{imap.CapIMAP4rev1: {}}, cert, true)
	var be *mailserver.Submission
	if withSMTP {
		be = mailserver.NewSubmission(user, "anna@example.org", sentinel, nil)
		mailserver.ServeSMTP(t, lab.Listen("mail.example.org", 465), be, "mail.example.org", cert, true)
	}

	useNetwork(t, lab.Network())
	return be
}

// labAutoconfig is the lab provider's autoconfig file: IMAP 993 and SMTP
// 465 on mail.example.org, the address as the login.
const labAutoconfig = `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example.org">` +
	`<domain>example.org</domain><displayName>Example Mail</displayName>` +
	`<incomingServer type="imap"><hostname>mail.example.org</hostname><port>993</port><socketType>SSL</socketType>` +
	`<authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>` +
	`<outgoingServer type="smtp"><hostname>mail.example.org</hostname><port>465</port><socketType>SSL</socketType>` +
	`<authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></outgoingServer>` +
	`</emailProvider></clientConfig>`

func serveLabAutoconfig(lab *labtest.Lab) {
	lab.HTTPS("autoconfig.example.org", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, labAutoconfig)
	}))
}

func TestCheckExitsZeroWhenIncomingAndOutgoingWork(t *testing.T) {
	checkLab(t, true)
	code, out, errOut := runCLI(t, "", false, "check", "--timeout", "3s", "--lang", "en", "anna@example.org")
	if code != ExitOK {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{"Recommended settings:", "IMAP mail.example.org:993 (TLS)", "SMTP mail.example.org:465 (TLS)", "Why:", "only endpoint", "connection refused) on the other standard ports Postino tried: IMAP 143, POP3 995, POP3 110, SMTP 587, SMTP 25, SMTP 2525"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if errOut != "" {
		t.Errorf("stderr is not a terminal, yet got progress noise: %q", errOut)
	}
}

// postino check and postino export greet SMTP servers with the probe's
// RFC 5321 address literal, not a bare word that is no domain name.
func TestCheckAndExportGreetSMTPWithAnAddressLiteral(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--timeout", "3s", "anna@example.org"},
		{"export", "--format", "text", "--timeout", "3s", "anna@example.org"},
	} {
		t.Run(args[0], func(t *testing.T) {
			be := checkLab(t, true)
			if code, out, errOut := runCLI(t, "", false, args...); code != ExitOK {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			names := be.Recorded().EHLO
			if len(names) == 0 {
				t.Fatal("the SMTP server was never greeted")
			}
			for _, n := range names {
				if n != probe.DefaultClientName {
					t.Errorf("EHLO %q, want %q", n, probe.DefaultClientName)
				}
			}
		})
	}
}

func TestCheckExitsOneWhenNoOutgoingWorks(t *testing.T) {
	checkLab(t, false)
	code, out, _ := runCLI(t, "", false, "check", "--timeout", "3s", "--lang", "it", "anna@example.org")
	if code != ExitNotFound {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	if !strings.Contains(out, "In uscita: nessuno funziona") {
		t.Errorf("the Italian report does not say that no outgoing server works:\n%s", out)
	}
}

// The JSON document carries every field name the issue promises.
func TestCheckJSONUsesThePublishedFieldNames(t *testing.T) {
	checkLab(t, true)
	code, out, _ := runCLI(t, "", false, "check", "--json", "--timeout", "3s", "anna@example.org")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, out)
	}
	for _, k := range []string{"address", "domain", "sources", "candidates", "probes", "recommended"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("document lacks %q", k)
		}
	}
	probes, _ := doc["probes"].([]any)
	seen := map[string]bool{}
	for _, p := range probes {
		m := p.(map[string]any)
		seen[fmt.Sprintf("%v %v", m["protocol"], m["port"])] = true
	}
	// Every standard port of each proposed host (guesses may add POP3).
	for _, want := range []string{"imap 993", "imap 143", "smtp 465", "smtp 587", "smtp 25", "smtp 2525"} {
		if !seen[want] {
			t.Errorf("no probe of %s among %v", want, seen)
		}
	}
	for _, p := range probes {
		m := p.(map[string]any)
		for _, k := range []string{"protocol", "host", "port", "security", "reachability", "auth_mechanisms", "login", "status", "problem", "elapsed_ms", "sources", "summary"} {
			if _, ok := m[k]; !ok {
				t.Errorf("probe %v:%v lacks %q", m["host"], m["port"], k)
			}
		}
		switch m["port"].(float64) {
		case 993, 465:
			tlsInfo, _ := m["tls"].(map[string]any)
			for _, k := range []string{"version", "verified"} {
				if _, ok := tlsInfo[k]; !ok {
					t.Errorf("probe %v: tls lacks %q", m["port"], k)
				}
			}
			if m["greeting"] == nil || m["greeting"] == "" {
				t.Errorf("probe %v: no greeting", m["port"])
			}
		case 143:
			if _, ok := m["starttls_offered"]; !ok {
				t.Errorf("probe 143 lacks starttls_offered")
			}
		case 2525:
			pr, _ := m["problem"].(map[string]any)
			for _, k := range []string{"code", "explanation", "remedy"} {
				if s, _ := pr[k].(string); s == "" {
					t.Errorf("refused probe: problem.%s empty", k)
				}
			}
		}
	}
	rec, _ := doc["recommended"].(map[string]any)
	for _, k := range []string{"incoming", "outgoing", "reasons"} {
		if _, ok := rec[k]; !ok {
			t.Errorf("recommended lacks %q", k)
		}
	}
}

// A real login with a sentinel password, with live progress and in both
// output forms: the password appears in no stream.
func TestPasswordAppearsInNoOutput(t *testing.T) {
	checkLab(t, true)
	for _, asJSON := range []bool{false, true} {
		args := []string{"check", "--password-stdin", "--timeout", "3s", "anna@example.org"}
		if asJSON {
			args = append(args, "--json")
		}
		code, out, errOut := runCLI(t, sentinel+"\n", true, args...)
		if code != ExitOK {
			t.Fatalf("json=%v: exit %d\n%s\n%s", asJSON, code, out, errOut)
		}
		if strings.Contains(out, sentinel) || strings.Contains(errOut, sentinel) {
			t.Fatalf("json=%v: the password leaked into the output", asJSON)
		}
		if asJSON && !strings.Contains(out, `"login": "ok"`) {
			t.Errorf("the login was not tried or failed:\n%s", out)
		}
		if !strings.Contains(errOut, "\x1b[") {
			t.Errorf("json=%v: no live progress on a terminal stderr", asJSON)
		}
	}
}

// The live view keeps one line per endpoint: every redraw first moves
// the cursor back over what it drew, then rewrites each line in place.
func TestProgressRewritesOneLinePerEndpointInPlace(t *testing.T) {
	var buf bytes.Buffer
	p := newProgressView(&buf, i18n.For("en"))
	a := mail.Server{Protocol: mail.IMAP, Host: "mail.example.org", Port: 993, Security: mail.TLS}
	b := mail.Server{Protocol: mail.SMTP, Host: "mail.example.org", Port: 465, Security: mail.TLS}
	p.Handle(detect.CheckStarted{Address: "anna@example.org", Domain: "example.org"})
	for _, ph := range []probe.Phase{probe.PhaseQueued, probe.PhaseConnecting, probe.PhaseTLS} {
		p.Handle(probe.Update{Result: probe.Result{ID: a.Key(), Endpoint: a, Phase: ph}})
	}
	p.Handle(probe.Update{Result: probe.Result{ID: b.Key(), Endpoint: b, Phase: probe.PhaseQueued}})
	p.Handle(probe.Update{Result: probe.Result{ID: a.Key(), Endpoint: a, Phase: probe.PhaseDone, Status: probe.StatusOK,
		Summary: "TLS 1.3\x1b[31m evil\r\n"}})
	p.Close()
	p.Handle(probe.Update{Result: probe.Result{ID: b.Key(), Endpoint: b, Phase: probe.PhaseDone}}) // after Close: ignored

	frames := strings.Split(buf.String(), "\r")
	if len(frames) != 6 { // the first draw has no cursor-up, the next five start with one
		t.Fatalf("%d frames, want 6: %q", len(frames), buf.String())
	}
	wantUp := []string{"\x1b[1A", "\x1b[2A", "\x1b[2A", "\x1b[2A", "\x1b[3A"}
	for i, up := range wantUp {
		if !strings.HasSuffix(frames[i], up) {
			t.Errorf("redraw %d does not move up over the %s lines drawn: %q", i+1, up, frames[i])
		}
	}
	last := frames[5]
	if strings.Count(last, "\x1b[2K") != 3 || !strings.Contains(last, "✓ IMAP mail.example.org:993") {
		t.Errorf("last frame: %q", last)
	}
	if strings.Contains(last, "\x1b[31m") || strings.Count(last, "\n") != 3 {
		t.Errorf("server words broke the layout: %q", last)
	}
}

// More endpoints than a small terminal has lines: the view shows the
// running ones and a count, never more lines than fit.
func TestProgressStaysShorterThanASmallTerminal(t *testing.T) {
	i18n.SetLanguage("en")
	t.Cleanup(func() { i18n.SetLanguage("") })
	var buf bytes.Buffer
	p := newProgressView(&buf, i18n.For("en"))
	var eps []mail.Server
	for i := 0; i < 30; i++ {
		ep := mail.Server{Protocol: mail.SMTP, Host: fmt.Sprintf("h%d.example.org", i), Port: 587, Security: mail.STARTTLS}
		eps = append(eps, ep)
		p.Handle(probe.Update{Result: probe.Result{ID: ep.Key(), Endpoint: ep, Phase: probe.PhaseConnecting}})
	}
	for _, ep := range eps[:25] {
		p.Handle(probe.Update{Result: probe.Result{ID: ep.Key(), Endpoint: ep, Phase: probe.PhaseDone, Status: probe.StatusFailed}})
	}
	frames := strings.Split(buf.String(), "\r")
	for i, f := range frames {
		if n := strings.Count(f, "\n"); n > maxProgressRows+2 {
			t.Fatalf("frame %d has %d lines", i, n)
		}
	}
	last := frames[len(frames)-1]
	if strings.Count(last, "\n") != 1+5+1 || !strings.Contains(last, "25 of 30") {
		t.Errorf("last frame should show the 5 running endpoints and a count: %q", last)
	}
}

// A refused password does not make the servers wrong (issue 16): those
// that passed everything up to the login are recommended with login
// "failed", the servers that refused it are listed, the exit status is
// still 1 (the check did not work), and the refusals are explained.
func TestCheckWithAWrongPasswordRecommendsTheServersAndSaysThePasswordWasRefused(t *testing.T) {
	checkLab(t, true)
	code, out, _ := runCLI(t, "not-the-password\n", false, "check", "--json", "--password-stdin", "--timeout", "3s", "anna@example.org")
	if code != ExitNotFound {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	var doc struct {
		Probes []struct {
			Port    int    `json:"port"`
			Login   string `json:"login"`
			Problem *struct {
				Code string `json:"code"`
			} `json:"problem"`
		} `json:"probes"`
		Recommended struct {
			Incoming, Outgoing *struct {
				Port  int    `json:"port"`
				Login string `json:"login"`
			}
			PasswordRefusedBy []struct {
				Protocol string `json:"protocol"`
				Host     string `json:"host"`
				Port     int    `json:"port"`
			} `json:"password_refused_by"`
		} `json:"recommended"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for dir, c := range map[string]any{"incoming": doc.Recommended.Incoming, "outgoing": doc.Recommended.Outgoing} {
		if c == nil {
			t.Errorf("no %s recommendation: the servers are right, only the password is wrong\n%s", dir, out)
		}
	}
	if in := doc.Recommended.Incoming; in != nil && in.Login != "failed" {
		t.Errorf("incoming login %q, want failed", in.Login)
	}
	if len(doc.Recommended.PasswordRefusedBy) == 0 {
		t.Error("password_refused_by is empty")
	}
	// The text says it on the recommendation's own line.
	_, text, _ := runCLI(t, "not-the-password\n", false, "check", "--password-stdin", "--timeout", "3s", "anna@example.org")
	if !strings.Contains(text, "password refused there") {
		t.Errorf("the text does not say the password was refused on the recommendation:\n%s", text)
	}
	for _, p := range doc.Probes {
		if p.Port == 465 && (p.Login != "failed" || p.Problem == nil || p.Problem.Code != "smtp-535") {
			t.Errorf("SMTP 465: login %q, problem %+v; want failed with smtp-535", p.Login, p.Problem)
		}
	}
}

// When every source fails (here the DNS server answers SERVFAIL to
// everything), "no server found" alone would read like a domain without
// mail: the text names the failing sources and what to check.
func TestCheckWithEveryDNSLookupFailingNamesTheFailedSources(t *testing.T) {
	lab := labtest.New(t)
	lab.DNSFail(".", labtest.ServFail)
	useNetwork(t, lab.Network())

	code, out, _ := runCLI(t, "", false, "check", "--timeout", "2s", "anna@example.org")
	if code != ExitNotFound {
		t.Fatalf("exit %d, want %d\n%s", code, ExitNotFound, out)
	}
	for _, want := range []string{"No candidate server was found", "sources failed:", "DNS SRV records: the DNS server failed", "postino detect"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = runCLI(t, "", false, "check", "--lang", "it", "--timeout", "2s", "anna@example.org")
	if code != ExitNotFound || !strings.Contains(out, "hanno dato errore") {
		t.Errorf("Italian: exit %d, output:\n%s", code, out)
	}
}

// "These also work" must not hide that an endpoint only works with an
// unverified certificate, or that the password was never tried there.
func TestChoiceTextNamesEveryCaveat(t *testing.T) {
	loc := i18n.For("en")
	srv := mail.Server{Protocol: mail.POP3, Host: "pop.example.org", Port: 995, Security: mail.TLS, Username: "anna@example.org"}
	clean := choiceText(loc, &recommend.Choice{Server: srv, Verified: true, Login: probe.LoginOK})
	if strings.Contains(clean, "—") {
		t.Errorf("a verified endpoint with a working login has no caveat: %q", clean)
	}
	got := choiceText(loc, &recommend.Choice{Server: srv, Verified: false, Login: probe.LoginSkipped})
	for _, want := range []string{"pop.example.org:995", "certificate not verified", "password not tried there"} {
		if !strings.Contains(got, want) {
			t.Errorf("choiceText = %q, lacks %q", got, want)
		}
	}
}
