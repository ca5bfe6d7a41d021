package probe

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"

	"github.com/postino-mail/postino/detect/internal/wire"
	"github.com/postino-mail/postino/detect/problem"
)

func TestRedactHidesCredentialsButKeepsTheCommand(t *testing.T) {
	cases := map[string]string{
		"AUTH PLAIN AG1hcmlvAHNlY3JldA==": "AUTH PLAIN ***",
		"AUTH LOGIN":                      "AUTH LOGIN",
		"bWFyaW8=":                        "***",
		"T2 LOGIN mario \"s3cret\"":       "T2 LOGIN ***",
		"T2 LOGIN {5}":                    "T2 LOGIN ***",
		"T3 AUTHENTICATE PLAIN AG1hcmlv":  "T3 AUTHENTICATE PLAIN ***",
		"T3 AUTHENTICATE PLAIN":           "T3 AUTHENTICATE PLAIN",
		"PASS s3cret":                     "PASS ***",
		"USER mario@example.it":           "USER mario@example.it",
		"":                                "",
	}
	for in, want := range cases {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTranscriptNeutralisesTerminalEscapes(t *testing.T) {
	tr := &transcript{}
	tr.add("S", "220 \x1b[2J\x1b]0;pwned\x07 hi \xff")
	lines, _ := tr.snapshot()
	if strings.ContainsAny(lines[0].Text, "\x1b\x07") || !utf8.ValidString(lines[0].Text) || !strings.HasSuffix(lines[0].Text, " hi \uFFFD") {
		t.Errorf("transcript kept %q", lines[0].Text)
	}
}

// Long server lines are cut for the transcript and the summary, never in
// the middle of a character.
func TestLongServerLinesAreCutOnACharacterBoundary(t *testing.T) {
	tr := &transcript{}
	tr.add("S", "-ERR "+strings.Repeat("è", maxTranscriptLine))
	lines, _ := tr.snapshot()
	got := lines[0].Text
	if !utf8.ValidString(got) || strings.ContainsRune(got, utf8.RuneError) || !strings.HasSuffix(got, "è…") || len(got) > maxTranscriptLine+len("…") {
		t.Errorf("transcript line of %d bytes ends %q", len(got), got[max(0, len(got)-12):])
	}
	for n := 0; n < 8; n++ {
		s := truncate("àèìòù", n)
		if !utf8.ValidString(s) || len(s) > n+len("…") {
			t.Errorf("truncate(àèìòù, %d) = %q", n, s)
		}
	}
	if truncate("short", 60) != "short" {
		t.Error("a short text was cut")
	}
}

func TestTranscriptScrubsThePasswordFromServerWords(t *testing.T) {
	tr := &transcript{password: "hunter22"}
	tr.add("S", "-ERR password hunter22 rejected")
	lines, greeting := tr.snapshot()
	if strings.Contains(lines[0].Text, "hunter22") || strings.Contains(greeting, "hunter22") {
		t.Errorf("password kept: %q", lines[0].Text)
	}
}

// pipeConn is a net.Conn over a fixed server stream.
type pipeConn struct {
	net.Conn
	r io.Reader
	w bytes.Buffer
}

func (p *pipeConn) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p *pipeConn) Write(b []byte) (int, error) { return p.w.Write(b) }
func (p *pipeConn) Close() error                { return nil }

func TestRecordConnCapsLinesAndVolume(t *testing.T) {
	long := &pipeConn{r: strings.NewReader(strings.Repeat("a", MaxLine+10))}
	rc := newRecordConn(long, &transcript{})
	if _, err := io.ReadAll(rc); !errors.Is(err, errLineTooLong) {
		t.Errorf("long line: %v", err)
	}
	many := &pipeConn{r: strings.NewReader(strings.Repeat("250-ok\r\n", MaxRead/8+10))}
	tr := &transcript{}
	rc = newRecordConn(many, tr)
	if _, err := io.ReadAll(rc); !errors.Is(err, errTooMuchData) {
		t.Errorf("volume: %v", err)
	}
	if lines, _ := tr.snapshot(); len(lines) != maxTranscript {
		t.Errorf("transcript kept %d lines", len(lines))
	}
}

func TestGreetingCaps(t *testing.T) {
	if caps := greetingCaps("CAPABILITY IMAP4rev1 starttls", ""); strings.Join(caps, " ") != "IMAP4REV1 STARTTLS" {
		t.Errorf("greetingCaps = %v", caps)
	}
	if caps := greetingCaps("ALERT", ""); caps != nil {
		t.Errorf("greetingCaps(ALERT) = %v", caps)
	}
}

func TestSMTPReplyRoundTrips(t *testing.T) {
	wire := smtpReply(220, "mx.example.it ESMTP\nno UCE")
	if wire != "220-mx.example.it ESMTP\r\n220 no UCE\r\n" {
		t.Errorf("smtpReply = %q", wire)
	}
}

// FuzzSMTPReplyClassification feeds arbitrary server bytes through the
// reply reader the probe uses (textproto over a capped recordConn) and
// the classification into problems: no panic, a known code, bounded text.
func FuzzSMTPReplyClassification(f *testing.F) {
	f.Add("535 5.7.8 Username and Password not accepted\r\n")
	f.Add("250-mx\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n")
	f.Add("421-a\r\n421 4.7.0 b\r\n")
	f.Add("999 x\r\n")
	f.Add("5\r\n")
	f.Fuzz(func(t *testing.T, stream string) {
		rc := newRecordConn(&pipeConn{r: strings.NewReader(stream)}, &transcript{})
		tp := textproto.NewReader(bufio.NewReader(rc))
		_, msg, err := tp.ReadResponse(250)
		if err == nil {
			wire.ParseEHLO(msg)
			return
		}
		var te *textproto.Error
		if errors.As(err, &te) {
			p, ok := problem.FromReply(err, false)
			if !ok || !problem.Known(p.Code) || len(p.ServerText) > 310 {
				t.Fatalf("reply %d classified as %q (%v), text %d bytes", te.Code, p.Code, ok, len(p.ServerText))
			}
		}
	})
}

// FuzzIMAPGreetingAndCapability feeds arbitrary server bytes to the
// plaintext IMAP steps the probe does itself: the greeting line, its
// CAPABILITY code and a CAPABILITY/STARTTLS exchange.
func FuzzIMAPGreetingAndCapability(f *testing.F) {
	f.Add("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\nP1 OK\r\n")
	f.Add("* OK ready\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nP1 OK done\r\n")
	f.Add("* BYE [UNAVAILABLE] down\r\n")
	f.Add("* OK x\r\nP1 NO [ALERT] nope\r\n")
	f.Add("* OK [CAPABILITY\r\nP1 OK [\r\n")
	f.Fuzz(func(t *testing.T, stream string) {
		conn := &pipeConn{r: strings.NewReader(stream)}
		rc := newRecordConn(conn, &transcript{})
		tp := textproto.NewReader(bufio.NewReader(rc))
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		status, code, text, ok := wire.IMAPStatus(line, "*")
		if ok && status != strings.ToUpper(status) {
			t.Fatalf("status %q not upper case", status)
		}
		for _, c := range greetingCaps(code, text) {
			if strings.ContainsAny(c, " \r\n") {
				t.Fatalf("capability %q", c)
			}
		}
		untagged, err := wire.IMAPCommand(rc, tp, "P1", "CAPABILITY")
		if len(untagged) > 100 {
			t.Fatalf("%d untagged lines kept", len(untagged))
		}
		var ie *imap.Error
		if errors.As(err, &ie) {
			p := problem.FromIMAP(string(ie.Type), string(ie.Code), ie.Text, true)
			if !problem.Known(p.Code) {
				t.Fatalf("unknown code %q", p.Code)
			}
		}
	})
}
