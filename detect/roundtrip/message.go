package roundtrip

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime/quotedprintable"
	"strconv"
	"strings"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
)

// subjectPrefix starts every test message's subject; searches look for
// prefix + token, so they can never match a person's own message.
const subjectPrefix = "Postino test "

// validToken reports whether s looks like a token newToken made: the
// searches and Delete must never run with a token that matches anything
// else (an empty one would match every message).
func validToken(s string) bool {
	if len(s) != 16 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// newToken returns 16 random hex digits: unique enough that a search for
// it finds only our message, and plain ASCII so every server indexes it.
func newToken() string {
	b := make([]byte, 8)
	rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// message builds the test message (RFC 5322) with CRLF line ends. It is
// marked Auto-Submitted (RFC 3834) so that vacation responders and
// mailing-list software do not answer it.
func message(l i18n.Localizer, addr, token, msgID string, now time.Time) (subject string, body []byte) {
	subject = subjectPrefix + token
	var b strings.Builder
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", "<"+addr+">")
	h("To", "<"+addr+">")
	h("Subject", subject)
	h("Date", now.Format(time.RFC1123Z))
	h("Message-ID", "<"+msgID+">")
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	// Quoted-printable keeps the message 7-bit (the Italian text has
	// accents), so it passes servers without 8BITMIME (RFC 6152).
	h("Content-Transfer-Encoding", "quoted-printable")
	h("Auto-Submitted", "auto-generated")
	h("X-Postino-Test", token)
	b.WriteString("\r\n")
	text := l.T("roundtrip.message.body", map[string]any{"Address": addr, "Token": token})
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n") + "\r\n"
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(text))
	qp.Close()
	return subject, []byte(b.String())
}

// messageID returns a Message-ID (RFC 5322 §3.6.4) in the address's own
// domain, so it looks like any other message the account sends.
func messageID(token, domain string) string {
	return "postino." + token + "." + strconv.FormatInt(time.Now().UnixNano(), 36) + "@" + domain
}
