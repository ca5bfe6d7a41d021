package mailserver

import (
	"context"
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"go.uber.org/goleak"

	"github.com/postino-mail/postino/detect/labtest"
)

// send submits one message to the lab's server on 465 as user/pass and
// returns the error of the first step that failed.
func send(t *testing.T, lab *labtest.Lab, user, pass, body string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	nw := lab.Network()
	conn, err := nw.DialContext(ctx, "tcp", "smtp.example.test:465")
	if err != nil {
		t.Fatal(err)
	}
	c := smtp.NewClient(tls.Client(conn, nw.TLSConfig("smtp.example.test")))
	defer c.Close()
	if err := c.Hello("[127.0.0.1]"); err != nil {
		return err
	}
	if err := c.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
		return err
	}
	if err := c.Mail(user, nil); err != nil {
		return err
	}
	if err := c.Rcpt(user, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(body)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func TestSubmissionChecksRecordsAndDelivers(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	lab := labtest.New(t)
	user := NewUser(t, "anna@example.test", "pw", "INBOX", "Junk")
	var delivered []string
	be := NewSubmission(user, "anna@example.test", "pw", func(box string, _ []byte) { delivered = append(delivered, box) })
	t.Cleanup(be.Wait)
	ServeSMTP(t, lab.Listen("smtp.example.test", 465), be, "smtp.example.test", lab.Cert("smtp.example.test"), true)

	msg := "Subject: hello\r\n\r\nbody\r\n"
	if err := send(t, lab, "anna@example.test", "pw", msg); err != nil {
		t.Fatal(err)
	}
	if n := Count(t, user, "INBOX"); n != 1 {
		t.Errorf("INBOX holds %d messages before the 250, want 1", n)
	}
	var se *smtp.SMTPError
	if err := send(t, lab, "anna@example.test", "wrong", msg); !errors.As(err, &se) || se.Code != 535 {
		t.Errorf("a wrong password: %v, want 535", err)
	}
	be.RejectMail(&smtp.SMTPError{Code: 553, Message: "no"})
	if err := send(t, lab, "anna@example.test", "pw", msg); !errors.As(err, &se) || se.Code != 553 {
		t.Errorf("MAIL FROM refused: %v, want 553", err)
	}
	be.RejectMail(nil)
	be.SetDeliverTo("Junk")
	be.SetDelay(50 * time.Millisecond)
	if err := send(t, lab, "anna@example.test", "pw", msg); err != nil {
		t.Fatal(err)
	}
	be.Wait()
	if n := Count(t, user, "Junk"); n != 1 {
		t.Errorf("Junk holds %d messages after the delay, want 1", n)
	}
	r := be.Recorded()
	if len(r.EHLO) != 4 || r.EHLO[0] != "[127.0.0.1]" || len(r.AuthOnTLS) != 4 || !r.AuthOnTLS[0] ||
		len(r.From) != 3 || len(r.Messages) != 2 || !strings.Contains(string(r.Messages[0]), "Subject: hello") {
		t.Errorf("record %+v", r)
	}
	if strings.Join(delivered, ",") != "INBOX,Junk" {
		t.Errorf("delivered to %v", delivered)
	}
	if total, plain := be.Logins().Count("smtp"); total != 4 || plain != 0 || be.Logins().Refused() != 1 {
		t.Errorf("logins %+v", be.Logins().All())
	}
	if l := be.Logins().All()[1]; l != (Login{Proto: "smtp", Mech: "PLAIN", User: "anna@example.test", TLS: true, Password: true}) {
		t.Errorf("the refused login is logged as %+v", l)
	}
}

// An IMAP server without TLS takes LOGIN in the clear, and its log says
// so: what the plaintext safety tests count.
func TestIMAPLogsLoginsWithoutTLS(t *testing.T) {
	lab := labtest.New(t)
	log := &Logins{}
	ServeIMAPWith(t, lab.Listen("imap.example.test", 143), IMAPOptions{
		User: NewUser(t, "anna@example.test", "pw"), TLS: NoTLS, Logins: log,
	})
	conn, err := lab.Network().DialContext(context.Background(), "tcp", "imap.example.test:143")
	if err != nil {
		t.Fatal(err)
	}
	c := imapclient.New(conn, nil)
	defer c.Close()
	if err := c.Login("anna@example.test", "wrong").Wait(); err == nil {
		t.Error("a wrong password logged in")
	}
	if err := c.Login("anna@example.test", "pw").Wait(); err != nil {
		t.Fatal(err)
	}
	want := []Login{
		{Proto: "imap", Mech: "LOGIN", User: "anna@example.test", Password: true},
		{Proto: "imap", Mech: "LOGIN", User: "anna@example.test", Password: true, OK: true},
	}
	if got := log.All(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("logins %+v, want %+v", got, want)
	}
}
