package probe

import (
	"bufio"
	"errors"
	"fmt"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/postino-mail/postino/detect/internal/wire"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/problem"
)

// smtpExtensions are the EHLO keywords reported as capabilities. go-smtp
// answers "is X supported" but does not list what the server said, so
// the probe asks about the extensions a person may care about.
var smtpExtensions = []string{
	"STARTTLS", "AUTH", "SIZE", "PIPELINING", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES",
	"CHUNKING", "BINARYMIME", "DSN", "REQUIRETLS", "DELIVERBY", "MT-PRIORITY",
}

// smtp probes an SMTP endpoint. The greeting and, for STARTTLS, the
// plaintext EHLO and the STARTTLS command are done here, so that a silent
// server, a refused greeting and a missing STARTTLS offer are told apart
// (RFC 5321 §3.1, RFC 3207); go-smtp's client takes over on the
// encrypted session for EHLO, AUTH (RFC 4954) and QUIT.
func (r *run) smtp() {
	rec, br, tp := r.lineSession()
	if rec == nil {
		return
	}
	d := &smtpDialect{r: r, rec: rec, br: br, tp: tp}
	r.drive(d)
	if d.c != nil {
		d.c.Close()
	}
}

// smtpDialect is SMTP's words for drive.
type smtpDialect struct {
	r      *run
	rec    *recordConn
	br     *bufio.Reader
	tp     *textproto.Reader
	banner string            // the greeting's text, for the replay after STARTTLS
	replay string            // what go-smtp reads first: the greeting
	ext    map[string]string // the plaintext EHLO's extensions
	c      *smtp.Client
}

func (d *smtpDialect) greet() bool {
	d.r.setPhase(PhaseGreeting)
	code, msg, err := d.tp.ReadResponse(220)
	if err != nil {
		d.r.failed(err, false)
		return false
	}
	d.banner, d.replay = msg, smtpReply(code, msg)
	return true
}

func (d *smtpDialect) plainCapabilities() (offered, known, ok bool) {
	ext, err := wire.EHLO(d.rec, d.tp, d.r.opts.ClientName)
	if err != nil {
		d.r.failed(err, false)
		return false, false, false
	}
	d.ext = ext
	_, offered = ext["STARTTLS"]
	return offered, true, true
}

func (d *smtpDialect) startTLS() bool {
	if d.rec = d.r.startTLS(wire.SMTPCommand(d.rec, d.tp, "STARTTLS", 220), d.br); d.rec == nil {
		return false
	}
	// A new session starts after STARTTLS (RFC 3207 §4.2) with no
	// greeting; go-smtp expects one, so it gets the first.
	d.replay = "220 " + strings.SplitN(d.banner, "\n", 2)[0] + "\r\n"
	return true
}

func (d *smtpDialect) keepPlainCapabilities() { d.r.smtpCapabilities(d.ext) }

func (d *smtpDialect) continuePlain() bool { return d.r.nothingUnasked(d.br) }

func (d *smtpDialect) capabilities() bool {
	if d.r.ep.Security == mail.TLS {
		// Replies the server sent along with its greeting.
		d.replay += buffered(d.br)
	}
	d.c = smtp.NewClient(wire.NewReplayConn(d.rec, d.replay))
	if err := d.c.Hello(d.r.opts.ClientName); err != nil {
		d.r.failed(err, false)
		return false
	}
	ext := map[string]string{}
	for _, name := range smtpExtensions {
		if ok, param := d.c.Extension(name); ok {
			ext[name] = param
		}
	}
	if d.r.encrypted {
		// The capabilities that count are the ones after TLS.
		d.r.smtpCapabilities(ext)
	}
	return true
}

func (d *smtpDialect) login() { d.r.smtpLogin(d.c) }

func (d *smtpDialect) quit() {
	if d.c != nil {
		d.c.Quit()
		return
	}
	d.rec.Write([]byte("QUIT\r\n"))
	d.tp.ReadResponse(221)
}

// smtpCapabilities records extensions, AUTH mechanisms and SIZE.
func (r *run) smtpCapabilities(ext map[string]string) {
	r.res.Capabilities = r.res.Capabilities[:0]
	for _, name := range smtpExtensions {
		if _, ok := ext[name]; ok {
			r.res.Capabilities = append(r.res.Capabilities, name)
		}
	}
	r.res.AuthMechanisms = upperAll(strings.Fields(ext["AUTH"]))
	if size, err := strconv.ParseInt(ext["SIZE"], 10, 64); err == nil && size > 0 {
		r.res.SizeLimit = size
	}
}

// smtpLogin authenticates with PLAIN (preferred: one round trip) or
// LOGIN, through go-sasl.
func (r *run) smtpLogin(c *smtp.Client) {
	mechs := r.res.AuthMechanisms
	if len(mechs) == 0 {
		// Submission ports exist for authenticated clients (RFC 6409
		// §4.1, RFC 8314 §3.3); port 25 without AUTH is a normal relay.
		if r.ep.Port != 25 {
			r.fail(problem.New(problem.NoAuth, r.data()))
		} else if r.opts.Password != "" {
			r.warn(problem.New(problem.NoAuth, r.data()))
		}
		if r.opts.Password != "" {
			r.res.Login = LoginSkipped
		}
		return
	}
	if oauthOnly(mechs, false) {
		r.oauthOnlyProblem(mechs)
		return
	}
	var client sasl.Client
	switch {
	case hasMech(mechs, "PLAIN"):
		client = sasl.NewPlainClient("", r.opts.Username, r.opts.Password)
	case hasMech(mechs, "LOGIN"):
		client = sasl.NewLoginClient(r.opts.Username, r.opts.Password)
	}
	if client == nil {
		if r.opts.Password != "" {
			r.res.Login = LoginSkipped
			r.warn(problem.New(problem.NoUsableAuth, map[string]any{"Mechanisms": strings.Join(mechs, " ")}))
		}
		return
	}
	r.login(func() error { return c.Auth(client) })
}

// smtpReply rebuilds the wire form of a reply read by textproto.
func smtpReply(code int, msg string) string {
	lines := strings.Split(msg, "\n")
	var b strings.Builder
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		fmt.Fprintf(&b, "%03d%s%s\r\n", code, sep, l)
	}
	return b.String()
}

// errText is the server's words in a reply error, or the error itself.
func errText(err error) string {
	var te *textproto.Error
	if errors.As(err, &te) {
		return fmt.Sprintf("%d %s", te.Code, te.Msg)
	}
	return err.Error()
}
