package probe

import (
	"bufio"
	"bytes"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/postino-mail/postino/detect/internal/mailconn"
	"github.com/postino-mail/postino/detect/problem"
)

// Limits on what a server may send: the shared connection layer's
// (mailconn), the same for the probe and the round trip.
const (
	// MaxLine is the longest line (CRLF included) a server may send.
	MaxLine = mailconn.MaxLine
	// MaxRead is the most a server may send in one probe.
	MaxRead = mailconn.MaxRead
	// maxTranscript bounds the stored transcript.
	maxTranscript     = 200
	maxTranscriptLine = 512
)

var (
	errLineTooLong = mailconn.ErrLineTooLong
	errTooMuchData = mailconn.ErrTooMuchData
)

// guardConn keeps every read and write of a probe inside the probe's
// deadline (see mailconn.Guard).
type guardConn = mailconn.Guard

func newGuardConn(c net.Conn, deadline time.Time) *guardConn { return mailconn.NewGuard(c, deadline) }

// lineSession starts a session whose first lines the probe reads by
// hand (SMTP and IMAP, until their libraries take over): it records the
// exchange and reads through br, whose early bytes show a server that
// spoke out of turn. rec is nil when the session could not start.
func (r *run) lineSession() (rec *recordConn, br *bufio.Reader, tp *textproto.Reader) {
	conn := r.session()
	if conn == nil {
		return nil, nil, nil
	}
	rec = newRecordConn(conn, r.tr)
	br = bufio.NewReader(rec)
	return rec, br, textproto.NewReader(br)
}

// transcript collects the lines of one probe's exchange. It is shared by
// the plaintext and the TLS layer of a STARTTLS session, and written from
// the goroutines of the protocol libraries, hence the lock.
type transcript struct {
	mu       sync.Mutex
	lines    []Line
	greeting string
	// secret is set while credentials are on the wire: client lines are
	// then redacted (see redact).
	secret   bool
	password string
	budget   *mailconn.Budget // bytes read from the server, all layers (MaxRead)
	// cutOff is set when a read timed out in the middle of a server
	// line (see recordConn.Read).
	cutOff bool
}

func (t *transcript) add(dir, text string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) >= maxTranscript {
		return // the greeting is long recorded; spare the work
	}
	if dir == "C" && t.secret {
		text = redact(text)
	}
	text = clean(scrub(text, t.password))
	text = truncate(text, maxTranscriptLine)
	if dir == "S" && t.greeting == "" {
		t.greeting = text
	}
	if len(t.lines) < maxTranscript {
		t.lines = append(t.lines, Line{Dir: dir, Text: text})
	}
}

func (t *transcript) setSecret(on bool) {
	t.mu.Lock()
	t.secret = on
	t.mu.Unlock()
}

func (t *transcript) snapshot() ([]Line, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Line(nil), t.lines...), t.greeting
}

// lastServerLine is the last line the server sent, for a problem's
// ServerText.
func (t *transcript) lastServerLine() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := len(t.lines) - 1; i >= 0; i-- {
		if t.lines[i].Dir == "S" {
			return t.lines[i].Text
		}
	}
	return ""
}

// lineCutOff says the deadline cut a server line short: bufio hands the
// partial line on as if it were complete and drops the timeout, so the
// protocol's parser sees "22" and calls it a foreign reply.
func (t *transcript) lineCutOff() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cutOff
}

// readBudget is the probe's byte budget, shared by the plain-text and
// the TLS layer of the session.
func (t *transcript) readBudget() *mailconn.Budget {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.budget == nil {
		t.budget = mailconn.NewBudget(MaxRead)
	}
	return t.budget
}

func (t *transcript) bytesReceived() int64 { return t.readBudget().Used() }

// clean makes server words safe to show: invalid UTF-8 and control
// characters (a hostile banner could carry terminal escape sequences)
// become U+FFFD.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || unicode.IsPrint(r) {
			return r
		}
		return utf8.RuneError
	}, strings.ToValidUTF8(s, string(utf8.RuneError)))
}

// truncate cuts s to at most n bytes, marking the cut with "…". It never
// splits a UTF-8 sequence: an accented server message ("Password
// errata, è necessaria...") must not turn into invalid text.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// scrub removes the password from text: a server that echoes what it
// received must not make the password appear in a report. A password of
// four characters or more is replaced by "***"; a shorter one cannot be
// replaced without garbling the text (every "a"), so a text holding it
// is withheld whole, with a note saying so (problem.Withheld, said in a
// language by the front end).
func scrub(text, password string) string {
	return mailconn.Scrub(text, password, problem.Withheld)
}

// redact hides the credentials in a client line sent while the probe
// logs in, keeping the command so the transcript stays readable:
//
//	AUTH PLAIN dXNlcgB1c2VyAHBhc3M=  →  AUTH PLAIN ***    (SMTP, RFC 4954)
//	a1 LOGIN user "pass"             →  a1 LOGIN ***      (IMAP, RFC 3501)
//	a2 AUTHENTICATE PLAIN dXNl...    →  a2 AUTHENTICATE PLAIN ***
//	PASS secret                      →  PASS ***          (POP3, RFC 1939)
//	dXNlcm5hbWU=                     →  ***               (SASL continuation)
func redact(line string) string {
	f := strings.Fields(line)
	switch {
	case len(f) == 0:
		return line
	case strings.EqualFold(f[0], "AUTH") && len(f) >= 2:
		if len(f) == 2 {
			return f[0] + " " + f[1]
		}
		return f[0] + " " + f[1] + " ***"
	case strings.EqualFold(f[0], "USER") || strings.EqualFold(f[0], "QUIT") || strings.EqualFold(f[0], "*"):
		return line
	case strings.EqualFold(f[0], "PASS"):
		return f[0] + " ***"
	case len(f) >= 2 && strings.EqualFold(f[1], "LOGIN"):
		return f[0] + " " + f[1] + " ***"
	case len(f) >= 3 && strings.EqualFold(f[1], "AUTHENTICATE"):
		if len(f) == 3 {
			return line
		}
		return f[0] + " " + f[1] + " " + f[2] + " ***"
	}
	return "***"
}

// recordConn records the plaintext of one layer of a connection into a
// transcript and enforces the line and volume caps on what the server
// sends. Below TLS it would see ciphertext, so a STARTTLS session gets a
// new recordConn on top of the TLS connection.
type recordConn struct {
	net.Conn
	t *transcript

	mu      sync.Mutex // reads and writes come from different goroutines
	in, out []byte     // partial lines
	lines   mailconn.LineLimit
	readErr error
}

func newRecordConn(c net.Conn, t *transcript) *recordConn { return &recordConn{Conn: c, t: t} }

func (r *recordConn) Read(p []byte) (int, error) {
	r.mu.Lock()
	if r.readErr != nil {
		err := r.readErr
		r.mu.Unlock()
		return 0, err
	}
	r.mu.Unlock()
	n, err := r.Conn.Read(p)
	r.mu.Lock()
	defer r.mu.Unlock()
	within := r.t.readBudget().Add(n)
	if err := r.lines.Scan(p[:n]); err != nil {
		r.flushLocked(&r.in, "S")
		r.readErr = err
		return 0, r.readErr
	}
	if !within {
		r.readErr = errTooMuchData
		return 0, r.readErr
	}
	r.collect(&r.in, p[:n], "S")
	if err != nil {
		if len(r.in) > 0 && mailconn.IsTimeout(err) {
			r.t.mu.Lock()
			r.t.cutOff = true
			r.t.mu.Unlock()
		}
		r.flushLocked(&r.in, "S")
	}
	return n, err
}

func (r *recordConn) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.collect(&r.out, p, "C")
	r.mu.Unlock()
	return r.Conn.Write(p)
}

// collect appends data to a partial line and records every complete one.
// A partial line is kept only up to the transcript's line cap.
func (r *recordConn) collect(buf *[]byte, data []byte, dir string) {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			if room := maxTranscriptLine + 1 - len(*buf); room > 0 {
				*buf = append(*buf, data[:min(room, len(data))]...)
			}
			return
		}
		if room := maxTranscriptLine + 1 - len(*buf); room > 0 {
			*buf = append(*buf, data[:min(room, i)]...)
		}
		r.t.add(dir, strings.TrimRight(string(*buf), "\r"))
		*buf = (*buf)[:0]
		data = data[i+1:]
	}
}

func (r *recordConn) flushLocked(buf *[]byte, dir string) {
	if len(*buf) > 0 {
		r.t.add(dir, strings.TrimRight(string(*buf), "\r"))
		*buf = (*buf)[:0]
	}
}
