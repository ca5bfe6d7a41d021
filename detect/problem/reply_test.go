package problem

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-smtp"

	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/pop3"
)

func TestFromReplyReadsEveryServersRefusal(t *testing.T) {
	cases := []struct {
		name      string
		err       error
		loginStep bool
		code      string
		text      string
	}{
		{"go-smtp reply with enhanced code", &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Bad\ncredentials"}, true, "smtp-535", "Bad credentials"},
		{"go-smtp reply without enhanced code", &smtp.SMTPError{Code: 421, EnhancedCode: smtp.NoEnhancedCode, Message: "busy"}, false, "smtp-421", "busy"},
		// A bare textproto reply still carries its RFC 3463 code in the
		// text: 5.7.9 turns a generic 550 into "app password needed".
		{"textproto reply with enhanced code", &textproto.Error{Code: 550, Msg: "5.7.9 Application-specific password required"}, true, "smtp-534", "Application-specific password required"},
		{"textproto reply without enhanced code", &textproto.Error{Code: 553, Msg: "mailbox name not allowed"}, false, "smtp-553", "mailbox name not allowed"},
		{"wrapped textproto reply", fmt.Errorf("MAIL: %w", &textproto.Error{Code: 452, Msg: "4.3.1 full"}), false, "smtp-452", "full"},
		{"IMAP response code", &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed, Text: "nope"}, true, "imap-authenticationfailed", "nope"},
		{"IMAP NO to LOGIN", &imap.Error{Type: imap.StatusResponseTypeNo, Text: "nope"}, true, LoginFailed, "nope"},
		{"POP3 extended code", &pop3.Error{Code: "IN-USE", Text: "locked"}, true, "pop3-in-use", "locked"},
		{"POP3 plain -ERR to PASS", &pop3.Error{Text: "no"}, true, LoginFailed, "no"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := FromReply(tc.err, tc.loginStep)
			if !ok || p.Code != tc.code || p.ServerText != tc.text {
				t.Errorf("FromReply = %q %q (%v), want %q %q", p.Code, p.ServerText, ok, tc.code, tc.text)
			}
		})
	}
}

func TestFromReplyLeavesConnectionErrorsToTheCaller(t *testing.T) {
	for _, err := range []error{io.EOF, context.DeadlineExceeded, errors.New("tls: bad record"), &network.DialError{Kind: network.Refused}} {
		if p, ok := FromReply(err, true); ok {
			t.Errorf("%v classified as server reply %q", err, p.Code)
		}
	}
}

func TestSplitEnhancedFindsOnlyAWellFormedCode(t *testing.T) {
	for in, want := range map[string][2]string{
		"5.7.8 Bad credentials": {"5.7.8", "Bad credentials"},
		"Bad credentials":       {"", "Bad credentials"},
		"5.7 Bad":               {"", "5.7 Bad"},
		"5.x.8 Bad":             {"", "5.x.8 Bad"},
		"5..8 Bad":              {"", "5..8 Bad"},
	} {
		if code, text := SplitEnhanced(in); code != want[0] || text != want[1] {
			t.Errorf("SplitEnhanced(%q) = %q, %q", in, code, text)
		}
	}
}

func TestServerLineJoinsAndBoundsWithoutSplittingACharacter(t *testing.T) {
	if got := ServerLine("a\r\n  b\tc"); got != "a b c" {
		t.Errorf("joined: %q", got)
	}
	long := strings.Repeat("è", 400)
	got := ServerLine(long)
	if len(got) > maxServerText+len("…") || !strings.HasSuffix(got, "…") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("bounded: %d bytes, %q…", len(got), got[:10])
	}
	if !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Error("the cut split a character")
	}
}

func TestFromDialNamesEachConnectFailure(t *testing.T) {
	data := map[string]any{"Host": "mail.example.it", "Port": 993, "Protocol": "IMAP"}
	notFound := fmt.Errorf("lookup: %w", network.ErrNotFound)
	servfail := &network.DNSError{Name: "mail.example.it", Type: "A", Rcode: "SERVFAIL"}
	refusedDNS := &network.DNSError{Name: "mail.example.it", Type: "A", Err: errors.New("read udp 127.0.0.1:53: connection refused")}
	for _, tc := range []struct {
		kind       network.DialFailure
		err        error
		dnsTimeout bool
		want       string
		detail     string
	}{
		{network.Unresolved, notFound, false, Unresolved, ""},
		{network.Unresolved, nil, false, Unresolved, ""},
		{network.Unresolved, servfail, true, DNSTimeout, ""},
		{network.Unresolved, servfail, false, DNSFailed, "SERVFAIL"},
		{network.Unresolved, fmt.Errorf("dial: %w", refusedDNS), false, DNSFailed, "connection refused"},
		{network.Refused, nil, false, Refused, ""},
		{network.Refused, nil, true, Refused, ""}, // only a lookup can time out in DNS
		{network.Filtered, nil, false, Filtered, ""},
		{network.Canceled, nil, false, Canceled, ""},
		{network.Unreachable, nil, false, Unreachable, ""},
		{"", nil, false, Unreachable, ""},
	} {
		p := FromDial(tc.kind, tc.err, tc.dnsTimeout, data)
		if p.Code != tc.want || p.Data["Host"] != "mail.example.it" {
			t.Errorf("FromDial(%q, %v, %v) = %q %v, want %q", tc.kind, tc.err, tc.dnsTimeout, p.Code, p.Data, tc.want)
		}
		if tc.detail != "" {
			if d, _ := p.Data["Detail"].(string); !strings.Contains(d, tc.detail) {
				t.Errorf("FromDial(%q, %v): Detail = %q, want it to contain %q", tc.kind, tc.err, d, tc.detail)
			}
			if strings.Contains(p.ExplanationIn("en"), "does not exist") {
				t.Errorf("a DNS failure must not claim the name does not exist: %q", p.ExplanationIn("en"))
			}
		}
	}
	if _, ok := data["Detail"]; ok {
		t.Error("FromDial must not write into the caller's data map")
	}
}
