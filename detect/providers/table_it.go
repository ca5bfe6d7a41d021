package providers

import "github.com/postino-mail/postino/detect/mail"

// italian lists consumer and business mail providers of Italy.
var italian = []Entry{
	{
		Provider: mail.Provider{
			ID: "libero.it", DisplayName: "Libero Mail", ShortName: "Libero",
			Domains:       []string{"libero.it", "iol.it", "blu.it", "inwind.it", "giallo.it"},
			Incoming:      servers(imapTLS("imapmail.libero.it", password), pop3TLS("popmail.libero.it", password)),
			Outgoing:      servers(smtpTLS("smtp.libero.it", password)),
			Documentation: []string{"https://aiuto.libero.it/articolo/mail/parametri-di-configurazione-per-il-client-di-posta/"},
			Notes:         []mail.Note{note(NoteFullAddress, "")},
		},
		MXDomains:    []string{"libero.it"},
		LastVerified: verified,
	},
	{
		// Virgilio publishes in./out. host names; the ISPDB agrees.
		Provider: mail.Provider{
			ID: "virgilio.it", DisplayName: "Virgilio Mail", ShortName: "Virgilio",
			Domains:       []string{"virgilio.it"},
			Incoming:      servers(imapTLS("in.virgilio.it", password), pop3TLS("in.virgilio.it", password)),
			Outgoing:      servers(smtpTLS("out.virgilio.it", password)),
			Documentation: []string{"https://aiuto.virgilio.it/articolo/mail/configurare-virgilio-mail-con-client-di-posta-imap-e-smtp/"},
			Notes:         []mail.Note{note(NoteFullAddress, "")},
		},
		LastVerified: verified,
	},
	{
		// TIM documents STARTTLS on the classic ports for @tim.it.
		Provider: mail.Provider{
			ID: "tim.it", DisplayName: "TIM Mail", ShortName: "TIM",
			Domains:       []string{"tim.it"},
			Incoming:      servers(imapSTARTTLS("imap.tim.it", password), pop3STARTTLS("pop.tim.it", password)),
			Outgoing:      servers(smtpSubmission("smtp.tim.it", password)),
			Documentation: []string{"https://www.tim.it/assistenza/assistenza-tecnica/mail/configurazione/protocolli-posta"},
			Notes:         []mail.Note{note(NoteFullAddress, "")},
		},
		LastVerified: verified,
	},
	{
		// Alice mailboxes are run by TIM: TIM's page covers both, and the
		// historical in./out.alice.it names still appear in the ISPDB.
		Provider: mail.Provider{
			ID: "alice.it", DisplayName: "Alice Mail (TIM)", ShortName: "Alice",
			Domains: []string{"alice.it"},
			Incoming: servers(
				imapSTARTTLS("imap.tim.it", password), pop3STARTTLS("pop.tim.it", password),
				imapSTARTTLS("in.alice.it", password), pop3STARTTLS("in.alice.it", password),
			),
			Outgoing: servers(
				smtpSubmission("smtp.tim.it", password),
				smtpSubmission("out.alice.it", password),
			),
			Documentation: []string{"https://www.tim.it/assistenza/assistenza-tecnica/mail/configurazione/protocolli-posta"},
			Notes:         []mail.Note{note(NoteFullAddress, "")},
		},
		LastVerified: verified,
	},
	{
		Provider: mail.Provider{
			ID: "fastwebnet.it", DisplayName: "Fastweb Mail", ShortName: "Fastweb",
			Domains:       []string{"fastwebnet.it"},
			Incoming:      servers(imapTLS("imap.fastwebnet.it", passwordCRAM), pop3TLS("pop.fastwebnet.it", passwordCRAM)),
			Outgoing:      servers(smtpSubmission("smtp.fastwebnet.it", passwordCRAM)),
			Documentation: []string{"https://www.fastweb.it/fastmail/guida/mail_POPeIMAP/"},
		},
		LastVerified: verified,
	},
	{
		Provider: mail.Provider{
			ID: "tiscali.it", DisplayName: "Tiscali Mail", ShortName: "Tiscali",
			Domains:       []string{"tiscali.it"},
			Incoming:      servers(imapTLS("imap.tiscali.it", passwordCRAM), pop3TLS("pop.tiscali.it", passwordCRAM)),
			Outgoing:      servers(smtpTLS("smtp.tiscali.it", passwordCRAM)),
			Documentation: []string{"https://assistenza.tiscali.it/servizi/guida/posta-elettronica/"},
		},
		MXDomains:    []string{"tiscali.it"},
		LastVerified: verified,
	},
	{
		// PosteMail, the mailbox of Poste Italiane. Host names as given
		// in the project's fact sheet (issue 2); not in the ISPDB, so
		// probing is the final judge.
		Provider: mail.Provider{
			ID: "poste.it", DisplayName: "PosteMail (Poste Italiane)", ShortName: "PosteMail",
			Domains:  []string{"poste.it", "postemail.it"},
			Incoming: servers(imapTLS("imap.postemail.poste.it", password), pop3TLS("pop.postemail.poste.it", password)),
			Outgoing: servers(
				smtpTLS("smtp.postemail.poste.it", password),
				smtpSubmission("smtp.postemail.poste.it", password),
			),
		},
		LastVerified: verified,
	},
	{
		// Aruba hosting: the mailboxes of domains whose mail Aruba hosts,
		// recognised by their MX (mx.aruba.it and friends).
		Provider: mail.Provider{
			ID: "aruba.it", DisplayName: "Aruba Mail", ShortName: "Aruba",
			Domains:       []string{"aruba.it"},
			Incoming:      servers(imapTLS("imaps.aruba.it", password), pop3TLS("pop3s.aruba.it", password)),
			Outgoing:      servers(smtpTLS("smtps.aruba.it", password)),
			Documentation: []string{"https://guide.hosting.aruba.it/email/configurazione-email-pc-dispositivi-mobili/configurazione-casella-dominio-pc-mac-pop.aspx"},
			Notes:         []mail.Note{note(NoteFullAddress, ""), note(NoteBusiness, "")},
		},
		MXDomains:    []string{"aruba.it"},
		LastVerified: verified,
	},
	{
		// Aruba PEC. The ISPDB lists POP3 on port 993, which contradicts
		// Aruba's guide; POP3 over TLS is on 995.
		Provider: mail.Provider{
			ID: "arubapec.it", DisplayName: "Aruba PEC", ShortName: "Aruba PEC",
			Domains:  []string{"pec.it", "arubapec.it", "mypec.eu", "gigapec.it", "ingpec.eu"},
			Incoming: servers(imapTLS("imaps.pec.aruba.it", password), pop3TLS("pop3s.pec.aruba.it", password)),
			Outgoing: servers(smtpTLS("smtps.pec.aruba.it", password)),
			Notes:    []mail.Note{note(NotePEC, "")},
		},
		MXDomains:    []string{"pec.aruba.it"},
		LastVerified: verified,
	},
	{
		Provider: mail.Provider{
			ID: "postecert.it", DisplayName: "PosteCert (Poste Italiane PEC)", ShortName: "PosteCert",
			Domains:       []string{"postecert.it"},
			Incoming:      servers(imapTLS("mail.postecert.it", password), pop3TLS("mail.postecert.it", password)),
			Outgoing:      servers(smtpTLS("mail.postecert.it", password)),
			Documentation: []string{"https://postecert.poste.it/pec/configurazione.shtml"},
			Notes:         []mail.Note{note(NotePEC, "")},
		},
		LastVerified: verified,
	},
	{
		// IONOS Italy (ex 1&1): customer domains point their MX at
		// mx00/mx01.ionos.it.
		Provider: mail.Provider{
			ID: "ionos.it", DisplayName: "IONOS", ShortName: "IONOS",
			Domains: []string{"ionos.it", "1and1.it", "servercliente.it"},
			Incoming: servers(
				imapTLS("imap.ionos.it", password), imapSTARTTLS("imap.ionos.it", password),
				pop3TLS("pop.ionos.it", password), pop3STARTTLS("pop.ionos.it", password),
			),
			Outgoing: servers(
				smtpTLS("smtp.ionos.it", password), smtpSubmission("smtp.ionos.it", password),
			),
			Documentation: []string{"https://www.ionos.it/aiuto/index.php?id=2490"},
			Notes:         []mail.Note{note(NoteFullAddress, ""), note(NoteBusiness, "")},
		},
		MXDomains:    []string{"ionos.it", "servercliente.it"},
		LastVerified: verified,
	},
	{
		// Mailpro is a sending service: it relays mail, it has no mailbox.
		Provider: mail.Provider{
			ID: "mailpro.com", DisplayName: "Mailpro", ShortName: "Mailpro",
			Domains:  []string{"mailpro.com"},
			Outgoing: servers(smtpSubmission("smtp.mailpro.com", password)),
			Notes:    []mail.Note{note(NoteOutgoingOnly, ""), note(NoteSMTPAuthRequired, "")},
		},
		LastVerified: verified,
	},
}
