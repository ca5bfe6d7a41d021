package providers

import "github.com/postino-mail/postino/detect/mail"

// verified is the date the table's facts were last checked against the
// providers' help pages and the ISPDB files.
const verified = "2026-11-26"

// table lists every entry: Italian providers first, then international
// ones, then those recognised only by MX (hosting and business mail).
var table = concat(italian, international, hosted)

func concat(lists ...[]Entry) []Entry {
	var out []Entry
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// Authentication sets used by many providers.
var (
	password      = []mail.Auth{mail.AuthPasswordCleartext}
	passwordCRAM  = []mail.Auth{mail.AuthPasswordEncrypted, mail.AuthPasswordCleartext}
	oauthPassword = []mail.Auth{mail.AuthOAuth2, mail.AuthPasswordCleartext}
	oauthOnly     = []mail.Auth{mail.AuthOAuth2}
)

// server builds one endpoint whose login is the whole address, the form
// nearly every provider uses.
func server(p mail.Protocol, host string, port int, sec mail.Security, auth []mail.Auth) mail.Server {
	return mail.Server{
		Protocol: p, Host: host, Port: port, Security: sec,
		Username: mail.PlaceholderAddress,
		Auth:     append([]mail.Auth(nil), auth...),
	}
}

func imapTLS(host string, auth []mail.Auth) mail.Server {
	return server(mail.IMAP, host, 993, mail.TLS, auth)
}
func imapSTARTTLS(host string, auth []mail.Auth) mail.Server {
	return server(mail.IMAP, host, 143, mail.STARTTLS, auth)
}
func pop3TLS(host string, auth []mail.Auth) mail.Server {
	return server(mail.POP3, host, 995, mail.TLS, auth)
}
func pop3STARTTLS(host string, auth []mail.Auth) mail.Server {
	return server(mail.POP3, host, 110, mail.STARTTLS, auth)
}
func smtpTLS(host string, auth []mail.Auth) mail.Server {
	return server(mail.SMTP, host, 465, mail.TLS, auth)
}
func smtpSubmission(host string, auth []mail.Auth) mail.Server {
	return server(mail.SMTP, host, 587, mail.STARTTLS, auth)
}

func servers(s ...mail.Server) []mail.Server { return s }

func note(code, url string) mail.Note { return mail.Note{Code: code, URL: url} }
