package cli

import (
	"fmt"
	"strings"
	"testing"
)

// The command line applies the engine's input rules (detect/input), the
// same the window applies: a bad value is one translated line and exit 2,
// before anything is sent.
func TestInputRulesAreTheEnginesAndRefuseBeforeTheNetwork(t *testing.T) {
	noNetworkAnywhere(t)
	var many []string
	for i := 0; i < 21; i++ {
		many = append(many, fmt.Sprintf("s%d", i))
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"health", "--lang", "en", "--dkim-selector", strings.Join(many, ","), "example.org"}, "Too many DKIM selectors: 21 given, but at most 20"},
		{[]string{"health", "--lang", "it", "--dkim-selector", "s1", "--dkim-selector", "bad!", "example.org"}, "“bad!” non è un selettore DKIM"},
		{[]string{"health", "--lang", "en", "--dns", "dns server", "example.org"}, "The DNS server “dns server” is not usable"},
		{[]string{"detect", "--lang", "en", "--ispdb", "ftp://ispdb.example/", "anna@example.org"}, "The ISPDB address “ftp://ispdb.example/” is not usable"},
		{[]string{"check", "--lang", "en", "--dns", "127.0.0.1:0", "anna@example.org"}, "The DNS server “127.0.0.1:0” is not usable"},
	}
	for _, tc := range cases {
		code, out, errOut := runCLI(t, "", false, tc.args...)
		if code != ExitUsage || out != "" || !strings.Contains(errOut, tc.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, code, out, errOut, tc.want)
		}
	}
}

// Twenty selectors are fine; none is dropped (the health JSON lists the
// ones looked up).
func TestTwentyDKIMSelectorsAreAccepted(t *testing.T) {
	var many []string
	for i := 0; i < 20; i++ {
		many = append(many, fmt.Sprintf("s%d", i))
	}
	a, err := parseHealthArgs([]string{"--dkim-selector", strings.Join(many[:10], ","), "--dkim-selector", strings.Join(many[10:], " "), "example.org"}, nil)
	if err != nil || len(a.selectors) != 20 || a.selectors[19] != "s19" {
		t.Fatalf("selectors %v, %v", a, err)
	}
}

// Every sub-command is one line of the command table, and help lists
// each one with its summary.
func TestHelpListsTheCommandTable(t *testing.T) {
	code, out, _ := runCLI(t, "", false, "help", "--lang", "en")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, c := range commands {
		if !strings.Contains(out, "  "+c.name+" ") {
			t.Errorf("help does not list %q:\n%s", c.name, out)
		}
		if got, ok := findCommand(c.name); !ok || got.summaryKey != c.summaryKey {
			t.Errorf("findCommand(%q) = %+v, %v", c.name, got, ok)
		}
	}
	if _, ok := findCommand("nosuch"); ok {
		t.Error("findCommand found a command that is not in the table")
	}
}
