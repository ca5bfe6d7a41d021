package gui

import (
	"strings"
	"testing"

	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/probe"
)

// TestClosedPortsNobodyListedAreNotFailures: a healthy domain read "16 OK
// … 8 failed" because standard ports nobody listed refuse connections.
func TestClosedPortsNobodyListedAreNotFailures(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	guessed := config.Server{Protocol: config.POP3, Host: "example.com", Port: 110, Security: config.STARTTLS}
	listedDown := config.Server{Protocol: config.SMTP, Host: "smtp.example.com", Port: 465, Security: config.TLS}
	h.send(candidate(imapTLS, "builtin"), candidate(listedDown, "builtin"),
		discover.CandidateFound{Candidate: config.Candidate{Server: guessed, Sources: []string{"guess"}}},
		probe.Update{Result: okResult(imapTLS)}, probe.Update{Result: refusedResult(listedDown)},
		probe.Update{Result: refusedResult(guessed)})
	h.finish()
	line := h.ui.summary.Text
	if !strings.Contains(line, "1 OK") || !strings.Contains(line, "1 failed") || !strings.Contains(line, "plus 1 standard ports where nothing listens") {
		t.Fatalf("summary %q: want 1 OK, 1 failed (the listed server) and the unlisted closed port apart", line)
	}
}

// TestAStoppedCheckDoesNotSayNoServerWorked.
func TestAStoppedCheckDoesNotSayNoServerWorked(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(candidate(imapTLS, "builtin"))
	h.ui.cancelRun()
	<-h.eng.canceled
	h.waitRun()
	h.requireText(h.ui.rec.obj, "The check was stopped before it finished")
	h.requireNoText(h.ui.rec.obj, "No server worked safely")
}

func TestSourcesSayMXFoundWithNoKnownProvider(t *testing.T) {
	h := newHarness(t)
	h.start("mario@example.com", "")
	h.send(discover.SourceFinished{Source: discover.SourceMX, URL: "https://autoconfig.mx.example.net/mail/config-v1.1.xml", Trust: discover.TrustDNS, Status: discover.StatusNotFound},
		discover.SourceFinished{Source: discover.SourceSRV, URL: "dns:_imaps._tcp.example.com", Status: discover.StatusError, Err: errTest("SERVFAIL")},
		discover.SourceFinished{Source: discover.SourceBuiltin, Status: discover.StatusFound, Candidates: 2})
	h.requireText(h.ui.sources.obj, "MX found, no known provider")
	// An errored source is not among those that found something.
	lines := h.ui.state.Sources()
	if len(lines) != 3 || sourceGroup(stateFound) >= sourceGroup(stateError) || sourceGroup(stateError) >= sourceGroup(stateNotFound) {
		t.Fatalf("source order groups: %+v", lines)
	}
	h.finish()
}

type errTest string

func (e errTest) Error() string { return string(e) }
