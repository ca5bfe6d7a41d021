package probe

import (
	"bufio"

	"github.com/postino-mail/postino/detect/mail"
)

// dialect is what one protocol says at each step of a probe. The steps
// and their order are the same for SMTP, IMAP and POP3, and so are the
// safety rules between them (capabilities seen before STARTTLS are not
// trusted, no password on a plaintext session unless allowed): drive
// holds both, and the protocol files hold only their words.
type dialect interface {
	// greet reads the greeting; false means the probe ends (the
	// failure is recorded).
	greet() bool
	// plainCapabilities asks for the capabilities on a plaintext
	// session. offered says STARTTLS is advertised; known is false for a
	// server that cannot list its capabilities (POP3 without CAPA).
	plainCapabilities() (offered, known, ok bool)
	// startTLS sends the STARTTLS command and runs the handshake. It may
	// return true on a session still in plaintext: a POP3 server without
	// CAPA that refuses STLS simply has no STLS.
	startTLS() bool
	// keepPlainCapabilities records the plaintext capabilities on a
	// session that stays in plaintext.
	keepPlainCapabilities()
	// continuePlain is the protocol's last check before the login on a
	// plaintext session: no data from the server before we spoke.
	continuePlain() bool
	// capabilities asks for (or keeps) the capabilities of the session
	// that will carry the password, and records them.
	capabilities() bool
	login()
	// quit says goodbye on whichever session is open.
	quit()
}

// drive runs one probe's steps in the order every mail protocol shares
// (RFC 3207, RFC 2595, RFC 3501 §6.2.1): the greeting; on a port
// without implicit TLS the capabilities, then STARTTLS when it is asked
// for and offered, or the verdict on a plaintext session; the
// capabilities inside the session that will carry the password; the
// login; goodbye.
func (r *run) drive(d dialect) {
	if !d.greet() {
		return
	}
	if r.ep.Security != mail.TLS {
		r.setPhase(PhaseCapabilities)
		offered, known, ok := d.plainCapabilities()
		if !ok {
			return
		}
		if known {
			r.setStartTLSOffered(offered)
		}
		// A server that cannot list its capabilities may still know
		// STARTTLS: try it, as mail clients do.
		if r.ep.Security == mail.STARTTLS && (offered || !known) && !d.startTLS() {
			return
		}
		if !r.encrypted {
			d.keepPlainCapabilities()
			if !r.stayInPlaintext(d.quit) || !d.continuePlain() {
				return
			}
		}
	}
	r.setPhase(PhaseCapabilities)
	if !d.capabilities() {
		return
	}
	d.login()
	r.goodbye()
	d.quit()
}

// nothingUnasked reports that the server sent nothing beyond what was
// asked for on a plaintext session, and records a failure when it did:
// a client reads such bytes as replies to its next commands.
func (r *run) nothingUnasked(br *bufio.Reader) bool {
	if br.Buffered() > 0 {
		r.failed(notProtocol("data before the client spoke"), false)
		return false
	}
	return true
}

// buffered returns what br holds already read.
func buffered(br *bufio.Reader) string {
	rest, _ := br.Peek(br.Buffered())
	return string(rest)
}
