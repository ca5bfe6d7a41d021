package gui

import (
	"net"
	"path/filepath"
	"runtime"
	"testing"
)

func TestX11AddressesFollowTheDisplayName(t *testing.T) {
	for d, want := range map[string]string{
		":97":             "unix /tmp/.X11-unix/X97",
		":0.1":            "unix /tmp/.X11-unix/X0",
		"unix:3":          "unix /tmp/.X11-unix/X3",
		"127.0.0.1:10.0":  "tcp 127.0.0.1:6010",
		"[::1]:2":         "tcp [::1]:6002",
		"/tmp/launch/org": "unix /tmp/launch/org",
	} {
		got := x11Addresses(d)
		if len(got) == 0 || got[0][0]+" "+got[0][1] != want {
			t.Errorf("%q: %v, want %s", d, got, want)
		}
	}
	for _, bad := range []string{"", "nocolon", ":x", ":-1"} {
		if got := x11Addresses(bad); len(got) != 0 {
			t.Errorf("%q: %v, want none", bad, got)
		}
	}
}

// TestADisplayWithNothingBehindItIsReportedNotOpened: DISPLAY=:97 with no
// server made GLFW panic; main must learn it first.
func TestADisplayWithNothingBehindItIsReportedNotOpened(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("X11 sockets")
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	// A socket path nobody listens on.
	if err := DisplayReachable(env(map[string]string{"DISPLAY": filepath.Join(t.TempDir(), "X97")})); err == nil {
		t.Fatal("a display with no server was called reachable")
	}
	// A listening socket is reachable.
	sock := filepath.Join(t.TempDir(), "X5")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := DisplayReachable(env(map[string]string{"DISPLAY": sock})); err != nil {
		t.Fatalf("a listening display: %v", err)
	}
	if err := DisplayReachable(env(map[string]string{})); err == nil {
		t.Fatal("no display at all was called reachable")
	}
}
