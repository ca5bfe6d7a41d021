// Package probe tests one mail endpoint (protocol + host + port +
// security) the way a mail client would, and reports every step: TCP
// reachability, greeting, TLS and certificate, capabilities, AUTH
// mechanisms and, with credentials, a real login. All protocols share one
// skeleton (dial → TLS → greeting → capabilities → login) and differ only
// where the protocols differ.
package probe

import (
	"time"

	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/problem"
)

// Phase is where a probe is.
type Phase string

const (
	PhaseQueued       Phase = "queued"
	PhaseConnecting   Phase = "connecting"
	PhaseConnected    Phase = "connected" // TCP accepted; the protocol has not spoken yet
	PhaseTLS          Phase = "tls"
	PhaseGreeting     Phase = "greeting"
	PhaseCapabilities Phase = "capabilities"
	PhaseLogin        Phase = "login"
	PhaseDone         Phase = "done"
)

// Phases lists every phase in the order a probe goes through them, for
// front ends and tests that must name each one.
func Phases() []Phase {
	return []Phase{PhaseQueued, PhaseConnecting, PhaseConnected, PhaseTLS, PhaseGreeting, PhaseCapabilities, PhaseLogin, PhaseDone}
}

// Reachability is the outcome of the TCP connect.
type Reachability string

const (
	Open        Reachability = "open"
	Refused     Reachability = "refused"     // RST: nothing listens
	Filtered    Reachability = "filtered"    // no answer before the deadline
	Unresolved  Reachability = "unresolved"  // the host name has no address
	Unreachable Reachability = "unreachable" // no route, or another network error
	NoGreeting  Reachability = "no-greeting" // TCP accepted, the server never greeted
)

// Status is the verdict of a finished probe.
type Status string

const (
	StatusOK      Status = "ok"
	StatusWarning Status = "warning"
	StatusFailed  Status = "failed"
)

// Statuses lists every verdict of a finished probe.
func Statuses() []Status { return []Status{StatusOK, StatusWarning, StatusFailed} }

// Login is the outcome of the login step.
type Login string

const (
	LoginNotTried Login = ""        // no credentials given
	LoginOK       Login = "ok"      // the server accepted the credentials
	LoginFailed   Login = "failed"  // the server refused them (see Problems)
	LoginSkipped  Login = "skipped" // not attempted: no TLS, bad certificate, no usable mechanism
)

// TLSInfo describes the negotiated TLS session and the certificate.
type TLSInfo struct {
	Version  string `json:"version"` // "TLS 1.3"
	Cipher   string `json:"cipher,omitempty"`
	Verified bool   `json:"verified"`
	// Cert is why verification failed, as a code and data (the most
	// telling of the certificate problems); ErrorIn puts it into words.
	Cert *problem.Problem `json:"-"`
	// Error is the plain-words reason verification failed ("expired on
	// 2026-01-02", "issued for mail.other.example"): empty from a probe,
	// which keeps codes (Cert); filled by a front end that renders the
	// result in a language (ErrorIn), and when read back from a report.
	Error string `json:"error,omitempty"`
	// SHA256 is the leaf certificate's fingerprint (CertFingerprint):
	// what a person compares, and what a pinned retry accepts.
	SHA256    string    `json:"sha256,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	Issuer    string    `json:"issuer,omitempty"`
	DNSNames  []string  `json:"dns_names,omitempty"`
	NotBefore time.Time `json:"not_before,omitempty"`
	NotAfter  time.Time `json:"not_after,omitempty"`
}

// PhaseTime is how long one phase took.
type PhaseTime struct {
	Phase     Phase `json:"phase"`
	ElapsedMS int64 `json:"elapsed_ms"`
}

// Line is one line of the transcript. Dir is "C" (client) or "S"
// (server); credentials are already replaced by "***".
type Line struct {
	Dir  string `json:"dir"`
	Text string `json:"text"`
}

// Result is a snapshot of one endpoint's probe. Probes publish a copy at
// every phase change (Update events); front ends find the row by ID.
type Result struct {
	ID       string      `json:"id"` // Endpoint.Key()
	Endpoint mail.Server `json:"-"`
	// Sources that proposed this exact endpoint; empty when the endpoint
	// was added because Postino probes every standard port of a host.
	Sources []string `json:"sources"`

	Phase        Phase        `json:"phase"`
	Reachability Reachability `json:"reachability,omitempty"`
	IP           string       `json:"ip,omitempty"`
	Greeting     string       `json:"greeting,omitempty"`
	TLS          *TLSInfo     `json:"tls,omitempty"`
	// StartTLSOffered is nil for implicit-TLS endpoints.
	StartTLSOffered *bool    `json:"starttls_offered,omitempty"`
	Capabilities    []string `json:"capabilities,omitempty"`
	AuthMechanisms  []string `json:"auth_mechanisms"`
	// SizeLimit is SMTP's SIZE in bytes (0 when not announced).
	SizeLimit    int64  `json:"size_limit,omitempty"`
	Login        Login  `json:"login"`
	LoginMessage string `json:"login_message,omitempty"`

	Status Status `json:"status,omitempty"`
	// Summary is the one-line verdict in words: empty from a probe,
	// which keeps codes; filled by the front end that renders the result
	// (SummaryIn, Report.In), and when read back from a report.
	Summary string `json:"summary,omitempty"`
	// Problems lists every failure and warning, the most important first.
	Problems []problem.Problem `json:"problems,omitempty"`

	Phases     []PhaseTime `json:"phases,omitempty"`
	ElapsedMS  int64       `json:"elapsed_ms"`
	Transcript []Line      `json:"transcript,omitempty"`
}

// Update is the event a probe emits at every phase change.
type Update struct{ Result Result }

// EventKind implements event.Event.
func (Update) EventKind() string { return "probe-update" }
