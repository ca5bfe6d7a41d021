// Postino finds and tests the mail settings for an address. With no
// arguments it opens its window; with a sub-command it is a scriptable
// command line (see `postino help`).
package main

import (
	"os"

	"github.com/postino-mail/postino/detect/cli"
)

func main() {
	os.Exit(cli.Main(&cli.Env{
		Args:   os.Args[1:],
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
	}))
}
