package wire

import (
	"fmt"
	"io"
	"net/textproto"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// maxUntagged bounds the untagged lines IMAPCommand keeps: CAPABILITY
// needs one or two, and a server that keeps sending must not fill memory.
const maxUntagged = 100

// IMAPStatus splits "TAG STATUS [CODE args] text" (RFC 3501 §7.1).
// status is upper-cased; code is the response code's name and arguments.
// ok is false when the line does not start with tag.
func IMAPStatus(line, tag string) (status, code, text string, ok bool) {
	rest, found := strings.CutPrefix(line, tag+" ")
	if !found {
		return "", "", "", false
	}
	status, text, _ = strings.Cut(rest, " ")
	status = strings.ToUpper(status)
	if strings.HasPrefix(text, "[") {
		if end := strings.IndexByte(text, ']'); end > 0 {
			code = text[1:end]
			text = strings.TrimSpace(text[end+1:])
		}
	}
	return status, code, text, true
}

// IMAPCommand sends one command before the client library takes over
// (CAPABILITY, STARTTLS) and reads up to its tagged reply, returning the
// untagged lines. A NO or BAD reply is an *imap.Error; a line that is
// neither untagged nor tagged with tag is a textproto.ProtocolError: the
// server does not speak IMAP.
func IMAPCommand(w io.Writer, tp *textproto.Reader, tag, cmd string) ([]string, error) {
	if _, err := fmt.Fprintf(w, "%s %s\r\n", tag, cmd); err != nil {
		return nil, err
	}
	var untagged []string
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return untagged, err
		}
		if strings.HasPrefix(line, "* ") {
			if len(untagged) < maxUntagged {
				untagged = append(untagged, line)
			}
			continue
		}
		status, code, text, ok := IMAPStatus(line, tag)
		if !ok {
			return untagged, textproto.ProtocolError(fmt.Sprintf("unexpected reply to %s: %.80q", cmd, line))
		}
		if status != "OK" {
			name, _, _ := strings.Cut(code, " ")
			return untagged, &imap.Error{Type: imap.StatusResponseType(status), Code: imap.ResponseCode(strings.ToUpper(name)), Text: text}
		}
		return untagged, nil
	}
}
