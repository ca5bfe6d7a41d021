package roundtrip

import (
	"context"
	"fmt"
	"net/textproto"
	"testing"

	"github.com/postino-mail/postino/detect/config"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/problem"
)

// The round trip reads servers' refusals as the probe does
// (problem.FromReply): a bare SMTP reply keeps the meaning of its
// enhanced code, and a name server that never answers is a DNS timeout.
func TestExplainReadsRepliesAndDialFailuresLikeTheProbe(t *testing.T) {
	srv := config.Server{Protocol: config.SMTP, Host: "smtp.example.it", Port: 587, Security: config.STARTTLS}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"enhanced code in a bare reply", fmt.Errorf("AUTH: %w", &textproto.Error{Code: 550, Msg: "5.7.9 Application-specific password required"}), "smtp-534"},
		{"name server silent", &network.DialError{Kind: network.Unresolved, Err: &network.DNSError{Name: "smtp.example.it", Timeout: true}}, problem.DNSTimeout},
		{"no such name", &network.DialError{Kind: network.Unresolved, Err: &network.DNSError{Name: "smtp.example.it"}}, problem.Unresolved},
		{"refused", &network.DialError{Kind: network.Refused}, problem.Refused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if p := explain(context.Background(), srv, tc.err, true); p.Code != tc.want {
				t.Errorf("explain = %q, want %q", p.Code, tc.want)
			}
		})
	}
}
