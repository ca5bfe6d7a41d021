package detect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/probe"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakes replaces discovery and probing for one test: discovery announces
// cands one by one (then runs during, if set) and every probe is answered
// by probeFn.
func fakes(t *testing.T, cands []mail.Candidate, during func(ctx context.Context), probeFn func(ctx context.Context, ep mail.Server, o probe.Options) probe.Result) stages {
	t.Helper()
	var run stages
	run.discover = func(ctx context.Context, o discover.Options, a address.Address, sink event.Sink) *discover.Result {
		for _, c := range cands {
			sink.Emit(discover.CandidateFound{Candidate: c})
		}
		if during != nil {
			during(ctx)
		}
		return &discover.Result{Candidates: cands}
	}
	run.probe = func(ctx context.Context, nw *network.Network, ep mail.Server, sources []string, o probe.Options, sink event.Sink) probe.Result {
		r := probeFn(ctx, ep, o)
		r.ID, r.Endpoint, r.Sources, r.Phase = ep.Key(), ep, sources, probe.PhaseDone
		sink.Emit(probe.Update{Result: r})
		return r
	}
	return run
}

func working(ctx context.Context, ep mail.Server, o probe.Options) probe.Result {
	return probe.Result{Reachability: probe.Open, Status: probe.StatusOK, TLS: &probe.TLSInfo{Version: "TLS 1.3", Verified: true}}
}

func cand(p mail.Protocol, host string, port int, sec mail.Security, user string) mail.Candidate {
	return mail.Candidate{
		Server:  mail.Server{Protocol: p, Host: host, Port: port, Security: sec, Username: user},
		Sources: []string{"autoconfig"}, Trusted: true, Rank: 2,
	}
}

func mustAddr(t testing.TB, s string) address.Address {
	t.Helper()
	a, err := address.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func keys(rep *Report) []string {
	var out []string
	for _, p := range rep.Probes {
		out = append(out, p.Endpoint.Key())
	}
	return out
}

func TestCheckProbesEveryStandardPortOfEachCandidateHostOnce(t *testing.T) {
	run := fakes(t, []mail.Candidate{
		cand(mail.IMAP, "imap.example.org", 993, mail.TLS, ""),
		cand(mail.IMAP, "IMAP.example.org.", 143, mail.STARTTLS, ""), // same host, other spelling
		cand(mail.SMTP, "smtp.example.org", 587, mail.STARTTLS, ""),
		cand(mail.SMTP, "smtp.example.org", 8025, mail.STARTTLS, ""), // not a standard port: probed too
		cand(mail.POP3, "pop.example.org", 995, mail.TLS, ""),
	}, nil, working)
	rep := check(context.Background(), CheckOptions{}, mustAddr(t, "anna@example.org"), nil, run)
	want := []string{
		"imap|imap.example.org|993|tls", "imap|imap.example.org|143|starttls",
		"pop3|pop.example.org|995|tls", "pop3|pop.example.org|110|starttls",
		"smtp|smtp.example.org|465|tls", "smtp|smtp.example.org|587|starttls", "smtp|smtp.example.org|25|starttls",
		"smtp|smtp.example.org|2525|starttls", "smtp|smtp.example.org|8025|starttls",
	}
	got := keys(rep)
	if len(got) != len(want) {
		t.Fatalf("probed %v\nwant %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("probe %d = %s, want %s (display order)", i, got[i], want[i])
		}
	}
	// Sources belong to the endpoint a source named, not to added ports.
	for _, p := range rep.Probes {
		listed := p.Port == 993 || p.Port == 143 || p.Port == 587 || p.Port == 8025 || p.Port == 995
		if listed != (len(p.Sources) > 0) {
			t.Errorf("%s: sources %v", p.ID, p.Sources)
		}
	}
}

// A probe must start while discovery is still running: the slow sources
// (autodiscover, guesses) must not delay the first verdict.
func TestCheckStartsProbingBeforeDiscoveryEnds(t *testing.T) {
	started := make(chan struct{}, 16)
	run := fakes(t, []mail.Candidate{cand(mail.IMAP, "imap.example.org", 993, mail.TLS, "")},
		func(ctx context.Context) {
			select {
			case <-started:
			case <-time.After(5 * time.Second):
				t.Error("no probe started while discovery was still running")
			}
		},
		func(ctx context.Context, ep mail.Server, o probe.Options) probe.Result {
			started <- struct{}{}
			return working(ctx, ep, o)
		})
	check(context.Background(), CheckOptions{}, mustAddr(t, "anna@example.org"), nil, run)
}

func TestCheckBoundsTheNumberOfProbesAtOnce(t *testing.T) {
	var cur, peak atomic.Int32
	var cands []mail.Candidate
	for _, h := range []string{"a.example.org", "b.example.org", "c.example.org"} {
		cands = append(cands, cand(mail.SMTP, h, 587, mail.STARTTLS, ""))
	}
	run := fakes(t, cands, nil, func(ctx context.Context, ep mail.Server, o probe.Options) probe.Result {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(30 * time.Millisecond)
		cur.Add(-1)
		return working(ctx, ep, o)
	})
	rep := check(context.Background(), CheckOptions{Parallel: 3}, mustAddr(t, "anna@example.org"), nil, run)
	if len(rep.Probes) != 12 {
		t.Fatalf("%d probes, want 12", len(rep.Probes))
	}
	if p := peak.Load(); p != 3 {
		t.Errorf("peak concurrency %d, want exactly the bound 3", p)
	}
}

func TestCheckStopsPromptlyWhenCanceled(t *testing.T) {
	run := fakes(t, []mail.Candidate{
		cand(mail.IMAP, "imap.example.org", 993, mail.TLS, ""),
		cand(mail.SMTP, "smtp.example.org", 465, mail.TLS, ""),
	}, nil, func(ctx context.Context, ep mail.Server, o probe.Options) probe.Result {
		<-ctx.Done() // a server that never answers
		return probe.Result{Reachability: probe.Filtered, Status: probe.StatusFailed}
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	rep := check(ctx, CheckOptions{Parallel: 2, ProbeTimeout: time.Minute}, mustAddr(t, "anna@example.org"), nil, run)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Check took %v after cancel", d)
	}
	if !rep.Canceled {
		t.Error("report not marked canceled")
	}
	if len(rep.Probes) != 6 {
		t.Errorf("%d probes in the report, want all 6 (unfinished ones included)", len(rep.Probes))
	}
	if rep.Working() {
		t.Error("a canceled check with no working endpoint recommends something")
	}
	// goleak (TestMain) checks that no probe goroutine survived.
}

func TestCheckPassesLoginAndDeadlineToEveryProbe(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]probe.Options{}
	run := fakes(t, []mail.Candidate{
		cand(mail.IMAP, "imap.example.org", 993, mail.TLS, mail.PlaceholderLocalPart),
		cand(mail.SMTP, "smtp.example.org", 465, mail.TLS, ""),
	}, nil, func(ctx context.Context, ep mail.Server, o probe.Options) probe.Result {
		if _, ok := ctx.Deadline(); !ok {
			t.Errorf("%s: probe context has no deadline", ep)
		}
		mu.Lock()
		seen[ep.Key()] = o
		mu.Unlock()
		return working(ctx, ep, o)
	})
	opts := CheckOptions{Password: "s3cret", ProbeTimeout: 3 * time.Second, AllowInsecureTLS: true}
	rep := check(context.Background(), opts, mustAddr(t, "anna@example.org"), nil, run)
	for k, o := range seen {
		wantUser := "anna@example.org"
		if k[:4] == "imap" {
			wantUser = "anna" // the %EMAILLOCALPART% template, expanded
		}
		if o.Username != wantUser || o.Password != "s3cret" || o.Timeout != 3*time.Second || !o.AllowInsecureTLS || o.AllowPlaintext {
			t.Errorf("%s: options %+v", k, o)
		}
	}
	if len(seen) != 6 {
		t.Errorf("%d probes, want 6", len(seen))
	}
	if rep.Recommended.Incoming == nil || rep.Recommended.Incoming.Username != "anna" {
		t.Errorf("incoming = %+v, want user anna", rep.Recommended.Incoming)
	}

	// --user overrides every source's template.
	seen = map[string]probe.Options{}
	opts.Username = "admin@example.org"
	check(context.Background(), opts, mustAddr(t, "anna@example.org"), nil, run)
	for k, o := range seen {
		if o.Username != "admin@example.org" {
			t.Errorf("%s: user %q, want the --user value", k, o.Username)
		}
	}
}

// Front ends rely on the framing: CheckStarted first, then discover and
// probe events, RecommendationReady, and CheckFinished last, carrying the
// returned report.
func TestCheckFramesTheEventStream(t *testing.T) {
	run := fakes(t, []mail.Candidate{cand(mail.IMAP, "imap.example.org", 993, mail.TLS, "")}, nil, working)
	var mu sync.Mutex
	var kinds []string
	var finished *Report
	rep := check(context.Background(), CheckOptions{}, mustAddr(t, "anna@example.org"), func(e event.Event) {
		mu.Lock()
		defer mu.Unlock()
		kinds = append(kinds, e.EventKind())
		if f, ok := e.(CheckFinished); ok {
			finished = f.Report
		}
	}, run)
	n := len(kinds)
	if n < 4 || kinds[0] != "check-started" || kinds[n-2] != "recommendation-ready" || kinds[n-1] != "check-finished" {
		t.Fatalf("event order %v", kinds)
	}
	if finished != rep {
		t.Error("CheckFinished does not carry the returned report")
	}
	counts := map[string]int{}
	for _, k := range kinds {
		counts[k]++
	}
	if counts["probe-update"] < 4 { // queued + done for each of 2 endpoints
		t.Errorf("probe updates: %v", counts)
	}
}

// A source that lists hundreds of hosts must not turn one check into an
// hour of probing: the number of endpoints is capped and the rest counted.
func TestCheckCapsTheNumberOfEndpoints(t *testing.T) {
	var cands []mail.Candidate
	for i := 0; i < 100; i++ {
		cands = append(cands, cand(mail.SMTP, fmt.Sprintf("h%d.example.org", i), 587, mail.STARTTLS, ""))
	}
	run := fakes(t, cands, nil, working)
	rep := check(context.Background(), CheckOptions{}, mustAddr(t, "anna@example.org"), nil, run)
	if len(rep.Probes) != maxEndpoints || rep.SkippedEndpoints != 400-maxEndpoints {
		t.Errorf("%d probes, %d skipped; want %d and %d", len(rep.Probes), rep.SkippedEndpoints, maxEndpoints, 400-maxEndpoints)
	}
}

// A line break in a credential could inject a protocol command: Check
// probes without logging in, and CheckCredentials says why.
func TestCheckNeverSendsCredentialsWithLineBreaks(t *testing.T) {
	var mu sync.Mutex
	var got []probe.Options
	run := fakes(t, []mail.Candidate{cand(mail.IMAP, "imap.example.org", 993, mail.TLS, "")}, nil,
		func(ctx context.Context, ep mail.Server, o probe.Options) probe.Result {
			mu.Lock()
			got = append(got, o)
			mu.Unlock()
			return working(ctx, ep, o)
		})
	for _, c := range []struct{ user, pass string }{{"", "pw\r\nA1 DELETE INBOX"}, {"anna\n", "pw"}, {"", "pw\x00"}} {
		got = nil
		if err := CheckCredentials(c.user, c.pass); !errors.Is(err, ErrControlInCredentials) {
			t.Errorf("CheckCredentials(%q, %q) = %v", c.user, c.pass, err)
		}
		check(context.Background(), CheckOptions{Username: c.user, Password: c.pass}, mustAddr(t, "anna@example.org"), nil, run)
		for _, o := range got {
			if o.Password != "" || strings.ContainsAny(o.Username, "\r\n\x00") {
				t.Errorf("probe got credentials %q / %q", o.Username, o.Password)
			}
		}
	}
	if err := CheckCredentials("anna@example.org", "pässwörd with spaces"); err != nil {
		t.Errorf("ordinary credentials refused: %v", err)
	}
}
