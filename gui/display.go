package gui

import "runtime"

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
