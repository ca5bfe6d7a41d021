package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/google/uuid"
	"howett.net/plist"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
)

// Apple's configuration profile keys, as documented in the
// Configuration Profile Reference (Top-Level and com.apple.mail.managed).
type profile struct {
	PayloadContent []mailPayload `plist:"PayloadContent,omitempty"`
	// EncryptedPayloadContent replaces PayloadContent in an encrypted
	// profile: the PayloadContent array as a property list, in CMS
	// EnvelopedData for the device's certificate.
	EncryptedPayloadContent  []byte `plist:"EncryptedPayloadContent,omitempty"`
	IsEncrypted              bool   `plist:"IsEncrypted,omitempty"`
	PayloadDescription       string `plist:"PayloadDescription"`
	PayloadDisplayName       string `plist:"PayloadDisplayName"`
	PayloadIdentifier        string `plist:"PayloadIdentifier"`
	PayloadOrganization      string `plist:"PayloadOrganization"`
	PayloadRemovalDisallowed bool   `plist:"PayloadRemovalDisallowed"`
	PayloadType              string `plist:"PayloadType"`
	PayloadUUID              string `plist:"PayloadUUID"`
	PayloadVersion           int    `plist:"PayloadVersion"`
}

type mailPayload struct {
	PayloadType         string `plist:"PayloadType"`
	PayloadVersion      int    `plist:"PayloadVersion"`
	PayloadIdentifier   string `plist:"PayloadIdentifier"`
	PayloadUUID         string `plist:"PayloadUUID"`
	PayloadDisplayName  string `plist:"PayloadDisplayName"`
	PayloadDescription  string `plist:"PayloadDescription"`
	PayloadOrganization string `plist:"PayloadOrganization"`

	EmailAccountType        string `plist:"EmailAccountType"`
	EmailAccountDescription string `plist:"EmailAccountDescription"`
	EmailAccountName        string `plist:"EmailAccountName,omitempty"`
	EmailAddress            string `plist:"EmailAddress"`

	IncomingMailServerHostName       string `plist:"IncomingMailServerHostName"`
	IncomingMailServerPortNumber     int    `plist:"IncomingMailServerPortNumber"`
	IncomingMailServerUseSSL         bool   `plist:"IncomingMailServerUseSSL"`
	IncomingMailServerAuthentication string `plist:"IncomingMailServerAuthentication"`
	IncomingMailServerUsername       string `plist:"IncomingMailServerUsername"`
	IncomingPassword                 string `plist:"IncomingPassword,omitempty"`
	OutgoingPassword                 string `plist:"OutgoingPassword,omitempty"`

	OutgoingMailServerHostName             string `plist:"OutgoingMailServerHostName"`
	OutgoingMailServerPortNumber           int    `plist:"OutgoingMailServerPortNumber"`
	OutgoingMailServerUseSSL               bool   `plist:"OutgoingMailServerUseSSL"`
	OutgoingMailServerAuthentication       string `plist:"OutgoingMailServerAuthentication"`
	OutgoingMailServerUsername             string `plist:"OutgoingMailServerUsername"`
	OutgoingPasswordSameAsIncomingPassword bool   `plist:"OutgoingPasswordSameAsIncomingPassword"`
}

// MobileConfig returns an Apple configuration profile (.mobileconfig)
// that adds the mail account on iOS, iPadOS and macOS. Only the chosen
// servers are included: a profile holds one account. The password is
// left out (the device asks for it) unless opts.IncludePassword, which
// writes IncomingPassword and OutgoingPassword as Apple's example does
// (Apple meant them for encrypted profiles: see opts.EncryptTo). When
// opts.EncryptTo is set the payloads are encrypted to that device
// certificate; when opts.Signer is set the profile is signed (see
// Signer.Sign). A provider that takes only OAuth2 cannot be described
// in a mail payload: the export is refused (ErrOAuthOnly) with the
// steps to add the account with the device's own provider sign-in.
//
// PayloadIdentifier is derived from the address, so installing a newer
// profile for the same address replaces the old one; every PayloadUUID
// is fresh.
func MobileConfig(s Settings, opts Options) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	lng := opts.lang()
	if err := refuseOAuthOnly(s, lng, "mobileconfig"); err != nil {
		return nil, err
	}
	t := func(key string) string {
		return i18n.For(lng).T(key, map[string]any{"Address": s.Address, "Provider": s.providerName()})
	}
	org := opts.Organization
	if org == "" {
		org = s.providerName()
	}
	id := profileIdentifier(s.Address)
	account := s.mailPayload(opts, id, org, t)
	p := profile{
		PayloadContent:      []mailPayload{account},
		PayloadDescription:  t("export.profile.description"),
		PayloadDisplayName:  t("export.profile.name"),
		PayloadIdentifier:   id,
		PayloadOrganization: org,
		PayloadType:         "Configuration",
		PayloadUUID:         newUUID(),
		PayloadVersion:      1,
	}
	if opts.EncryptTo != nil {
		var err error
		if p.EncryptedPayloadContent, err = encryptPayloads(p.PayloadContent, opts.EncryptTo); err != nil {
			return nil, err
		}
		p.PayloadContent = nil
		p.IsEncrypted = true
	}
	var b bytes.Buffer
	enc := plist.NewEncoderForFormat(&b, plist.XMLFormat)
	enc.Indent("\t")
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	if opts.Signer != nil {
		return opts.Signer.Sign(b.Bytes())
	}
	return b.Bytes(), nil
}

// mailPayload is the com.apple.mail.managed payload for s (Apple's
// device-management schema, com.apple.mail.managed.yaml).
func (s Settings) mailPayload(opts Options, id, org string, t func(string) string) mailPayload {
	accountType := "EmailTypeIMAP"
	if s.Incoming.Protocol == mail.POP3 {
		accountType = "EmailTypePOP"
	}
	account := mailPayload{
		PayloadType:         "com.apple.mail.managed",
		PayloadVersion:      1,
		PayloadIdentifier:   id + ".account",
		PayloadUUID:         newUUID(),
		PayloadDisplayName:  t("export.profile.account_name"),
		PayloadDescription:  t("export.profile.account_description"),
		PayloadOrganization: org,

		EmailAccountType:        accountType,
		EmailAccountDescription: s.Address,
		EmailAccountName:        s.DisplayName,
		EmailAddress:            s.Address,

		IncomingMailServerHostName:       strings.ToLower(s.Incoming.Host),
		IncomingMailServerPortNumber:     s.Incoming.Port,
		IncomingMailServerUseSSL:         s.Incoming.Security != mail.Plain,
		IncomingMailServerAuthentication: s.appleAuth(s.Incoming),
		IncomingMailServerUsername:       s.username(s.Incoming),

		OutgoingMailServerHostName:             strings.ToLower(s.Outgoing.Host),
		OutgoingMailServerPortNumber:           s.Outgoing.Port,
		OutgoingMailServerUseSSL:               s.Outgoing.Security != mail.Plain,
		OutgoingMailServerAuthentication:       s.appleAuth(s.Outgoing),
		OutgoingMailServerUsername:             s.username(s.Outgoing),
		OutgoingPasswordSameAsIncomingPassword: true,
	}
	if opts.IncludePassword {
		account.IncomingPassword = s.Password
		account.OutgoingPassword = s.Password
	}
	return account
}

// newUUID is a random (version 4) UUID in the upper case Apple uses.
func newUUID() string { return strings.ToUpper(uuid.NewString()) }

// profileIdentifier is a reverse-DNS identifier that is the same every
// time for the same address (case-insensitively) and different for
// different addresses: the mail domain reversed, the local part reduced
// to identifier characters, and a short hash of the whole address so two
// local parts that reduce alike ("a+b", "a-b") still differ.
func profileIdentifier(address string) string {
	address = strings.ToLower(address)
	at := strings.LastIndexByte(address, '@')
	local, domain := address[:at], strings.TrimSuffix(address[at+1:], ".")
	labels := strings.Split(domain, ".")
	for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
		labels[i], labels[j] = labels[j], labels[i]
	}
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, local)
	sum := sha256.Sum256([]byte(address))
	return strings.Join(labels, ".") + ".mail." + clean + "-" + hex.EncodeToString(sum[:4])
}

// appleAuth maps the server's methods to the profile's vocabulary
// (com.apple.mail.managed: EmailAuthNone, EmailAuthPassword,
// EmailAuthCRAMMD5, EmailAuthNTLM, EmailAuthHTTPMD5).
//
//   - A plain password (PLAIN or LOGIN, inside TLS) is EmailAuthPassword.
//   - EmailAuthCRAMMD5 only when the server announced CRAM-MD5 and no
//     plain password: "encrypted password" also covers SCRAM, which a
//     device told CRAM-MD5 cannot use, so without proof of CRAM-MD5 the
//     password setting is the one that may work.
//   - EmailAuthNTLM when NTLM is the only password method.
//   - EmailAuthNone only for an outgoing server that takes mail without a
//     login; never for incoming mail, which always needs one.
func (s Settings) appleAuth(srv mail.Server) string {
	has := map[mail.Auth]bool{}
	for _, a := range auths(srv) {
		has[a] = true
	}
	switch {
	case has[mail.AuthPasswordCleartext]:
		return "EmailAuthPassword"
	case has[mail.AuthPasswordEncrypted] && s.offers(srv, "CRAM-MD5") && !s.offers(srv, "PLAIN") && !s.offers(srv, "LOGIN"):
		return "EmailAuthCRAMMD5"
	case has[mail.AuthPasswordEncrypted]:
		return "EmailAuthPassword"
	case has[mail.AuthNTLM]:
		return "EmailAuthNTLM"
	case !srv.Protocol.Incoming() && !needsLogin(srv):
		return "EmailAuthNone"
	}
	return "EmailAuthPassword"
}

// offers reports whether srv announced the SASL mechanism when checked.
func (s Settings) offers(srv mail.Server, mech string) bool {
	for _, m := range s.Mechanisms[srv.Key()] {
		if strings.EqualFold(m, mech) {
			return true
		}
	}
	return false
}
