package discover

import "github.com/postino-mail/postino/detect/mail"

// SourceName names a discovery source. The constants are in rank order.
type SourceName string

const (
	SourceOverride       SourceName = "override"
	SourceBuiltin        SourceName = "builtin"
	SourceAutoconfig     SourceName = "autoconfig"
	SourceISPDB          SourceName = "ispdb"
	SourceSRV            SourceName = "srv"
	SourceMX             SourceName = "mx"
	SourceAutodiscover   SourceName = "autodiscover"
	SourceAutoconfigHTTP SourceName = "autoconfig-http"
	SourceGuess          SourceName = "guess"
)

// Sources lists every source in rank order (best first).
var Sources = []SourceName{
	SourceOverride, SourceBuiltin, SourceAutoconfig, SourceISPDB, SourceSRV,
	SourceMX, SourceAutodiscover, SourceAutoconfigHTTP, SourceGuess,
}

// Rank is the source's rank: 1 for the best source, 9 for guesses.
func (s SourceName) Rank() int {
	for i, n := range Sources {
		if n == s {
			return i + 1
		}
	}
	return len(Sources) + 1
}

// Trust says how far a source's answer can be believed.
type Trust string

const (
	TrustLocal   Trust = "local"   // a file the person put on this machine
	TrustBuiltin Trust = "builtin" // Postino's own table
	TrustHTTPS   Trust = "https"   // fetched over verified HTTPS from the domain or the ISPDB
	TrustDNS     Trust = "dns"     // DNS records pointing inside the address's domain
	// TrustHTTPUntrusted: fetched over plain HTTP, which anyone on the
	// path could have altered.
	TrustHTTPUntrusted Trust = "http-untrusted"
	// TrustDNSUntrusted: an SRV record pointing outside the address's
	// domain (RFC 6186 §6: the client must not trust it blindly).
	TrustDNSUntrusted Trust = "dns-untrusted"
	// TrustRedirectUntrusted: an Autodiscover answer reached through a
	// redirect, or an SRV target, in another domain.
	TrustRedirectUntrusted Trust = "redirect-untrusted"
	TrustGuess             Trust = "guess" // a host name that merely exists
)

// Trusts lists every trust level.
var Trusts = []Trust{
	TrustLocal, TrustBuiltin, TrustHTTPS, TrustDNS,
	TrustHTTPUntrusted, TrustDNSUntrusted, TrustRedirectUntrusted, TrustGuess,
}

// Trusted reports whether candidates from this trust level may be used
// without a warning.
func (t Trust) Trusted() bool {
	switch t {
	case TrustLocal, TrustBuiltin, TrustHTTPS, TrustDNS:
		return true
	}
	return false
}

// Status is a source's outcome.
type Status string

const (
	StatusFound    Status = "found"     // the source proposed at least one server
	StatusNotFound Status = "not-found" // the source has nothing for this domain
	StatusError    Status = "error"     // the source could not be asked (timeout, DNS failure, bad file)
)

// Statuses lists every status.
var Statuses = []Status{StatusFound, StatusNotFound, StatusError}

// SourceStarted is emitted when a source begins; URL is the first thing
// it asks (a URL, a file path or a "dns:" name).
type SourceStarted struct {
	Source SourceName
	URL    string
}

// EventKind implements event.Event.
func (SourceStarted) EventKind() string { return "source-started" }

// SourceFinished is emitted when a source is done. URL is what produced
// the answer (or the first thing asked when nothing did); Provider is the
// display name of the provider the source recognised, if any.
type SourceFinished struct {
	Source     SourceName
	URL        string
	Trust      Trust
	Status     Status
	Err        error
	Candidates int
	Provider   string
}

// EventKind implements event.Event.
func (SourceFinished) EventKind() string { return "source-finished" }

// CandidateFound is emitted the first time an endpoint (mail.Server.Key)
// is proposed, and again with Update set when a later source also
// proposes it (its Sources, Rank or Trusted changed). Front ends key rows
// on Candidate.Key().
type CandidateFound struct {
	Candidate mail.Candidate
	Update    bool
}

// EventKind implements event.Event.
func (CandidateFound) EventKind() string { return "candidate-found" }
