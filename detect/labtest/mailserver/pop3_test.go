package mailserver

import (
	"net"
	"testing"
	"time"

	"github.com/emersion/go-sasl"

	"github.com/postino-mail/postino/detect/pop3"
)

// dialPOP3 serves s on a fresh loopback port and returns a client.
func dialPOP3(t *testing.T, s *POP3) *pop3.Client {
	t.Helper()
	addr, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	t.Cleanup(func() { conn.Close() })
	c, _, err := pop3.NewClient(conn)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The maildrop a session sees is locked at login, and DELE takes effect
// at QUIT (RFC 1939 §6); every login is in the log, refused or not.
func TestPOP3MaildropAndLoginLog(t *testing.T) {
	drop := &Maildrop{}
	drop.Add([]byte("Subject: one\r\n\r\nbody\r\n"))
	log := &Logins{}
	s := &POP3{Capa: []string{"USER", "TOP"}, Users: map[string]string{"anna": "pw"}, Drop: drop, Logins: log}
	c := dialPOP3(t, s)
	if err := c.Login("anna", "wrong"); err == nil {
		t.Fatal("a wrong password logged in")
	}
	if err := c.Login("anna", "pw"); err != nil {
		t.Fatal(err)
	}
	if n, size, err := c.Stat(); err != nil || n != 1 || size != 22 {
		t.Errorf("Stat = %d, %d, %v", n, size, err)
	}
	if _, err := c.Cmd("DELE 1"); err != nil {
		t.Fatal(err)
	}
	if drop.Len() != 1 {
		t.Error("DELE removed the message before QUIT")
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	if drop.Len() != 0 {
		t.Errorf("%d messages after DELE and QUIT, want 0", drop.Len())
	}
	got := log.All()
	want := []Login{
		{Proto: "pop3", Mech: "USER", User: "anna", Password: true},
		{Proto: "pop3", Mech: "USER", User: "anna", Password: true, OK: true},
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("logins %+v, want %+v", got, want)
	}
	if total, plain := log.Count("pop3"); total != 2 || plain != 2 || log.Refused() != 1 {
		t.Errorf("Count = %d, %d; Refused = %d", total, plain, log.Refused())
	}
}

// An AUTH with a mechanism the server refuses is logged without a
// password; AUTH PLAIN carries one.
func TestPOP3LogsAuthMechanisms(t *testing.T) {
	s := &POP3{Capa: []string{"SASL PLAIN"}, Users: map[string]string{"anna": "pw"}, NoUser: true}
	c := dialPOP3(t, s)
	if _, err := c.Cmd("AUTH XOAUTH2"); err == nil {
		t.Error("AUTH XOAUTH2 accepted")
	}
	if err := c.Auth(sasl.NewPlainClient("", "anna", "pw")); err != nil {
		t.Fatal(err)
	}
	got := s.Logins.All()
	if len(got) != 2 || got[0].Mech != "XOAUTH2" || got[0].Password ||
		got[1] != (Login{Proto: "pop3", Mech: "PLAIN", User: "anna", Password: true, OK: true}) {
		t.Errorf("logins %+v", got)
	}
}
