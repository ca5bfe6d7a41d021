package gui

import "runtime"

func isDesktopOS() bool {
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "android":
		return true
	}
	return false
}
