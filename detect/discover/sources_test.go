package discover_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/providers"
)

func TestOverrideFileOutranksEverySource(t *testing.T) {
	lab := labtest.New(t)
	lab.HTTPS("autoconfig.example.com", serveXML(configXML("example.com", "From the web", imap("imap.example.com"), smtp("smtp.example.com"))))
	dir := t.TempDir()
	writeOverride(t, dir, "example.com", configXML("example.com", "My own", imap("imap.mine.example.com"), smtp("smtp.example.com")))

	res, _ := run(t, lab, "anna@example.com", func(o *discover.Options) { o.OverrideDir = dir })

	if s := source(t, res, discover.SourceOverride); s.Status != discover.StatusFound || s.Trust != discover.TrustLocal {
		t.Fatalf("override report: %+v", s)
	}
	if got := res.Candidates[0]; got.Host != "imap.mine.example.com" || got.Rank != 1 {
		t.Fatalf("first candidate %+v, want the override's IMAP server", got)
	}
	shared, ok := candidate(res, mail.SMTP, "smtp.example.com", 465)
	if !ok || strings.Join(shared.Sources, ",") != "override,autoconfig" || shared.Rank != 1 {
		t.Fatalf("shared SMTP server: %+v", shared)
	}
	if res.Provider == nil || res.Provider.DisplayName != "My own" {
		t.Fatalf("provider %+v, want the override's", res.Provider)
	}
}

func TestBrokenOverrideFileIsAnErrorNotASilentSkip(t *testing.T) {
	lab := labtest.New(t)
	dir := t.TempDir()
	writeOverride(t, dir, "example.com", "<clientConfig><emailProvider")
	res, _ := run(t, lab, "anna@example.com", func(o *discover.Options) { o.OverrideDir = dir })
	if s := source(t, res, discover.SourceOverride); s.Status != discover.StatusError || s.ErrorCode != discover.CodeMalformed {
		t.Fatalf("override report: %+v", s)
	}
}

func TestBuiltinTableAnswersWithoutNetwork(t *testing.T) {
	lab := labtest.New(t)
	lab.DNSFail(".", labtest.ServFail)
	entry, ok := providers.Lookup("libero.it")
	if !ok {
		t.Fatal("the built-in table must know libero.it")
	}
	res, _ := run(t, lab, "mario.rossi@libero.it")
	s := source(t, res, discover.SourceBuiltin)
	if s.Status != discover.StatusFound || !s.Trusted || s.Provider == "" {
		t.Fatalf("builtin report: %+v", s)
	}
	want := len(entry.Incoming) + len(entry.Outgoing)
	if got := len(fromSource(res, discover.SourceBuiltin)); got != want || res.Candidates[0].Rank != 2 {
		t.Fatalf("%d builtin candidates (first rank %d), want %d", got, res.Candidates[0].Rank, want)
	}
	if !res.HasIncoming() || !res.HasOutgoing() {
		t.Fatal("libero.it must give incoming and outgoing servers")
	}
}

func TestAutoconfigPrefersAutoconfigHostThenWellKnown(t *testing.T) {
	lab := labtest.New(t)
	var query url.Values
	lab.HTTPS("example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/autoconfig/mail/config-v1.1.xml" {
			http.NotFound(w, r)
			return
		}
		query = r.URL.Query()
		w.Write([]byte(configXML("example.com", "Well known", imap("imap.example.com"), smtp("smtp.example.com"))))
	}))
	res, _ := run(t, lab, "anna@example.com")
	s := source(t, res, discover.SourceAutoconfig)
	if s.Status != discover.StatusFound || !strings.Contains(s.URL, "/.well-known/") || s.Trust != discover.TrustHTTPS {
		t.Fatalf("well-known only: %+v", s)
	}
	if query.Get("emailaddress") != "anna@example.com" {
		t.Fatalf("emailaddress parameter %q", query.Get("emailaddress"))
	}

	// With both published, autoconfig.DOMAIN wins even when it is slower.
	lab.HTTPS("autoconfig.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
		w.Write([]byte(configXML("example.com", "Autoconfig host", imap("imap2.example.com"), smtp("smtp.example.com"))))
	}))
	res, _ = run(t, lab, "anna@example.com")
	s = source(t, res, discover.SourceAutoconfig)
	if !strings.HasPrefix(s.URL, "https://autoconfig.example.com/") || s.Provider != "Autoconfig host" {
		t.Fatalf("both published: %+v", s)
	}
}

func TestISPDBIsAskedForTheDomain(t *testing.T) {
	lab := labtest.New(t)
	ispdb(lab, map[string]string{"example.com": configXML("example.com", "ISPDB entry", imap("imap.example.com"), smtp("smtp.example.com"))})
	res, _ := run(t, lab, "anna@example.com")
	s := source(t, res, discover.SourceISPDB)
	if s.Status != discover.StatusFound || s.URL != discover.DefaultISPDBURL+"example.com" || !s.Trusted {
		t.Fatalf("ispdb: %+v", s)
	}
	c, ok := candidate(res, mail.IMAP, "imap.example.com", 993)
	if !ok || c.Username != mail.PlaceholderAddress || res.Login(c) != "anna@example.com" {
		t.Fatalf("candidate %+v (login %q)", c, res.Login(c))
	}
}

func TestISPDBBaseURLIsConfigurable(t *testing.T) {
	lab := labtest.New(t)
	lab.HTTPS("ispdb.mirror.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/db/example.com" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(configXML("example.com", "Mirror", imap("imap.example.com"))))
	}))
	res, _ := run(t, lab, "anna@example.com", func(o *discover.Options) { o.ISPDBURL = "https://ispdb.mirror.test/db" })
	if s := source(t, res, discover.SourceISPDB); s.Status != discover.StatusFound {
		t.Fatalf("mirror: %+v", s)
	}
}

func TestHigherRankWinsThoughItAnswersLater(t *testing.T) {
	lab := labtest.New(t)
	// The better source (autoconfig) answers only after the worse one
	// (ISPDB) has finished, whatever the machine's load.
	ispdbDone := make(chan struct{})
	lab.HTTPS("autoconfig.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-ispdbDone:
		case <-time.After(5 * time.Second):
		}
		w.Write([]byte(configXML("example.com", "Slow but better", imap("imap.slow.example.com"), smtp("smtp.slow.example.com"))))
	}))
	ispdb(lab, map[string]string{"example.com": configXML("example.com", "Fast", imap("imap.fast.example.com"), smtp("smtp.fast.example.com"))})

	addr, _ := address.Parse("anna@example.com")
	rec := &recorder{}
	var once sync.Once
	sink := func(e event.Event) {
		rec.sink(e)
		if f, ok := e.(discover.SourceFinished); ok && f.Source == discover.SourceISPDB {
			once.Do(func() { close(ispdbDone) })
		}
	}
	res := discover.Run(context.Background(), discover.Options{Network: lab.Network(), OverrideDir: "-", Timeout: 10 * time.Second}, addr, sink)

	want := []string{"imap:imap.slow.example.com:993", "smtp:smtp.slow.example.com:465", "imap:imap.fast.example.com:993", "smtp:smtp.fast.example.com:465"}
	if got := hostsOf(res.Candidates); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("order %v, want %v", got, want)
	}
	if res.Provider.DisplayName != "Slow but better" {
		t.Fatalf("provider %q, want the better-ranked one", res.Provider.DisplayName)
	}
	// The events show the fast source first: arrival order is not rank.
	var first string
	for _, e := range rec.all() {
		if cf, ok := e.(discover.CandidateFound); ok {
			first = cf.Candidate.Host
			break
		}
	}
	if first != "imap.fast.example.com" {
		t.Fatalf("first CandidateFound was %q, want the ISPDB's", first)
	}
}

func TestSRVFollowsPriorityThenWeight(t *testing.T) {
	lab := labtest.New(t)
	lab.SRV("_imaps._tcp.example.com", 20, 0, 993, "backup.example.com")
	lab.SRV("_imaps._tcp.example.com", 10, 5, 993, "light.example.com")
	lab.SRV("_imaps._tcp.example.com", 10, 60, 993, "heavy.example.com")
	lab.SRV("_imaps._tcp.example.com", 10, 5, 993, "alpha.example.com")
	lab.SRV("_submission._tcp.example.com", 0, 1, 587, "smtp.example.com")

	res, _ := run(t, lab, "anna@example.com")
	got := hostsOf(fromSource(res, discover.SourceSRV))
	want := []string{
		"imap:heavy.example.com:993", "imap:alpha.example.com:993", "imap:light.example.com:993",
		"imap:backup.example.com:993", "smtp:smtp.example.com:587",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("SRV order %v, want %v", got, want)
	}
	c, _ := candidate(res, mail.SMTP, "smtp.example.com", 587)
	if c.Security != mail.STARTTLS || !c.Trusted || c.Username != mail.PlaceholderAddress {
		t.Fatalf("submission candidate %+v", c)
	}
	if s := source(t, res, discover.SourceSRV); s.Trust != discover.TrustDNS || !s.Trusted {
		t.Fatalf("in-domain SRV report %+v", s)
	}
}

func TestSRVDotTargetSuppressesGuessesForThatService(t *testing.T) {
	lab := labtest.New(t)
	lab.Host("mail.example.com")
	lab.SRV("_pop3._tcp.example.com", 0, 0, 0, ".")
	lab.SRV("_pop3s._tcp.example.com", 0, 0, 0, ".")
	lab.SRV("_imap._tcp.example.com", 0, 0, 0, ".")

	res, _ := run(t, lab, "anna@example.com")
	for _, c := range res.Candidates {
		if c.Protocol == mail.POP3 || (c.Protocol == mail.IMAP && c.Security == mail.STARTTLS) {
			t.Errorf("guessed %s although SRV says it is not offered", c)
		}
	}
	if _, ok := candidate(res, mail.IMAP, "mail.example.com", 993); !ok {
		t.Errorf("IMAP over TLS was not declared absent and must still be guessed: %v", hostsOf(res.Candidates))
	}
	if _, ok := candidate(res, mail.SMTP, "mail.example.com", 587); !ok {
		t.Errorf("SMTP guesses missing: %v", hostsOf(res.Candidates))
	}
}

func TestSRVTargetOutsideTheDomainIsUntrusted(t *testing.T) {
	lab := labtest.New(t)
	lab.SRV("_imaps._tcp.example.com", 0, 0, 993, "imap.hoster.test")
	lab.SRV("_submissions._tcp.example.com", 0, 0, 465, "smtp.example.com")
	res, _ := run(t, lab, "anna@example.com")
	out, _ := candidate(res, mail.IMAP, "imap.hoster.test", 993)
	in, _ := candidate(res, mail.SMTP, "smtp.example.com", 465)
	if out.Trusted || !in.Trusted {
		t.Fatalf("out-of-domain trusted=%v, in-domain trusted=%v", out.Trusted, in.Trusted)
	}
	if s := source(t, res, discover.SourceSRV); s.Trust != discover.TrustDNSUntrusted || s.Trusted {
		t.Fatalf("SRV report %+v", s)
	}
}

func TestHundredsOfSRVRecordsAreCapped(t *testing.T) {
	lab := labtest.New(t)
	for i := 0; i < 300; i++ {
		lab.SRV("_imaps._tcp.example.com", uint16(i%7), uint16(i), 993, "imap"+strings.Repeat("x", i%50)+".example.com")
	}
	res, _ := run(t, lab, "anna@example.com")
	if n := len(fromSource(res, discover.SourceSRV)); n == 0 || n > discover.MaxSRVPerService {
		t.Fatalf("%d SRV candidates, want 1..%d", n, discover.MaxSRVPerService)
	}
}

func TestMXRecognisesProviderInPreferenceOrder(t *testing.T) {
	lab := labtest.New(t)
	// Listed out of order on purpose: preference 5 must win over 10.
	lab.MX("example.com", 10, "mx1.second-hoster.test")
	lab.MX("example.com", 5, "in.mx.first-hoster.test")
	ispdb(lab, map[string]string{
		"second-hoster.test": configXML("second-hoster.test", "Second", imap("imap.second-hoster.test"), smtp("smtp.second-hoster.test")),
		"first-hoster.test":  configXML("first-hoster.test", "First", imap("imap.first-hoster.test"), smtp("smtp.first-hoster.test")),
	})
	res, _ := run(t, lab, "anna@example.com")
	s := source(t, res, discover.SourceMX)
	if s.Status != discover.StatusFound || s.Provider != "First" || s.URL != discover.DefaultISPDBURL+"first-hoster.test" {
		t.Fatalf("MX report %+v", s)
	}
	if _, ok := candidate(res, mail.IMAP, "imap.first-hoster.test", 993); !ok {
		t.Fatalf("candidates %v", hostsOf(res.Candidates))
	}
}

func TestMXParentDomainComesBeforeRegistrableDomain(t *testing.T) {
	lab := labtest.New(t)
	lab.MX("example.com", 10, "mx.eu.hoster.test")
	lab.HTTPS("autoconfig.eu.hoster.test", serveXML(configXML("eu.hoster.test", "Hoster EU", imap("imap.eu.hoster.test"))))
	lab.HTTPS("autoconfig.hoster.test", serveXML(configXML("hoster.test", "Hoster", imap("imap.hoster.test"))))
	res, _ := run(t, lab, "anna@example.com")
	if s := source(t, res, discover.SourceMX); s.Provider != "Hoster EU" {
		t.Fatalf("MX report %+v", s)
	}
}

func TestMXFindsGoogleWorkspaceInTheTable(t *testing.T) {
	lab := labtest.New(t)
	lab.MX("studio-rossi.it", 1, "aspmx.l.google.com")
	lab.MX("studio-rossi.it", 5, "alt1.aspmx.l.google.com")
	entry, ok := providers.LookupByMX("aspmx.l.google.com")
	if !ok {
		t.Fatal("the built-in table must recognise Google's MX")
	}
	res, _ := run(t, lab, "info@studio-rossi.it")
	s := source(t, res, discover.SourceMX)
	if s.Status != discover.StatusFound || s.Provider == "" || !s.Trusted {
		t.Fatalf("MX report %+v", s)
	}
	in := entry.Incoming[0]
	if c, ok := candidate(res, in.Protocol, in.Host, in.Port); !ok || c.ProviderID != entry.ID {
		t.Fatalf("candidate for %s: %+v in %v", in.Host, c, hostsOf(res.Candidates))
	}
}

func TestNullMXIsNothingFound(t *testing.T) {
	lab := labtest.New(t)
	lab.MX("example.com", 0, ".")
	res, _ := run(t, lab, "anna@example.com")
	if s := source(t, res, discover.SourceMX); s.Status != discover.StatusNotFound {
		t.Fatalf("null MX: %+v", s)
	}
}

func TestPlainHTTPAutoconfigIsUntrustedAndCanBeTurnedOff(t *testing.T) {
	lab := labtest.New(t)
	lab.HTTP("autoconfig.example.com", serveXML(configXML("example.com", "Plain", imap("imap.example.com"), smtp("smtp.example.com"))))

	res, _ := run(t, lab, "anna@example.com")
	s := source(t, res, discover.SourceAutoconfigHTTP)
	if s.Status != discover.StatusFound || s.Trusted || s.Trust != discover.TrustHTTPUntrusted {
		t.Fatalf("http report %+v", s)
	}
	c, _ := candidate(res, mail.IMAP, "imap.example.com", 993)
	if c.Trusted || c.Rank != discover.SourceAutoconfigHTTP.Rank() {
		t.Fatalf("candidate from plain HTTP: %+v", c)
	}
	if hs := source(t, res, discover.SourceAutoconfig); hs.Status == discover.StatusFound {
		t.Fatalf("HTTPS autoconfig found something that only plain HTTP serves: %+v", hs)
	}

	res, _ = run(t, lab, "anna@example.com", func(o *discover.Options) { o.NoHTTP = true })
	for _, s := range res.Sources {
		if s.Name == discover.SourceAutoconfigHTTP {
			t.Fatal("NoHTTP still asked over plain HTTP")
		}
	}
	if _, ok := candidate(res, mail.IMAP, "imap.example.com", 993); ok {
		t.Fatal("NoHTTP still proposed the plain-HTTP server")
	}
}

func TestGuessesOnlyHostsThatResolve(t *testing.T) {
	lab := labtest.New(t)
	lab.Host("imap.example.com")
	lab.Host("smtp.example.com")
	res, _ := run(t, lab, "anna@example.com")
	got := hostsOf(fromSource(res, discover.SourceGuess))
	want := []string{
		"imap:imap.example.com:993", "imap:imap.example.com:143",
		"smtp:smtp.example.com:465", "smtp:smtp.example.com:587", "smtp:smtp.example.com:25", "smtp:smtp.example.com:2525",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("guesses %v, want %v", got, want)
	}
	s := source(t, res, discover.SourceGuess)
	if s.Trusted || s.Trust != discover.TrustGuess {
		t.Fatalf("guess report %+v", s)
	}
	for _, c := range res.Candidates {
		if c.Trusted {
			t.Fatalf("a guess is trusted: %+v", c)
		}
	}
}

func TestSameEndpointFromTwoSourcesIsMergedWithBothProvenances(t *testing.T) {
	lab := labtest.New(t)
	lab.Host("imap.example.com")
	ispdb(lab, map[string]string{"example.com": configXML("example.com", "ISPDB", mail.Server{
		Protocol: mail.IMAP, Host: "IMAP.example.com.", Port: 993, Security: mail.TLS, Username: "%EMAILLOCALPART%",
	})})
	res, rec := run(t, lab, "anna@example.com")
	c, ok := candidate(res, mail.IMAP, "imap.example.com", 993)
	if !ok || strings.Join(c.Sources, ",") != "ispdb,guess" || !c.Trusted || c.Rank != 4 || c.Username != mail.PlaceholderLocalPart {
		t.Fatalf("merged candidate %+v", c)
	}
	if res.Login(c) != "anna" {
		t.Fatalf("login %q", res.Login(c))
	}
	found := 0
	for _, e := range rec.all() {
		if cf, ok := e.(discover.CandidateFound); ok && !cf.Update && cf.Candidate.Key() == c.Key() {
			found++
		}
	}
	if found != 1 {
		t.Fatalf("CandidateFound (new) for the merged endpoint %d times, want 1", found)
	}
}

func TestEverySourceReportsStartAndFinishOnce(t *testing.T) {
	lab := labtest.New(t)
	res, rec := run(t, lab, "anna@example.com")
	started, finished := map[discover.SourceName]int{}, map[discover.SourceName]int{}
	for _, e := range rec.all() {
		switch e := e.(type) {
		case discover.SourceStarted:
			started[e.Source]++
			if finished[e.Source] > 0 {
				t.Errorf("%s finished before it started", e.Source)
			}
		case discover.SourceFinished:
			finished[e.Source]++
		}
	}
	if len(res.Sources) != len(discover.Sources) {
		t.Fatalf("%d source reports, want %d", len(res.Sources), len(discover.Sources))
	}
	for i, s := range res.Sources {
		if s.Name != discover.Sources[i] {
			t.Errorf("report %d is %s, want %s (rank order)", i, s.Name, discover.Sources[i])
		}
		if started[s.Name] != 1 || finished[s.Name] != 1 {
			t.Errorf("%s: started %d, finished %d", s.Name, started[s.Name], finished[s.Name])
		}
		if s.Status != discover.StatusNotFound {
			t.Errorf("%s on an empty lab: %+v, want not-found", s.Name, s)
		}
	}
	if len(res.Candidates) != 0 || res.HasIncoming() || res.HasOutgoing() {
		t.Fatalf("empty lab gave candidates %v", hostsOf(res.Candidates))
	}
}

func TestCandidateWithoutPublishedUsernameUsesTheWholeAddress(t *testing.T) {
	lab := labtest.New(t)
	// A hand-written file with no <username>: the login is the address,
	// unless a worse-ranked source names one.
	lab.HTTPS("autoconfig.example.com", serveXML(`<clientConfig version="1.1"><emailProvider id="example.com">
<incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
</emailProvider></clientConfig>`))
	ispdb(lab, map[string]string{"example.com": configXML("example.com", "ISPDB", mail.Server{
		Protocol: mail.SMTP, Host: "smtp.example.com", Port: 465, Security: mail.TLS, Username: "%EMAILLOCALPART%",
	})})
	res, rec := run(t, lab, "anna@example.com")
	in, _ := candidate(res, mail.IMAP, "imap.example.com", 993)
	if in.Username != mail.PlaceholderAddress || res.Login(in) != "anna@example.com" {
		t.Fatalf("IMAP candidate without a published username: %+v (login %q)", in, res.Login(in))
	}
	out, _ := candidate(res, mail.SMTP, "smtp.example.com", 465)
	if out.Username != mail.PlaceholderLocalPart || strings.Join(out.Sources, ",") != "autoconfig,ispdb" {
		t.Fatalf("SMTP candidate: %+v, want the ISPDB's login filling the gap", out)
	}
	for _, e := range rec.all() {
		if cf, ok := e.(discover.CandidateFound); ok && cf.Candidate.Username == "" {
			t.Fatalf("CandidateFound without a username: %+v", cf.Candidate)
		}
	}
}

func TestGuessesCoverEveryUsualNameInOrder(t *testing.T) {
	lab := labtest.New(t)
	for _, h := range []string{"imap", "pop3", "pop", "mail", "smtp"} {
		lab.Host(h + ".example.com")
	}
	lab.Host("example.com")
	res, _ := run(t, lab, "anna@example.com")
	got := hostsOf(fromSource(res, discover.SourceGuess))
	var want []string
	add := func(proto, host string, ports ...int) {
		for _, p := range ports {
			want = append(want, fmt.Sprintf("%s:%s:%d", proto, host, p))
		}
	}
	// Incoming first (imap., pop3., pop., mail., the domain), then
	// outgoing (smtp., mail., the domain), each on every standard port.
	add("imap", "imap.example.com", 993, 143)
	add("pop3", "pop3.example.com", 995, 110)
	add("pop3", "pop.example.com", 995, 110)
	add("imap", "mail.example.com", 993, 143)
	add("pop3", "mail.example.com", 995, 110)
	add("imap", "example.com", 993, 143)
	add("pop3", "example.com", 995, 110)
	for _, h := range []string{"smtp.example.com", "mail.example.com", "example.com"} {
		add("smtp", h, 465, 587, 25, 2525)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("guesses\n got %v\nwant %v", got, want)
	}
}

func TestSourceEventsCarryURLTrustAndError(t *testing.T) {
	lab := labtest.New(t)
	lab.HTTP("autoconfig.example.com", serveXML(configXML("example.com", "Plain", imap("imap.example.com"))))
	lab.HTTPS("example.com", serveXML("<not-a-config/>"))
	_, rec := run(t, lab, "anna@example.com")
	started := map[discover.SourceName]discover.SourceStarted{}
	finished := map[discover.SourceName]discover.SourceFinished{}
	for _, e := range rec.all() {
		switch e := e.(type) {
		case discover.SourceStarted:
			started[e.Source] = e
		case discover.SourceFinished:
			finished[e.Source] = e
		}
	}
	if s := started[discover.SourceAutoconfig]; !strings.HasPrefix(s.URL, "https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=") {
		t.Errorf("autoconfig started with URL %q", s.URL)
	}
	if s := started[discover.SourceISPDB]; s.URL != discover.DefaultISPDBURL+"example.com" {
		t.Errorf("ispdb started with URL %q", s.URL)
	}
	// HTTPS autoconfig: nothing at autoconfig.example.com, a file that is
	// not a clientConfig at the well-known URL: an error naming that URL.
	f := finished[discover.SourceAutoconfig]
	if f.Status != discover.StatusError || f.Err == nil || discover.ErrorCode(f.Err) != discover.CodeMalformed ||
		!strings.HasPrefix(f.URL, "https://example.com/.well-known/") || f.Trust != discover.TrustHTTPS {
		t.Errorf("autoconfig finished %+v", f)
	}
	f = finished[discover.SourceAutoconfigHTTP]
	if f.Status != discover.StatusFound || f.Err != nil || f.Trust != discover.TrustHTTPUntrusted ||
		f.Candidates != 1 || f.Provider != "Plain" || !strings.HasPrefix(f.URL, "http://autoconfig.example.com/") {
		t.Errorf("autoconfig-http finished %+v", f)
	}
	f = finished[discover.SourceSRV]
	if f.Status != discover.StatusNotFound || f.Trust != discover.TrustDNS || f.URL == "" {
		t.Errorf("srv finished %+v", f)
	}
}

func TestPlainHTTPISPDBMirrorIsUntrusted(t *testing.T) {
	lab := labtest.New(t)
	lab.HTTP("ispdb.mirror.test", serveXML(configXML("example.com", "Mirror", imap("imap.example.com"), smtp("smtp.example.com"))))
	res, _ := run(t, lab, "anna@example.com", func(o *discover.Options) { o.ISPDBURL = "http://ispdb.mirror.test/v1.1/" })
	s := source(t, res, discover.SourceISPDB)
	if s.Status != discover.StatusFound || s.Trusted || s.Trust != discover.TrustHTTPUntrusted || s.URL != "http://ispdb.mirror.test/v1.1/example.com" {
		t.Fatalf("plain-HTTP ISPDB report %+v", s)
	}
	if c, ok := candidate(res, mail.IMAP, "imap.example.com", 993); !ok || c.Trusted {
		t.Fatalf("candidate from a plain-HTTP ISPDB: %+v (found %v), want untrusted", c, ok)
	}
}
