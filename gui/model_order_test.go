package gui

import (
	"testing"

	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
)

// The grid reads the same way whatever order the probes started in:
// protocol, then host (in the order hosts appeared), then the standard
// port order with implicit TLS first.
func TestRowsFollowProtocolHostAndStandardPortOrder(t *testing.T) {
	s := &checkState{rows: map[string]*probe.Result{}, arrival: map[string]int{}}
	add := func(proto mail.Protocol, host string, port int, sec mail.Security) {
		ep := mail.Server{Protocol: proto, Host: host, Port: port, Security: sec}
		s.rows[ep.Key()] = &probe.Result{ID: ep.Key(), Endpoint: ep}
		s.arrival[ep.Key()] = len(s.arrival)
	}
	add(mail.SMTP, "smtp.example.it", 587, mail.STARTTLS)
	add(mail.SMTP, "smtp.example.it", 2525, mail.STARTTLS)
	add(mail.SMTP, "mail.example.it", 25, mail.STARTTLS)
	add(mail.SMTP, "smtp.example.it", 465, mail.TLS)
	add(mail.SMTP, "smtp.example.it", 25, mail.STARTTLS)
	add(mail.SMTP, "mail.example.it", 465, mail.TLS)
	add(mail.POP3, "pop.example.it", 110, mail.STARTTLS)
	add(mail.IMAP, "imap.example.it", 143, mail.STARTTLS)
	add(mail.IMAP, "imap.example.it", 993, mail.TLS)

	want := func(ids []string, order ...string) {
		t.Helper()
		if len(ids) != len(order) {
			t.Fatalf("got %d rows, want %d: %v", len(ids), len(order), ids)
		}
		for i, id := range ids {
			r := s.rows[id].Endpoint
			if got := r.Address(); got != order[i] {
				t.Fatalf("row %d = %s (%s), want %s; all: %v", i, got, r.Protocol, order[i], ids)
			}
		}
	}
	want(s.Rows(true), "imap.example.it:993", "imap.example.it:143", "pop.example.it:110")
	want(s.Rows(false), "smtp.example.it:465", "smtp.example.it:587", "smtp.example.it:25", "smtp.example.it:2525",
		"mail.example.it:465", "mail.example.it:25")
}
