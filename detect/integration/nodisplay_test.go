package integration

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestWithoutADisplayPostinoSaysSoInOneLineAndExits2 runs the real binary
// with no arguments and no DISPLAY/WAYLAND_DISPLAY (issue 5: "with no
// display available it says so in one clear line and exits 2"). It needs
// no real servers, so it runs everywhere.
func TestWithoutADisplayPostinoSaysSoInOneLineAndExits2(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux and the BSDs can lack a display")
	}
	bin := postinoBinary(t)
	for _, tc := range []struct{ lang, want string }{
		{"en_US.UTF-8", "display"},
		{"it_IT.UTF-8", "schermo"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		cmd := exec.CommandContext(ctx, bin)
		home := t.TempDir()
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_CONFIG_HOME=" + home, "LANG=" + tc.lang}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		cancel()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 {
			t.Fatalf("LANG=%s: exit %v, want 2 (stderr %q)", tc.lang, err, stderr.String())
		}
		lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
		if len(lines) != 1 || !strings.Contains(strings.ToLower(lines[0]), tc.want) {
			t.Errorf("LANG=%s: stderr = %q, want one line mentioning %q", tc.lang, stderr.String(), tc.want)
		}
		if stdout.Len() != 0 {
			t.Errorf("LANG=%s: stdout = %q, want nothing", tc.lang, stdout.String())
		}
	}
}
