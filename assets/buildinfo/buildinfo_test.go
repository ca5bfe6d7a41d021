package buildinfo

import (
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// The version a plain build reports is the one the packages carry.
func TestDefaultVersionIsFyneAppTomls(t *testing.T) {
	b, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"`).FindSubmatch(b)
	if m == nil || string(m[1]) != DefaultVersion {
		t.Fatalf("FyneApp.toml version %q, DefaultVersion %q: keep them equal", m, DefaultVersion)
	}
}

func TestStampedValuesWin(t *testing.T) {
	read := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{GoVersion: "go1.99", Main: debug.Module{Version: "v9.9.9"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "fromvcs"}}}, true
	}
	got := get("1.2.3", "abc123", read)
	if got.Version != "1.2.3" || got.Commit != "abc123" || got.GoVersion != "go1.99" {
		t.Fatalf("got %+v", got)
	}
}

func TestUnstampedBuildUsesVCSAndModuleVersion(t *testing.T) {
	read := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{GoVersion: "go1.99", Main: debug.Module{Version: "v0.2.0"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "deadbeef"}, {Key: "vcs.modified", Value: "true"}}}, true
	}
	got := get("", "", read)
	if got.Version != "0.2.0" || got.Commit != "deadbeef+dirty" {
		t.Fatalf("got %+v", got)
	}
	// A pseudo-version is not a release: the default version is said instead.
	read = func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260101000000-deadbeefcafe+dirty"}}, true
	}
	got = get("", "", read)
	if got.Version != DefaultVersion || got.Commit != "unknown" || got.GoVersion != runtime.Version() {
		t.Fatalf("got %+v", got)
	}
	got = get("", "", func() (*debug.BuildInfo, bool) { return nil, false })
	if got.Version != DefaultVersion || got.Commit != "unknown" {
		t.Fatalf("no build info: got %+v", got)
	}
}

func TestStringSaysAllThree(t *testing.T) {
	s := Info{Version: "0.1.0", Commit: "abc", GoVersion: "go1.26.8", Platform: "windows/amd64"}.String()
	for _, want := range []string{"postino 0.1.0", "abc", "go1.26.8", "windows/amd64"} {
		if !strings.Contains(s, want) {
			t.Errorf("%q lacks %q", s, want)
		}
	}
}
