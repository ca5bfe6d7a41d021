package providers

import "github.com/postino-mail/postino/detect/mail"

// Documentation pages used by more than one entry.
const (
	googleIMAPHelp    = "https://support.google.com/mail/answer/7126229"
	googleAppPassword = "https://support.google.com/accounts/answer/185833"
	outlookComHelp    = "https://support.microsoft.com/en-us/office/pop-imap-and-smtp-settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040"
	office365Help     = "https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/pop3-and-imap4/pop3-and-imap4"
	zohoIMAPHelp      = "https://www.zoho.com/mail/help/imap-access.html"
	zohoSMTPHelp      = "https://www.zoho.com/mail/help/zoho-smtp.html"
)

// googleServers are the same for Gmail and Google Workspace. Google
// prefers OAuth2; a password works only as an app password.
func googleServers() ([]mail.Server, []mail.Server) {
	return servers(imapTLS("imap.gmail.com", oauthPassword), pop3TLS("pop.gmail.com", oauthPassword)),
		servers(smtpTLS("smtp.gmail.com", oauthPassword), smtpSubmission("smtp.gmail.com", oauthPassword))
}

func googleNotes() []mail.Note {
	return []mail.Note{
		note(NoteOAuthPreferred, googleIMAPHelp),
		note(NoteAppPassword, googleAppPassword),
		note(NoteEnablePOP, "https://support.google.com/mail/answer/7104828"),
	}
}

func gmail() Entry {
	in, out := googleServers()
	return Entry{
		Provider: mail.Provider{
			ID: "gmail.com", DisplayName: "Gmail", ShortName: "Gmail",
			Domains: []string{"gmail.com", "googlemail.com"}, Incoming: in, Outgoing: out,
			Documentation: []string{googleIMAPHelp},
			Notes:         googleNotes(),
		},
		LastVerified: verified,
	}
}

// international lists consumer mail providers used in Italy and abroad.
var international = []Entry{
	gmail(),
	{
		// Microsoft turned off password sign-in for Outlook.com in mail
		// programs; only OAuth2 ("modern authentication") works.
		Provider: mail.Provider{
			ID: "outlook.com", DisplayName: "Outlook.com (Microsoft)", ShortName: "Outlook",
			Domains: []string{
				"outlook.com", "outlook.it", "hotmail.com", "hotmail.it", "live.com", "live.it", "msn.com",
				"hotmail.co.uk", "hotmail.fr", "hotmail.de", "hotmail.es", "live.co.uk", "live.fr", "outlook.de",
				"outlook.fr", "outlook.es", "windowslive.com",
			},
			Incoming:      servers(imapTLS("outlook.office365.com", oauthOnly), pop3TLS("outlook.office365.com", oauthOnly)),
			Outgoing:      servers(smtpSubmission("smtp-mail.outlook.com", oauthOnly)),
			Documentation: []string{outlookComHelp},
			Notes:         []mail.Note{note(NoteOAuthOnly, outlookComHelp)},
		},
		MXDomains:    []string{"olc.protection.outlook.com"},
		LastVerified: verified,
	},
	{
		Provider: mail.Provider{
			ID: "yahoo.com", DisplayName: "Yahoo Mail", ShortName: "Yahoo",
			Domains: []string{
				"yahoo.com", "yahoo.it", "ymail.com", "rocketmail.com", "yahoo.co.uk", "yahoo.de",
				"yahoo.fr", "yahoo.es", "yahoo.ca", "yahoo.com.br", "yahoo.com.au", "myyahoo.com",
			},
			Incoming: servers(imapTLS("imap.mail.yahoo.com", oauthPassword), pop3TLS("pop.mail.yahoo.com", oauthPassword)),
			Outgoing: servers(smtpTLS("smtp.mail.yahoo.com", oauthPassword), smtpSubmission("smtp.mail.yahoo.com", oauthPassword)),
			Documentation: []string{
				"https://help.yahoo.com/kb/new-mail-for-desktop/imap-server-settings-yahoo-mail-sln4075.html",
				"https://help.yahoo.com/kb/generate-manage-third-party-passwords-sln15241.html",
			},
			Notes: []mail.Note{note(NoteAppPassword, "https://help.yahoo.com/kb/generate-manage-third-party-passwords-sln15241.html")},
		},
		MXDomains:    []string{"am0.yahoodns.net"},
		LastVerified: verified,
	},
	{
		Provider: mail.Provider{
			ID: "aol.com", DisplayName: "AOL Mail", ShortName: "AOL",
			Domains:       []string{"aol.com", "aol.it", "aim.com", "aol.de", "aol.fr", "aol.co.uk", "netscape.net", "cs.com"},
			Incoming:      servers(imapTLS("imap.aol.com", oauthPassword), pop3TLS("pop.aol.com", oauthPassword)),
			Outgoing:      servers(smtpTLS("smtp.aol.com", oauthPassword)),
			Documentation: []string{"https://help.aol.com/articles/how-do-i-use-other-email-applications-to-send-and-receive-my-aol-mail"},
			Notes:         []mail.Note{note(NoteAppPassword, "https://help.aol.com/articles/how-do-i-use-other-email-applications-to-send-and-receive-my-aol-mail")},
		},
		MXDomains:    []string{"gm0.yahoodns.net"},
		LastVerified: verified,
	},
	{
		// Apple's IMAP login is the name before the @ (the ISPDB and
		// Apple's page agree); SMTP takes the whole address.
		Provider: mail.Provider{
			ID: "icloud.com", DisplayName: "iCloud Mail", ShortName: "iCloud",
			Domains: []string{"icloud.com", "me.com", "mac.com"},
			Incoming: servers(mail.Server{
				Protocol: mail.IMAP, Host: "imap.mail.me.com", Port: 993, Security: mail.TLS,
				Username: mail.PlaceholderLocalPart, Auth: []mail.Auth{mail.AuthPasswordCleartext},
			}),
			Outgoing:      servers(smtpSubmission("smtp.mail.me.com", password)),
			Documentation: []string{"https://support.apple.com/en-us/102525"},
			Notes:         []mail.Note{note(NoteAppPassword, "https://support.apple.com/en-us/102654")},
		},
		MXDomains:    []string{"mail.icloud.com"},
		LastVerified: verified,
	},
	{
		Provider: mail.Provider{
			ID: "gmx.net", DisplayName: "GMX Freemail", ShortName: "GMX",
			Domains: []string{"gmx.net", "gmx.de", "gmx.at", "gmx.ch", "gmx.eu"},
			Incoming: servers(
				imapTLS("imap.gmx.net", password), imapSTARTTLS("imap.gmx.net", password),
				pop3TLS("pop.gmx.net", password), pop3STARTTLS("pop.gmx.net", password),
			),
			Outgoing:      servers(smtpTLS("mail.gmx.net", password), smtpSubmission("mail.gmx.net", password)),
			Documentation: []string{"https://hilfe.gmx.net/pop-imap/imap/imap-serverdaten.html"},
			Notes:         []mail.Note{note(NoteEnableIMAP, "https://hilfe.gmx.net/pop-imap/einschalten.html")},
		},
		MXDomains:    []string{"gmx.net"},
		LastVerified: verified,
	},
	{
		Provider: mail.Provider{
			ID: "gmx.com", DisplayName: "GMX Mail", ShortName: "GMX",
			Domains: []string{"gmx.com", "gmx.us", "gmx.co.uk", "gmx.it", "gmx.fr", "gmx.es", "gmx.ca"},
			Incoming: servers(
				imapTLS("imap.gmx.com", password), imapSTARTTLS("imap.gmx.com", password),
				pop3TLS("pop.gmx.com", password), pop3STARTTLS("pop.gmx.com", password),
			),
			Outgoing: servers(smtpTLS("mail.gmx.com", password), smtpSubmission("mail.gmx.com", password)),
			Notes:    []mail.Note{note(NoteEnableIMAP, "")},
		},
		MXDomains:    []string{"gmx.com"},
		LastVerified: verified,
	},
	{
		Provider: mail.Provider{
			ID: "web.de", DisplayName: "WEB.DE FreeMail", ShortName: "WEB.DE",
			Domains: []string{"web.de"},
			Incoming: servers(
				imapTLS("imap.web.de", password), imapSTARTTLS("imap.web.de", password),
				pop3TLS("pop3.web.de", password), pop3STARTTLS("pop3.web.de", password),
			),
			Outgoing:      servers(smtpTLS("smtp.web.de", password), smtpSubmission("smtp.web.de", password)),
			Documentation: []string{"https://hilfe.web.de/pop-imap/imap/imap-serverdaten.html"},
			Notes:         []mail.Note{note(NoteEnableIMAP, "https://hilfe.web.de/pop-imap/einschalten.html")},
		},
		MXDomains:    []string{"web.de"},
		LastVerified: verified,
	},
	{
		// Fastmail asks mail programs for an app password; its customer
		// domains point their MX at messagingengine.com.
		Provider: mail.Provider{
			ID: "fastmail.com", DisplayName: "Fastmail", ShortName: "Fastmail",
			Domains:       []string{"fastmail.com", "fastmail.fm", "messagingengine.com"},
			Incoming:      servers(imapTLS("imap.fastmail.com", password), pop3TLS("pop.fastmail.com", password)),
			Outgoing:      servers(smtpTLS("smtp.fastmail.com", password), smtpSubmission("smtp.fastmail.com", password)),
			Documentation: []string{"https://www.fastmail.help/hc/en-us/articles/1500000278342-Server-names-and-ports"},
			Notes:         []mail.Note{note(NoteAppPassword, "https://www.fastmail.help/hc/en-us/articles/360058752854-App-passwords")},
		},
		MXDomains:    []string{"messagingengine.com"},
		LastVerified: verified,
	},
	{
		// Zoho keeps accounts in regional data centres with their own
		// host names; organisation (custom domain) accounts use the
		// "pro" hosts.
		Provider: mail.Provider{
			ID: "zoho.com", DisplayName: "Zoho Mail (US)", ShortName: "Zoho",
			Domains: []string{"zoho.com", "zohomail.com"},
			Incoming: servers(
				imapTLS("imap.zoho.com", password), pop3TLS("pop.zoho.com", password),
				imapTLS("imappro.zoho.com", password), pop3TLS("poppro.zoho.com", password),
			),
			Outgoing: servers(
				smtpTLS("smtp.zoho.com", password), smtpSubmission("smtp.zoho.com", password),
				smtpTLS("smtppro.zoho.com", password), smtpSubmission("smtppro.zoho.com", password),
			),
			Documentation: []string{zohoIMAPHelp, zohoSMTPHelp},
			Notes:         []mail.Note{note(NoteEnableIMAP, zohoIMAPHelp), note(NoteRegional, zohoIMAPHelp)},
		},
		MXDomains:    []string{"zoho.com", "zohomail.com"},
		LastVerified: verified,
	},
	{
		Provider: mail.Provider{
			ID: "zoho.eu", DisplayName: "Zoho Mail (Europe)", ShortName: "Zoho",
			Domains: []string{"zoho.eu", "zohomail.eu"},
			Incoming: servers(
				imapTLS("imap.zoho.eu", password), pop3TLS("pop.zoho.eu", password),
				imapTLS("imappro.zoho.eu", password), pop3TLS("poppro.zoho.eu", password),
			),
			Outgoing: servers(
				smtpTLS("smtp.zoho.eu", password), smtpSubmission("smtp.zoho.eu", password),
				smtpTLS("smtppro.zoho.eu", password), smtpSubmission("smtppro.zoho.eu", password),
			),
			Documentation: []string{zohoIMAPHelp, zohoSMTPHelp},
			Notes:         []mail.Note{note(NoteEnableIMAP, zohoIMAPHelp), note(NoteRegional, zohoIMAPHelp)},
		},
		MXDomains:    []string{"zoho.eu", "zohomail.eu"},
		LastVerified: verified,
	},
}

// hosted lists providers of business mail recognised by the MX of a
// customer's own domain rather than by the address's domain.
var hosted = []Entry{
	func() Entry {
		in, out := googleServers()
		return Entry{
			Provider: mail.Provider{
				ID: "google-workspace", DisplayName: "Google Workspace", ShortName: "Google",
				Incoming: in, Outgoing: out,
				Documentation: []string{googleIMAPHelp},
				Notes:         append(googleNotes(), note(NoteBusiness, "")),
			},
			// aspmx.l.google.com and its alt hosts, smtp.google.com (the
			// single MX of newer set-ups), aspmx2..5.googlemail.com.
			MXDomains:    []string{"google.com", "googlemail.com"},
			LastVerified: verified,
		}
	}(),
	{
		// Exchange Online retired Basic authentication for IMAP and POP3
		// and is retiring it for SMTP AUTH: OAuth2 is the way in.
		Provider: mail.Provider{
			ID: "office365", DisplayName: "Microsoft 365 (Exchange Online)", ShortName: "Microsoft 365",
			Incoming:      servers(imapTLS("outlook.office365.com", oauthOnly), pop3TLS("outlook.office365.com", oauthOnly)),
			Outgoing:      servers(smtpSubmission("smtp.office365.com", oauthOnly)),
			Documentation: []string{office365Help},
			Notes:         []mail.Note{note(NoteOAuthOnly, office365Help), note(NoteBusiness, "")},
		},
		// tenant-com.mail.protection.outlook.com
		MXDomains:    []string{"mail.protection.outlook.com"},
		LastVerified: verified,
	},
	{
		// IONOS Germany and the former 1&1, whose customer domains still
		// point their MX at kundenserver.de.
		Provider: mail.Provider{
			ID: "ionos.de", DisplayName: "IONOS (Deutschland)", ShortName: "IONOS",
			Domains: []string{"ionos.de", "online.de", "onlinehome.de"},
			Incoming: servers(
				imapTLS("imap.ionos.de", password), imapSTARTTLS("imap.ionos.de", password),
				pop3TLS("pop.ionos.de", password), pop3STARTTLS("pop.ionos.de", password),
			),
			Outgoing:      servers(smtpTLS("smtp.ionos.de", password), smtpSubmission("smtp.ionos.de", password)),
			Documentation: []string{"https://www.ionos.de/hilfe/index.php?id=2490"},
			Notes:         []mail.Note{note(NoteFullAddress, ""), note(NoteBusiness, "")},
		},
		MXDomains:    []string{"ionos.de", "kundenserver.de"},
		LastVerified: verified,
	},
}
