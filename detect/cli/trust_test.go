package cli

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/labtest/mailserver"
)

// forgedLab serves, over plain HTTP only, an autoconfig file that names
// mail.provider-elsewhere.example (outside the address's domain, with a
// valid certificate for its own name). It returns the SMTP server, whose
// record says which logins it received.
func forgedLab(t *testing.T) *mailserver.Submission {
	t.Helper()
	lab := labtest.New(t)
	host := "mail.provider-elsewhere.example"
	doc := strings.ReplaceAll(labAutoconfig, "mail.example.org", host)
	lab.HTTP("autoconfig.example.org", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, doc) }))
	cert := lab.Cert(host)
	user := mailserver.NewUser(t, "anna@example.org", sentinel)
	mailserver.ServeIMAP(t, lab.Listen(host, 993), user, imap.CapSet{imap.CapIMAP4rev1: {}}, cert, true)
	be := mailserver.NewSubmission(user, "anna@example.org", sentinel, nil)
	mailserver.ServeSMTP(t, lab.Listen(host, 465), be, host, cert, true)
	useNetwork(t, lab.Network())
	return be
}

// Only a plain-HTTP autoconfig names the server: the password is not
// sent (the server receives no AUTH), the check says so and exits 1 with
// one line; --trust-host for that host lets it through and the check
// exits 0.
func TestTrustHostIsNeededForAHostOnlyAnUntrustedSourceNamed(t *testing.T) {
	be := forgedLab(t)
	code, out, errOut := runCLI(t, sentinel+"\n", false, "check", "--lang", "en", "--timeout", "3s", "--password-stdin", "--allow-insecure-tls", "--allow-plaintext", "anna@example.org")
	if n := len(be.Recorded().AuthOnTLS); n != 0 {
		t.Fatalf("the SMTP server received %d AUTH commands without --trust-host", n)
	}
	if code != ExitNotFound || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "exit 1: ") {
		t.Fatalf("exit %d, stderr %q; want 1 and one line why\n%s", code, errOut, out)
	}
	if !strings.Contains(out, "not trusted") {
		t.Errorf("the report does not say the source is not trusted:\n%s", out)
	}

	code, out, errOut = runCLI(t, sentinel+"\n", false, "check", "--lang", "en", "--timeout", "3s", "--password-stdin", "--trust-host", "MAIL.provider-elsewhere.example", "anna@example.org")
	if n := len(be.Recorded().AuthOnTLS); n == 0 {
		t.Fatalf("--trust-host did not let the login through (exit %d)\n%s\n%s", code, out, errOut)
	}
	if code != ExitOK {
		t.Fatalf("exit %d with the host trusted, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}
