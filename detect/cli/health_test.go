package cli

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/labtest"
)

// runHealthCLI runs `postino ARGS...` in-process with the health network
// pointed at lab (nil: building a network fails the test).
func runHealthCLI(t *testing.T, lab *labtest.Lab, args ...string) (int, string, string) {
	t.Helper()
	t.Cleanup(func() { i18n.SetLanguage("") })
	if lab == nil {
		useTripwire(t)
	} else {
		useNetwork(t, lab.Network())
	}
	var out, errb bytes.Buffer
	code := Main(&Env{Args: args, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Network: testNetwork})
	return code, out.String(), errb.String()
}

// healthLab publishes a domain with working MX, SPF and DMARC p=none and
// nothing else.
func healthLab(t *testing.T) *labtest.Lab {
	lab := labtest.New(t)
	lab.Host("mx.example.org")
	lab.MX("example.org", 10, "mx.example.org")
	lab.TXT("example.org", "v=spf1 mx -all")
	lab.TXT("_dmarc.example.org", "v=DMARC1; p=none; rua=mailto:dmarc@example.org")
	return lab
}

func TestHealthRefusesBadInputWithExitCode2(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no domain", []string{"health"}, "exactly one domain"},
		{"two domains", []string{"health", "a.example", "b.example"}, "exactly one domain"},
		{"not a domain", []string{"health", "exa mple.com"}, ""},
		{"single label", []string{"health", "localhost"}, ""},
		{"zero timeout", []string{"health", "--timeout", "0s", "example.org"}, "--timeout"},
		{"timeout over the maximum", []string{"health", "example.org", "--timeout", "10m"}, "--timeout must be between 1s and 5m"},
		{"unknown language", []string{"health", "--lang", "xx", "example.org"}, "Unknown language"},
		{"unknown flag", []string{"health", "--frobnicate", "example.org"}, "Unknown option --frobnicate."},
		{"flag without its value", []string{"health", "example.org", "--dkim-selector"}, "The option --dkim-selector needs a value."},
		{"bad duration", []string{"health", "--timeout", "soon", "example.org"}, "“soon” is not valid for --timeout"},
		{"an IP address", []string{"health", "anna@[192.0.2.1]"}, "IP address"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runHealthCLI(t, nil, tc.args...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, ExitUsage, errOut)
			}
			if out != "" {
				t.Errorf("printed on stdout: %q", out)
			}
			if errOut == "" || !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("stderr %q does not say %q", errOut, tc.wantErr)
			}
			// One line, not the flag package's English and its flag list.
			if strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Errorf("stderr is not one line: %q", errOut)
			}
		})
	}
}

func TestHealthTextHasOneBlockPerCheckAndExitsZeroWithoutProblems(t *testing.T) {
	lab := healthLab(t)
	code, out, _ := runHealthCLI(t, lab, "health", "anna@Example.org")
	if code != ExitOK {
		t.Errorf("exit %d, want 0 (warnings and not-found are not problems)\n%s", code, out)
	}
	for _, want := range []string{
		"Mail health of example.org",
		"✓ OK  MX: mail servers",
		"10 mx.example.org → 127.0.0.",
		"✓ OK  SPF: allowed senders",
		"! WARNING  DMARC: policy for forged mail",
		"Why: p=none asks receivers",
		"What to do: Once the reports show",
		"· NOT FOUND  DKIM: signing keys",
		"· NOT FOUND  MTA-STS: required encryption",
		"· NOT FOUND  TLS-RPT: encryption reports",
		"v=DMARC1; p=none; rua=mailto:dmarc@example.org",
		"OK: 2 · warnings: 1 · problems: 0 · not found: 3",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestHealthExitsOneOnAProblem(t *testing.T) {
	lab := healthLab(t)
	// The lab already publishes "v=spf1 mx -all": this is a second record.
	lab.TXT("example.org", "v=spf1 +all")
	code, out, _ := runHealthCLI(t, lab, "health", "example.org")
	if code != ExitNotFound {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(out, "✗ PROBLEM  SPF: allowed senders") || !strings.Contains(out, "publishes 2 SPF records") {
		t.Errorf("a second SPF record is not shown as a problem:\n%s", out)
	}
	if !strings.Contains(out, "problems: 1 ·") {
		t.Errorf("the total does not count the problem:\n%s", out)
	}
}

func TestHealthJSONIsOneDocumentInTheChosenLanguage(t *testing.T) {
	lab := healthLab(t)
	lab.TXT("_mta-sts.example.org", "v=STSv1; id=1")
	lab.HTTPS("mta-sts.example.org", http.NotFoundHandler())
	code, out, _ := runHealthCLI(t, lab, "health", "--json", "--lang", "it", "--dkim-selector", "s2026,postino", "example.org")
	if code != ExitNotFound {
		t.Errorf("exit %d, want 1 (the MTA-STS policy is missing)", code)
	}
	var doc struct {
		Domain string `json:"domain"`
		Org    string `json:"organizational_domain"`
		Worst  string `json:"worst"`
		Checks []struct {
			Name        string   `json:"name"`
			Verdict     string   `json:"verdict"`
			Code        string   `json:"code"`
			Summary     string   `json:"summary"`
			Explanation string   `json:"explanation"`
			Remedy      string   `json:"remedy"`
			Details     []string `json:"details"`
			Records     []string `json:"records"`
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.Domain != "example.org" || doc.Org != "example.org" || doc.Worst != "problem" || len(doc.Checks) != 6 {
		t.Errorf("top level: %+v", doc)
	}
	byName := map[string]int{}
	for i, c := range doc.Checks {
		byName[c.Name] = i
	}
	sts := doc.Checks[byName["mta-sts"]]
	if sts.Verdict != "problem" || sts.Code != "mtasts-policy-http" || !strings.Contains(sts.Summary, "risponde HTTP 404") {
		t.Errorf("mta-sts: %+v", sts)
	}
	dkim := doc.Checks[byName["dkim"]]
	if dkim.Code != "dkim-selector-missing" || !strings.Contains(dkim.Summary, "s2026") {
		t.Errorf("the person's selectors were not tried first: %+v", dkim)
	}
}

func TestHealthShowsLiveLinesOnATerminalOnly(t *testing.T) {
	lab := healthLab(t)
	for _, terminal := range []bool{true, false} {
		var out, errb bytes.Buffer
		Main(&Env{Args: []string{"health", "example.org"}, Stdout: &out, Stderr: &errb, StderrIsTerminal: terminal, Network: lab.Network()})
		live := strings.Contains(errb.String(), "✓ MX: mail servers") && strings.Contains(errb.String(), "! DMARC: policy for forged mail")
		if live != terminal {
			t.Errorf("terminal %v: stderr %q", terminal, errb.String())
		}
	}
}

func TestHealthHelpGoesToStdoutAndExitsZero(t *testing.T) {
	code, out, errOut := runHealthCLI(t, nil, "health", "--help")
	if code != ExitOK || errOut != "" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"Usage: postino health", "-dkim-selector", "-timeout"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
}

func TestHealthRefusesBadInputInItalian(t *testing.T) {
	code, _, errOut := runHealthCLI(t, nil, "health", "--lang", "it", "--timeout", "10m", "example.org")
	if code != ExitUsage || !strings.Contains(errOut, "--timeout deve essere tra 1s e 5m") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runHealthCLI(t, nil, "health", "--lang", "it", "localhost")
	if code != ExitUsage || !strings.Contains(errOut, "non è un dominio completo") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestHealthShowsAnInternationalisedDomainAsTyped(t *testing.T) {
	lab := labtest.New(t)
	code, out, _ := runHealthCLI(t, lab, "health", "posta@Caffè.it")
	// Exit 1: the empty lab publishes no MX, a problem.
	if code != ExitNotFound || !strings.HasPrefix(out, "Mail health of caffè.it (xn--caff-8oa.it)\n") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestHealthTextAbbreviatesDKIMKeysButJSONKeepsThem(t *testing.T) {
	key := strings.Repeat("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A", 10) + "IDAQAB"
	for rec, want := range map[string]string{
		"google._domainkey.example.org: v=DKIM1; k=rsa; p=" + key:                   "google._domainkey.example.org: v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG…8AIDAQAB",
		"s1._domainkey.example.org: v=DKIM1; p=" + key + "; t=y":                    "s1._domainkey.example.org: v=DKIM1; p=MIIBIjANBgkqhkiG…8AIDAQAB; t=y",
		"mail._domainkey.example.org: v=DKIM1; p=":                                  "mail._domainkey.example.org: v=DKIM1; p=",
		"v=DMARC1; p=none; rua=mailto:dmarc@example.org":                            "v=DMARC1; p=none; rua=mailto:dmarc@example.org",
		"v=spf1 include:_spf.example.org ip4:192.0.2.0/24 ip4:198.51.100.0/24 -all": "v=spf1 include:_spf.example.org ip4:192.0.2.0/24 ip4:198.51.100.0/24 -all",
	} {
		if got := shortenKey(rec); got != want {
			t.Errorf("shortenKey(%.40q…) = %q, want %q", rec, got, want)
		}
	}

	lab := healthLab(t)
	lab.TXT("google._domainkey.example.org", "v=DKIM1; k=rsa; p="+key)
	_, out, _ := runHealthCLI(t, lab, "health", "example.org")
	if strings.Contains(out, key) || !strings.Contains(out, "p=MIIBIjANBgkqhkiG…8AIDAQAB") {
		t.Errorf("the key is not abbreviated in the text:\n%s", out)
	}
	_, out, _ = runHealthCLI(t, lab, "health", "--json", "example.org")
	if !strings.Contains(out, key) {
		t.Errorf("the JSON lost the full key:\n%s", out)
	}
}

func TestHealthTextEscapesControlBytesOfPublishedRecords(t *testing.T) {
	lab := labtest.New(t)
	lab.Host("mx.example.org")
	lab.MX("example.org", 10, "mx.example.org")
	// As published: an escape sequence and a line break inside the
	// record (zone-file escapes, which the lab puts on the wire as bytes).
	lab.TXT("example.org", `v=spf1 mx\027[2J\010-all`)
	lab.TXT("_dmarc.example.org", `v=DMARC1; p=none; rua=mailto:d@example.org,https://x.example\155/r`)
	code, out, _ := runHealthCLI(t, lab, "health", "example.org")
	if code != ExitNotFound {
		t.Errorf("exit %d, want 1 (the SPF record is a permerror)", code)
	}
	if strings.ContainsAny(out, "\x1b\u009b") {
		t.Errorf("a control byte from DNS reached the terminal:\n%q", out)
	}
	if !strings.Contains(out, `v=spf1 mx\x1b[2J\x0a-all`) {
		t.Errorf("the record is not shown with its bytes made visible:\n%s", out)
	}
	if !strings.Contains(out, `https://x.example\x9b/r`) {
		t.Errorf("a lone byte that is not UTF-8 is not made visible:\n%s", out)
	}
	_, out, _ = runHealthCLI(t, lab, "health", "--json", "example.org")
	if !strings.Contains(out, `"v=spf1 mx\u001b[2J\n-all"`) {
		t.Errorf("the JSON does not carry the record verbatim:\n%s", out)
	}
}
