package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestMain lets the test binary stand in for postino: with
// POSTINO_TEST_AS_MAIN set it runs main() with no arguments, so the test
// below sees the real exit code and output.
func TestMain(m *testing.M) {
	if os.Getenv("POSTINO_TEST_AS_MAIN") == "1" {
		os.Args = os.Args[:1]
		main()
	}
	os.Exit(m.Run())
}

// TestWithoutADisplayPostinoSaysSoInOneLineAndExits2 (issue 5: "with no
// display available it says so in one clear line and exits 2").
func TestWithoutADisplayPostinoSaysSoInOneLineAndExits2(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux and the BSDs can lack a display")
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = []string{"POSTINO_TEST_AS_MAIN=1", "LANG=en_US.UTF-8", "HOME=" + t.TempDir()}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("exit: %v (stderr %q)", err, stderr.String())
	}
	lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "display") {
		t.Fatalf("stderr = %q, want one line about the display", stderr.String())
	}
	if stdout.Len() != 0 {
		t.Fatalf("stdout = %q", stdout.String())
	}
}
