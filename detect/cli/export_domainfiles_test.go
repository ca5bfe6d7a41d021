package cli

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/recommend"
	"github.com/postino-mail/postino/export"
)

// TestExportDomainFilesWritesTheTree: --domain-files writes every file
// of the tree under DIR, refuses to overwrite without --force, and says
// where the README is.
func TestExportDomainFilesWritesTheTree(t *testing.T) {
	noCheck(t)
	dir := filepath.Join(t.TempDir(), "site")
	report := writeReport(t, exportReport())
	code, out, errOut := runExportCLI(t, "", "--from", report, "--domain-files", dir, "--web-host", "web.example.net", "--lang", "it")
	if code != ExitOK || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	for _, p := range []string{export.DomainFileAutoconfig, export.DomainFileWellKnownAutoconfig, export.DomainFileAutodiscover, export.DomainFileZone, export.DomainFileReadme, export.DomainFileNginx, export.DomainFileApache} {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if strings.Contains(string(data), "anna@example.it") {
			t.Errorf("%s names the person whose check made it", p)
		}
	}
	readme, _ := os.ReadFile(filepath.Join(dir, export.DomainFileReadme))
	if !strings.Contains(string(readme), "Cosa va dove") || !strings.Contains(errOut, "README.txt") {
		t.Errorf("README not in Italian or not pointed at:\n%s\n%s", readme, errOut)
	}
	if code, _, errOut := runExportCLI(t, "", "--from", report, "--domain-files", dir); code != ExitUsage || !strings.Contains(errOut, "--force") {
		t.Errorf("overwrite without --force: exit %d %s", code, errOut)
	}
	if code, _, errOut := runExportCLI(t, "", "--from", report, "--domain-files", dir, "--force"); code != ExitOK {
		t.Errorf("--force: exit %d %s", code, errOut)
	}
}

// TestExportDomainFilesPublishOnlyVerifiedServers: a server whose
// certificate did not verify is not published; with none verified in a
// direction nothing is written (exit 1).
func TestExportDomainFilesPublishOnlyVerifiedServers(t *testing.T) {
	noCheck(t)
	rep := exportReport()
	rep.Recommended.Alternatives[0].Verified = false // imap 143
	dir := filepath.Join(t.TempDir(), "site")
	if code, _, errOut := runExportCLI(t, "", "--from", writeReport(t, rep), "--domain-files", dir); code != ExitOK {
		t.Fatalf("exit %d %s", code, errOut)
	}
	tb, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(export.DomainFileAutoconfig)))
	zone, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(export.DomainFileZone)))
	if strings.Contains(string(tb), "<port>143</port>") || strings.Contains(string(zone), " 143 ") {
		t.Errorf("unverified IMAP 143 published:\n%s\n%s", tb, zone)
	}
	rep = exportReport()
	rep.Recommended.Outgoing.Verified = false
	rep.Recommended.Alternatives[1].Verified = false
	dir = filepath.Join(t.TempDir(), "site")
	code, _, errOut := runExportCLI(t, "", "--from", writeReport(t, rep), "--domain-files", dir, "--lang", "en")
	if code != ExitNotFound || !strings.Contains(errOut, "certificate that verified") {
		t.Errorf("no verified SMTP: exit %d %s", code, errOut)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("folder created although nothing could be published")
	}
	// The DNS format publishes only verified servers too.
	if code, _, _ := runExportCLI(t, "", "--from", writeReport(t, rep), "--format", "dns"); code != ExitNotFound {
		t.Errorf("dns without a verified SMTP server: exit %d", code)
	}
}

func TestExportDomainFilesAndDeclareAbsentFlags(t *testing.T) {
	noCheck(t)
	report := writeReport(t, exportReport())
	dir := filepath.Join(t.TempDir(), "site")
	for name, args := range map[string][]string{
		"with format":          {"--domain-files", dir, "--format", "dns"},
		"with -o":              {"--domain-files", dir, "-o", "x"},
		"with password":        {"--domain-files", dir, "--include-password"},
		"with name":            {"--domain-files", dir, "--name", "Anna"},
		"absent unknown":       {"--format", "dns", "--declare-absent", "_ftp._tcp"},
		"absent wrong format":  {"--format", "text", "--declare-absent", "_pop3._tcp"},
		"encrypt wrong format": {"--format", "text", "--encrypt-to", "x.pem"},
	} {
		if code, _, errOut := runExportCLI(t, "", append([]string{"--from", report}, args...)...); code != ExitUsage || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%s: exit %d, stderr %q (want one line, exit 2)", name, code, errOut)
		}
	}
	code, out, errOut := runExportCLI(t, "", "--from", report, "--format", "dns", "--declare-absent", "_pop3._tcp, _pop3s._tcp")
	if code != ExitOK || !strings.Contains(out, "_pop3._tcp.example.it. 3600 IN SRV 0 0 0 .") || !strings.Contains(out, "_pop3s._tcp.example.it. 3600 IN SRV 0 0 0 .") {
		t.Errorf("exit %d %s\n%s", code, errOut, out)
	}
	code, out, _ = runExportCLI(t, "", "--from", report, "--format", "dns")
	if code != ExitOK || strings.Contains(out, "IN SRV 0 0 0 .") {
		t.Errorf("services declared absent without --declare-absent:\n%s", out)
	}
	// A verified service cannot be declared absent.
	if code, _, _ := runExportCLI(t, "", "--from", report, "--format", "dns", "--declare-absent", "_imaps._tcp"); code != ExitUsage {
		t.Errorf("declaring a verified service absent: exit %d", code)
	}
}

func TestExportEncryptToWritesAnEncryptedProfile(t *testing.T) {
	noCheck(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "device"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	certPath := filepath.Join(t.TempDir(), "device.pem")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runExportCLI(t, "s3cret-pass\n", "--from", writeReport(t, exportReport()), "--format", "mobileconfig", "--include-password", "--encrypt-to", certPath, "--lang", "en")
	if code != ExitOK || !strings.Contains(out, "<key>EncryptedPayloadContent</key>") || strings.Contains(out, "s3cret-pass") || strings.Contains(out, "IncomingMailServerHostName") {
		t.Fatalf("exit %d %s\n%s", code, errOut, out)
	}
	if strings.Contains(errOut, "encrypted profiles") {
		t.Error("warned that the password is unencrypted although it is encrypted")
	}
	_, _, errOut = runExportCLI(t, "s3cret-pass\n", "--from", writeReport(t, exportReport()), "--format", "mobileconfig", "--include-password", "--lang", "en")
	if !strings.Contains(errOut, "encrypted profiles") {
		t.Errorf("no word that Apple meant the password keys for encrypted profiles: %s", errOut)
	}
	if code, _, _ := runExportCLI(t, "", "--from", writeReport(t, exportReport()), "--format", "mobileconfig", "--encrypt-to", filepath.Join(t.TempDir(), "missing.pem")); code != ExitUsage {
		t.Errorf("missing certificate: exit %d", code)
	}
}

// TestExportRefusesOAuth2OnlyProfile: the Apple profile for a provider
// that takes only OAuth2 is refused with the steps, not written.
func TestExportRefusesOAuth2OnlyProfile(t *testing.T) {
	noCheck(t)
	rep := exportReport()
	for _, c := range []*recommend.Choice{rep.Recommended.Incoming} {
		c.Auth = []mail.Auth{mail.AuthOAuth2}
	}
	code, out, errOut := runExportCLI(t, "", "--from", writeReport(t, rep), "--format", "mobileconfig", "--lang", "en")
	if code != ExitUsage || out != "" || !strings.Contains(errOut, "Add Account") {
		t.Errorf("exit %d, stdout %d bytes, stderr %s", code, len(out), errOut)
	}
}
