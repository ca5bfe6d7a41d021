package probe

import (
	"bufio"
	"fmt"
	"io"
	"net/textproto"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"

	"github.com/postino-mail/postino/detect/internal/wire"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/problem"
)

// imap probes an IMAP endpoint. The greeting and, for STARTTLS, the
// plaintext CAPABILITY and STARTTLS are done here (RFC 3501 §6.2.1,
// RFC 9051 §6.2.1), so that the capabilities before TLS (STARTTLS,
// LOGINDISABLED) are seen and a silent or foreign server is told apart;
// go-imap's client takes over for CAPABILITY, LOGIN or AUTHENTICATE and
// LOGOUT.
func (r *run) imap() {
	rec, br, tp := r.lineSession()
	if rec == nil {
		return
	}
	d := &imapDialect{r: r, rec: rec, br: br, tp: tp}
	r.drive(d)
	if d.c != nil {
		d.c.Close()
	}
}

// imapDialect is IMAP's words for drive.
type imapDialect struct {
	r          *run
	rec        *recordConn
	br         *bufio.Reader
	tp         *textproto.Reader
	code, text string   // the greeting's response code and text
	replay     string   // what go-imap reads first: a greeting
	plain      []string // the capabilities before TLS
	caps       imap.CapSet
	c          *imapclient.Client
}

func (d *imapDialect) greet() bool {
	line, code, text, ok := d.r.imapGreeting(d.tp)
	d.code, d.text, d.replay = code, text, line+"\r\n"
	return ok
}

func (d *imapDialect) plainCapabilities() (offered, known, ok bool) {
	caps := greetingCaps(d.code, d.text)
	if caps == nil {
		var err error
		if caps, err = imapCapability(d.rec, d.tp); err != nil {
			d.r.failed(err, false)
			return false, false, false
		}
	}
	d.plain = caps
	return slices.Contains(caps, string(imap.CapStartTLS)), true, true
}

func (d *imapDialect) startTLS() bool {
	_, err := wire.IMAPCommand(d.rec, d.tp, "P2", "STARTTLS")
	if d.rec = d.r.startTLS(err, d.br); d.rec == nil {
		return false
	}
	// No greeting follows STARTTLS; go-imap expects one. It gets a
	// neutral one of our own: whatever came before TLS (a second
	// [CAPABILITY ...] hidden in the greeting's text by an on-path
	// attacker) is discarded, and go-imap asks CAPABILITY again inside
	// TLS (RFC 9051 §6.2.1).
	d.replay = tlsGreeting
	return true
}

func (d *imapDialect) keepPlainCapabilities() { d.r.imapCapabilities(capSet(d.plain)) }

func (d *imapDialect) continuePlain() bool {
	// go-imap has had no greeting of its own yet: a neutral one makes
	// it ask CAPABILITY like on any other session.
	d.replay = tlsGreeting
	return d.r.nothingUnasked(d.br)
}

func (d *imapDialect) capabilities() bool {
	if d.r.ep.Security == mail.TLS {
		// Responses the server sent along with its greeting.
		d.replay += buffered(d.br)
	}
	d.c = imapclient.New(wire.NewReplayConn(d.rec, d.replay), &imapclient.Options{})
	if err := d.c.WaitGreeting(); err != nil {
		d.r.failed(err, false)
		return false
	}
	d.caps = d.c.Caps()
	if d.caps == nil {
		// Caps hides the reason; asking again returns it.
		var err error
		if d.caps, err = d.c.Capability().Wait(); err != nil {
			d.r.failed(err, false)
			return false
		}
	}
	d.r.imapCapabilities(d.caps)
	return true
}

func (d *imapDialect) login() {
	if d.c.State() == imap.ConnStateNotAuthenticated {
		d.r.imapLogin(d.c, d.caps)
	}
}

func (d *imapDialect) quit() {
	if d.c != nil {
		d.c.Logout().Wait()
		return
	}
	fmt.Fprintf(d.rec, "P9 LOGOUT\r\n")
	d.tp.ReadLine()
}

// imapGreeting reads the greeting (RFC 3501 §7.1.1, §7.1.4, §7.1.5):
// OK or PREAUTH, whose response code may carry the capabilities. A BYE
// or anything else is recorded, and ok is false.
func (r *run) imapGreeting(tp *textproto.Reader) (line, code, text string, ok bool) {
	r.setPhase(PhaseGreeting)
	line, err := tp.ReadLine()
	if err != nil {
		r.failed(err, false)
		return "", "", "", false
	}
	status, code, text, ok := wire.IMAPStatus(line, "*")
	switch {
	case !ok || (status != "OK" && status != "PREAUTH" && status != "BYE"):
		r.failed(notProtocol(line), false)
		return "", "", "", false
	case status == "BYE":
		r.failed(&imap.Error{Type: imap.StatusResponseTypeBye, Code: imap.ResponseCode(code), Text: text}, false)
		return "", "", "", false
	}
	if name, _, _ := strings.Cut(code, " "); strings.EqualFold(name, "ALERT") {
		// RFC 3501 §7.1: the text of an ALERT must be shown to the user.
		r.warn(problem.FromIMAP(status, "ALERT", text, false))
	}
	return line, code, text, true
}

func (r *run) imapCapabilities(caps imap.CapSet) {
	r.res.Capabilities = r.res.Capabilities[:0]
	for c := range caps {
		r.res.Capabilities = append(r.res.Capabilities, string(c))
	}
	slices.Sort(r.res.Capabilities)
	r.res.AuthMechanisms = upperAll(caps.AuthMechanisms())
}

// imapLogin logs in with LOGIN, or with AUTHENTICATE PLAIN when the
// server disabled LOGIN (RFC 3501 §6.2.3).
func (r *run) imapLogin(c *imapclient.Client, caps imap.CapSet) {
	loginDisabled := caps.Has(imap.CapLoginDisabled)
	mechs := r.res.AuthMechanisms
	if oauthOnly(mechs, !loginDisabled) {
		r.oauthOnlyProblem(mechs)
		return
	}
	usePlain := loginDisabled && hasMech(mechs, "PLAIN")
	if loginDisabled && !usePlain {
		if r.opts.Password != "" {
			r.res.Login = LoginSkipped
			r.warn(problem.New(problem.LoginDisabled, nil))
		}
		return
	}
	r.login(func() error {
		if usePlain {
			return c.Authenticate(sasl.NewPlainClient("", r.opts.Username, r.opts.Password))
		}
		return c.Login(r.opts.Username, r.opts.Password).Wait()
	})
}

// tlsGreeting stands in for the greeting go-imap expects on a session
// that already had one: it carries no response code, so go-imap has no
// capabilities and asks for them.
const tlsGreeting = "* OK ready\r\n"

// greetingCaps returns the capabilities a greeting carries in a
// CAPABILITY response code (RFC 3501 §7.1), or nil.
func greetingCaps(code, _ string) []string {
	name, args, _ := strings.Cut(code, " ")
	if !strings.EqualFold(name, "CAPABILITY") {
		return nil
	}
	return upperAll(strings.Fields(args))
}

func capSet(caps []string) imap.CapSet {
	set := imap.CapSet{}
	for _, c := range caps {
		set[imap.Cap(c)] = struct{}{}
	}
	return set
}

// imapCapability sends CAPABILITY and collects the untagged reply.
func imapCapability(w io.Writer, tp *textproto.Reader) ([]string, error) {
	untagged, err := wire.IMAPCommand(w, tp, "P1", "CAPABILITY")
	if err != nil {
		return nil, err
	}
	var caps []string
	for _, l := range untagged {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "*" && strings.EqualFold(f[1], "CAPABILITY") {
			caps = append(caps, upperAll(f[2:])...)
		}
	}
	return caps, nil
}
