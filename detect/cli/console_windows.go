package cli

import (
	"os"
	"syscall"
)

// AttachParentConsole makes the command line print in the console it was
// typed in. Postino.exe is a GUI program (linked with -H windowsgui, so
// a double-click opens no black console window), and Windows gives a GUI
// program no standard output: typed in cmd.exe or PowerShell, `Postino.exe
// check …` would print nothing. When the standard handles are missing,
// this attaches to the parent's console and writes there. Redirected
// output (`> report.json`, a pipe, a script runner) already has valid
// handles and is left alone.
func AttachParentConsole() {
	if validHandle(syscall.STD_OUTPUT_HANDLE) && validHandle(syscall.STD_ERROR_HANDLE) {
		return
	}
	kernel32 := syscall.NewLazyDLL("kernel32.dll")
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS, (DWORD)-1
	if r, _, _ := kernel32.NewProc("AttachConsole").Call(attachParentProcess); r == 0 {
		return // started without a console (Explorer, a service): nothing to attach to
	}
	if !validHandle(syscall.STD_OUTPUT_HANDLE) {
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			os.Stdout = f
		}
	}
	if !validHandle(syscall.STD_ERROR_HANDLE) {
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			os.Stderr = f
		}
	}
}

func validHandle(which int) bool {
	h, err := syscall.GetStdHandle(which)
	return err == nil && h != syscall.InvalidHandle && h != 0
}
