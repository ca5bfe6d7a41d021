package detect

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
)

func untrustedCand(p mail.Protocol, host string, port int, sec mail.Security, source string) mail.Candidate {
	return mail.Candidate{
		Server:  mail.Server{Protocol: p, Host: host, Port: port, Security: sec, Username: mail.PlaceholderAddress},
		Sources: []string{source}, Trusted: false, Rank: 8,
	}
}

func hasCode(p ProbeReport, code string) bool {
	for _, pr := range p.Problems {
		if pr.Code == code {
			return true
		}
	}
	return false
}

// A host that only an untrusted source named never receives the
// password, whatever the flags that widen what is allowed on trusted
// hosts; the person can trust it explicitly (positive control: the
// server does see logins then, so the zero counts prove something).
func TestUntrustedHostsReceiveNoLoginWhateverTheFlags(t *testing.T) {
	lab := labtest.New(t)
	attacker := newMailHost(t, lab, "imap.attacker.example", "anna@example.org", e2ePassword)
	attacker.All(t)
	cands := []mail.Candidate{
		untrustedCand(mail.IMAP, "imap.attacker.example", 993, mail.TLS, "autoconfig-http"),
		untrustedCand(mail.POP3, "imap.attacker.example", 995, mail.TLS, "autoconfig-http"),
		untrustedCand(mail.SMTP, "imap.attacker.example", 465, mail.TLS, "autoconfig-http"),
	}
	run := fakes(t, cands, nil, nil)
	run.probe = probe.Run
	base := CheckOptions{Network: lab.Network(), ProbeTimeout: 3 * time.Second, Password: e2ePassword}
	for _, o := range []CheckOptions{base, func() CheckOptions { o := base; o.AllowInsecureTLS, o.AllowPlaintext = true, true; return o }()} {
		rep := check(context.Background(), o, mustAddr(t, "anna@example.org"), nil, run)
		if n := attacker.Total(); n != 0 {
			a, _ := attacker.Attempts()
			t.Fatalf("the attacker's server received %d login attempts %v (insecure=%v plaintext=%v)", n, a, o.AllowInsecureTLS, o.AllowPlaintext)
		}
		for _, p := range rep.Probes {
			if p.Reachability == probe.Open && p.Phase == probe.PhaseDone && p.Login != probe.LoginNotTried && !hasCode(p, problem.LoginNotSentUntrusted) && p.Login != probe.LoginSkipped {
				t.Errorf("%s: login %s problems %v, want it held back as untrusted", p.ID, p.Login, p.Problems)
			}
		}
		if rep.Working() && rep.Recommended.Incoming != nil && rep.Recommended.Incoming.Login == probe.LoginOK {
			t.Error("an untrusted host is recommended with a proven login")
		}
	}
	o := base
	o.TrustHosts = []string{"IMAP.attacker.example."}
	check(context.Background(), o, mustAddr(t, "anna@example.org"), nil, run)
	if attacker.Total() == 0 {
		t.Fatal("--trust-host did not let the login through: the zero counts above prove nothing")
	}
}

// The same with real discovery: a plain-HTTP autoconfig (anyone on the
// Wi-Fi can answer it) names the attacker's host, which has a valid
// certificate for its own name; an HTTPS autoconfig redirected to
// another domain does the same. The attacker's servers receive no
// AUTH, LOGIN or PASS at all.
func TestForgedAutoconfigCannotCollectThePassword(t *testing.T) {
	forged := `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example.org">` +
		`<domain>example.org</domain><displayName>Forged</displayName>` +
		`<incomingServer type="imap"><hostname>imap.attacker.example</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>` +
		`<outgoingServer type="smtp"><hostname>imap.attacker.example</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>` +
		`</emailProvider></clientConfig>`
	serve := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, forged) })
	cases := map[string]func(lab *labtest.Lab){
		"plain-HTTP autoconfig": func(lab *labtest.Lab) { lab.HTTP("autoconfig.example.org", serve) },
		"HTTPS autoconfig redirected to another domain": func(lab *labtest.Lab) {
			lab.HTTPS("autoconfig.example.org", http.RedirectHandler("https://config.attacker.example/c.xml", http.StatusFound))
			lab.HTTPS("config.attacker.example", serve)
		},
		"autodiscover redirected to another domain": func(lab *labtest.Lab) {
			lab.SRV("_autodiscover._tcp.example.org", 0, 0, 443, "autodiscover.attacker.example")
			lab.HTTPS("autodiscover.attacker.example", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"><Account><AccountType>email</AccountType><Action>settings</Action>`+
					`<Protocol><Type>IMAP</Type><Server>imap.attacker.example</Server><Port>993</Port><SSL>on</SSL><LoginName>anna@example.org</LoginName></Protocol>`+
					`<Protocol><Type>SMTP</Type><Server>imap.attacker.example</Server><Port>465</Port><SSL>on</SSL><LoginName>anna@example.org</LoginName></Protocol>`+
					`</Account></Response></Autodiscover>`)
			}))
		},
		"SRV pointing to another domain": func(lab *labtest.Lab) {
			lab.SRV("_imaps._tcp.example.org", 0, 1, 993, "imap.attacker.example")
			lab.SRV("_submissions._tcp.example.org", 0, 1, 465, "imap.attacker.example")
		},
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			lab := labtest.New(t)
			attacker := newMailHost(t, lab, "imap.attacker.example", "anna@example.org", e2ePassword)
			attacker.All(t)
			setup(lab)
			opts := CheckOptions{Network: lab.Network(), ProbeTimeout: 3 * time.Second, DiscoverTimeout: 5 * time.Second,
				OverrideDir: t.TempDir(), ISPDBURL: "https://ispdb.invalid.test/v1.1/", Password: e2ePassword,
				AllowInsecureTLS: true}
			rep := Check(context.Background(), opts, mustAddr(t, "anna@example.org"), nil)
			named := false
			for _, c := range rep.Candidates {
				if c.Host == "imap.attacker.example" {
					named = true
				}
			}
			if !named {
				t.Fatalf("discovery did not find the attacker's host; sources %+v", rep.Sources)
			}
			if n := attacker.Total(); n != 0 {
				a, _ := attacker.Attempts()
				t.Fatalf("the attacker's server received %d login attempts: %v", n, a)
			}
			for _, p := range rep.Probes {
				if p.Host == "imap.attacker.example" && p.Reachability == probe.Open && p.Login != probe.LoginNotTried && !hasCode(p, problem.LoginNotSentUntrusted) {
					t.Errorf("%s: login %s problems %v, want login-not-sent-untrusted", p.ID, p.Login, p.Problems)
				}
			}
		})
	}
}

// A wrong password against a provider with 3 hosts × 8 ports: the
// servers see at most one refused attempt per protocol, three in all
// (counted at the servers); the other rows say why they did not try.
// With the right password every endpoint logs in.
func TestAWrongPasswordIsTriedOncePerProtocol(t *testing.T) {
	lab := labtest.New(t)
	var hosts []*mailHost
	var cands []mail.Candidate
	for _, h := range []string{"mail.example.org", "imap.example.org", "smtp.example.org"} {
		m := newMailHost(t, lab, h, "anna@example.org", e2ePassword)
		m.All(t)
		hosts = append(hosts, m)
		cands = append(cands,
			cand(mail.IMAP, h, 993, mail.TLS, mail.PlaceholderAddress),
			cand(mail.POP3, h, 995, mail.TLS, mail.PlaceholderAddress),
			cand(mail.SMTP, h, 465, mail.TLS, mail.PlaceholderAddress))
	}
	run := fakes(t, cands, nil, nil)
	run.probe = probe.Run
	opts := CheckOptions{Network: lab.Network(), ProbeTimeout: 3 * time.Second, Password: "wrong-password"}
	rep := check(context.Background(), opts, mustAddr(t, "anna@example.org"), nil, run)
	if len(rep.Probes) != 24 {
		t.Fatalf("%d probes, want 24", len(rep.Probes))
	}
	perProto := map[string]int{}
	total := 0
	for _, m := range hosts {
		a, _ := m.Attempts()
		for k, v := range a {
			perProto[k] += v
			total += v
		}
	}
	if total > MaxRefusedLogins || perProto["imap"] > 1 || perProto["pop3"] > 1 || perProto["smtp"] > 1 {
		t.Fatalf("the servers saw %v (%d in all), want at most 1 per protocol and %d in all", perProto, total, MaxRefusedLogins)
	}
	if total == 0 {
		t.Fatal("no login reached any server: the bound above proves nothing")
	}
	failed, notTried := 0, 0
	for _, p := range rep.Probes {
		switch {
		case p.Login == probe.LoginFailed:
			failed++
		case hasCode(p, problem.LoginNotTried):
			notTried++
		}
	}
	if failed != total || failed+notTried != 24 {
		t.Errorf("%d rows failed, %d not tried: want %d failed and the rest not tried", failed, notTried, total)
	}

	for _, m := range hosts {
		m.seen.Reset()
	}
	opts.Password = e2ePassword
	rep = check(context.Background(), opts, mustAddr(t, "anna@example.org"), nil, run)
	for _, p := range rep.Probes {
		if p.Login != probe.LoginOK {
			t.Errorf("%s: login %s %v with the right password", p.ID, p.Login, p.Problems)
		}
	}
}

// Issue 10: a server that delays its refusal by 7 s, with 5 s per probe.
// The login has its own budget, so the verdict is the refusal, not a
// stalled server.
func TestADelayedRefusalIsARefusalNotAStall(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 7 s")
	}
	lab := labtest.New(t)
	m := newMailHost(t, lab, "imap.example.test", "anna@example.test", e2ePassword)
	m.seen.SetRefuseDelay(7 * time.Second)
	m.IMAP(t, 993, true)
	run := fakes(t, []mail.Candidate{cand(mail.IMAP, "imap.example.test", 993, mail.TLS, mail.PlaceholderAddress)}, nil, nil)
	run.probe = probe.Run
	rep := check(context.Background(), CheckOptions{Network: lab.Network(), ProbeTimeout: 5 * time.Second, Password: "wrong"},
		mustAddr(t, "anna@example.test"), nil, run)
	for _, p := range rep.Probes {
		if p.Port != 993 {
			continue
		}
		if p.Login != probe.LoginFailed || !hasCode(p, "imap-authenticationfailed") || hasCode(p, problem.Timeout) || hasCode(p, problem.NotThisProtocol) {
			t.Fatalf("993: login %s problems %v, want the refusal", p.Login, p.Problems)
		}
		return
	}
	t.Fatal("no probe of port 993")
}
