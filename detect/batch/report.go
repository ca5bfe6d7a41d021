package batch

import (
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/mail"
)

// ReportFormat and ReportVersion identify report.json; the version
// changes only when a field changes meaning or disappears.
const (
	ReportFormat  = "postino-batch"
	ReportVersion = 1
)

// DomainStatus is a domain's outcome.
type DomainStatus string

const (
	DomainOK          DomainStatus = "ok"           // working settings; profiles written
	DomainNotFound    DomainStatus = "not-found"    // no source proposed any server
	DomainNotWorking  DomainStatus = "not-working"  // servers proposed, no working incoming + outgoing pair
	DomainCanceled    DomainStatus = "canceled"     // interrupted before its check finished
	DomainWriteFailed DomainStatus = "write-failed" // settings found, its files could not be written
)

// DomainStatuses lists every domain status.
func DomainStatuses() []DomainStatus {
	return []DomainStatus{DomainOK, DomainNotFound, DomainNotWorking, DomainCanceled, DomainWriteFailed}
}

// UserStatus is a user's outcome.
type UserStatus string

const (
	UserWritten UserStatus = "written" // every file is there; this run wrote at least one
	UserKept    UserStatus = "kept"    // every file was already there (no --force)
	UserFailed  UserStatus = "failed"  // no profile: see Reason
)

// UserStatuses lists every user status.
func UserStatuses() []UserStatus { return []UserStatus{UserWritten, UserKept, UserFailed} }

// User failure codes (Reason.Code); the text is "batch.reason.<code>".
const (
	ReasonNotFound     = "domain-not-found"
	ReasonNotWorking   = "domain-not-working"
	ReasonCanceled     = "canceled"
	ReasonExportFailed = "export-failed"
	ReasonWriteFailed  = "write-failed"
)

// ReasonCodes lists every user failure code.
var ReasonCodes = []string{ReasonNotFound, ReasonNotWorking, ReasonCanceled, ReasonExportFailed, ReasonWriteFailed}

// Report is report.json: what the batch did for every domain and user.
// Its JSON form is public (docs/json.md).
type Report struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Language is the language of the texts in the report.
	Language string   `json:"language"`
	Formats  []string `json:"formats"`
	Canceled bool     `json:"canceled"`
	Summary  Summary  `json:"summary"`
	// EndpointsProbed counts the distinct endpoints probed: each once,
	// whichever domains share it.
	EndpointsProbed int   `json:"endpoints_probed"`
	ElapsedMS       int64 `json:"elapsed_ms"`
	// IgnoredPasswordColumn names a password column of the list, which
	// was not read.
	IgnoredPasswordColumn string         `json:"ignored_password_column,omitempty"`
	Domains               []DomainReport `json:"domains"`
	Users                 []UserReport   `json:"users"`
	Rejected              []RowError     `json:"rejected"`
}

// Summary counts the outcomes.
type Summary struct {
	Users     int `json:"users"`
	Written   int `json:"written"`
	Kept      int `json:"kept"`
	Failed    int `json:"failed"`
	Rejected  int `json:"rejected"`
	Domains   int `json:"domains"`
	DomainsOK int `json:"domains_ok"`
}

// AllDone reports whether every row of the list has its profiles:
// what the command line turns into exit code 0.
func (r *Report) AllDone() bool {
	return !r.Canceled && r.Summary.Failed == 0 && r.Summary.Rejected == 0
}

// DomainReport is one domain's outcome.
type DomainReport struct {
	Domain        string       `json:"domain"`
	DomainUnicode string       `json:"domain_unicode,omitempty"`
	Status        DomainStatus `json:"status"`
	// Reused is true when the settings came from an earlier run's
	// check (domains/DOMAIN/check.json), without asking the network.
	Reused   bool   `json:"reused,omitempty"`
	Provider string `json:"provider,omitempty"`
	Users    int    `json:"users"`
	// Incoming and Outgoing are the recommended servers, with the login
	// as a template (%EMAILADDRESS%, %EMAILLOCALPART%) when it has one
	// of those forms; null when there is none.
	Incoming *mail.Server `json:"incoming"`
	Outgoing *mail.Server `json:"outgoing"`
	// Verified is false when a recommended server's certificate failed
	// verification.
	Verified bool `json:"verified"`
	// Problems are those of the servers the sources proposed, explained.
	Problems []Problem `json:"problems"`
	// Files are the domain's files, relative to the output folder.
	Files []string `json:"files"`
	// Health holds the verdicts of the domain health checks (--health).
	Health    []HealthVerdict `json:"health,omitempty"`
	ElapsedMS int64           `json:"elapsed_ms"`
}

// Problem is a problem found on one endpoint.
type Problem struct {
	Protocol mail.Protocol `json:"protocol"`
	Host     string        `json:"host"`
	Port     int           `json:"port"`
	Security mail.Security `json:"security"`
	detect.ProblemText
}

// HealthVerdict is one domain health check's verdict, as `postino
// health` reports it.
type HealthVerdict struct {
	Name    string `json:"name"`
	Verdict string `json:"verdict"`
	Code    string `json:"code"`
	Summary string `json:"summary"`
	Remedy  string `json:"remedy"`
}

// UserReport is one user's outcome.
type UserReport struct {
	Line     int        `json:"line"`
	Address  string     `json:"address"`
	Name     string     `json:"name,omitempty"`
	Domain   string     `json:"domain"`
	Language string     `json:"language"`
	Status   UserStatus `json:"status"`
	// Files are the user's files, relative to the output folder.
	Files  []string `json:"files"`
	Reason *Reason  `json:"reason"`
}

// Reason says why a user got no profile.
type Reason struct {
	Code string `json:"code"`
	Text string `json:"text"`
}
