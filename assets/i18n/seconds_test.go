package i18n

import (
	"testing"
	"time"
)

func TestSecondsUseTheLanguagesPrecisionAndSeparator(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", 0, "0"},
		{"en", -3 * ms, "0"},
		{"en", 3 * ms, "0.01"}, // not "0": it took some time
		{"en", 42 * ms, "0.04"},
		{"en", 995 * ms, "1.0"}, // rounds up to a second: tenths, as from a second up
		{"en", 500 * ms, "0.5"},
		{"en", 2345 * ms, "2.3"},
		{"en", 2 * time.Second, "2.0"},
		{"en", 90 * time.Second, "90.0"},
		{"it", 42 * ms, "0,04"},
		{"it", 2345 * ms, "2,3"},
		{"it_IT.UTF-8", 2500 * ms, "2,5"},
	} {
		if got := SecondsIn(tc.lang, tc.d); got != tc.want {
			t.Errorf("SecondsIn(%q, %v) = %q, want %q", tc.lang, tc.d, got, tc.want)
		}
	}
}

func TestSecondsFollowsTheCurrentLanguage(t *testing.T) {
	t.Cleanup(func() { SetLanguage("") })
	SetLanguage("it")
	if got := Seconds(2500 * time.Millisecond); got != "2,5" {
		t.Errorf("Italian: %q", got)
	}
	SetLanguage("en")
	if got := Seconds(2500 * time.Millisecond); got != "2.5" {
		t.Errorf("English: %q", got)
	}
}
