package detect

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
)

const e2ePassword = "Sentinel-Secret-51c8"

// e2eProvider serves mail.example.org: IMAP on 993 and 143, SMTP on 465
// and 587, port 25 dropped by a firewall, POP3 and 2525 closed. Its
// published configuration lists STARTTLS and implicit TLS alike.
type e2eOptions struct {
	CheckOptions
	lab *labtest.Lab
}

func e2eProvider(t *testing.T) (e2eOptions, []mail.Candidate) {
	lab := labtest.New(t)
	m := newMailHost(t, lab, "mail.example.org", "anna@example.org", e2ePassword)
	m.IMAP(t, 993, true)
	m.IMAP(t, 143, false)
	m.SMTP(t, 465, true)
	m.SMTP(t, 587, false)
	lab.Filter("mail.example.org", 25)
	cands := []mail.Candidate{
		cand(mail.IMAP, "mail.example.org", 143, mail.STARTTLS, mail.PlaceholderAddress),
		cand(mail.IMAP, "mail.example.org", 993, mail.TLS, mail.PlaceholderAddress),
		cand(mail.SMTP, "mail.example.org", 587, mail.STARTTLS, mail.PlaceholderAddress),
		cand(mail.SMTP, "mail.example.org", 465, mail.TLS, mail.PlaceholderAddress),
	}
	return e2eOptions{CheckOptions{Network: lab.Network(), ProbeTimeout: 1500 * time.Millisecond, OverrideDir: "-"}, lab}, cands
}

// Real probes against real in-process servers: the recommendation picks
// implicit TLS on both sides and says why, every standard port is
// probed, and each failure is classified.
func TestCheckRecommendsImplicitTLSAndExplainsWhy(t *testing.T) {
	opts, cands := e2eProvider(t)
	run := fakes(t, cands, nil, nil)
	run.probe = probe.Run // real probes; only discovery is scripted here
	opts.Password = e2ePassword

	rep := check(context.Background(), opts.CheckOptions, mustAddr(t, "anna@example.org"), nil, run)
	if len(rep.Probes) != 6 {
		t.Fatalf("%d probes, want 6 (IMAP 993/143, SMTP 465/587/25/2525)\n%v", len(rep.Probes), keys(rep))
	}
	rec := rep.Recommended
	if rec.Incoming == nil || rec.Incoming.Port != 993 || rec.Outgoing == nil || rec.Outgoing.Port != 465 {
		for _, p := range rep.Probes {
			t.Logf("%s %s %s %v", p.ID, p.Status, p.Login, p.Problems)
		}
		t.Fatalf("recommended %+v / %+v, want IMAP 993 and SMTP 465", rec.Incoming, rec.Outgoing)
	}
	if rec.Incoming.Username != "anna@example.org" || rec.Incoming.Login != probe.LoginOK {
		t.Errorf("incoming %+v: want the expanded user and a successful login", rec.Incoming)
	}
	why := map[string]bool{}
	for _, r := range rec.Reasons {
		why[r.For+":"+r.Code] = true
	}
	for _, want := range []string{"incoming:implicit-tls", "outgoing:implicit-tls"} {
		if !why[want] {
			t.Errorf("reasons %v lack %s", rec.Reasons, want)
		}
	}
	byPort := map[int]ProbeReport{}
	for _, p := range rep.In(i18n.For("en")).Probes { // the words, as a front end renders them
		if p.Protocol == mail.SMTP || p.Protocol == mail.IMAP {
			byPort[p.Port] = p
		}
	}
	for port, want := range map[int]probe.Reachability{993: probe.Open, 143: probe.Open, 465: probe.Open, 587: probe.Open, 25: probe.Filtered, 2525: probe.Refused} {
		if got := byPort[port].Reachability; got != want {
			t.Errorf("port %d: reachability %q, want %q", port, got, want)
		}
	}
	if p := byPort[25]; p.Problem == nil || p.Problem.Code != "filtered" || p.Problem.Remedy == "" {
		t.Errorf("port 25: problem %+v, want filtered with a remedy", p.Problem)
	}
	if len(rec.Alternatives) != 2 {
		t.Errorf("alternatives %+v, want 143 and 587", rec.Alternatives)
	}
	// Filtered port 25 costs one probe timeout, not the whole check more.
	if rep.ElapsedMS > 6000 {
		t.Errorf("check took %d ms", rep.ElapsedMS)
	}
	for _, p := range rep.Probes {
		for _, l := range p.Transcript {
			if strings.Contains(l.Text, e2ePassword) {
				t.Fatalf("%s: password in the transcript: %q", p.ID, l.Text)
			}
		}
	}
}

// The whole chain with real discovery: the provider's autoconfig file
// (served over HTTPS by the lab) lists STARTTLS and implicit TLS; Check
// finds it, probes every port, and recommends implicit TLS.
func TestCheckEndToEndFromAutoconfig(t *testing.T) {
	opts, _ := e2eProvider(t)
	lab := opts.lab
	lab.HTTPS("autoconfig.example.org", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example.org">`+
			`<domain>example.org</domain><displayName>Example Mail</displayName>`+
			server("incoming", "imap", 143, "STARTTLS")+server("incoming", "imap", 993, "SSL")+
			server("outgoing", "smtp", 587, "STARTTLS")+server("outgoing", "smtp", 465, "SSL")+
			`</emailProvider></clientConfig>`)
	}))
	opts.ISPDBURL = "https://ispdb.example.net/v1.1/"
	opts.Password = e2ePassword
	rep := Check(context.Background(), opts.CheckOptions, mustAddr(t, "anna@example.org"), nil)
	if rep.Provider == nil || rep.Provider.DisplayName != "Example Mail" {
		t.Errorf("provider %+v, want the autoconfig's", rep.Provider)
	}
	rec := rep.Recommended
	if rec.Incoming == nil || rec.Incoming.Port != 993 || rec.Outgoing == nil || rec.Outgoing.Port != 465 {
		t.Fatalf("recommended %+v / %+v, want IMAP 993 and SMTP 465", rec.Incoming, rec.Outgoing)
	}
	if len(rec.Incoming.Sources) == 0 || rec.Incoming.Sources[0] != "autoconfig" {
		t.Errorf("incoming sources %v, want autoconfig first", rec.Incoming.Sources)
	}
	found := false
	for _, r := range rec.Reasons {
		if r.Code == "implicit-tls" && r.For == "outgoing" && strings.Contains(r.Text(), "RFC 8314") {
			found = true
		}
	}
	if !found {
		t.Errorf("no implicit-TLS reason for the outgoing choice: %+v", rec.Reasons)
	}
	if !rep.Working() {
		t.Error("Working() is false")
	}
}

func server(dir, typ string, port int, socket string) string {
	return fmt.Sprintf(`<%sServer type="%s"><hostname>mail.example.org</hostname><port>%d</port><socketType>%s</socketType>`+
		`<authentication>password-cleartext</authentication><username>%%EMAILADDRESS%%</username></%sServer>`, dir, typ, port, socket, dir)
}

// Cancelling a check against servers that never answer ends it at once,
// with real probes in flight; goleak (TestMain) then finds no goroutine
// left behind.
func TestCheckCancelsRealProbesPromptly(t *testing.T) {
	lab := labtest.New(t)
	var cands []mail.Candidate
	for _, h := range []string{"a.example.org", "b.example.org"} {
		lab.Host(h)
		for _, p := range []int{993, 143, 995, 110, 465, 587, 25, 2525} {
			lab.Filter(h, p)
		}
		cands = append(cands, cand(mail.IMAP, h, 993, mail.TLS, ""), cand(mail.POP3, h, 995, mail.TLS, ""), cand(mail.SMTP, h, 465, mail.TLS, ""))
	}
	run := fakes(t, cands, nil, nil)
	run.probe = probe.Run
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	rep := check(ctx, CheckOptions{Network: lab.Network(), ProbeTimeout: 30 * time.Second, Password: e2ePassword}, mustAddr(t, "anna@example.org"), nil, run)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Check returned %v after the start, 300 ms after cancel was expected", d)
	}
	if !rep.Canceled || len(rep.Probes) != 16 || rep.Working() {
		t.Errorf("canceled=%v probes=%d working=%v", rep.Canceled, len(rep.Probes), rep.Working())
	}
}

// A certificate that does not verify loses to one that does, even though
// implicit TLS would otherwise win; the password is not sent to it.
func TestCheckPrefersAVerifiedCertificateOverImplicitTLS(t *testing.T) {
	lab := labtest.New(t)
	good := newMailHost(t, lab, "mail.example.org", "anna@example.org", e2ePassword)
	bad := newMailHost(t, lab, "mail.example.org", "anna@example.org", e2ePassword)
	bad.cert = lab.CertWith(labtest.CertOptions{
		Names: []string{"mail.example.org"}, NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)})
	bad.IMAP(t, 993, true)
	good.IMAP(t, 143, false)
	bad.SMTP(t, 465, true)
	good.SMTP(t, 587, false)
	run := fakes(t, []mail.Candidate{
		cand(mail.IMAP, "mail.example.org", 993, mail.TLS, ""),
		cand(mail.SMTP, "mail.example.org", 465, mail.TLS, ""),
	}, nil, nil)
	run.probe = probe.Run
	rep := check(context.Background(), CheckOptions{Network: lab.Network(), ProbeTimeout: 3 * time.Second, Password: e2ePassword},
		mustAddr(t, "anna@example.org"), nil, run)
	rec := rep.Recommended
	if rec.Incoming == nil || rec.Incoming.Port != 143 || rec.Outgoing == nil || rec.Outgoing.Port != 587 {
		t.Fatalf("recommended %+v / %+v, want the verified 143 and 587", rec.Incoming, rec.Outgoing)
	}
	for _, p := range rep.Probes {
		if p.Port == 993 || p.Port == 465 {
			if p.Login == probe.LoginOK {
				t.Errorf("%s: logged in despite an expired certificate", p.ID)
			}
			if p.TLS == nil || p.TLS.Verified || p.TLS.ErrorIn(i18n.For("en")) == "" {
				t.Errorf("%s: tls %+v, want an unverified certificate with a reason", p.ID, p.TLS)
			}
		}
	}
	n := 0
	for _, r := range rec.Reasons {
		if r.Code == "verified-tls" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("reasons %v: want verified-tls for incoming and outgoing", rec.Reasons)
	}
}
