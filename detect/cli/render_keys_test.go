package cli

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
	"github.com/postino-mail/postino/detect/recommend"
	"github.com/postino-mail/postino/detect/roundtrip"
)

// rawKey matches a translation key that reached the output untranslated
// (i18n.T returns the key itself when it is missing): an area name, a
// dot and more dotted words, as in "check.phase.connected". Host names
// such as mail.example.org do not start with an area name.
func rawKey(t *testing.T) *regexp.Regexp {
	t.Helper()
	files, err := i18n.AreaFiles()
	if err != nil {
		t.Fatal(err)
	}
	areas := map[string]bool{}
	for _, f := range files {
		name := f[strings.LastIndex(f, "/")+1:]
		areas[name[:strings.Index(name, ".")]] = true
	}
	var alt []string
	for a := range areas {
		alt = append(alt, regexp.QuoteMeta(a))
	}
	return regexp.MustCompile(`\b(` + strings.Join(alt, "|") + `)\.[a-z0-9_-]+(\.[a-z0-9_-]+)*`)
}

// templateData holds a value for every placeholder of the problem
// catalogue and the recommendation's reasons.
var templateData = map[string]any{
	"Host": "mail.example.org", "Port": 993, "Protocol": "IMAP", "Security": "TLS",
	"OtherHost": "pop.example.org", "OtherPort": 995, "OtherProtocol": "POP3", "OtherSecurity": "TLS",
	"Protocols": "IMAP, SMTP", "Error": "expired on 2026-01-02",
	"Limit": 8192, "Detail": "boom", "Date": "2026-01-02", "Names": "a.example.org, b.example.org",
	"Issuer": "Test CA", "Version": "TLS 1.0", "Mechanisms": "XOAUTH2", "Code": 499, "Enhanced": "4.0.0",
	"Sources": "autoconfig-http", "By": "imap.example.org:993", "Seconds": 15, "Expected": "ab12", "Got": "cd34",
}

// everyCodeReport is a report that holds every probe status, every
// problem code and every recommendation reason code.
func everyCodeReport() *detect.Report {
	rep := &detect.Report{}
	rep.Address, rep.Domain = "anna@example.org", "example.org"
	imap := mail.Server{Protocol: mail.IMAP, Host: "mail.example.org", Port: 993, Security: mail.TLS}
	for i, st := range probe.Statuses() {
		ep := imap
		ep.Port = 990 + i
		r := probe.Result{ID: ep.Key(), Endpoint: ep, Phase: probe.PhaseDone, Status: st, Summary: "summary"}
		pr := detect.ProbeReport{Protocol: ep.Protocol, Host: ep.Host, Port: ep.Port, Security: ep.Security, Result: r, Status: st, Summary: r.Summary}
		if i == 0 {
			for _, code := range problem.Codes {
				p := problem.New(code, templateData)
				pr.Problems = append(pr.Problems, detect.ProblemText{Code: code, Explanation: p.ExplanationIn(""), Remedy: p.RemedyIn(""), ServerText: "NO nope"})
			}
		}
		rep.Probes = append(rep.Probes, pr)
	}
	in := &recommend.Choice{Server: imap, Login: probe.LoginSkipped}
	rep.Recommended = recommend.Recommendation{Incoming: in, Alternatives: []recommend.Choice{*in}}
	for _, code := range recommend.ReasonCodes() {
		rep.Recommended.Reasons = append(rep.Recommended.Reasons, recommend.Reason{Code: code, For: "incoming", Data: templateData})
	}
	return rep
}

// Every phase, status, problem and reason the CLI can print has a
// translation in every language: no key, no "<no value>" reaches the
// person.
func TestCheckTextRendersEveryCodeTranslated(t *testing.T) {
	key := rawKey(t)
	if !key.MatchString("state: check.phase.nothing") {
		t.Fatal("the raw-key pattern misses a raw key")
	}
	t.Cleanup(func() { i18n.SetLanguage("") })
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			i18n.SetLanguage(lang)
			loc := i18n.For(lang)
			var out bytes.Buffer
			ep := mail.Server{Protocol: mail.SMTP, Host: "mail.example.org", Port: 587, Security: mail.STARTTLS}
			for _, ph := range probe.Phases() {
				r := probe.Result{ID: ep.Key(), Endpoint: ep, Phase: ph}
				if ph == probe.PhaseDone {
					r.Status = probe.StatusOK
				}
				out.WriteString(progressLine(loc, r) + "\n")
			}
			rep := everyCodeReport()
			renderCheckText(&out, loc, rep)
			text := out.String()
			if m := key.FindAllString(text, -1); len(m) > 0 {
				t.Errorf("untranslated keys %q in:\n%s", m, text)
			}
			if strings.Contains(text, "<no value>") || strings.Contains(text, "{{") {
				t.Errorf("a template lacks data:\n%s", text)
			}
			for _, r := range rep.Recommended.Reasons {
				if !strings.Contains(text, r.Text()) {
					t.Errorf("reason %s is not printed", r.Code)
				}
			}
		})
	}
}

// everySourceResult is a detect result with every source, status, trust
// and error code, and a candidate of every security from every source.
func everySourceResult() *discover.Result {
	res := &discover.Result{Address: "anna@example.org", Domain: "example.org"}
	for i, name := range discover.Sources {
		res.Sources = append(res.Sources, discover.SourceReport{
			Name: name, Status: discover.Statuses[i%len(discover.Statuses)], Trust: discover.Trusts[i%len(discover.Trusts)],
			ErrorCode: discover.ErrorCodes[i%len(discover.ErrorCodes)], URL: "https://autoconfig.example.org/",
		})
	}
	for i, code := range discover.ErrorCodes {
		res.Sources = append(res.Sources, discover.SourceReport{Name: discover.Sources[i%len(discover.Sources)], Status: discover.StatusError, Trust: discover.Trusts[0], ErrorCode: code})
	}
	for i, tr := range discover.Trusts {
		res.Sources = append(res.Sources, discover.SourceReport{Name: discover.Sources[i%len(discover.Sources)], Status: discover.StatusFound, Trust: tr})
	}
	var names []string
	for _, n := range discover.Sources {
		names = append(names, string(n))
	}
	for i, sec := range []mail.Security{mail.TLS, mail.STARTTLS, mail.Plain} {
		res.Candidates = append(res.Candidates, mail.Candidate{
			Server:  mail.Server{Protocol: mail.IMAP, Host: "mail.example.org", Port: 990 + i, Security: sec, Username: mail.PlaceholderAddress},
			Sources: names, Trusted: i == 0,
		})
	}
	return res
}

// The detect table and the round trip's lines, too, are translated
// whatever the source, status, trust, error, round-trip code or step.
func TestDetectAndRoundTripTextRenderEveryCodeTranslated(t *testing.T) {
	key := rawKey(t)
	t.Cleanup(func() { i18n.SetLanguage("") })
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			i18n.SetLanguage(lang)
			loc := i18n.For(lang)
			var out bytes.Buffer
			writeDetectText(&out, loc, everySourceResult())
			liveSourceLines(&out, loc)(discover.SourceFinished{Source: discover.Sources[0], Status: discover.StatusFound})
			if strings.Contains(out.String(), "<no value>") || strings.Contains(out.String(), "{{") {
				t.Errorf("a template lacks data:\n%s", out.String())
			}
			// Round-trip sentences take their data from the run
			// (roundtrip.Run fills it); here only the keys are checked.
			p := problem.New(problem.Closed, templateData)
			now := time.Now()
			for _, code := range roundtrip.Codes() {
				r := roundtrip.Result{Status: roundtrip.SendFailed, Code: code, SentAt: now, ArrivedAt: now, Folder: "INBOX", Token: "t", MessageID: "m", Subject: "s"}
				if code == "arrived" || code == "arrived-junk" {
					r.Status, r.DeleteFailed = roundtrip.Arrived, &p
				}
				renderRoundtripText(&out, loc, "anna@example.org", r)
			}
			view := &roundtripView{w: &out, loc: loc}
			for _, st := range roundtrip.Steps() {
				view.Handle(roundtrip.Progress{Step: st, Elapsed: 2500 * time.Millisecond, Polls: 2})
			}
			view.Handle(roundtrip.Finished{Result: roundtrip.Result{Status: roundtrip.Arrived, Code: "arrived"}})
			text := out.String()
			if m := key.FindAllString(text, -1); len(m) > 0 {
				t.Errorf("untranslated keys %q in:\n%s", m, text)
			}
		})
	}
}
