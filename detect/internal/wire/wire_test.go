package wire

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/textproto"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
)

func TestParseEHLO(t *testing.T) {
	ext := ParseEHLO("mail.example.it Hello\nSTARTTLS\nauth PLAIN LOGIN\nSIZE 35882577\n\n")
	if _, ok := ext["STARTTLS"]; !ok || ext["AUTH"] != "PLAIN LOGIN" || ext["SIZE"] != "35882577" || len(ext) != 3 {
		t.Errorf("ParseEHLO = %v", ext)
	}
}

func TestEHLOSendsTheNameAndReadsTheExtensions(t *testing.T) {
	var sent bytes.Buffer
	tp := textproto.NewReader(bufio.NewReader(strings.NewReader("250-mx Hello\r\n250 STARTTLS\r\n")))
	ext, err := EHLO(&sent, tp, "[127.0.0.1]")
	if err != nil || sent.String() != "EHLO [127.0.0.1]\r\n" {
		t.Fatalf("sent %q, err %v", sent.String(), err)
	}
	if _, ok := ext["STARTTLS"]; !ok || len(ext) != 1 {
		t.Errorf("extensions %v", ext)
	}
}

func TestCmdReturnsTheServersRefusal(t *testing.T) {
	var sent bytes.Buffer
	tp := textproto.NewReader(bufio.NewReader(strings.NewReader("454 4.7.0 TLS not available\r\n")))
	err := SMTPCommand(&sent, tp, "STARTTLS", 220)
	te, ok := err.(*textproto.Error)
	if !ok || te.Code != 454 || sent.String() != "STARTTLS\r\n" {
		t.Errorf("sent %q, err %v, want the 454 reply", sent.String(), err)
	}
}

func TestReplayConnServesThePrefixFirst(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	go func() { b.Write([]byte("rest")); b.Close() }()
	got, err := io.ReadAll(NewReplayConn(a, "220 mx\r\n"))
	if err != nil || string(got) != "220 mx\r\nrest" {
		t.Errorf("read %q, %v", got, err)
	}
}

func TestIMAPStatus(t *testing.T) {
	cases := []struct {
		line, tag, status, code, text string
		ok                            bool
	}{
		{"* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.", "*", "OK", "CAPABILITY IMAP4rev1 STARTTLS", "Dovecot ready.", true},
		{"* ok hello", "*", "OK", "", "hello", true},
		{"P1 NO [AUTHENTICATIONFAILED] Invalid", "P1", "NO", "AUTHENTICATIONFAILED", "Invalid", true},
		{"P1 BAD", "P1", "BAD", "", "", true},
		{"+OK POP3", "*", "", "", "", false},
		{"* OK [unterminated", "*", "OK", "", "[unterminated", true},
	}
	for _, c := range cases {
		status, code, text, ok := IMAPStatus(c.line, c.tag)
		if status != c.status || code != c.code || text != c.text || ok != c.ok {
			t.Errorf("IMAPStatus(%q) = %q %q %q %v", c.line, status, code, text, ok)
		}
	}
}

func TestIMAPCommandReadsUpToItsTaggedReply(t *testing.T) {
	for _, tc := range []struct {
		name, server string
		untagged     int
		check        func(error) bool
	}{
		{"OK", "* CAPABILITY IMAP4rev1 STARTTLS\r\nT1 OK done\r\n", 1, func(err error) bool { return err == nil }},
		{"refused", "T1 NO [PRIVACYREQUIRED] not here\r\n", 0, func(err error) bool {
			var ie *imap.Error
			return errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo && ie.Code == "PRIVACYREQUIRED"
		}},
		{"not IMAP", "220 mx ESMTP\r\n", 0, func(err error) bool {
			var pe textproto.ProtocolError
			return errors.As(err, &pe)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sent bytes.Buffer
			untagged, err := IMAPCommand(&sent, textproto.NewReader(bufio.NewReader(strings.NewReader(tc.server))), "T1", "CAPABILITY")
			if !tc.check(err) || len(untagged) != tc.untagged {
				t.Errorf("untagged %q, err %v", untagged, err)
			}
			if sent.String() != "T1 CAPABILITY\r\n" {
				t.Errorf("sent %q", sent.String())
			}
		})
	}
}
