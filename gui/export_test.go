package gui

import (
	"bytes"
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/recommend"
	"github.com/postino-mail/postino/export"
)

// testP12 is the lab's .p12 fixture, whose subject is labtest.SignerName.
func testP12(t *testing.T, password string) []byte {
	t.Helper()
	p12, _ := labtest.SignerP12(t, password)
	return p12
}

func TestProfileIsSignedWithTheChosenP12(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "s3cret")
	h.send(recommendation())
	h.finish()
	test.Tap(h.ui.top.export)
	e := h.ui.exporter
	profile, _ := export.Lookup("mobileconfig")

	plain, err := e.render(profile)
	if err != nil || !bytes.HasPrefix(plain, []byte("<?xml")) {
		t.Fatalf("unsigned profile: %v %q", err, plain[:min(len(plain), 20)])
	}
	if err := e.loadP12(testP12(t, "p12-pass"), "wrong"); err == nil {
		t.Fatal("a wrong .p12 password was accepted")
	}
	if err := e.loadP12(testP12(t, "p12-pass"), "p12-pass"); err != nil {
		t.Fatal(err)
	}
	h.requireText(h.overlay(), labtest.SignerName)
	signed, err := e.render(profile)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(signed, []byte("<?xml")) || signed[0] != 0x30 {
		t.Fatalf("the profile is not CMS-signed: %q", signed[:min(len(signed), 20)])
	}
	if bytes.Contains(signed, []byte("s3cret")) {
		t.Fatal("the password is in a profile although not asked for")
	}
	e.withPass.SetChecked(true)
	withPass, _ := e.render(profile)
	if !bytes.Contains(withPass, []byte("s3cret")) {
		t.Fatal("include password did not include it")
	}
}

// The window exports what the CLI exports (detect.Report.ExportSettings):
// an alternative whose certificate failed is left out while the chosen
// server verified, a server without published methods gets those it
// announced, and only the chosen servers' notes come along.
func TestExportUsesTheSameSettingsAsTheCLI(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	other := mail.Server{Protocol: mail.IMAP, Host: "mail.example.net", Port: 993, Security: mail.TLS}
	noted := candidate(other, "guess")
	noted.Candidate.Notes = []mail.Note{{Code: "enable-imap"}}
	smtp := okResult(smtpSub)
	smtp.AuthMechanisms = []string{"PLAIN", "CRAM-MD5"}
	rec := recommendation()
	rec.Recommendation.Alternatives = []recommend.Choice{
		{Server: imapPlus, Verified: true},
		{Server: other, Verified: false},
	}
	h.send(candidate(imapTLS, "builtin"), candidate(smtpSub, "builtin"), noted, probe.Update{Result: smtp}, rec)
	h.finish()

	got := h.ui.exportSettings(false)
	if len(got.AlternativesIn) != 1 || got.AlternativesIn[0].Key() != imapPlus.Key() {
		t.Errorf("incoming alternatives = %+v, want only the verified %s", got.AlternativesIn, imapPlus.Key())
	}
	if want := []mail.Auth{mail.AuthPasswordCleartext, mail.AuthPasswordEncrypted}; !slices.Equal(got.Outgoing.Auth, want) {
		t.Errorf("outgoing auth = %v, want %v (from the server's AUTH)", got.Outgoing.Auth, want)
	}
	if len(got.Notes) != 0 {
		t.Errorf("notes of a server not exported came along: %+v", got.Notes)
	}
	if got.Address != "mario@example.com" || got.Domain != "example.com" {
		t.Errorf("address %q domain %q", got.Address, got.Domain)
	}
}
