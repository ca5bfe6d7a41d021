package wire

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/textproto"
	"strings"
	"testing"
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
