package probe

import (
	"crypto/tls"
	"slices"
	"strings"

	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/problem"
)

// mayLogin decides whether the password may be sent on the session as
// it is now, and records why not when it may not. The rules are the
// issue's promises: only to a host a trusted source named (or the
// person trusted), never before TLS unless allowed for this run, never
// over TLS older than 1.2, never to a server whose certificate failed
// unless allowed (and then only to the certificate the person saw, when
// pinned).
func (r *run) mayLogin() bool {
	if r.opts.Password == "" {
		return false
	}
	if r.opts.Gate != nil {
		if p := r.opts.Gate.Allowed(r.ep); p != nil {
			r.res.Login = LoginSkipped
			r.warn(*p)
			return false
		}
	}
	if !r.encrypted {
		if !r.opts.AllowPlaintext {
			r.res.Login = LoginSkipped
			r.warn(problem.New(problem.LoginNotSentPlain, nil))
			return false
		}
		r.warn(problem.New(problem.PlaintextLogin, nil))
		return true
	}
	if r.tlsVersion < tls.VersionTLS12 {
		// RFC 8996: TLS 1.0 and 1.1 no longer protect a password.
		r.res.Login = LoginSkipped
		r.warn(problem.New(problem.LoginNotSentOldTLS, map[string]any{"Version": tls.VersionName(r.tlsVersion)}))
		return false
	}
	if r.certOK {
		return true
	}
	if !r.opts.AllowInsecureTLS {
		r.res.Login = LoginSkipped
		r.warn(problem.New(problem.LoginNotSentInsecure, nil))
		return false
	}
	if pin := strings.ToLower(r.opts.PinSHA256); pin != "" && (r.res.TLS == nil || r.res.TLS.SHA256 != pin) {
		got := ""
		if r.res.TLS != nil {
			got = r.res.TLS.SHA256
		}
		r.res.Login = LoginSkipped
		r.warn(problem.New(problem.CertChanged, map[string]any{"Expected": pin, "Got": got}))
		return false
	}
	return true
}

// login sends the credentials with send once mayLogin allows it and the
// gate gives this probe its turn, with the transcript redacting what
// goes out meanwhile, and records the outcome.
func (r *run) login(send func() error) {
	if !r.mayLogin() || !r.awaitTurn() {
		return
	}
	r.setPhase(PhaseLogin)
	r.tr.setSecret(true)
	err := send()
	r.tr.setSecret(false)
	if err != nil {
		r.loginFailed(err)
		return
	}
	r.gateDone(LoginAccepted)
	r.loginOK()
}

// loginFailed records a refused login with the server's words, and
// tells the gate what kind of failure it was.
func (r *run) loginFailed(err error) {
	r.res.Login = LoginFailed
	r.failed(err, true)
	var code string
	if n := len(r.failures); n > 0 {
		r.res.LoginMessage = r.failures[n-1].ServerText
		code = r.failures[n-1].Code
	}
	_, reply := problem.FromReply(err, true)
	switch {
	case code == problem.LoginTimeout:
		r.gateDone(LoginNoAnswer)
	case reply:
		r.gateDone(LoginRefused)
	default:
		r.gateDone(LoginBroken)
	}
}

func (r *run) loginOK() {
	r.res.Login = LoginOK
	r.res.LoginMessage = ""
}

func isOAuth(mech string) bool {
	switch strings.ToUpper(mech) {
	case "XOAUTH2", "OAUTHBEARER", "XOAUTH":
		return true
	}
	return false
}

func hasMech(mechs []string, want string) bool {
	return slices.ContainsFunc(mechs, func(m string) bool { return strings.EqualFold(m, want) })
}

// oauthOnly reports whether the only ways in are OAuth mechanisms; then
// a password cannot work (RFC 7628 for OAUTHBEARER; XOAUTH2 is Google's
// and Microsoft's). passwordWorks is true when the protocol has a
// password command outside SASL (IMAP LOGIN, POP3 USER/PASS).
func oauthOnly(mechs []string, passwordWorks bool) bool {
	if passwordWorks || !slices.ContainsFunc(mechs, isOAuth) {
		return false
	}
	return !hasMech(mechs, "PLAIN") && !hasMech(mechs, "LOGIN")
}

func (r *run) oauthOnlyProblem(mechs []string) {
	var oauth []string
	for _, m := range mechs {
		if isOAuth(m) {
			oauth = append(oauth, m)
		}
	}
	r.warn(problem.New(problem.OAuthOnly, map[string]any{"Mechanisms": strings.Join(oauth, ", ")}))
	if r.opts.Password != "" {
		r.res.Login = LoginSkipped
	}
}

// starttlsMissing records a STARTTLS endpoint whose server did not offer
// it. On the ports where mail clients log in (587, 143, 110 and 2525)
// that makes the endpoint unusable: it would mean sending the password
// in the clear, and a network that strips the offer looks exactly like
// this (RFC 3207 §6, RFC 2595 §2.2). On port 25, used between servers,
// it is only a warning.
func (r *run) starttlsMissing() {
	p := problem.New(problem.StartTLSMissing, r.data())
	if r.ep.Port == 25 {
		r.warn(p)
		return
	}
	r.fail(p)
}

// stayInPlaintext records that the session stays unencrypted: on a
// STARTTLS endpoint the offer is missing, on a plain one that is its
// nature. It reports whether the probe goes on to log in anyway, which
// only a password and AllowPlaintext allow; otherwise it records why the
// password was not sent and says goodbye with quit.
func (r *run) stayInPlaintext(quit func()) bool {
	if r.ep.Security == mail.STARTTLS {
		r.starttlsMissing()
	} else {
		r.warn(problem.New(problem.PlaintextEndpoint, nil))
	}
	if r.opts.Password != "" && r.opts.AllowPlaintext {
		return true
	}
	r.mayLogin() // records why the password was not sent
	r.goodbye()
	quit()
	return false
}

func (r *run) setStartTLSOffered(v bool) { r.res.StartTLSOffered = &v }

func upperAll(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, strings.ToUpper(s))
	}
	return out
}
