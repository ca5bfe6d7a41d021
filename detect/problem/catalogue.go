package problem

// Codes of problems that are not a server's reply. Server replies have
// their own codes built by FromSMTP, FromIMAP and FromPOP3.
const (
	Refused              = "refused"
	Filtered             = "filtered"
	Unresolved           = "unresolved"
	DNSTimeout           = "dns-timeout"
	DNSFailed            = "dns-failed"
	Unreachable          = "unreachable"
	Canceled             = "canceled"
	Timeout              = "timeout"
	Closed               = "closed"
	NoGreeting           = "no-greeting"
	LineTooLong          = "line-too-long"
	TooMuchData          = "too-much-data"
	PlaintextEndpoint    = "plaintext-endpoint"
	NotThisProtocol      = "not-this-protocol"
	CertExpired          = "cert-expired"
	CertNotYetValid      = "cert-not-yet-valid"
	CertWrongHost        = "cert-wrong-host"
	CertSelfSigned       = "cert-self-signed"
	CertUnknownIssuer    = "cert-unknown-issuer"
	CertInvalid          = "cert-invalid"
	NoCommonTLS          = "no-common-tls"
	TLSFailed            = "tls-failed"
	OldTLS               = "old-tls"
	StartTLSMissing      = "starttls-missing"
	StartTLSFailed       = "starttls-failed"
	PlaintextLogin       = "plaintext-login"
	LoginNotSentPlain    = "login-not-sent-plaintext"
	LoginNotSentInsecure = "login-not-sent-insecure"
	OAuthOnly            = "oauth-only"
	NoAuth               = "no-auth"
	NoUsableAuth         = "no-usable-auth"
	LoginDisabled        = "login-disabled"
	LoginFailed          = "login-failed"

	// Credential safety (docs/security.md).
	LoginNotSentUntrusted = "login-not-sent-untrusted"
	LoginNotSentOldTLS    = "login-not-sent-old-tls"
	CertChanged           = "cert-changed"
	LoginTimeout          = "login-timeout"
	LoginNotTried         = "login-not-tried"
	LoginNotTriedNoAnswer = "login-not-tried-no-answer"
	LoginNotTriedWait     = "login-not-tried-wait"
)

// Codes lists every code the catalogue explains; the tests check that
// each one has an explanation and a remedy in every language, and that
// the translation files hold nothing else.
var Codes = []string{
	Refused, Filtered, Unresolved, DNSTimeout, DNSFailed, Unreachable, Canceled, Timeout, Closed,
	NoGreeting, LineTooLong, TooMuchData, NotThisProtocol, PlaintextEndpoint,
	CertExpired, CertNotYetValid, CertWrongHost, CertSelfSigned, CertUnknownIssuer, CertInvalid,
	NoCommonTLS, TLSFailed, OldTLS, StartTLSMissing, StartTLSFailed,
	PlaintextLogin, LoginNotSentPlain, LoginNotSentInsecure,
	OAuthOnly, NoAuth, NoUsableAuth, LoginDisabled, LoginFailed,
	LoginNotSentUntrusted, LoginNotSentOldTLS, CertChanged, LoginTimeout,
	LoginNotTried, LoginNotTriedNoAnswer, LoginNotTriedWait,
	"smtp-421", "smtp-450", "smtp-451", "smtp-452", "smtp-454",
	"smtp-530", "smtp-534", "smtp-535", "smtp-550", "smtp-552", "smtp-553", "smtp-554",
	"smtp-4xx", "smtp-5xx",
	"imap-authenticationfailed", "imap-authorizationfailed", "imap-unavailable",
	"imap-privacyrequired", "imap-expired", "imap-contactadmin", "imap-limit",
	"imap-alert", "imap-no", "imap-bad", "imap-bye",
	"pop3-auth", "pop3-in-use", "pop3-sys-temp", "pop3-sys-perm", "pop3-login-delay", "pop3-err",
}

var known = func() map[string]bool {
	m := make(map[string]bool, len(Codes))
	for _, c := range Codes {
		m[c] = true
	}
	return m
}()

// Known reports whether the catalogue explains code.
func Known(code string) bool { return known[code] }

// New returns the problem code with template data (nil is fine when the
// texts have no placeholders).
func New(code string, data map[string]any) Problem { return Problem{Code: code, Data: data} }
