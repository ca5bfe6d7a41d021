package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/providers"
)

// detectLab points `postino detect` at a fresh lab for one test.
func detectLab(t *testing.T) *labtest.Lab {
	t.Helper()
	lab := labtest.New(t)
	useNetwork(t, lab.Network())
	return lab
}

func runDetectCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	dir := t.TempDir()
	env := &Env{
		Args:   append([]string{"detect"}, args...),
		Stdout: &out,
		Stderr: &errb,
		Getenv: func(k string) string {
			if k == EnvISPDir {
				return dir
			}
			return ""
		},
		Network: testNetwork,
	}
	t.Cleanup(func() { i18n.SetLanguage("en") })
	i18n.SetLanguage("en")
	code = Main(env)
	return code, out.String(), errb.String()
}

const exampleConfig = `<clientConfig version="1.1"><emailProvider id="example.com">
<domain>example.com</domain><displayName>Example Mail</displayName>
<incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>587</port><socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`

func serveExample(lab *labtest.Lab) {
	lab.HTTPS("autoconfig.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, exampleConfig)
	}))
}

func TestDetectJSONDocumentHasTheDocumentedFields(t *testing.T) {
	lab := detectLab(t)
	serveExample(lab)
	// Flags after the address, as people type them.
	code, out, errOut := runDetectCLI(t, "anna@example.com", "--json", "--timeout", "10s")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var doc struct {
		Address string `json:"address"`
		Domain  string `json:"domain"`
		Sources []struct {
			Name    string  `json:"name"`
			URL     *string `json:"url"`
			Trusted *bool   `json:"trusted"`
			Status  string  `json:"status"`
			Error   *string `json:"error"`
		} `json:"sources"`
		Candidates []struct {
			Protocol string   `json:"protocol"`
			Host     string   `json:"host"`
			Port     int      `json:"port"`
			Security string   `json:"security"`
			Username string   `json:"username"`
			Sources  []string `json:"sources"`
		} `json:"candidates"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, out)
	}
	if doc.Address != "anna@example.com" || doc.Domain != "example.com" || len(doc.Sources) == 0 {
		t.Fatalf("document %+v", doc)
	}
	for _, s := range doc.Sources {
		if s.URL == nil || s.Trusted == nil || s.Error == nil {
			t.Fatalf("source %s lacks url/trusted/error", s.Name)
		}
		switch s.Status {
		case "found", "not-found", "error":
		default:
			t.Fatalf("source %s status %q", s.Name, s.Status)
		}
	}
	first := doc.Candidates[0]
	if first.Protocol != "imap" || first.Host != "imap.example.com" || first.Port != 993 || first.Security != "tls" ||
		first.Username != "%EMAILLOCALPART%" || strings.Join(first.Sources, ",") != "autoconfig" {
		t.Fatalf("first candidate %+v", first)
	}
}

func TestDetectTextListsSourcesAndRankedCandidates(t *testing.T) {
	lab := detectLab(t)
	serveExample(lab)
	code, out, _ := runDetectCLI(t, "--no-http", "anna@example.com")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"Example Mail", "Domain autoconfig (HTTPS)", "found", "imap.example.com:993", "smtp.example.com:587", "STARTTLS", "anna@example.com"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if label := i18n.T("discover.source.autoconfig-http"); strings.Contains(out, label) {
		t.Errorf("--no-http still lists the plain-HTTP source %q:\n%s", label, out)
	}
	// Every column of the sources table is named.
	for _, col := range []string{"SOURCE", "RESULT", "SERVERS", "TRUST", "DETAILS"} {
		if !strings.Contains(out, col) {
			t.Errorf("sources table lacks the %s header:\n%s", col, out)
		}
	}
	if strings.Index(out, "imap.example.com") > strings.Index(out, "smtp.example.com") {
		t.Errorf("candidates are not in source order:\n%s", out)
	}
	// Every candidate comes from HTTPS autoconfig: nothing to warn about.
	if legend := i18n.T("detect.text.untrusted_legend"); strings.Contains(out, legend) {
		t.Errorf("the unverified legend is shown without an unverified candidate:\n%s", out)
	}
}

func TestDetectSpeaksItalian(t *testing.T) {
	lab := detectLab(t)
	serveExample(lab)
	code, out, _ := runDetectCLI(t, "--lang", "it", "anna@example.com")
	if code != ExitOK || !strings.Contains(out, "Impostazioni di posta per") || !strings.Contains(out, "trovato") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestDetectExitsOneWhenNothingIsFound(t *testing.T) {
	detectLab(t)
	code, out, _ := runDetectCLI(t, "anna@nothing.example")
	if code != ExitNotFound {
		t.Fatalf("exit %d, want %d\n%s", code, ExitNotFound, out)
	}
	code, out, _ = runDetectCLI(t, "--json", "anna@nothing.example")
	if code != ExitNotFound || !strings.Contains(out, `"candidates": []`) {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestDetectExitsOneWithOnlyIncomingServers(t *testing.T) {
	lab := detectLab(t)
	lab.SRV("_imaps._tcp.example.com", 0, 0, 993, "imap.example.com")
	lab.SRV("_submission._tcp.example.com", 0, 0, 0, ".")
	lab.SRV("_submissions._tcp.example.com", 0, 0, 0, ".")
	code, out, _ := runDetectCLI(t, "anna@example.com")
	if code != ExitNotFound || !strings.Contains(out, "Warning") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestDetectRejectsBadAddressesInOneLine(t *testing.T) {
	detectLab(t)
	cases := map[string]string{
		address.CodeEmpty:          "",
		address.CodeNoAt:           "mario.rossi.libero.it",
		address.CodeTwoAt:          "mario@rossi@libero.it",
		address.CodeSpace:          "mario rossi@libero.it",
		address.CodeCRLF:           "mario@libero.it\r\nRCPT TO:<x@y>",
		address.CodeControl:        "mario\x07@libero.it",
		address.CodeLabelTooLong:   "mario@" + strings.Repeat("a", 64) + ".it",
		address.CodeDomainTooLong:  "m@" + strings.Repeat(strings.Repeat("a", 60)+".", 5) + "it",
		address.CodeAddressTooLong: strings.Repeat("a", 64) + "@" + strings.Repeat(strings.Repeat("b", 60)+".", 3) + "example.it",
		address.CodeEmptyLocal:     "@libero.it",
		address.CodeEmptyDomain:    "mario@",
	}
	for code, in := range cases {
		t.Run(code, func(t *testing.T) {
			exit, out, errOut := runDetectCLI(t, in)
			if exit != ExitUsage {
				t.Fatalf("exit %d, want %d (stdout %q)", exit, ExitUsage, out)
			}
			if strings.Count(strings.TrimRight(errOut, "\n"), "\n") != 0 || strings.TrimSpace(errOut) == "" {
				t.Fatalf("stderr is not one line: %q", errOut)
			}
			if _, err := address.Parse(in); err == nil {
				t.Fatalf("%q parses; the case is wrong", in)
			}
		})
	}
}

func TestDetectUsageErrorsExitTwo(t *testing.T) {
	detectLab(t)
	cases := map[string][]string{
		"no address":      {},
		"two addresses":   {"a@example.com", "b@example.com"},
		"unknown flag":    {"--frobnicate", "a@example.com"},
		"bad timeout":     {"--timeout", "-3s", "a@example.com"},
		"huge timeout":    {"--timeout", "2h", "a@example.com"},
		"bad ispdb":       {"--ispdb", "ftp://x", "a@example.com"},
		"flag no value":   {"a@example.com", "--dns"},
		"timeout garbage": {"--timeout", "soon", "a@example.com"},
	}
	// What the one line on stderr must name, so the person knows what to fix.
	mentions := map[string]string{
		"no address":      "postino detect",
		"two addresses":   "b@example.com",
		"unknown flag":    "--frobnicate",
		"bad timeout":     "-3s",
		"huge timeout":    "2h",
		"bad ispdb":       "ftp://x",
		"flag no value":   "--dns",
		"timeout garbage": "soon",
		"unknown lang":    "klingon",
	}
	cases["unknown lang"] = []string{"--lang", "klingon", "a@example.com"}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			exit, out, errOut := runDetectCLI(t, args...)
			if exit != ExitUsage || errOut == "" {
				t.Fatalf("exit %d, stderr %q", exit, errOut)
			}
			if strings.Count(strings.TrimRight(errOut, "\n"), "\n") != 0 || !strings.Contains(errOut, mentions[name]) {
				t.Fatalf("stderr %q: want one line naming %q", errOut, mentions[name])
			}
			if out != "" {
				t.Fatalf("a usage error printed on stdout: %q", out)
			}
		})
	}
}

func TestDetectHelpPrintsUsageOnStdoutAndExitsZero(t *testing.T) {
	detectLab(t)
	for _, flag := range []string{"-h", "--help"} {
		exit, out, errOut := runDetectCLI(t, flag)
		if exit != ExitOK || !strings.HasPrefix(out, "Usage: postino detect") || !strings.Contains(out, "-timeout") || errOut != "" {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q", flag, exit, out, errOut)
		}
	}
}

func TestDetectFlagErrorsSpeakItalian(t *testing.T) {
	detectLab(t)
	exit, _, errOut := runDetectCLI(t, "--lang", "it", "--timeout", "presto", "a@example.com")
	if exit != ExitUsage || !strings.Contains(errOut, "«presto» non è valido per --timeout") || !strings.Contains(errOut, "--help") {
		t.Fatalf("exit %d, stderr %q", exit, errOut)
	}
}

func TestDetectTitleShowsAnInternationalDomainAsTyped(t *testing.T) {
	lab := detectLab(t)
	lab.Host("imap.xn--citt-3na.it")
	_, out, _ := runDetectCLI(t, "--no-http", "mario@città.it")
	title, _, _ := strings.Cut(out, "\n")
	if !strings.Contains(title, "mario@città.it") || !strings.Contains(title, "xn--citt-3na.it") {
		t.Fatalf("title %q: want the address as typed and the ASCII domain", title)
	}
	if !strings.Contains(out, "imap.xn--citt-3na.it:993") {
		t.Fatalf("the guess for the ASCII domain is missing:\n%s", out)
	}
	// A guess is unverified, and the text says what that means.
	if !strings.Contains(out, "unverified") || !strings.Contains(out, i18n.T("detect.text.untrusted_legend")) {
		t.Fatalf("a guessed server without the unverified legend:\n%s", out)
	}
	_, it, _ := runDetectCLI(t, "--lang", "it", "--no-http", "mario@città.it")
	if !strings.Contains(it, "ipotesi") || strings.Contains(it, "guess") {
		t.Errorf("Italian candidates table does not name the guess source in Italian:\n%s", it)
	}
}

func TestDetectShowsLiveProgressOnlyOnATerminal(t *testing.T) {
	lab := detectLab(t)
	serveExample(lab)
	for _, terminal := range []bool{true, false} {
		var out, errb bytes.Buffer
		env := &Env{
			Args: []string{"detect", "--no-http", "anna@example.com"}, Stdout: &out, Stderr: &errb,
			Getenv: func(k string) string {
				if k == EnvISPDir {
					return "-"
				}
				return ""
			},
			StderrIsTerminal: terminal,
			Network:          testNetwork,
		}
		i18n.SetLanguage("en")
		if code := Main(env); code != ExitOK {
			t.Fatalf("terminal=%v: exit %d\n%s", terminal, code, errb.String())
		}
		lines := strings.Count(errb.String(), "\n")
		// One line per source that ran: override is off, plain HTTP too.
		if want := len(discover.Sources) - 2; terminal && lines != want {
			t.Fatalf("terminal: %d progress lines, want %d:\n%s", lines, want, errb.String())
		}
		if !terminal && errb.Len() != 0 {
			t.Fatalf("not a terminal, yet stderr has %q", errb.String())
		}
		if terminal && !strings.Contains(errb.String(), "Domain autoconfig (HTTPS): found") {
			t.Fatalf("progress lacks the autoconfig outcome:\n%s", errb.String())
		}
	}
}

func TestDetectBuildsItsNetworkFromFlagThenEnvironment(t *testing.T) {
	base := &network.Network{DNSServers: []string{"127.0.0.1:53"}, LoopbackOnly: true}
	env := &Env{Network: base, Getenv: func(k string) string {
		if k == network.EnvDNS {
			return "127.0.0.1:5353"
		}
		return ""
	}}
	n, err := env.networkFor("")
	if err != nil || len(n.DNSServers) != 1 || n.DNSServers[0] != "127.0.0.1:5353" {
		t.Fatalf("from env: %+v %v", n, err)
	}
	n, err = env.networkFor("127.0.0.2")
	if err != nil || n.DNSServers[0] != "127.0.0.2:53" || !n.LoopbackOnly {
		t.Fatalf("from flag: %+v %v", n, err)
	}
	if base.DNSServers[0] != "127.0.0.1:53" {
		t.Fatalf("--dns changed the network main built: %v", base.DNSServers)
	}
	if _, err := env.networkFor("127.0.0.1:99999"); err == nil {
		t.Fatal("a bad --dns was accepted")
	}
}

func TestDetectTranslatesEverySourceStatusTrustAndErrorCode(t *testing.T) {
	var keys []string
	for _, s := range discover.Sources {
		keys = append(keys, "discover.source."+string(s), "discover.short."+string(s))
	}
	for _, s := range discover.Statuses {
		keys = append(keys, "discover.status."+string(s))
	}
	for _, tr := range discover.Trusts {
		keys = append(keys, "discover.trust."+string(tr))
	}
	for _, c := range discover.ErrorCodes {
		keys = append(keys, "discover.error."+c)
	}
	for _, sec := range []mail.Security{mail.TLS, mail.STARTTLS, mail.Plain} {
		keys = append(keys, "discover.security."+string(sec))
	}
	for _, lang := range []string{"en", "it"} {
		for _, k := range keys {
			if got := i18n.TIn(lang, k); got == k || got == "" {
				t.Errorf("%s: no translation for %s", lang, k)
			}
		}
	}
}

func TestDetectTextSaysWhatThePersonMustKnowAboutTheProvider(t *testing.T) {
	detectLab(t)
	entry, ok := providers.Lookup("gmail.com")
	if !ok || len(entry.Notes) == 0 || len(entry.Documentation) == 0 {
		t.Fatalf("the built-in table must know Gmail with notes and documentation: %+v", entry)
	}
	for _, lang := range []string{"en", "it"} {
		_, out, _ := runDetectCLI(t, "--lang", lang, "--no-http", "--timeout", "3s", "anna@gmail.com")
		for _, n := range entry.Notes {
			if want := providers.NoteTextIn(lang, n); !strings.Contains(out, want) {
				t.Errorf("%s: output lacks the note %q:\n%s", lang, want, out)
			}
		}
		for _, u := range entry.Documentation {
			if !strings.Contains(out, u) {
				t.Errorf("%s: output lacks the documentation %s", lang, u)
			}
		}
	}
}
