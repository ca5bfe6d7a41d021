package labtest

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeRealEnv(t *testing.T, dir, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "env"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Each way the real servers can be missing is said in one line that
// tells what to do.
func TestLoadRealServersSaysWhyTheyAreMissing(t *testing.T) {
	for _, tc := range []struct {
		name, env, want string
	}{
		{"never started", "", "not started (no "},
		{"older script", "POSTINO_DNS=127.77.0.2:53\n", "lacks REALSERVERS_IMAP_IP"},
		// 127.77.0.0/16 is reserved for the real servers; port 9 of
		// 127.0.0.1 is the discard port nothing in a test listens on.
		{"stopped", "POSTINO_DNS=127.0.0.1:9\nREALSERVERS_IMAP_IP=127.0.0.1\nREALSERVERS_SMTP_IP=127.0.0.1\nSSL_CERT_FILE=/nonexistent\n", "not running (127.0.0.1:9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.env != "" {
				writeRealEnv(t, dir, tc.env)
			}
			t.Setenv(EnvRealServersDir, dir)
			_, err := loadRealServers()
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want one line with %q", err, tc.want)
			}
		})
	}
}

func TestRealEnvNetworkAsksItsDNSAndTrustsItsCA(t *testing.T) {
	lab := New(t)
	dir := t.TempDir()
	ca := lab.WriteCAFile(dir)
	writeRealEnv(t, dir, "# written by .ci/realservers.sh\nPOSTINO_DNS=127.77.0.2:53\nSSL_CERT_FILE="+ca+"\nREALSERVERS_PASSWORD=a=b\n")
	env, err := readRealEnv(filepath.Join(dir, "env"))
	if err != nil {
		t.Fatal(err)
	}
	if env["REALSERVERS_PASSWORD"] != "a=b" {
		t.Errorf("a value holding '=' was cut: %q", env["REALSERVERS_PASSWORD"])
	}
	nw, err := env.Network()
	if err != nil {
		t.Fatal(err)
	}
	if !nw.LoopbackOnly || len(nw.DNSServers) != 1 || nw.DNSServers[0] != "127.77.0.2:53" || nw.RootCAs == nil {
		t.Errorf("network %+v", nw)
	}
	if _, err := lab.CACert().Verify(x509.VerifyOptions{Roots: nw.RootCAs}); err != nil {
		t.Errorf("the CA from SSL_CERT_FILE is not trusted: %v", err)
	}
	env["SSL_CERT_FILE"] = filepath.Join(dir, "missing.pem")
	if _, err := env.Network(); err == nil {
		t.Error("a missing CA file went unnoticed")
	}
}
