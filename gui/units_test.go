package gui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/gui/backend"
)

func TestStatusWordNamesEveryOutcomeInWords(t *testing.T) {
	cases := []struct {
		name    string
		r       probe.Result
		running bool
		want    string
		spinner bool
	}{
		{"running", probe.Result{Phase: probe.PhaseConnecting}, true, "Connecting", true},
		{"queued", probe.Result{Phase: probe.PhaseQueued}, true, "Waiting", true},
		{"stopped", probe.Result{Phase: probe.PhaseLogin}, false, "Stopped", false},
		{"ok", probe.Result{Phase: probe.PhaseDone, Status: probe.StatusOK}, false, "OK", false},
		{"warning", probe.Result{Phase: probe.PhaseDone, Status: probe.StatusWarning}, false, "Warning", false},
		{"filtered", probe.Result{Phase: probe.PhaseDone, Status: probe.StatusFailed, Reachability: probe.Filtered}, false, "Filtered", false},
		{"refused", probe.Result{Phase: probe.PhaseDone, Status: probe.StatusFailed, Reachability: probe.Refused}, false, "Refused", false},
		{"failed", probe.Result{Phase: probe.PhaseDone, Status: probe.StatusFailed, Reachability: probe.Open}, false, "Failed", false},
		{"unresolved", probe.Result{Phase: probe.PhaseDone, Status: probe.StatusFailed, Reachability: probe.Unresolved}, false, "Failed", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			word, icon := statusWord(c.r, c.running)
			if word != c.want {
				t.Errorf("word = %q, want %q", word, c.want)
			}
			if (icon == nil) != c.spinner {
				t.Errorf("spinner = %v, want %v", icon == nil, c.spinner)
			}
		})
	}
}

func TestExportFileNamesAreTheOnesClientsExpect(t *testing.T) {
	cases := map[string]string{
		"thunderbird":  "config-v1.1.xml",
		"autodiscover": "autodiscover.xml",
		"mobileconfig": "libero.it.mobileconfig",
		"html":         "libero.it-setup-it.html",
		"text":         "libero.it-setup-it.txt",
		"markdown":     "libero.it-setup-it.md",
		"dns":          "libero.it.zone",
		"json":         "libero.it-postino.json",
	}
	for format, want := range cases {
		if got := exportFileName(format, "libero.it", "it"); got != want {
			t.Errorf("%s: %q, want %q", format, got, want)
		}
	}
}

func TestDisplayIsRequiredOnLinuxDesktops(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if DisplayAvailable(env(nil)) && !isDesktopOS() {
		t.Error("no DISPLAY and no WAYLAND_DISPLAY, yet a display is reported")
	}
	if !DisplayAvailable(env(map[string]string{"DISPLAY": ":0"})) {
		t.Error("DISPLAY=:0 is not accepted")
	}
	if !DisplayAvailable(env(map[string]string{"WAYLAND_DISPLAY": "wayland-0"})) {
		t.Error("WAYLAND_DISPLAY is not accepted")
	}
}

func TestSettingsRoundTripAndRejectOutOfRangeValues(t *testing.T) {
	a := test.NewTempApp(t)
	p := a.Preferences()
	s := LoadSettings(p)
	if s.ProbeTimeout != DefaultProbeTimeout || s.Language != "" || s.AllowPlaintextLogin {
		t.Fatalf("defaults = %+v", s)
	}
	// "Password without encryption" is never stored (issue 10), not
	// even a value an older version stored.
	p.SetBool(prefAllowPlain, true)
	if LoadSettings(p).AllowPlaintextLogin {
		t.Fatal("a stored allow-plaintext choice was loaded")
	}
	s = Settings{Language: "it", Settings: backend.Settings{ProbeTimeout: 20 * time.Second, DNSServer: "127.0.0.1:5353", ISPDBURL: "https://ispdb.example/v1.1/", AllowHTTPAutoconfig: true, AllowPlaintextLogin: true}}
	for _, a := range []string{"c@x.it", "b@x.it", "a@x.it", "B@X.IT"} {
		s.Remember(a)
	}
	s.Save(p)
	got := LoadSettings(p)
	if got.Language != "it" || got.ProbeTimeout != 20*time.Second || got.DNSServer != "127.0.0.1:5353" ||
		got.ISPDBURL != s.ISPDBURL || !got.AllowHTTPAutoconfig || got.AllowPlaintextLogin {
		t.Fatalf("round trip = %+v", got)
	}
	if want := []string{"B@X.IT", "a@x.it", "c@x.it"}; len(got.Recent) != 3 || got.Recent[0] != want[0] || got.Recent[2] != want[2] {
		t.Fatalf("recent = %q, want %q", got.Recent, want)
	}
	p.SetInt(prefTimeoutSec, 100000)
	p.SetString(prefLanguage, "klingon")
	if got := LoadSettings(p); got.ProbeTimeout != DefaultProbeTimeout || got.Language != "" {
		t.Fatalf("out-of-range values kept: %+v", got)
	}
}

func TestSettingsValidatorsAcceptOnlyUsableValues(t *testing.T) {
	// The engine's rules (detect/input), the same as --dns and --ispdb.
	for _, ok := range []string{"", "9.9.9.9", "127.0.0.1:5353", "[::1]:53", "dns.example"} {
		if err := validateDNSServer(ok); err != nil {
			t.Errorf("DNS %q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"1.2.3.4:0", "1.2.3.4:99999", "dns server", "https://9.9.9.9"} {
		if validateDNSServer(bad) == nil {
			t.Errorf("DNS %q accepted", bad)
		}
	}
	for _, ok := range []string{"", "https://autoconfig.thunderbird.net/v1.1/", "http://autoconfig.thunderbird.net/v1.1/"} {
		if err := validateISPDBURL(ok); err != nil {
			t.Errorf("ISPDB %q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"autoconfig.thunderbird.net/v1.1/", "ftp://x", "https://"} {
		if validateISPDBURL(bad) == nil {
			t.Errorf("ISPDB %q accepted", bad)
		}
	}
}

func TestDurationsUseTheLanguagesDecimalSeparator(t *testing.T) {
	defer i18n.SetLanguage("")
	for _, c := range []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", 1500 * time.Millisecond, "1.5 s"},
		{"en", 420 * time.Millisecond, "0.42 s"},
		{"it", 1500 * time.Millisecond, "1,5 s"},
		{"it", 3 * time.Millisecond, "0,01 s"},
	} {
		i18n.SetLanguage(c.lang)
		if got := formatDuration(c.d); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.lang, c.d, got, c.want)
		}
	}
}
