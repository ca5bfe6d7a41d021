package roundtrip

import (
	"context"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/internal/mailconn"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/problem"
)

// The round trip reads servers' refusals as the probe does
// (problem.FromReply): a bare SMTP reply keeps the meaning of its
// enhanced code, a name server that never answers is a DNS timeout, and
// one that fails is not a missing name.
func TestExplainReadsRepliesAndDialFailuresLikeTheProbe(t *testing.T) {
	srv := mail.Server{Protocol: mail.SMTP, Host: "smtp.example.it", Port: 587, Security: mail.STARTTLS}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"enhanced code in a bare reply", fmt.Errorf("AUTH: %w", &textproto.Error{Code: 550, Msg: "5.7.9 Application-specific password required"}), "smtp-534"},
		{"name server silent", &network.DialError{Kind: network.Unresolved, Err: &network.DNSError{Name: "smtp.example.it", Timeout: true}}, problem.DNSTimeout},
		{"no such name", &network.DialError{Kind: network.Unresolved, Err: network.ErrNotFound}, problem.Unresolved},
		{"name server failing", &network.DialError{Kind: network.Unresolved, Err: &network.DNSError{Name: "smtp.example.it", Rcode: "SERVFAIL"}}, problem.DNSFailed},
		{"refused", &network.DialError{Kind: network.Refused}, problem.Refused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if p := explain(context.Background(), srv, tc.err, true); p.Code != tc.want {
				t.Errorf("explain = %q, want %q", p.Code, tc.want)
			}
		})
	}
}

// Codes is the list front ends rely on: every code has its three
// sentences in every language, and the files hold no other code.
func TestCodesMatchTheTranslations(t *testing.T) {
	listed := map[string]bool{}
	for _, c := range Codes() {
		listed[c] = true
	}
	for _, lang := range i18n.Languages {
		msgs, err := i18n.Messages(lang)
		if err != nil {
			t.Fatal(err)
		}
		for c := range listed {
			for _, part := range []string{"summary", "explanation", "remedy"} {
				if _, ok := msgs["roundtrip."+c+"."+part]; !ok {
					t.Errorf("%s: roundtrip.%s.%s missing", lang, c, part)
				}
			}
		}
		for k := range msgs {
			rest, ok := strings.CutPrefix(k, "roundtrip.")
			if !ok || strings.HasPrefix(rest, "message.") {
				continue
			}
			if c := rest[:strings.LastIndex(rest, ".")]; !listed[c] {
				t.Errorf("%s: %s translated, but %q is not in Codes", lang, k, c)
			}
		}
	}
}

// A server that took the connection and then said nothing is silent
// for the round trip as for the probe; one that spoke and then stopped
// is not.
func TestExplainTellsASilentServerFromOneThatStopped(t *testing.T) {
	srv := mail.Server{Protocol: mail.IMAP, Host: "imap.example.it", Port: 993, Security: mail.TLS}
	for _, tc := range []struct {
		name string
		read int
		err  error
		want string
	}{
		{"silent, then closed by the step's deadline", 0, net.ErrClosed, problem.NoGreeting},
		{"silent, then timed out", 0, os.ErrDeadlineExceeded, problem.NoGreeting},
		{"greeted, then closed", 20, net.ErrClosed, problem.Closed},
		{"greeted, then timed out", 20, os.ErrDeadlineExceeded, problem.Timeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := mailconn.NewBudget(mailconn.MaxRead)
			b.Add(tc.read)
			s := &session{nw: &network.Network{}, latest: map[string]*mailconn.Budget{srv.Address(): b}}
			if p := s.explain(context.Background(), srv, tc.err, false); p.Code != tc.want {
				t.Errorf("explain = %q, want %q", p.Code, tc.want)
			}
		})
	}
}
