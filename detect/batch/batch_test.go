package batch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"howett.net/plist"

	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/batch/batchtest"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/export"
)

// testLab is two providers and their customers:
//
//   - Provincia Mail (prov-a.example): one host, mail.prov-a.example,
//     for IMAP, POP3 and SMTP, port 25 dropped; customers alfa.example,
//     beta.example, gamma.example;
//   - Bravo (prov-b.example): imap.prov-b.example and
//     smtp.prov-b.example; customers delta.example, eco.example;
//   - dead.example, whose provider's host refuses every connection;
//   - nomail.example, with no mail records at all.
type testLab struct {
	lab   *labtest.Lab
	conns *batchtest.ConnCounter
}

func newTestLab(t testing.TB, opts labtest.Options) *testLab {
	lab := labtest.NewWith(t, opts)
	c := batchtest.NewConnCounter()
	db := batchtest.NewISPDB(lab)
	db.Provider("prov-a.example", "Provincia Mail", "mail.prov-a.example", "mail.prov-a.example", "mail.prov-a.example")
	batchtest.Host(t, lab, c, "mail.prov-a.example", []int{993, 143, 995, 110, 465, 587, 2525}, 25)
	db.Provider("prov-b.example", "Bravo", "imap.prov-b.example", "", "smtp.prov-b.example")
	batchtest.Host(t, lab, c, "imap.prov-b.example", []int{993, 143})
	batchtest.Host(t, lab, c, "smtp.prov-b.example", []int{465, 587})
	db.Provider("prov-dead.example", "Dead", "dead.prov-dead.example", "", "dead.prov-dead.example")
	lab.Host("dead.prov-dead.example")
	for _, d := range []string{"alfa", "beta", "gamma"} {
		lab.MX(d+".example", 10, "mx.prov-a.example")
	}
	for _, d := range []string{"delta", "eco"} {
		lab.MX(d+".example", 10, "mx.prov-b.example")
	}
	lab.MX("dead.example", 10, "mx.prov-dead.example")
	return &testLab{lab: lab, conns: c}
}

func (l *testLab) options(dir string) Options {
	return Options{
		Output: dir, Network: l.lab.Network(), ISPDBURL: batchtest.ISPDBURL, NoHTTP: true, OverrideDir: "-",
		ProbeTimeout: 2 * time.Second, DiscoverTimeout: 10 * time.Second,
	}
}

const testList = "email;name;language;password\n" +
	"anna@alfa.example;Anna Rossi;it;secret-1\n" +
	"bruno@alfa.example;Bruno;;secret-2\n" +
	"carla@beta.example;Carla;en;\n" +
	"dario@gamma.example;;;\n" +
	"elena@delta.example;Elena;it;\n" +
	"fabio@eco.example;Fabio;;\n" +
	"gina@dead.example;Gina;;\n" +
	"ugo@nomail.example;Ugo;;\n" +
	"not-an-address;x;;\n"

func mustParse(t testing.TB, text string) *List {
	t.Helper()
	l, err := Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// events collects a batch's events.
type events struct {
	mu  sync.Mutex
	all []event.Event
}

func (e *events) sink(ev event.Event) { e.mu.Lock(); e.all = append(e.all, ev); e.mu.Unlock() }

func readReport(t *testing.T, dir string) *Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, ReportJSON))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Report
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	return &r
}

func TestBatchAgainstLab(t *testing.T) {
	l := newTestLab(t, labtest.Options{DNSTimeout: 5 * time.Second})
	dir := t.TempDir()
	opts := l.options(dir)
	for _, n := range []string{"mobileconfig", "thunderbird", "text", "html"} {
		f, _ := export.Lookup(n)
		opts.Formats = append(opts.Formats, f)
	}
	var ev events
	rep, err := Run(context.Background(), opts, mustParse(t, testList), ev.sink)
	if err != nil {
		t.Fatal(err)
	}

	// Every endpoint was probed once, whichever domains share it.
	_, perPort := l.conns.Snapshot()
	for ep, n := range perPort {
		if n != 1 {
			t.Errorf("%s: %d connections, want 1", ep, n)
		}
	}
	// 7 on mail.prov-a (25 dropped) + 2 + 2 answering, of 8+2+4 probed
	// (prov-b's SMTP host gets all four SMTP ports), + dead's 2+4.
	if len(perPort) != 11 || rep.EndpointsProbed != 8+2+4+6 {
		t.Errorf("%d endpoints answered (want 11), %d probed (want 20)", len(perPort), rep.EndpointsProbed)
	}

	status := map[string]DomainStatus{}
	for _, d := range rep.Domains {
		status[d.Domain] = d.Status
	}
	want := map[string]DomainStatus{"alfa.example": DomainOK, "beta.example": DomainOK, "gamma.example": DomainOK,
		"delta.example": DomainOK, "eco.example": DomainOK, "dead.example": DomainNotWorking, "nomail.example": DomainNotFound}
	for d, s := range want {
		if status[d] != s {
			t.Errorf("%s: %s, want %s", d, status[d], s)
		}
	}
	if rep.Summary != (Summary{Users: 8, Written: 6, Failed: 2, Rejected: 1, Domains: 7, DomainsOK: 5}) {
		t.Errorf("summary %+v", rep.Summary)
	}
	if rep.AllDone() || rep.IgnoredPasswordColumn != "password" {
		t.Errorf("AllDone %v, ignored column %q", rep.AllDone(), rep.IgnoredPasswordColumn)
	}
	for _, d := range rep.Domains {
		if d.Domain == "dead.example" && len(d.Problems) == 0 {
			t.Errorf("dead.example: no problems explained")
		}
		if d.Domain == "alfa.example" && (d.Incoming == nil || d.Incoming.Username != "%EMAILADDRESS%" || d.Provider != "Provincia Mail") {
			t.Errorf("alfa.example: %+v", d)
		}
	}

	// Each user's profile is what a single check and export of that
	// user gives, byte for byte (the Apple profile: same payload, its
	// UUIDs aside). The single checks run at once: each waits for the
	// dropped port's timeout.
	singles := make([]*detect.Report, len(rep.Users))
	var wg sync.WaitGroup
	for i, u := range rep.Users {
		addr, _ := address.Parse(u.Address)
		wg.Add(1)
		go func() {
			defer wg.Done()
			singles[i] = detect.Check(context.Background(), detect.CheckOptions{
				Network: opts.Network, ISPDBURL: opts.ISPDBURL, NoHTTP: true, OverrideDir: "-", ProbeTimeout: opts.ProbeTimeout,
			}, addr, nil)
		}()
	}
	wg.Wait()
	for i, u := range rep.Users {
		if u.Status != UserWritten {
			if u.Reason == nil || u.Reason.Text == "" || len(u.Files) != 0 {
				t.Errorf("%s: %s without a reason: %+v", u.Address, u.Status, u)
			}
			continue
		}
		if len(u.Files) != 4 {
			t.Fatalf("%s: files %v", u.Address, u.Files)
		}
		s, err := singles[i].ExportSettings(u.Name)
		if err != nil {
			t.Fatalf("%s: single check: %v", u.Address, err)
		}
		for _, f := range opts.Formats {
			name := filepath.Join(dir, UserDir(u.Address), fileNames(opts.Formats, SafeName(u.Address))[f.Name])
			got, err := os.ReadFile(name)
			if err != nil {
				t.Fatalf("%s: %v", u.Address, err)
			}
			wantData, err := f.Export(s, export.Options{Lang: u.Language})
			if err != nil {
				t.Fatal(err)
			}
			if f.Name == "mobileconfig" {
				got, wantData = withoutUUIDs(t, got), withoutUUIDs(t, wantData)
			}
			if !bytes.Equal(got, wantData) {
				t.Errorf("%s %s differs from a single export:\n%s\n---\n%s", u.Address, f.Name, got, wantData)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "users", "anna@alfa.example", "anna@alfa.example.mobileconfig")); err != nil {
		t.Errorf("predictable file name: %v", err)
	}

	// The domain files and the three reports.
	xml, err := os.ReadFile(filepath.Join(dir, "domains", "alfa.example", "mail", "config-v1.1.xml"))
	if err != nil || !bytes.Contains(xml, []byte("%EMAILADDRESS%")) || bytes.Contains(xml, []byte("anna")) {
		t.Errorf("domain autoconfig: %v\n%s", err, xml)
	}
	if r := readReport(t, dir); len(r.Users) != 8 || len(r.Rejected) != 1 || r.Rejected[0].Line != 10 {
		t.Errorf("report.json: %+v", r)
	}
	csvData, _ := os.ReadFile(filepath.Join(dir, ReportCSV))
	lines := strings.Split(strings.TrimSpace(string(csvData)), "\n")
	if len(lines) != 10 || !strings.HasPrefix(lines[1], "2;anna@alfa.example;Anna Rossi;alfa.example;written") ||
		!strings.HasPrefix(lines[9], "10;not-an-address;;;rejected;bad-address") {
		t.Errorf("report.csv (separator of the list, rows in list order):\n%s", csvData)
	}
	page, _ := os.ReadFile(filepath.Join(dir, ReportHTML))
	for _, s := range []string{"anna@alfa.example", "ugo@nomail.example", "not-an-address", `lang="`} {
		if !bytes.Contains(page, []byte(s)) {
			t.Errorf("report.html lacks %q", s)
		}
	}

	// Events: Started first, Finished last, one DomainFinished per domain
	// and one UserFinished per user.
	var started, finished, domains, users int
	for i, e := range ev.all {
		switch e.(type) {
		case Started:
			started++
			if i != 0 {
				t.Errorf("Started is event %d", i)
			}
		case Finished:
			finished++
			if i != len(ev.all)-1 {
				t.Errorf("Finished is event %d of %d", i, len(ev.all))
			}
		case DomainFinished:
			domains++
		case UserFinished:
			users++
		}
	}
	if started != 1 || finished != 1 || domains != 7 || users != 8 {
		t.Errorf("events: %d started, %d finished, %d domains, %d users", started, finished, domains, users)
	}
}

// withoutUUIDs decodes an Apple profile and blanks its UUIDs.
func withoutUUIDs(t *testing.T, data []byte) []byte {
	t.Helper()
	var v any
	if _, err := plist.Unmarshal(data, &v); err != nil {
		t.Fatalf("not a property list: %v", err)
	}
	var blank func(any)
	blank = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			for k, v := range x {
				if k == "PayloadUUID" {
					x[k] = ""
				}
				if k == "PayloadIdentifier" {
					x[k] = ""
				}
				blank(v)
			}
		case []any:
			for _, v := range x {
				blank(v)
			}
		}
	}
	blank(v)
	out, _ := json.Marshal(v)
	return out
}

// An interrupted batch keeps what finished; running it again finishes
// only what is missing: the finished domains are not checked again and
// their files are left alone.
func TestBatchInterruptedThenResumed(t *testing.T) {
	l := newTestLab(t, labtest.Options{DNSTimeout: 5 * time.Second})
	dir := t.TempDir()
	list := "anna@alfa.example\nbruno@alfa.example\ncarla@beta.example\nelena@delta.example\nfabio@eco.example\n"
	opts := l.options(dir)
	opts.Domains = 1

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep, err := Run(ctx, opts, mustParse(t, list), func(e event.Event) {
		if d, ok := e.(DomainFinished); ok && d.Domain.Domain == "alfa.example" {
			cancel()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Canceled || rep.AllDone() || rep.Summary.Written != 2 {
		t.Fatalf("interrupted: canceled %v, summary %+v", rep.Canceled, rep.Summary)
	}
	for _, u := range rep.Users[2:] {
		if u.Status != UserFailed || u.Reason == nil || u.Reason.Code != ReasonCanceled {
			t.Errorf("%s: %+v, want failed/canceled", u.Address, u)
		}
	}
	anna := filepath.Join(dir, "users", "anna@alfa.example", "anna@alfa.example.mobileconfig")
	before, err := os.Stat(anna)
	if err != nil {
		t.Fatal(err)
	}

	var checked []string
	old := runCheck
	t.Cleanup(func() { runCheck = old })
	runCheck = func(ctx context.Context, o detect.CheckOptions, a address.Address, s event.Sink) *detect.Report {
		checked = append(checked, a.Domain)
		return old(ctx, o, a, s)
	}
	rep, err = Run(context.Background(), opts, mustParse(t, list), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.AllDone() || rep.Summary.Kept != 2 || rep.Summary.Written != 3 {
		t.Errorf("resumed: summary %+v", rep.Summary)
	}
	if !rep.Domains[0].Reused {
		t.Errorf("alfa.example's saved check was not reused")
	}
	after, _ := os.Stat(anna)
	if !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("anna's profile was rewritten")
	}
	if got := strings.Join(checked, " "); got != "beta.example delta.example eco.example" {
		t.Errorf("resumed run checked %q, want only the unfinished domains", got)
	}

	// --force writes everything again, after a fresh check.
	opts.Force = true
	rep, err = Run(context.Background(), opts, mustParse(t, list), nil)
	if err != nil || rep.Summary.Written != 5 || rep.Domains[0].Reused {
		t.Errorf("forced: %v %+v", err, rep.Summary)
	}
	if after, _ := os.Stat(anna); os.SameFile(before, after) {
		t.Errorf("--force kept anna's old file")
	}
}

// The per-host cap holds at the server: a provider hosting twenty
// domains on one host sees at most PerHost connections at once.
func TestBatchPerHostConnectionCapSeenByServer(t *testing.T) {
	lab := labtest.NewWith(t, labtest.Options{Latency: 20 * time.Millisecond, DNSTimeout: 5 * time.Second})
	c := batchtest.NewConnCounter()
	db := batchtest.NewISPDB(lab)
	db.Provider("big.example", "Big", "mail.big.example", "mail.big.example", "mail.big.example")
	batchtest.Host(t, lab, c, "mail.big.example", batchtest.AllPorts)
	var list strings.Builder
	for i := 0; i < 20; i++ {
		d := fmt.Sprintf("customer%d.example", i)
		lab.MX(d, 10, "mx.big.example")
		fmt.Fprintf(&list, "user@%s\n", d)
	}
	for _, perHost := range []int{1, 3} {
		t.Run(fmt.Sprint(perHost), func(t *testing.T) {
			c.Reset()
			rep, err := Run(context.Background(), Options{
				Output: t.TempDir(), Network: lab.Network(), ISPDBURL: batchtest.ISPDBURL, NoHTTP: true, OverrideDir: "-",
				ProbeTimeout: 3 * time.Second, Domains: 4, PerHost: perHost,
			}, mustParse(t, list.String()), nil)
			if err != nil || !rep.AllDone() {
				for _, d := range rep.Domains {
					if d.Status != DomainOK {
						t.Logf("%s: %s %+v", d.Domain, d.Status, d.Problems)
					}
				}
				t.Fatalf("%v %+v", err, rep.Summary)
			}
			max, perPort := c.Snapshot()
			if max["mail.big.example"] != perHost {
				t.Errorf("at most %d connections at once at the server, want %d", max["mail.big.example"], perHost)
			}
			if len(perPort) != 8 || rep.EndpointsProbed != 8 {
				t.Errorf("%d endpoints connected, %d probed; want 8", len(perPort), rep.EndpointsProbed)
			}
		})
	}
}

// A domain whose discovery hit a passing failure (a source in error) is
// asked once more before its users are reported without profiles.
func TestBatchRetriesADomainWhoseSourceFailed(t *testing.T) {
	l := newTestLab(t, labtest.Options{DNSTimeout: 5 * time.Second})
	calls := 0
	old := runCheck
	t.Cleanup(func() { runCheck = old })
	runCheck = func(ctx context.Context, o detect.CheckOptions, a address.Address, s event.Sink) *detect.Report {
		calls++
		if calls == 1 {
			rep := &detect.Report{}
			rep.Address, rep.Domain = a.String(), a.Domain
			rep.Sources = []discover.SourceReport{{Name: discover.SourceMX, Status: discover.StatusError, Error: "DNS MX: timed out"}}
			return rep
		}
		return old(ctx, o, a, s)
	}
	rep, err := Run(context.Background(), l.options(t.TempDir()), mustParse(t, "anna@alfa.example\n"), nil)
	if err != nil || !rep.AllDone() || calls != 2 {
		t.Errorf("err %v, summary %+v, %d checks", err, rep.Summary, calls)
	}
}

// Run refuses to start without an output folder or a network instead of
// falling back to the system's resolvers, which would ignore the
// person's DNS server and CA file; nothing is written.
func TestRunNeedsAnOutputAndANetwork(t *testing.T) {
	list := &List{}
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := Run(context.Background(), Options{Network: nil, Output: dir}, list, func(event.Event) {}); err == nil {
		t.Error("Run without a network: no error")
	}
	if _, err := Run(context.Background(), Options{Output: ""}, list, func(event.Event) {}); err == nil {
		t.Error("Run without an output folder: no error")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("something was written: %v", err)
	}
}
