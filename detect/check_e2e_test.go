package detect

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/probe"
)

const e2ePassword = "Sentinel-Secret-51c8"

// e2eProvider serves mail.example.org: IMAP on 993 and 143, SMTP on 465
// and 587, port 25 dropped by a firewall, POP3 and 2525 closed. Its
// published configuration lists STARTTLS and implicit TLS alike.
func e2eProvider(t *testing.T) (CheckOptions, []config.Candidate) {
	lab := labtest.New(t)
	m := newMailHost(t, lab, "mail.example.org", "anna@example.org", e2ePassword)
	m.IMAP(t, 993, true)
	m.IMAP(t, 143, false)
	m.SMTP(t, 465, true)
	m.SMTP(t, 587, false)
	lab.Filter("mail.example.org", 25)
	cands := []config.Candidate{
		cand(config.IMAP, "mail.example.org", 143, config.STARTTLS, config.PlaceholderAddress),
		cand(config.IMAP, "mail.example.org", 993, config.TLS, config.PlaceholderAddress),
		cand(config.SMTP, "mail.example.org", 587, config.STARTTLS, config.PlaceholderAddress),
		cand(config.SMTP, "mail.example.org", 465, config.TLS, config.PlaceholderAddress),
	}
	return CheckOptions{Network: lab.Network(), ProbeTimeout: 1500 * time.Millisecond, OverrideDir: "-"}, cands
}

// Real probes against real in-process servers: the recommendation picks
// implicit TLS on both sides and says why, every standard port is
// probed, and each failure is classified.
func TestCheckRecommendsImplicitTLSAndExplainsWhy(t *testing.T) {
	opts, cands := e2eProvider(t)
	fakes(t, cands, nil, nil)
	runProbe = probe.Run // real probes; only discovery is scripted here
	opts.Password = e2ePassword

	rep := Check(context.Background(), opts, mustAddr(t, "anna@example.org"), nil)
	if len(rep.Probes) != 6 {
		t.Fatalf("%d probes, want 6 (IMAP 993/143, SMTP 465/587/25/2525)\n%v", len(rep.Probes), keys(rep))
	}
	rec := rep.Recommended
	if rec.Incoming == nil || rec.Incoming.Port != 993 || rec.Outgoing == nil || rec.Outgoing.Port != 465 {
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
	for _, p := range rep.Probes {
		if p.Protocol == config.SMTP || p.Protocol == config.IMAP {
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
