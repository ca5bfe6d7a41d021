package detect

import (
	"reflect"
	"testing"

	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/recommend"
	"github.com/postino-mail/postino/detect/roundtrip"
)

func TestRoundTripOptionsNeedARecommendedPairThatAcceptedThePassword(t *testing.T) {
	imap := mail.Server{Protocol: mail.IMAP, Host: "imap.example.org", Port: 993, Security: mail.TLS, Username: "anna@example.org"}
	smtp := mail.Server{Protocol: mail.SMTP, Host: "smtp.example.org", Port: 465, Security: mail.TLS, Username: "anna@example.org"}
	choice := func(s mail.Server, l probe.Login) *recommend.Choice { return &recommend.Choice{Server: s, Login: l} }
	tests := []struct {
		name     string
		rep      *Report
		password string
		want     string
	}{
		{"no report", nil, "pw", "no-working-settings"},
		{"cancelled check", &Report{Canceled: true, Recommended: recommend.Recommendation{
			Incoming: choice(imap, probe.LoginOK), Outgoing: choice(smtp, probe.LoginOK)}}, "pw", "check-canceled"},
		{"no outgoing server", &Report{Recommended: recommend.Recommendation{
			Incoming: choice(imap, probe.LoginOK)}}, "pw", "no-working-settings"},
		{"no incoming server", &Report{Recommended: recommend.Recommendation{
			Outgoing: choice(smtp, probe.LoginOK)}}, "", "no-working-settings"},
		{"no password", &Report{Recommended: recommend.Recommendation{
			Incoming: choice(imap, ""), Outgoing: choice(smtp, "")}}, "", "no-password"},
		{"password held back on one server", &Report{Recommended: recommend.Recommendation{
			Incoming: choice(imap, probe.LoginOK), Outgoing: choice(smtp, probe.LoginSkipped)}}, "pw", "login-unverified"},
		{"both logins verified", &Report{Recommended: recommend.Recommendation{
			Incoming: choice(imap, probe.LoginOK), Outgoing: choice(smtp, probe.LoginOK)}}, "pw", ""},
	}
	codes := map[string]bool{"": true}
	for _, c := range roundtrip.Codes() {
		codes[c] = true
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts, code := tc.rep.RoundTripOptions("anna@example.org", "anna", tc.password)
			if code != tc.want {
				t.Fatalf("code %q, want %q", code, tc.want)
			}
			if !codes[code] {
				t.Fatalf("%q is not a roundtrip result code, so it has no sentences", code)
			}
			if code != "" {
				if !reflect.DeepEqual(opts, roundtrip.Options{}) {
					t.Fatalf("refused, yet options were returned: %+v", opts)
				}
				return
			}
			want := roundtrip.Options{Address: "anna@example.org", Username: "anna", Password: "pw", SMTP: smtp, Incoming: imap}
			if !reflect.DeepEqual(opts, want) {
				t.Fatalf("options %+v, want exactly the recommended endpoints %+v", opts, want)
			}
		})
	}
}
