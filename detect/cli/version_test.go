package cli

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/buildinfo"
)

// `postino --version` and `postino version` print the version, the
// commit and the Go version on stdout and exit 0.
func TestVersionSaysVersionCommitAndGo(t *testing.T) {
	for _, arg := range []string{"--version", "version"} {
		var out, errOut bytes.Buffer
		code := Main(&Env{Args: []string{arg}, Stdout: &out, Stderr: &errOut})
		if code != ExitOK || errOut.Len() != 0 {
			t.Fatalf("%s: exit %d, stderr %q", arg, code, errOut.String())
		}
		line := out.String()
		info := buildinfo.Get()
		for _, want := range []string{"postino " + info.Version, "commit " + info.Commit, runtime.Version()} {
			if !strings.Contains(line, want) {
				t.Errorf("%s printed %q, which lacks %q", arg, line, want)
			}
		}
		if strings.Count(line, "\n") != 1 {
			t.Errorf("%s printed %q, want one line", arg, line)
		}
	}
}
