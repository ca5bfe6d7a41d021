// Postino finds and tests the mail settings for an address. With no
// arguments it opens its window; with a sub-command it is a scriptable
// command line (see `postino help`).
package main

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/postino-mail/postino/assets"
	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/cli"
	"github.com/postino-mail/postino/gui"
)

// envAutoCheck, when set, starts a check of that address as soon as the
// window opens (used by `make screenshots`; handy for support scripts).
const envAutoCheck = "POSTINO_AUTOCHECK"

func main() {
	if len(os.Args) > 1 {
		os.Exit(cli.Main(&cli.Env{
			Args:   os.Args[1:],
			Stdin:  os.Stdin,
			Stdout: os.Stdout,
			Stderr: os.Stderr,
			Getenv: os.Getenv,
			// Live progress only on a terminal: piped or redirected,
			// stderr gets no progress noise.
			StderrIsTerminal: isTerminal(os.Stderr),
		}))
	}
	os.Exit(window())
}

// window opens the GUI and returns the exit code once it is closed.
func window() int {
	if !gui.DisplayAvailable(os.Getenv) {
		fmt.Fprintln(os.Stderr, i18n.T("gui.nodisplay"))
		return cli.ExitUsage
	}
	a := app.NewWithID("io.github.postino_mail.postino")
	a.SetIcon(assets.Icon)
	w := a.NewWindow("Postino")
	ui := gui.New(a, w, gui.Options{Engine: gui.DetectEngine{}, Health: gui.DetectHealth{}, Batch: gui.DetectBatch{}})
	w.SetContent(ui.Content())
	ui.Focus()
	w.SetTitle(i18n.T("gui.window.title"))
	w.Resize(fyne.NewSize(900, 600))
	w.SetMaster()
	w.SetOnClosed(ui.Close)
	if addr := os.Getenv(envAutoCheck); addr != "" {
		ui.AutoCheck(addr)
	}
	w.ShowAndRun()
	return cli.ExitOK
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
