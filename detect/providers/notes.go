package providers

import (
	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
)

// Note codes. Each is stable and names the translation key "note.<code>"
// in the providers area, so a front end shows any mail.Note with
// NoteTextIn. The autoconfig parser uses the same vocabulary for what it
// reads from <enable>, <instruction> and <restriction>.
const (
	// NoteAppPassword: the account password does not work for mail
	// clients once two-step verification is on; an app password does.
	NoteAppPassword = "app-password"
	// NoteOAuthPreferred: the provider wants OAuth2 sign-in; passwords
	// may be refused.
	NoteOAuthPreferred = "oauth-preferred"
	// NoteOAuthOnly: passwords are refused outright; only OAuth2 works.
	NoteOAuthOnly = "oauth-only"
	// NoteEnableIMAP: IMAP (and often POP3) access must be switched on in
	// the webmail settings first.
	NoteEnableIMAP = "enable-imap"
	// NoteEnablePOP: POP3 access must be switched on in the webmail.
	NoteEnablePOP = "enable-pop"
	// NoteEnable: something must be switched on first; Text says what.
	NoteEnable = "enable"
	// NoteInstruction: the provider's own instructions; Text and URL carry them.
	NoteInstruction = "instruction"
	// NotePort25Blocked: many home connections block outgoing port 25.
	NotePort25Blocked = "port25-blocked"
	// NoteUse2525: the provider offers submission on port 2525 as well.
	NoteUse2525 = "use-2525"
	// NoteOutgoingOnly: the service only sends mail; there is no mailbox.
	NoteOutgoingOnly = "outgoing-only"
	// NoteSMTPAuthRequired: the outgoing server needs the mailbox login.
	NoteSMTPAuthRequired = "smtp-auth-required"
	// NoteClientIP: the outgoing server only accepts mail from the
	// provider's own network (autoconfig <restriction>client-IP-address).
	NoteClientIP = "client-ip-only"
	// NotePEC: certified mail (Posta Elettronica Certificata); it only
	// works with other PEC mailboxes' rules and its own servers.
	NotePEC = "pec"
	// NoteFullAddress: the user name is the whole address.
	NoteFullAddress = "full-address"
	// NoteBusiness: settings for the business/hosting offer, which differ
	// from the consumer one.
	NoteBusiness = "business"
	// NoteRegional: the host depends on the region of the account (for
	// example Zoho .com vs .eu).
	NoteRegional = "regional"
)

// NoteCodes lists every note code (for tests and documentation).
var NoteCodes = []string{
	NoteAppPassword, NoteOAuthPreferred, NoteOAuthOnly, NoteEnableIMAP, NoteEnablePOP,
	NoteEnable, NoteInstruction, NotePort25Blocked, NoteUse2525, NoteOutgoingOnly,
	NoteSMTPAuthRequired, NoteClientIP, NotePEC, NoteFullAddress, NoteBusiness, NoteRegional,
}

// NoteTextIn returns the sentence for n in a given language ("en",
// "it"; "" = the interface language, for the window). The provider's
// own words (n.Text) and link (n.URL) are available to the message as
// {{.Text}} and {{.URL}}; front ends show the URL as a link.
func NoteTextIn(lang string, n mail.Note) string {
	return i18n.For(lang).T("note."+n.Code, map[string]any{"Text": n.Text, "URL": n.URL})
}
