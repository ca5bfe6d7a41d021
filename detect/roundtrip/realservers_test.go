package roundtrip

import (
	"context"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/labtest"
	"github.com/postino-mail/postino/detect/mail"
)

// TestRoundTripThroughPostfixIntoDovecot sends through the real Postfix
// (SMTP AUTH checked by Dovecot), lets Postfix deliver into the Maildir,
// finds the message over Dovecot's IMAP or POP3 and deletes it.
func TestRoundTripThroughPostfixIntoDovecot(t *testing.T) {
	env, nw := labtest.RealServers(t)
	domain := env["REALSERVERS_DOMAIN"]
	for _, tc := range []struct {
		name     string
		smtp, in int
		proto    mail.Protocol
		sec      mail.Security
	}{
		{"IMAP implicit TLS", 465, 993, mail.IMAP, mail.TLS},
		{"IMAP STARTTLS", 587, 143, mail.IMAP, mail.STARTTLS},
		{"POP3 implicit TLS", 465, 995, mail.POP3, mail.TLS},
		{"POP3 STLS", 587, 110, mail.POP3, mail.STARTTLS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			r := Run(ctx, nw, Options{
				Address:      env["REALSERVERS_USER"],
				Password:     env["REALSERVERS_PASSWORD"],
				SMTP:         mail.Server{Protocol: mail.SMTP, Host: "smtp." + domain, Port: tc.smtp, Security: tc.sec},
				Incoming:     mail.Server{Protocol: tc.proto, Host: map[mail.Protocol]string{mail.IMAP: "imap.", mail.POP3: "pop."}[tc.proto] + domain, Port: tc.in, Security: tc.sec},
				Deadline:     30 * time.Second,
				PollInterval: 200 * time.Millisecond,
				Delete:       true,
			}, nil)
			if r.Status != Arrived || !r.Deleted {
				t.Fatalf("status %s/%s deleted %v: %s %s (%+v)", r.Status, r.Code, r.Deleted, r.SummaryIn(en), r.ExplanationIn(en), r.Problem)
			}
			t.Logf("submission %v, arrival after %v (%d polls)", r.Send, r.Latency, r.Polls)
		})
	}
}

func TestRoundTripExplainsAWrongPasswordAtRealServers(t *testing.T) {
	env, nw := labtest.RealServers(t)
	domain := env["REALSERVERS_DOMAIN"]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := Run(ctx, nw, Options{
		Address:  env["REALSERVERS_USER"],
		Password: "not-the-password",
		SMTP:     mail.Server{Protocol: mail.SMTP, Host: "smtp." + domain, Port: 465, Security: mail.TLS},
		Incoming: mail.Server{Protocol: mail.IMAP, Host: "imap." + domain, Port: 993, Security: mail.TLS},
	}, nil)
	if r.Status != ReceiveFailed || r.Problem == nil {
		t.Fatalf("status %s problem %+v", r.Status, r.Problem)
	}
	t.Logf("%s: %s", r.Problem.Code, r.ExplanationIn(en))
}
