package detect

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
	"github.com/postino-mail/postino/detect/recommend"
)

func sampleReport() *Report {
	offered := true
	imap := mail.Server{Protocol: mail.IMAP, Host: "mail.example.org", Port: 143, Security: mail.STARTTLS, Username: "anna@example.org"}
	smtp := mail.Server{Protocol: mail.SMTP, Host: "mail.example.org", Port: 25, Security: mail.STARTTLS, Username: "anna@example.org"}
	results := []probe.Result{
		{ID: imap.Key(), Endpoint: imap, Sources: []string{"autoconfig"}, Phase: probe.PhaseDone, Reachability: probe.Open,
			Greeting: "* OK ready", TLS: &probe.TLSInfo{Version: "TLS 1.3", Verified: true}, StartTLSOffered: &offered,
			AuthMechanisms: []string{"PLAIN"}, Login: probe.LoginOK, Status: probe.StatusOK, Summary: "works", ElapsedMS: 42},
		{ID: smtp.Key(), Endpoint: smtp, Phase: probe.PhaseDone, Reachability: probe.Filtered, Status: probe.StatusFailed,
			Problems: []problem.Problem{{Code: "filtered", Data: map[string]any{"Port": 25}, ServerText: ""}}, ElapsedMS: 8000},
	}
	rep := &Report{Result: discover.Result{Address: "anna@example.org", Domain: "example.org"}}
	for _, r := range results {
		rep.Probes = append(rep.Probes, newProbeReport(r))
	}
	rep.Recommended = recommend.Choose(results, nil)
	return rep.In(i18n.For("en"))
}

// The engine's report holds codes; the words are chosen at the edge, in
// the language asked for, without touching the engine's value (the
// window keeps it and may render it again in another language).
func TestReportWordsAreRenderedAtTheEdgeInTheLanguageAsked(t *testing.T) {
	results := []probe.Result{{ID: "x", Endpoint: mail.Server{Protocol: mail.SMTP, Host: "mail.example.org", Port: 25, Security: mail.STARTTLS},
		Phase: probe.PhaseDone, Reachability: probe.Filtered, Status: probe.StatusFailed,
		Problems: []problem.Problem{{Code: "filtered", Data: map[string]any{"Port": 25}, ServerText: "x"}}}}
	engine := &Report{Result: discover.Result{Address: "anna@example.org", Domain: "example.org"}, Probes: []ProbeReport{newProbeReport(results[0])}}
	engine.Recommended = recommend.Choose(results, nil)
	if p := engine.Probes[0].Problem; p.Explanation != "" || p.Remedy != "" || engine.Language != "" {
		t.Fatalf("the engine's report carries words: %+v, language %q", p, engine.Language)
	}
	it, en := engine.In(i18n.For("it")), engine.In(i18n.For("en"))
	if it.Language != "it" || en.Language != "en" || engine.Language != "" || engine.Probes[0].Problem.Explanation != "" {
		t.Fatalf("languages %q %q; engine's %q %+v", it.Language, en.Language, engine.Language, engine.Probes[0].Problem)
	}
	pit, pen := it.Probes[0].Problem, en.Probes[0].Problem
	if pit.Explanation == "" || pit.Explanation == pen.Explanation || pit.Remedy == pen.Remedy || pit.ServerText != "x" || pit != &it.Probes[0].Problems[0] {
		t.Fatalf("Italian %+v, English %+v", pit, pen)
	}
	for name, rep := range map[string]*Report{"it": it, "en": en} {
		data, err := json.Marshal(rep.Recommended)
		if err != nil {
			t.Fatal(err)
		}
		var rec struct {
			Reasons []struct{ Code, Text string } `json:"reasons"`
		}
		if err := json.Unmarshal(data, &rec); err != nil || len(rec.Reasons) == 0 {
			t.Fatalf("%s: %s %v", name, data, err)
		}
		if want := i18n.For(name).T("recommend.reason."+rec.Reasons[0].Code, engine.Recommended.Reasons[0].Data); rec.Reasons[0].Text != want {
			t.Errorf("%s reason %q, want %q", name, rec.Reasons[0].Text, want)
		}
	}
	// A report read back keeps the words it was written with.
	data, _ := json.Marshal(it)
	back, err := ReadReport(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	again := back.In(i18n.For("en"))
	if again.Language != "it" || again.Probes[0].Problem.Explanation != pit.Explanation {
		t.Errorf("a read report was rendered again: %q %+v", again.Language, again.Probes[0].Problem)
	}
	if a, b := again.Recommended.Reasons[0].Text(), it.Recommended.Reasons[0].Text(); a != b {
		t.Errorf("a read Italian report's reason reads %q, written as %q", a, b)
	}
}

func TestReportJSONHasEveryPublishedProbeField(t *testing.T) {
	data, err := json.Marshal(sampleReport())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Probes []map[string]json.RawMessage `json:"probes"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	// Every listed field is present on every probe, even where it does
	// not apply (a filtered port has no greeting, TLS or problem-free
	// status), so scripts never meet a missing key.
	for _, p := range doc.Probes {
		for _, k := range []string{"protocol", "host", "port", "security", "reachability", "greeting", "tls",
			"starttls_offered", "auth_mechanisms", "login", "status", "problem", "elapsed_ms", "sources", "summary",
			"phases", "transcript", "id", "phase"} {
			if _, ok := p[k]; !ok {
				t.Errorf("probe %s lacks %q", p["id"], k)
			}
		}
	}
	if !strings.Contains(string(doc.Probes[0]["tls"]), `"error":""`) {
		t.Errorf("tls lacks an always-present error: %s", doc.Probes[0]["tls"])
	}
	if !strings.Contains(string(doc.Probes[1]["problem"]), "587") {
		t.Errorf("the filtered port 25 problem does not suggest 587: %s", doc.Probes[1]["problem"])
	}
}

func TestReadReportRoundTrips(t *testing.T) {
	rep := sampleReport()
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ReadReport(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if !bytes.Equal(data, again) {
		t.Errorf("report changed on a round trip:\n%s\n%s", data, again)
	}
	// The engine's view is restored too: endpoints, results, problem codes.
	rs := back.Results()
	if rs[0].Endpoint.Key() != rep.Probes[0].Endpoint.Key() || rs[0].TLS == nil || !rs[0].TLS.Verified {
		t.Errorf("result 0 not restored: %+v", rs[0])
	}
	if len(rs[1].Problems) != 1 || rs[1].Problems[0].Code != "filtered" {
		t.Errorf("problem codes not restored: %+v", rs[1].Problems)
	}
	if rec := recommend.Choose(rs, back.Candidates); rec.Incoming == nil || rec.Incoming.Result != rep.Recommended.Incoming.Result {
		t.Errorf("recommendation from the saved report differs: %+v", rec)
	}
	if !back.Working() == rep.Working() {
		t.Error("Working differs after the round trip")
	}
}

func TestReadReportRejectsWhatIsNotAReport(t *testing.T) {
	cases := map[string]string{
		"not JSON":          "<clientConfig/>",
		"truncated":         `{"address":"a@example.org","domain":"example.org","probes":[`,
		"other JSON":        `{"hello":"world"}`,
		"probe without end": `{"address":"a@example.org","domain":"example.org","probes":[{"protocol":"imap","host":"","port":0}]}`,
		"bad protocol":      `{"address":"a@example.org","domain":"example.org","probes":[{"protocol":"gopher","host":"h","port":70,"security":"tls"}]}`,
	}
	for name, in := range cases {
		if _, err := ReadReport(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ReadReport(strings.NewReader(`{"x":1}`)); !errors.Is(err, ErrNotAReport) {
		t.Errorf("other JSON: error %v, want ErrNotAReport", err)
	}
	huge := `{"address":"a@example.org","domain":"example.org","pad":"` + strings.Repeat("x", 4096) + `"}`
	if _, err := readReport(strings.NewReader(huge), 4096); err == nil {
		t.Error("a document over the size cap was accepted")
	}
}

// A probe keeps codes; the summary and the certificate verdict are words
// only in the report a front end renders, in the language it names,
// whatever the process-wide language is.
func TestReportInWritesSummariesAndCertificateVerdictsInItsLanguage(t *testing.T) {
	i18n.SetLanguage("en")
	defer i18n.SetLanguage("")
	ep := mail.Server{Protocol: mail.IMAP, Host: "mail.example.org", Port: 143, Security: mail.STARTTLS}
	expired := problem.New(problem.CertExpired, map[string]any{"Date": "2026-01-02"})
	res := probe.Result{
		ID: ep.Key(), Endpoint: ep, Phase: probe.PhaseDone, Reachability: probe.Open, Status: probe.StatusWarning,
		TLS:            &probe.TLSInfo{Version: "TLS 1.3", Cert: &expired},
		AuthMechanisms: []string{"PLAIN"}, Login: probe.LoginSkipped,
		Phases:   []probe.PhaseTime{{Phase: probe.PhaseCapabilities}},
		Problems: []problem.Problem{expired},
	}
	rep := &Report{Probes: []ProbeReport{newProbeReport(res)}}
	if got := rep.Probes[0].Summary; got != "" {
		t.Errorf("the engine's report holds words: summary %q", got)
	}
	p := rep.In(i18n.For("it")).Probes[0]
	if !strings.HasPrefix(p.Summary, "STARTTLS → TLS 1.3 · certificato: scaduto il 2026-01-02 · PLAIN · ") {
		t.Errorf("summary %q, want it in Italian", p.Summary)
	}
	if p.TLS == nil || p.TLS.Error != "scaduto il 2026-01-02" || p.Result.TLS.Error != p.TLS.Error {
		t.Errorf("certificate verdict %+v, want it in Italian", p.TLS)
	}
	if rep.Probes[0].Summary != "" || rep.Probes[0].Result.TLS.Error != "" {
		t.Error("In changed the report it was called on")
	}
}
