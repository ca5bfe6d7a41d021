package gui

import (
	"bytes"
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

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/export"
)

func openExport(t *testing.T, password string) (*harness, *exportDialog) {
	t.Helper()
	h := newHarness(t)
	h.start("mario@example.com", password)
	h.send(recommendation())
	h.finish()
	test.Tap(h.ui.top.export)
	return h, h.ui.exporter
}

// TestP12PasswordFieldIsWideAndFocused: the .p12 password is typed
// into a field as wide as a normal entry, with the cursor already in it,
// and Enter confirms.
func TestP12PasswordFieldIsWideAndFocused(t *testing.T) {
	h, e := openExport(t, "")
	e.askP12Password(testP12(t, "p12-pass"))
	pw := e.p12Password
	if pw == nil {
		t.Fatal("no password entry")
	}
	if w := pw.Size().Width; w < p12EntryWidth {
		t.Errorf("password entry is %.0f px wide, want at least %d", w, p12EntryWidth)
	}
	if h.win.Canvas().Focused() != pw {
		t.Errorf("focus is on %T, want the password entry", h.win.Canvas().Focused())
	}
	test.Type(pw, "p12-pass")
	pw.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if e.signer == nil {
		t.Fatal("Enter did not load the certificate")
	}
	h.requireText(h.overlay(), labtest.SignerName)
}

// TestProfileOptionsSitUnderTheProfileRow: the password and signing
// options come right after the Apple profile's row, before the next
// format, not at the bottom of the dialog.
func TestProfileOptionsSitUnderTheProfileRow(t *testing.T) {
	_, e := openExport(t, "s3cret")
	d := fyne.CurrentApp().Driver()
	profileRow := e.formatRows["mobileconfig"]
	next := e.formatRows["text"]
	rowBottom := d.AbsolutePositionForObject(profileRow).Y + profileRow.Size().Height
	opts := d.AbsolutePositionForObject(e.withPass).Y
	if opts < rowBottom || opts > d.AbsolutePositionForObject(next).Y {
		t.Errorf("profile options at y=%.0f, want between the profile row (ends %.0f) and the next format (%.0f)", opts, rowBottom, d.AbsolutePositionForObject(next).Y)
	}
	if gap := opts - rowBottom; gap > 24 {
		t.Errorf("profile options %.0f px below their row", gap)
	}
}

// TestExportDialogWritesTheDomainFiles: the dialog writes the tree into
// the chosen folder, asks before replacing files, and says where the
// README is; no file names the person.
func TestExportDialogWritesTheDomainFiles(t *testing.T) {
	h, e := openExport(t, "s3cret")
	if e.domainSave.Disabled() {
		t.Fatal("domain files disabled for verified servers")
	}
	dir := t.TempDir()
	e.webHost.SetText("www.example.com")
	files, err := e.domainFiles()
	if err != nil {
		t.Fatal(err)
	}
	e.writeDomainFiles(dir, files, false)
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		if strings.Contains(string(data), "mario@example.com") || strings.Contains(string(data), "s3cret") {
			t.Errorf("%s names the person", f.Path)
		}
	}
	zone, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(export.DomainFileZone)))
	if !strings.Contains(string(zone), "CNAME www.example.com.") {
		t.Errorf("web host not used:\n%s", zone)
	}
	if !strings.Contains(e.domainStatus.Text, export.DomainFileReadme) {
		t.Errorf("status %q does not point at the README", e.domainStatus.Text)
	}
	// Again: the files are there, so the dialog asks first.
	os.WriteFile(filepath.Join(dir, "README.txt"), []byte("mine"), 0o644)
	e.writeDomainFiles(dir, files, false)
	h.requireText(h.overlay(), "README.txt")
	if data, _ := os.ReadFile(filepath.Join(dir, "README.txt")); string(data) != "mine" {
		t.Error("replaced a file without asking")
	}
}

// With no verified server in a direction the section says why and the
// button is off.
func TestExportDialogDomainFilesNeedVerifiedServers(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	rec := recommendation()
	rec.Recommendation.Outgoing.Verified = false
	h.send(rec)
	h.finish()
	test.Tap(h.ui.top.export)
	e := h.ui.exporter
	if !e.domainSave.Disabled() || !e.domainStatus.Visible() {
		t.Error("domain files offered without a verified outgoing server")
	}
}

// The Thunderbird row says what its file leaves out.
func TestExportDialogSaysWhatTheThunderbirdFileLeavesOut(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	rec := recommendation()
	rec.Recommendation.Incoming.Auth = []mail.Auth{mail.AuthPasswordCleartext, mail.AuthNTLM}
	h.send(rec)
	h.finish()
	test.Tap(h.ui.top.export)
	h.requireText(h.overlay(), "NTLM")
}

// The profile can be encrypted to a device certificate from the dialog,
// as with --encrypt-to: the password is then unreadable in the file.
func TestExportDialogEncryptsTheProfileForADevice(t *testing.T) {
	h, e := openExport(t, "s3cret")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: "Anna's iPhone"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.loadDeviceCert([]byte("not a certificate")); err == nil {
		t.Error("garbage accepted as a device certificate")
	}
	if err := e.loadDeviceCert(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})); err != nil {
		t.Fatal(err)
	}
	h.requireText(h.overlay(), "Anna's iPhone")
	e.withPass.SetChecked(true)
	profile, _ := export.Lookup("mobileconfig")
	out, err := e.render(profile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte("EncryptedPayloadContent")) || bytes.Contains(out, []byte("s3cret")) {
		t.Error("profile not encrypted, or the password readable")
	}
}
