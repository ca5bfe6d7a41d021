package gui

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// DisplayAvailable reports whether a window can be opened. On Linux and
// the BSDs a window needs an X11 or Wayland display named by DISPLAY or
// WAYLAND_DISPLAY; without one, GLFW would fail deep inside the driver,
// so main says so in one clear line instead. Windows and macOS always
// have a desktop when a person runs the program.
func DisplayAvailable(getenv func(string) string) bool {
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "android":
		return true
	}
	return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}

// errNoServer says the display named in the environment does not answer.
var errNoServer = errors.New("no display server answers")

// DisplayReachable checks that the display the environment names has a
// server behind it: a DISPLAY left over from an old session (or set by
// hand, DISPLAY=:97 with nothing there) made GLFW panic with a stack
// trace. It connects to the X server's socket, or finds the Wayland
// compositor's, and returns at once; nothing is sent.
func DisplayReachable(getenv func(string) string) error {
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "android":
		return nil
	}
	if w := getenv("WAYLAND_DISPLAY"); w != "" {
		path := w
		if !filepath.IsAbs(path) {
			path = filepath.Join(getenv("XDG_RUNTIME_DIR"), w)
		}
		if _, err := os.Stat(path); err == nil {
			return nil
		}
	}
	d := getenv("DISPLAY")
	if d == "" {
		return errNoServer
	}
	for _, addr := range x11Addresses(d) {
		c, err := net.DialTimeout(addr[0], addr[1], time.Second)
		if err == nil {
			c.Close()
			return nil
		}
	}
	return errNoServer
}

// x11Addresses lists where the X server of display name d listens
// ("[host]:N[.screen]", or a socket path as macOS's XQuartz uses).
func x11Addresses(d string) [][2]string {
	if strings.HasPrefix(d, "/") {
		return [][2]string{{"unix", d}}
	}
	host, rest, ok := strings.Cut(d, ":")
	if i := strings.LastIndex(d, ":"); ok && i > len(host) {
		host, rest = d[:i], d[i+1:]
	}
	if !ok {
		return nil
	}
	num, _, _ := strings.Cut(rest, ".")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return nil
	}
	host = strings.TrimPrefix(host, "unix/")
	if host == "" || host == "unix" {
		sock := "/tmp/.X11-unix/X" + num
		// Linux's X servers also listen on the abstract socket.
		return [][2]string{{"unix", sock}, {"unix", "@" + sock}}
	}
	return [][2]string{{"tcp", net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(6000+n))}}
}
