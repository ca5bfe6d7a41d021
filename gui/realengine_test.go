package gui

import (
	"net/http"
	"testing"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
	"github.com/postino-mail/postino/detect/mail"
)

// TestRealEngineDrivesTheWindow runs the real detect.Check against the
// loopback lab (an HTTPS autoconfig file naming an IMAP server that
// refuses connections and a working submission server) and checks the
// window shows what it reported.
func TestRealEngineDrivesTheWindow(t *testing.T) {
	lab := labtest.New(t)
	lab.HTTPS("autoconfig.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.Write([]byte(`<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example.com">
<domain>example.com</domain><displayName>Example Mail</displayName>
<incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType>
<authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>465</port><socketType>SSL</socketType>
<authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></outgoingServer>
</emailProvider></clientConfig>`))
	}))
	lab.Host("imap.example.com")
	lab.Host("smtp.example.com")
	// The submission server answers, to see the EHLO name the window's
	// engine gives (the probe's RFC 5321 default, not a name of its own).
	user := mailserver.NewUser(t, "mario@example.com", "pw")
	sub := mailserver.NewSubmission(user, "mario@example.com", "pw", nil)
	mailserver.ServeSMTP(t, lab.Listen("smtp.example.com", 465), sub, "smtp.example.com", lab.Cert("smtp.example.com"), true)

	u, queue := realWindow(t, lab)
	u.AutoCheck("mario@example.com")

	drive(t, u, queue)

	if u.running() {
		t.Fatal("the window still shows a running check")
	}
	if !hasText(u.sources.obj, "Autoconfig (HTTPS)") || !hasText(u.sources.obj, "found 2") {
		t.Fatalf("sources: %q", texts(u.sources.obj))
	}
	if len(u.state.Rows(true)) == 0 || len(u.state.Rows(false)) == 0 {
		t.Fatalf("rows: %+v", u.grid.items)
	}
	row, _ := u.state.Row(u.state.Rows(true)[0])
	if word, _ := statusWord(row, false); word != "Refused" {
		t.Fatalf("imap.example.com:993 shows %q, want Refused", word)
	}
	if !hasText(u.rec.obj, "smtp.example.com") {
		t.Fatalf("recommendation: %q", texts(u.rec.obj))
	}
	if got := sub.Recorded().EHLO; len(got) == 0 || got[0] != mail.EHLOName {
		t.Fatalf("EHLO names %q, want %q", got, mail.EHLOName)
	}
	if !hasText(u.summary, "servers tested") {
		t.Fatalf("summary: %q", u.summary.Text)
	}
}
