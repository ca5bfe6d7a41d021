package providers

import "github.com/postino-mail/postino/detect/config"

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
	password      = []config.Auth{config.AuthPasswordCleartext}
	passwordCRAM  = []config.Auth{config.AuthPasswordEncrypted, config.AuthPasswordCleartext}
	oauthPassword = []config.Auth{config.AuthOAuth2, config.AuthPasswordCleartext}
	oauthOnly     = []config.Auth{config.AuthOAuth2}
)

// server builds one endpoint whose login is the whole address, the form
// nearly every provider uses.
func server(p config.Protocol, host string, port int, sec config.Security, auth []config.Auth) config.Server {
	return config.Server{
		Protocol: p, Host: host, Port: port, Security: sec,
		Username: config.PlaceholderAddress,
		Auth:     append([]config.Auth(nil), auth...),
	}
}

func imapTLS(host string, auth []config.Auth) config.Server {
	return server(config.IMAP, host, 993, config.TLS, auth)
}
func imapSTARTTLS(host string, auth []config.Auth) config.Server {
	return server(config.IMAP, host, 143, config.STARTTLS, auth)
}
func pop3TLS(host string, auth []config.Auth) config.Server {
	return server(config.POP3, host, 995, config.TLS, auth)
}
func pop3STARTTLS(host string, auth []config.Auth) config.Server {
	return server(config.POP3, host, 110, config.STARTTLS, auth)
}
func smtpTLS(host string, auth []config.Auth) config.Server {
	return server(config.SMTP, host, 465, config.TLS, auth)
}
func smtpSubmission(host string, auth []config.Auth) config.Server {
	return server(config.SMTP, host, 587, config.STARTTLS, auth)
}

func servers(s ...config.Server) []config.Server { return s }

func note(code, url string) config.Note { return config.Note{Code: code, URL: url} }
