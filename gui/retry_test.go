package gui

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
	"github.com/postino-mail/postino/gui/engine"
)

// realWindow is a 900×600 test window on the real engine over lab's
// network, in every role main.go gives it (checks, retries, test
// messages), with probes bounded to 3 s; its UI updates wait in the
// queue for drive.
func realWindow(t *testing.T, lab *labtest.Lab) (*UI, chan func()) {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(900, 600))
	queue := make(chan func(), 4096)
	real := engine.Detect{Network: lab.Network()}
	u := New(a, w, Options{Engine: real, Retrier: real, RoundTripper: real})
	u.setDo(func(f func()) { queue <- f }, 0)
	w.SetContent(u.Content())
	u.set.ProbeTimeout = 3 * time.Second
	return u, queue
}

// drive runs the UI updates the real engine posts until its goroutine
// ends.
func drive(t *testing.T, u *UI, queue chan func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { u.wait(); close(done) }()
	deadline := time.After(60 * time.Second)
	for running := true; running; {
		select {
		case f := <-queue:
			f()
		case <-done:
			running = false
		case <-deadline:
			u.Close()
			t.Fatal("the run did not finish within a minute")
		}
	}
	for len(queue) > 0 {
		(<-queue)()
	}
}

// TestLoginDespiteAFailedCertificateNeedsTheUsersExplicitConsent: a
// server with a self-signed certificate never gets the password during
// the check; Details explains why without naming a command-line flag and
// offers to try the login on that server; only after the person confirms
// the risk is that one endpoint probed again, and the login succeeds.
func TestLoginDespiteAFailedCertificateNeedsTheUsersExplicitConsent(t *testing.T) {
	lab := labtest.New(t)
	lab.HTTPS("autoconfig.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.Write([]byte(`<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example.com">
<domain>example.com</domain>
<incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType>
<authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>465</port><socketType>SSL</socketType>
<authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></outgoingServer>
</emailProvider></clientConfig>`))
	}))
	lab.Host("imap.example.com")
	lab.Host("smtp.example.com")
	user := mailserver.NewUser(t, "mario@example.com", "pw")
	selfSigned := lab.CertWith(labtest.CertOptions{Names: []string{"imap.example.com"}, SelfSigned: true})
	mailserver.ServeIMAP(t, lab.Listen("imap.example.com", 993), user, nil, selfSigned, true)

	u, queue := realWindow(t, lab)
	u.top.password.SetText("pw")
	u.AutoCheck("mario@example.com")
	drive(t, u, queue)

	imaps := mail.Server{Protocol: mail.IMAP, Host: "imap.example.com", Port: 993, Security: mail.TLS, Username: "mario@example.com"}
	row, ok := u.state.Row(imaps.Key())
	if !ok {
		t.Fatalf("no row for %s: %v", imaps.Key(), u.state.Rows(true))
	}
	if row.Login == probe.LoginOK {
		t.Fatal("the check logged in to a server whose certificate failed")
	}
	u.selectRow(row.ID)
	details := texts(u.details.obj)
	all := strings.Join(details, "\n")
	if !strings.Contains(all, "button below") || strings.Contains(all, "--allow") {
		t.Fatalf("the remedy should point at the button, not a flag:\n%s", all)
	}
	b := findButton(u.details.obj, "Try the login on this server anyway…")
	if b == nil {
		t.Fatalf("no button to try the login; details:\n%s", all)
	}
	test.Tap(b)
	if u.retryDialog == nil || !hasText(u.win.Canvas().Overlays().Top(), "Someone in between could read your password") {
		t.Fatal("no confirmation explaining the risk")
	}
	// The retry is pinned to the certificate the person saw (issue 10):
	// the confirmation names its SHA-256, as Details does.
	if row.TLS == nil || len(row.TLS.SHA256) != 64 || !hasText(u.win.Canvas().Overlays().Top(), fingerprint(row.TLS.SHA256)) ||
		!strings.Contains(all, fingerprint(row.TLS.SHA256)) {
		t.Fatal("the confirmation or Details does not show the certificate's SHA-256")
	}
	if u.run.running() {
		t.Fatal("the probe started before the person confirmed")
	}
	u.retryDialog.Confirm()
	if !u.state.RowRunning(row.ID) {
		t.Fatal("the row does not show the retry running")
	}
	drive(t, u, queue)

	row, _ = u.state.Row(imaps.Key())
	if row.Login != probe.LoginOK {
		t.Fatalf("login after consent = %q (%+v)", row.Login, row.Problems)
	}
	for _, p := range row.Problems {
		if p.Code == problem.LoginNotSentInsecure {
			t.Fatal("the retried row still says the password was not sent")
		}
	}
	if findButton(u.details.obj, "Try the login on this server anyway…") != nil {
		t.Fatal("the button is still offered after the login was tried")
	}
	if u.state.RowRunning(row.ID) || u.run.running() {
		t.Fatal("the retry did not end")
	}
}
