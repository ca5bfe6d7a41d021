package integration

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// The directory .ci/realservers.sh works in, unless
// POSTINO_REALSERVERS_DIR says otherwise.
const defaultServersDir = "/var/lib/postino-realservers"

var binDir string // where the postino binary is built, removed at exit

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "postino-integration-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	goleak.VerifyTestMain(m, goleak.Cleanup(func(int) { os.RemoveAll(dir) }))
}

// servers is what .ci/realservers.sh wrote to $DIR/env.
type servers map[string]string

// need returns the running real servers, or skips the test with one line
// saying why they are not there.
func need(t *testing.T) servers {
	t.Helper()
	if reason := unavailable(); reason != "" {
		t.Skip("SKIP real servers: " + reason)
	}
	return envServers
}

var (
	envOnce    sync.Once
	envServers servers
	envReason  string
)

func unavailable() string {
	envOnce.Do(func() { envServers, envReason = loadServers() })
	return envReason
}

func loadServers() (servers, string) {
	dir := os.Getenv("POSTINO_REALSERVERS_DIR")
	if dir == "" {
		dir = defaultServersDir
	}
	switch {
	case runtime.GOOS != "linux":
		return nil, "they run on Debian/Ubuntu only (this is " + runtime.GOOS + ")"
	case os.Geteuid() != 0:
		return nil, "not root, so .ci/realservers.sh cannot install and start them (make test as root does)"
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return nil, "not Debian/Ubuntu (no apt-get), so .ci/realservers.sh cannot install them"
	}
	f, err := os.Open(filepath.Join(dir, "env"))
	if err != nil {
		return nil, "not started (no " + filepath.Join(dir, "env") + "; run .ci/realservers.sh start, or make test)"
	}
	defer f.Close()
	s := servers{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			s[k] = v
		}
	}
	for _, addr := range []string{s["POSTINO_DNS"], s["REALSERVERS_IMAP_IP"] + ":993", s["REALSERVERS_SMTP_IP"] + ":587"} {
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			return nil, "not running (" + addr + ": " + err.Error() + "; run .ci/realservers.sh start)"
		}
		c.Close()
	}
	return s, ""
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// postinoBinary builds the real binary once per test run, the way a user
// gets it (the ci tag only swaps Fyne's driver for a headless one).
func postinoBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		out := filepath.Join(binDir, "postino")
		cmd := exec.Command("go", "build", "-tags", "ci", "-o", out, ".")
		cmd.Dir = repoRoot()
		cmd.Env = os.Environ()
		if b, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, b)
			return
		}
		binPath = out
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// repoRoot is two levels up from this package (detect/integration).
func repoRoot() string {
	wd, _ := os.Getwd()
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}

// result is one run of the binary.
type result struct {
	code           int
	stdout, stderr string
}

// run starts postino with args and stdin, in an environment that knows
// only the test DNS server and the test CA: no override directory, and an
// ISPDB address under the test zone (so nothing leaves loopback).
func (s servers) run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	bin := postinoBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	home := os.Getenv("POSTINO_TEST_HOME") // set by runHome
	if home == "" {
		home = t.TempDir()
	}
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"LANG=C.UTF-8",
		"POSTINO_DNS=" + s["POSTINO_DNS"],
		"SSL_CERT_FILE=" + s["SSL_CERT_FILE"],
		"POSTINO_ISP_DIR=-",
		"POSTINO_ISPDB=https://ispdb." + s["REALSERVERS_DOMAIN"] + "/v1.1/",
	}
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("postino %s did not finish in 90 s\nstderr:\n%s", strings.Join(args, " "), errb.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("postino %s: %v", strings.Join(args, " "), err)
	}
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// decode parses r.stdout as JSON into v, failing with the output shown.
func (r result) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
}

func (s servers) address() string  { return s["REALSERVERS_USER"] }
func (s servers) password() string { return s["REALSERVERS_PASSWORD"] }
