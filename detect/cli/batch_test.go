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

	"github.com/postino-mail/postino/detect/batch"
	"github.com/postino-mail/postino/detect/batch/batchtest"
	"github.com/postino-mail/postino/detect/labtest"
)

// batchLab serves one provider (mail.prov.example, every port) for
// alfa.example and beta.example, and points the batch command at it.
func batchLab(t *testing.T) {
	lab := labtest.NewWith(t, labtest.Options{DNSTimeout: 5 * time.Second})
	db := batchtest.NewISPDB(lab)
	db.Provider("prov.example", "Prov", "mail.prov.example", "", "mail.prov.example")
	batchtest.Host(t, lab, nil, "mail.prov.example", []int{993, 143, 465, 587, 25, 2525})
	lab.MX("alfa.example", 10, "mx.prov.example")
	lab.MX("beta.example", 10, "mx.prov.example")
	useNetwork(t, lab.Network())
}

func noBatchNetwork(t *testing.T) {
	useTripwire(t)
}

func TestBatchCommandBadInputExits2(t *testing.T) {
	noBatchNetwork(t)
	dir := t.TempDir()
	list := filepath.Join(dir, "users.csv")
	os.WriteFile(list, []byte("nome;cognome\nAnna;Rossi\n"), 0o644)
	for name, args := range map[string][]string{
		"no input":         {"batch", "-o", dir},
		"no output":        {"batch", list},
		"unknown format":   {"batch", "--format", "mobileconfig,word", "-o", dir, list},
		"two inputs":       {"batch", "-o", dir, list, list},
		"missing file":     {"batch", "-o", dir, filepath.Join(dir, "nope.csv")},
		"no email column":  {"batch", "-o", dir, list},
		"bad per-host":     {"batch", "--per-host", "0", "-o", dir, list},
		"sign without p12": {"batch", "--sign-pass-stdin", "-o", dir, list},
		"unknown language": {"batch", "--lang", "fr", "-o", dir, list},
	} {
		code, out, errText := runCLI(t, "", false, args...)
		if code != ExitUsage || strings.TrimSpace(errText) == "" || out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, code, out, errText)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "report.json")); err == nil {
		t.Errorf("a refused batch wrote a report")
	}
}

func TestBatchCommandJSONFromStdin(t *testing.T) {
	batchLab(t)
	dir := t.TempDir()
	list := "email,name,password\nanna@alfa.example,Anna,pw1\nbob@beta.example,Bob,pw2\nbroken-line\n"
	code, out, errText := runCLI(t, list, false, "batch", "--json", "--format", "thunderbird,text", "--timeout", "3s", "-o", dir, "-")
	if code != ExitNotFound {
		t.Errorf("exit %d with a bad row, want 1; stderr %s", code, errText)
	}
	// stdout is the report and nothing else.
	var rep batch.Report
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil || dec.More() {
		t.Fatalf("stdout is not one report: %v\n%s", err, out)
	}
	if rep.Summary.Written != 2 || rep.Summary.Rejected != 1 || rep.EndpointsProbed != 6 {
		t.Errorf("summary %+v, %d endpoints probed (want 6)", rep.Summary, rep.EndpointsProbed)
	}
	onDisk, _ := os.ReadFile(filepath.Join(dir, "report.json"))
	if !bytes.Equal(onDisk, []byte(out)) {
		t.Errorf("report.json differs from stdout")
	}
	for _, want := range []string{"password", "Line 4"} {
		if !strings.Contains(errText, want) {
			t.Errorf("stderr does not mention %q:\n%s", want, errText)
		}
	}
	if strings.Contains(out+errText, "pw1") {
		t.Errorf("a password from the list was echoed")
	}
	if _, err := os.Stat(filepath.Join(dir, "users", "bob@beta.example", "bob@beta.example.thunderbird.xml")); err != nil {
		t.Error(err)
	}

	// Run again: everything is there, nothing is rewritten; exit 0 once
	// the list is clean.
	code, out, _ = runCLI(t, "anna@alfa.example\nbob@beta.example\n", false, "batch", "--format", "thunderbird,text", "-o", dir, "-")
	if code != ExitOK || !strings.Contains(out, "report.html") {
		t.Errorf("second run: exit %d\n%s", code, out)
	}
	if r := readBatchReport(t, dir); r.Summary.Kept != 2 || r.EndpointsProbed != 0 {
		t.Errorf("second run: %+v, %d endpoints probed", r.Summary, r.EndpointsProbed)
	}
}

func TestBatchCommandTextInItalianWithProgress(t *testing.T) {
	batchLab(t)
	dir := t.TempDir()
	list := filepath.Join(t.TempDir(), "utenti.csv")
	os.WriteFile(list, []byte("email;nome\nanna@alfa.example;Anna\nugo@nomail.example;Ugo\n"), 0o644)
	code, out, errText := runCLI(t, "", true, "batch", "--lang", "it", "--timeout", "3s", "-o", dir, list)
	if code != ExitNotFound {
		t.Errorf("exit %d, want 1 (ugo has no profile)", code)
	}
	for _, want := range []string{"alfa.example: impostazioni funzionanti trovate", "ugo@nomail.example: Non è stato trovato", "1 profili scritti"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errText, "Domini 2/2") {
		t.Errorf("no live progress on the terminal:\n%q", errText)
	}
	if _, err := os.Stat(filepath.Join(dir, "users", "anna@alfa.example", "anna@alfa.example.mobileconfig")); err != nil {
		t.Errorf("default formats: %v", err)
	}
}

func readBatchReport(t *testing.T, dir string) *batch.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r batch.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// --sign-p12 signs every user's Apple profile; the .p12 password comes
// from standard input, the list from a file.
func TestBatchCommandSignsProfiles(t *testing.T) {
	batchLab(t)
	p12, root := labtest.SignerP12(t, "p12-pass")
	dir := t.TempDir()
	p12Path, list := filepath.Join(dir, "signer.p12"), filepath.Join(dir, "users.csv")
	os.WriteFile(p12Path, p12, 0o600)
	os.WriteFile(list, []byte("anna@alfa.example\nbob@beta.example\n"), 0o644)
	out := filepath.Join(dir, "out")
	code, _, errText := runCLI(t, "p12-pass\n", false, "batch", "--format", "mobileconfig", "--sign-p12", p12Path, "--sign-pass-stdin", "--timeout", "3s", "-o", out, list)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errText)
	}
	for _, a := range []string{"anna@alfa.example", "bob@beta.example"} {
		data, err := os.ReadFile(filepath.Join(out, "users", a, a+".mobileconfig"))
		if err != nil {
			t.Fatal(err)
		}
		p7, err := pkcs7.Parse(data)
		if err != nil {
			t.Fatalf("%s: not signed: %v", a, err)
		}
		pool := x509.NewCertPool()
		pool.AddCert(root)
		if err := p7.VerifyWithChain(pool); err != nil || !bytes.Contains(p7.Content, []byte(a)) {
			t.Errorf("%s: signature %v", a, err)
		}
	}
	if code, _, _ := runCLI(t, "wrong\n", false, "batch", "--sign-p12", p12Path, "--sign-pass-stdin", "-o", out, list); code != ExitUsage {
		t.Errorf("wrong .p12 password: exit %d", code)
	}
}

// A batch whose run is interrupted (Ctrl-C; here Env.Context, which
// Ctrl-C ends the same way) stops, keeps a report saying it was
// interrupted, marks the domains it did not check, and exits 1.
func TestBatchCommandInterrupted(t *testing.T) {
	batchLab(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := Main(&Env{
		Args:   []string{"batch", "--json", "--format", "text", "-o", dir, "-"},
		Stdin:  strings.NewReader("anna@alfa.example\nbob@beta.example\n"),
		Stdout: &out, Stderr: &errb,
		Getenv:  func(k string) string { return map[string]string{EnvISPDir: "-"}[k] },
		Network: testNetwork,
		Context: ctx,
	})
	if code != ExitNotFound {
		t.Errorf("exit %d, want 1\n%s", code, errb.String())
	}
	rep := readBatchReport(t, dir)
	if !rep.Canceled || rep.Summary.Written != 0 {
		t.Errorf("report: canceled %v, summary %+v", rep.Canceled, rep.Summary)
	}
	for _, d := range rep.Domains {
		if d.Status != batch.DomainCanceled {
			t.Errorf("domain %s: %s, want canceled", d.Domain, d.Status)
		}
	}
}
