package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/network"
)

// noNetworkAnywhere makes every sub-command's network seam fail the
// test: usage mistakes and --help never reach the network.
func noNetworkAnywhere(t *testing.T) {
	t.Helper()
	useTripwire(t)
}

// Every sub-command parses flags the same way: --help prints the usage
// on stdout and exits 0, flags may follow the argument, and a mistake is
// one translated line on stderr naming the option, with exit code 2.
func TestEverySubCommandHandlesFlagsAlike(t *testing.T) {
	noNetworkAnywhere(t)
	for _, tc := range []struct{ cmd, arg string }{
		{"detect", "anna@example.org"},
		{"check", "anna@example.org"},
		{"export", "anna@example.org"},
		{"health", "example.org"},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			for _, h := range []string{"-h", "--help"} {
				code, out, errOut := runCLI(t, "", false, tc.cmd, "--lang", "en", h)
				if code != ExitOK || !strings.HasPrefix(out, "Usage: postino "+tc.cmd) || !strings.Contains(out, "-lang") || errOut != "" {
					t.Errorf("%s: exit %d, stdout %q, stderr %q", h, code, out, errOut)
				}
			}
			for _, mistake := range []struct {
				args []string
				want string
			}{
				{[]string{tc.arg, "--frobnicate"}, "Unknown option --frobnicate. “postino " + tc.cmd + " --help” lists every option."},
				{[]string{tc.arg, "--timeout"}, "--timeout"},
				{[]string{"--lang", "xx", tc.arg}, "Unknown language “xx”"},
			} {
				args := append([]string{tc.cmd, "--lang", "en"}, mistake.args...)
				if mistake.args[0] == "--lang" {
					args = append([]string{tc.cmd}, mistake.args...)
				}
				code, out, errOut := runCLI(t, "", false, args...)
				if code != ExitUsage || out != "" || !strings.Contains(errOut, mistake.want) || strings.Count(errOut, "\n") != 1 {
					t.Errorf("%v: exit %d, stdout %q, stderr %q; want one line with %q", args, code, out, errOut, mistake.want)
				}
			}
			code, _, errOut := runCLI(t, "", false, tc.cmd, tc.arg, "--lang", "it", "--timeout", "presto")
			if code != ExitUsage || !strings.Contains(errOut, "«presto» non è valido per --timeout") {
				t.Errorf("Italian flag error: exit %d, stderr %q", code, errOut)
			}
		})
	}
}

// The network comes from --dns, else $POSTINO_DNS; a setting that is not
// HOST or HOST:PORT is one translated usage line, for every command.
// Env.Network (main's, built once) is the base: --dns changes only its
// DNS server, never the network main handed over.
func TestNetworkFromFlagPrefersTheFlagAndExplainsABadServer(t *testing.T) {
	t.Cleanup(func() { i18n.SetLanguage("") })
	i18n.SetLanguage("en")
	env := &Env{Network: network.System(), Getenv: func(k string) string {
		if k == network.EnvDNS {
			return "127.0.0.53:5353"
		}
		return ""
	}}
	nw, err := env.networkFor("")
	if err != nil || len(nw.DNSServers) != 1 || nw.DNSServers[0] != "127.0.0.53:5353" {
		t.Fatalf("from the environment: %v, %v", nw, err)
	}
	nw, err = env.networkFor("127.0.0.9")
	if err != nil || len(nw.DNSServers) != 1 || nw.DNSServers[0] != "127.0.0.9:53" {
		t.Fatalf("from the flag: %v, %v", nw, err)
	}
	_, err = env.networkFor("127.0.0.9:port")
	var ue usageError
	if !errors.As(err, &ue) || !strings.HasPrefix(err.Error(), "The DNS server “127.0.0.9:port” is not usable:") {
		t.Fatalf("bad server: %v", err)
	}
}
