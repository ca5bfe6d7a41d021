package cli

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"
	"howett.net/plist"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/recommend"
	"github.com/postino-mail/postino/export"
)

const exportSecret = "Export-Pw-4e1b"

// exportReport is a finished check of anna@example.it: IMAP and SMTP
// over implicit TLS chosen, STARTTLS alternatives, a provider note.
func exportReport() *detect.Report {
	imap := mail.Server{Protocol: mail.IMAP, Host: "imap.example.it", Port: 993, Security: mail.TLS, Username: "anna@example.it"}
	smtp := mail.Server{Protocol: mail.SMTP, Host: "smtp.example.it", Port: 465, Security: mail.TLS, Username: "anna@example.it"}
	imap143 := imap
	imap143.Port, imap143.Security = 143, mail.STARTTLS
	smtp587 := smtp
	smtp587.Port, smtp587.Security = 587, mail.STARTTLS
	published := smtp
	published.Auth = []mail.Auth{mail.AuthPasswordEncrypted}
	rep := &detect.Report{
		Result: discover.Result{
			Address: "anna@example.it", Domain: "example.it",
			Candidates: []mail.Candidate{{Server: published, Sources: []string{"autoconfig"}, Notes: []mail.Note{{Code: "use-2525"}}}},
			Provider:   &mail.Provider{ID: "example.it", DisplayName: "Esempio Posta", Notes: []mail.Note{{Code: "app-password"}}},
		},
		Recommended: recommend.Recommendation{
			Incoming:     &recommend.Choice{Server: imap, Verified: true},
			Outgoing:     &recommend.Choice{Server: smtp, Verified: true},
			Alternatives: []recommend.Choice{{Server: imap143, Verified: true}, {Server: smtp587, Verified: true}},
		},
		Language: "en",
	}
	for _, srv := range []mail.Server{imap, smtp, imap143, smtp587} {
		pr := detect.ProbeReport{Protocol: srv.Protocol, Host: srv.Host, Port: srv.Port, Security: srv.Security, Username: srv.Username}
		pr.AuthMechanisms = []string{"PLAIN", "LOGIN", "XOAUTH2"}
		rep.Probes = append(rep.Probes, pr)
	}
	return rep
}

func writeReport(t *testing.T, rep *detect.Report) string {
	t.Helper()
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// exportCheck, when set, is the check export runs (Env.Check): a test
// sees what export asks for without probing anything.
var exportCheck func(context.Context, detect.CheckOptions, address.Address, event.Sink) *detect.Report

// runExportCLI runs `postino export ARGS...` in-process.
func runExportCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(&Env{
		Args: append([]string{"export"}, args...), Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv:  func(string) string { return "" },
		Network: testNetwork, Check: exportCheck,
	})
	t.Cleanup(func() { i18n.SetLanguage("") })
	return code, out.String(), errb.String()
}

// noCheck fails the test if export runs a check.
func noCheck(t *testing.T) {
	old := exportCheck
	t.Cleanup(func() { exportCheck = old })
	exportCheck = func(context.Context, detect.CheckOptions, address.Address, event.Sink) *detect.Report {
		t.Error("export ran a check")
		return &detect.Report{}
	}
}

func TestExportFromReportWritesEveryFormatWithoutTheNetwork(t *testing.T) {
	noCheck(t)
	path := writeReport(t, exportReport())
	want, ok := settingsFromReport(exportReport(), "Anna Bianchi")
	if !ok {
		t.Fatal("no settings in the report")
	}
	for _, f := range export.Formats() {
		code, out, errOut := runExportCLI(t, "", "--from", path, "--format", f.Name, "--name", "Anna Bianchi", "--lang", "it")
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", f.Name, code, errOut)
		}
		if f.Name == "mobileconfig" || f.Name == "json" {
			continue // fresh UUIDs; the report is embedded: checked below
		}
		direct, err := f.Export(want, export.Options{Lang: "it"})
		if err != nil {
			t.Fatal(err)
		}
		if out != string(direct) {
			t.Errorf("%s: the command wrote something else than the export package:\n%s", f.Name, out)
		}
	}
}

func TestExportTurnsTheRecommendationIntoSettings(t *testing.T) {
	s, ok := settingsFromReport(exportReport(), "")
	if !ok {
		t.Fatal("no settings")
	}
	if s.Address != "anna@example.it" || s.Domain != "example.it" || s.ProviderName != "Esempio Posta" {
		t.Errorf("identity %+v", s)
	}
	if s.Incoming.Port != 993 || s.Outgoing.Port != 465 || len(s.AlternativesIn) != 1 || len(s.AlternativesOut) != 1 {
		t.Errorf("servers %+v", s)
	}
	// The provider's published methods win over what the server announced.
	if len(s.Outgoing.Auth) != 1 || s.Outgoing.Auth[0] != mail.AuthPasswordEncrypted {
		t.Errorf("outgoing auth %v", s.Outgoing.Auth)
	}
	// Without a published method, the announced SASL mechanisms decide.
	if want := []mail.Auth{mail.AuthPasswordCleartext, mail.AuthOAuth2}; len(s.Incoming.Auth) != 2 || s.Incoming.Auth[0] != want[0] || s.Incoming.Auth[1] != want[1] {
		t.Errorf("incoming auth %v, want %v", s.Incoming.Auth, want)
	}
	if len(s.Notes) != 2 || s.Notes[0].Code != "app-password" || s.Notes[1].Code != "use-2525" {
		t.Errorf("notes %+v", s.Notes)
	}
}

// TestExportLeavesOutAlternativesWhoseCertificateFailed: the check lists
// a POP3 server with an expired certificate among the endpoints that
// answered; no export may offer it next to verified servers, but when the
// chosen server is itself unverified (one's own self-signed server) its
// unverified alternatives stay.
func TestExportLeavesOutAlternativesWhoseCertificateFailed(t *testing.T) {
	rep := exportReport()
	rec := &rep.Recommended
	rec.Incoming.Verified, rec.Outgoing.Verified = true, true
	for i := range rec.Alternatives {
		rec.Alternatives[i].Verified = true
	}
	expired := recommend.Choice{Server: mail.Server{Protocol: mail.POP3, Host: "pop.example.it", Port: 995, Security: mail.TLS}}
	rec.Alternatives = append(rec.Alternatives, expired)
	s, ok := settingsFromReport(rep, "")
	if !ok {
		t.Fatal("no settings")
	}
	for _, a := range s.AlternativesIn {
		if a.Host == "pop.example.it" {
			t.Errorf("unverified alternative exported next to a verified choice: %v", s.AlternativesIn)
		}
	}
	if len(s.AlternativesIn) != 1 || len(s.AlternativesOut) != 1 {
		t.Errorf("verified alternatives lost: %v %v", s.AlternativesIn, s.AlternativesOut)
	}
	rec.Incoming.Verified = false
	s, _ = settingsFromReport(rep, "")
	if len(s.AlternativesIn) != 2 || s.AlternativesIn[1].Host != "pop.example.it" {
		t.Errorf("with an unverified choice, unverified alternatives stay: %v", s.AlternativesIn)
	}
	if len(s.AlternativesOut) != 1 {
		t.Errorf("outgoing alternatives: %v", s.AlternativesOut)
	}
}

func TestExportWarnsWhenTheChosenCertificateDidNotVerify(t *testing.T) {
	noCheck(t)
	code, out, errOut := runExportCLI(t, "", "--from", writeReport(t, exportReport()), "--format", "text", "--lang", "en")
	if code != ExitOK || out == "" || errOut != "" {
		t.Errorf("verified: exit %d, stderr %q", code, errOut)
	}
	rep := exportReport()
	rep.Recommended.Outgoing.Verified = false
	code, out, errOut = runExportCLI(t, "", "--from", writeReport(t, rep), "--format", "text", "--lang", "it")
	want := i18n.TIn("it", "export.cli.warn.unverified", map[string]any{"Server": "SMTP smtp.example.it:465"})
	if code != ExitOK || out == "" || strings.TrimSpace(errOut) != want {
		t.Errorf("unverified: exit %d, stderr %q, want %q", code, errOut, want)
	}
}

func TestExportJSONEmbedsTheSavedReport(t *testing.T) {
	noCheck(t)
	code, out, errOut := runExportCLI(t, "", "--from", writeReport(t, exportReport()), "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Settings export.Settings `json:"settings"`
		Report   *detect.Report  `json:"report"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Report == nil || doc.Report.Address != "anna@example.it" || len(doc.Report.Probes) != 4 || doc.Settings.Incoming.Host != "imap.example.it" {
		t.Errorf("document %s", out)
	}
}

func TestExportRunsTheCheckWhenNoReportIsGiven(t *testing.T) {
	useTripwire(t) // the check below is the test's: nothing may be sent
	old := exportCheck
	t.Cleanup(func() { exportCheck = old })
	var got detect.CheckOptions
	var gotAddr address.Address
	exportCheck = func(_ context.Context, o detect.CheckOptions, a address.Address, _ event.Sink) *detect.Report {
		got, gotAddr = o, a
		return exportReport()
	}
	code, out, errOut := runExportCLI(t, exportSecret+"\n", "--format", "thunderbird", "--password-stdin", "--timeout", "3s", "anna@example.it")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if gotAddr.String() != "anna@example.it" || got.Password != exportSecret || got.ProbeTimeout != 3*time.Second || got.Network == nil {
		t.Errorf("check called with %+v for %s", got, gotAddr)
	}
	if !strings.Contains(out, "<hostname>imap.example.it</hostname>") || strings.Contains(out+errOut, exportSecret) {
		t.Errorf("output:\n%s\n%s", out, errOut)
	}
}

func TestExportExitsOneWhenNothingWorks(t *testing.T) {
	noCheck(t)
	rep := exportReport()
	rep.Recommended = recommend.Recommendation{}
	code, out, errOut := runExportCLI(t, "", "--from", writeReport(t, rep), "--format", "text")
	if code != ExitNotFound || out != "" || errOut == "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestExportSaysWhyThereIsNothingToExport: exit 1 names the direction
// that has no working server, repeats each login refusal with its remedy
// once, and points to postino check.
func TestExportSaysWhyThereIsNothingToExport(t *testing.T) {
	noCheck(t)
	refused := func(srv mail.Server, code string) detect.ProbeReport {
		pr := detect.ProbeReport{Protocol: srv.Protocol, Host: srv.Host, Port: srv.Port, Security: srv.Security}
		pr.Endpoint, pr.Login = srv, probe.LoginFailed
		pr.Problems = []detect.ProblemText{{Code: code, Explanation: "Refused by " + code + ".", Remedy: "Check the password."}}
		return pr
	}
	imap := exportReport().Recommended.Incoming.Server
	smtp := exportReport().Recommended.Outgoing.Server
	imap143 := imap
	imap143.Port, imap143.Security = 143, mail.STARTTLS
	for _, tc := range []struct {
		name      string
		edit      func(*detect.Report)
		want, not []string
	}{
		{"nothing found", func(r *detect.Report) { r.Recommended, r.Probes = recommend.Recommendation{}, nil },
			[]string{"No working settings", "no mail server was found", "postino check anna@example.it"}, []string{"→"}},
		{"outgoing missing", func(r *detect.Report) { r.Recommended.Outgoing = nil },
			[]string{"no outgoing server (SMTP) worked"}, []string{"→"}},
		{"incoming missing", func(r *detect.Report) { r.Recommended.Incoming = nil },
			[]string{"no incoming server (IMAP or POP3) worked"}, nil},
		{"password refused", func(r *detect.Report) {
			r.Recommended = recommend.Recommendation{}
			r.Probes = []detect.ProbeReport{refused(imap, "imap-no"), refused(imap143, "imap-no"), refused(smtp, "smtp-535")}
		}, []string{"no incoming or outgoing server worked", "IMAP imap.example.it:993: Refused by imap-no.", "SMTP smtp.example.it:465: Refused by smtp-535.", "→ Check the password."},
			[]string{"imap.example.it:143"}},
	} {
		rep := exportReport()
		tc.edit(rep)
		code, out, errOut := runExportCLI(t, "", "--from", writeReport(t, rep), "--lang", "en")
		if code != ExitNotFound || out != "" {
			t.Errorf("%s: exit %d, stdout %q", tc.name, code, out)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s: %q missing from:\n%s", tc.name, w, errOut)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(errOut, n) {
				t.Errorf("%s: %q in:\n%s", tc.name, n, errOut)
			}
		}
	}
}

func TestExportWritesNothingFromAnInterruptedCheck(t *testing.T) {
	noCheck(t)
	rep := exportReport()
	rep.Canceled = true
	dest := filepath.Join(t.TempDir(), "anna.txt")
	code, out, errOut := runExportCLI(t, "", "--from", writeReport(t, rep), "--lang", "it", "-o", dest)
	want := i18n.TIn("it", "export.cli.err.canceled", map[string]any{"Address": "anna@example.it"})
	if code != ExitNotFound || out != "" || strings.TrimSpace(errOut) != want {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if _, err := os.Stat(dest); err == nil {
		t.Error("a file was written from an interrupted check")
	}
}

func TestExportRefusesBadUsageWithExitTwo(t *testing.T) {
	noCheck(t)
	noNetworkForExport(t)
	report := writeReport(t, exportReport())
	garbage := filepath.Join(t.TempDir(), "garbage.json")
	if err := os.WriteFile(garbage, []byte(`{"hello":`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"unknown format", "", []string{"--format", "pdf", "anna@example.it"}},
		{"no address", "", []string{"--format", "text"}},
		{"two addresses", "", []string{"a@example.it", "b@example.it"}},
		{"bad address", "", []string{"not an address"}},
		{"unknown language", "", []string{"--lang", "fr", "--from", report}},
		{"password in a text export", exportSecret + "\n", []string{"--format", "text", "--include-password", "--from", report}},
		{"signing a Thunderbird file", "", []string{"--format", "thunderbird", "--sign-p12", "x.p12", "--from", report}},
		{"p12 password without p12", "pw\n", []string{"--format", "mobileconfig", "--sign-pass-stdin", "--from", report}},
		{"include password with nothing on stdin", "", []string{"--format", "mobileconfig", "--include-password", "--from", report}},
		{"password with a NUL", "a\x00b\n", []string{"--format", "mobileconfig", "--include-password", "--from", report}},
		{"missing report", "", []string{"--from", filepath.Join(t.TempDir(), "nope.json")}},
		{"not a report", "", []string{"--from", garbage}},
		{"report for someone else", "", []string{"--from", report, "bob@example.it"}},
		{"line break in the name", "", []string{"--from", report, "--name", "Anna\r\nBcc: x"}},
		{"missing p12", "", []string{"--format", "mobileconfig", "--sign-p12", filepath.Join(t.TempDir(), "none.p12"), "--from", report}},
		{"report and passwords both on stdin", "pw\n", []string{"--format", "mobileconfig", "--include-password", "--from", "-"}},
		{"report is a folder", "", []string{"--from", t.TempDir()}},
		{"output is a folder", "", []string{"--from", report, "-o", t.TempDir(), "--force"}},
		{"ISPDB not a URL", "", []string{"--ispdb", "ftp.example.org", "anna@example.it"}},
	} {
		code, out, errOut := runExportCLI(t, tc.stdin, tc.args...)
		if code != ExitUsage || out != "" || errOut == "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", tc.name, code, out, errOut)
		}
		if strings.Contains(errOut, exportSecret) {
			t.Errorf("%s: password in the error", tc.name)
		}
	}
}

// TestExportExplainsFileErrorsInPlainWords: a missing file, a folder
// and a missing output folder are said in the user's language, without
// the system's English or the name of our temporary file.
func TestExportExplainsFileErrorsInPlainWords(t *testing.T) {
	noCheck(t)
	report := writeReport(t, exportReport())
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		key  string
	}{
		{"missing report", []string{"--from", filepath.Join(dir, "nope.json")}, "export.cli.err.not_exist"},
		{"report is a folder", []string{"--from", dir}, "export.cli.err.is_dir"},
		{"missing output folder", []string{"--from", report, "-o", filepath.Join(dir, "no", "x.txt")}, "export.cli.err.not_exist"},
		{"output is a folder", []string{"--from", report, "-o", dir, "--force"}, "export.cli.err.is_dir"},
	} {
		code, _, errOut := runExportCLI(t, "", append(tc.args, "--lang", "it")...)
		if want := i18n.TIn("it", tc.key); code != ExitUsage || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d, %q does not say %q", tc.name, code, errOut, want)
		}
		if strings.Contains(errOut, "no such file") || strings.Contains(errOut, ".tmp-") {
			t.Errorf("%s: system wording or temporary name: %q", tc.name, errOut)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func noNetworkForExport(t *testing.T) {
	old := exportCheck
	t.Cleanup(func() { exportCheck = old })
	exportCheck = func(context.Context, detect.CheckOptions, address.Address, event.Sink) *detect.Report {
		t.Error("a check ran for input that should have been refused")
		return &detect.Report{}
	}
}

func TestExportWritesFilesAtomicallyAndNeverOverwritesWithoutForce(t *testing.T) {
	noCheck(t)
	report := writeReport(t, exportReport())
	dir := t.TempDir()
	dest := filepath.Join(dir, "config-v1.1.xml")
	if code, out, errOut := runExportCLI(t, "", "--from", report, "--format", "thunderbird", "-o", dest); code != ExitOK || out != "" {
		t.Fatalf("exit %d stdout %q: %s", code, out, errOut)
	}
	first, err := os.ReadFile(dest)
	if err != nil || !bytes.Contains(first, []byte("<clientConfig")) {
		t.Fatalf("file: %v\n%s", err, first)
	}
	if err := os.WriteFile(dest, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runExportCLI(t, "", "--from", report, "--format", "thunderbird", "-o", dest); code != ExitUsage || !strings.Contains(errOut, "--force") {
		t.Errorf("overwrite without --force: exit %d: %s", code, errOut)
	}
	if data, _ := os.ReadFile(dest); string(data) != "keep me" {
		t.Errorf("the existing file changed: %q", data)
	}
	if code, _, errOut := runExportCLI(t, "", "--from", report, "--format", "thunderbird", "-o", dest, "--force"); code != ExitOK {
		t.Errorf("--force: exit %d: %s", code, errOut)
	}
	if data, _ := os.ReadFile(dest); !bytes.Equal(data, first) {
		t.Errorf("--force did not replace the file: %q", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if info, _ := os.Stat(dest); info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", info.Mode())
	}
	if code, _, errOut := runExportCLI(t, "", "--from", report, "-o", filepath.Join(dir, "no", "such", "dir.txt")); code != ExitUsage || errOut == "" {
		t.Errorf("missing directory: exit %d: %s", code, errOut)
	}
}

func TestExportIncludesThePasswordOnlyInTheProfileWithAWarning(t *testing.T) {
	noCheck(t)
	report := writeReport(t, exportReport())
	dest := filepath.Join(t.TempDir(), "anna.mobileconfig")
	code, out, errOut := runExportCLI(t, exportSecret+"\r\n", "--from", report, "--format", "mobileconfig", "--include-password", "--lang", "it", "-o", dest)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, export.PasswordWarning("it")) || strings.Contains(out+errOut, exportSecret) {
		t.Errorf("stderr %q stdout %q", errOut, out)
	}
	info, err := os.Stat(dest)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("a file with a password must be private: %v %v", info.Mode(), err)
	}
	data, _ := os.ReadFile(dest)
	var p struct {
		PayloadContent []struct{ IncomingPassword string }
	}
	if _, err := plist.Unmarshal(data, &p); err != nil || len(p.PayloadContent) != 1 || p.PayloadContent[0].IncomingPassword != exportSecret {
		t.Errorf("profile password: %v %+v", err, p)
	}
	// Without --include-password the password given for the check stays out.
	code, out, _ = runExportCLI(t, exportSecret+"\n", "--from", report, "--format", "mobileconfig", "--password-stdin")
	if code != ExitOK || strings.Contains(out, exportSecret) {
		t.Errorf("exit %d; password in the profile without --include-password", code)
	}
}

func TestExportSignsTheProfileWithTheP12FromStdin(t *testing.T) {
	noCheck(t)
	p12, root := labtest.SignerP12(t, "p12-pass")
	p12Path := filepath.Join(t.TempDir(), "signer.p12")
	if err := os.WriteFile(p12Path, p12, 0o600); err != nil {
		t.Fatal(err)
	}
	report := writeReport(t, exportReport())
	// Both secrets on stdin: the mail password first, then the .p12's.
	code, out, errOut := runExportCLI(t, exportSecret+"\np12-pass\n", "--from", report, "--format", "mobileconfig",
		"--include-password", "--sign-p12", p12Path, "--sign-pass-stdin")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	p7, err := pkcs7.Parse([]byte(out))
	if err != nil {
		t.Fatalf("not signed: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(root)
	if err := p7.VerifyWithChain(pool); err != nil {
		t.Errorf("signature: %v", err)
	}
	if !bytes.Contains(p7.Content, []byte(exportSecret)) {
		t.Error("the signed profile lost the included password")
	}
	if code, _, errOut := runExportCLI(t, "wrong\n", "--from", report, "--format", "mobileconfig", "--sign-p12", p12Path, "--sign-pass-stdin"); code != ExitUsage || errOut == "" {
		t.Errorf("wrong .p12 password: exit %d", code)
	}
}

func TestReadSecretLine(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"pw\n", "pw", true},
		{"pw\r\n", "pw", true},
		{"pw", "pw", true},
		{"pàss wörd\n", "pàss wörd", true},
		{"a\rb\n", "", false},
		{strings.Repeat("x", maxSecretLine) + "\n", strings.Repeat("x", maxSecretLine), true},
		{strings.Repeat("x", maxSecretLine+1) + "\n", "", false},
		{strings.Repeat("x", 1<<20), "", false},
	} {
		a := &exportArgs{passwordStdin: true}
		s, err := readSecrets(strings.NewReader(tc.in), a)
		if (err == nil) != tc.ok || s.password != tc.want {
			t.Errorf("%.20q: %q, %v", tc.in, s.password, err)
		}
	}
}

// TestExportChecksALiveLabAndExportsWhatWorks runs the real check (the
// loopback lab of check_test.go: autoconfig, IMAP 993 and SMTP 465 with
// a test CA) and exports its recommendation, logging in with the
// password from stdin and writing it into the profile.
func TestExportChecksALiveLabAndExportsWhatWorks(t *testing.T) {
	checkLab(t, true)
	code, out, errOut := runCLI(t, sentinel+"\n", false, "export", "--format", "mobileconfig", "--include-password",
		"--timeout", "3s", "--lang", "en", "--name", "Anna", "anna@example.org")
	if code != ExitOK {
		t.Fatalf("exit %d\nstderr: %s", code, errOut)
	}
	var p struct {
		PayloadContent []struct {
			EmailAccountName, IncomingMailServerHostName, OutgoingMailServerHostName, IncomingPassword string
			IncomingMailServerPortNumber, OutgoingMailServerPortNumber                                 int
		}
	}
	if _, err := plist.Unmarshal([]byte(out), &p); err != nil || len(p.PayloadContent) != 1 {
		t.Fatalf("profile: %v\n%s", err, out)
	}
	m := p.PayloadContent[0]
	if m.EmailAccountName != "Anna" || m.IncomingMailServerHostName != "mail.example.org" || m.IncomingMailServerPortNumber != 993 ||
		m.OutgoingMailServerHostName != "mail.example.org" || m.OutgoingMailServerPortNumber != 465 || m.IncomingPassword != sentinel {
		t.Errorf("profile account %+v", m)
	}
	if strings.Contains(errOut, sentinel) || !strings.Contains(errOut, export.PasswordWarning("en")) {
		t.Errorf("stderr: %s", errOut)
	}
	// The JSON export carries the report of the check, which logged in
	// with the password and never wrote it down.
	code, out, errOut = runCLI(t, sentinel+"\n", false, "export", "--format", "json", "--password-stdin", "--timeout", "3s", "anna@example.org")
	if code != ExitOK || strings.Contains(out+errOut, sentinel) {
		t.Fatalf("exit %d, or the password leaked\n%s\n%s", code, out, errOut)
	}
	var doc struct {
		Report struct {
			Recommended struct {
				Incoming struct{ Login string } `json:"incoming"`
			} `json:"recommended"`
		} `json:"report"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Report.Recommended.Incoming.Login != "ok" {
		t.Errorf("report login %q (%v)", doc.Report.Recommended.Incoming.Login, err)
	}
}

func TestExportExitsOneWhenTheLiveCheckFindsNoOutgoingServer(t *testing.T) {
	checkLab(t, false)
	code, out, errOut := runCLI(t, "", false, "export", "--format", "thunderbird", "--timeout", "2s", "--lang", "en", "anna@example.org")
	if code != ExitNotFound || out != "" || !strings.Contains(errOut, "No working settings") {
		t.Errorf("exit %d stdout %q stderr %q", code, out, errOut)
	}
}

func TestExportReadsTheReportFromStdin(t *testing.T) {
	noCheck(t)
	data, err := json.Marshal(exportReport())
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runExportCLI(t, string(data), "--from", "-", "--format", "dns", "--lang", "en", "anna@example.it")
	if code != ExitOK || !strings.Contains(out, "_imaps._tcp.example.it. 3600 IN SRV 0 1 993 imap.example.it.") {
		t.Errorf("exit %d: %s\n%s", code, errOut, out)
	}
}
