//go:build !windows

package cli

// AttachParentConsole is needed only on Windows (console_windows.go).
func AttachParentConsole() {}
