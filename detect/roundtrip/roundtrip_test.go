package roundtrip

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-smtp"
	"go.uber.org/goleak"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/mail"
)

// en renders results in English: a result keeps codes, and the tests
// read its words in one fixed language.
var en = i18n.For("en")

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func run(t *testing.T, m *mailLab, o Options) (Result, []event.Event) {
	t.Helper()
	var mu sync.Mutex
	var events []event.Event
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := Run(ctx, m.nw, o, func(e event.Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	})
	return r, events
}

func TestRoundTripDeliversToItselfAndMeasuresLatency(t *testing.T) {
	for _, tc := range []struct {
		name       string
		smtp, imap int
		sec        mail.Security
	}{
		{"implicit TLS", 465, 993, mail.TLS},
		{"STARTTLS", 587, 143, mail.STARTTLS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMailLab(t)
			m.be.SetDelay(300 * time.Millisecond)
			o := m.opts()
			o.SMTP.Port, o.SMTP.Security = tc.smtp, tc.sec
			o.Incoming.Port, o.Incoming.Security = tc.imap, tc.sec
			r, events := run(t, m, o)
			if r.Status != Arrived || r.Code != "arrived" || r.Folder != "INBOX" {
				t.Fatalf("status %s/%s: %s %s %v", r.Status, r.Code, r.SummaryIn(en), r.ExplanationIn(en), r.Problem)
			}
			if r.Latency < 250*time.Millisecond || r.Latency > 3*time.Second {
				t.Errorf("latency %v, the server delivered after 300ms", r.Latency)
			}
			if r.SentAt.IsZero() || r.ArrivedAt.Before(r.SentAt) || r.Polls < 2 {
				t.Errorf("sent %v arrived %v polls %d", r.SentAt, r.ArrivedAt, r.Polls)
			}
			from, rcpts, msgs, onTLS := m.sent()
			if len(from) != 1 || from[0] != testAddr || len(rcpts) != 1 || rcpts[0] != testAddr {
				t.Errorf("MAIL FROM %v RCPT TO %v: must be the address itself, once", from, rcpts)
			}
			if len(onTLS) != 1 || !onTLS[0] {
				t.Errorf("AUTH over TLS: %v", onTLS)
			}
			// Every EHLO, before STARTTLS and on the protected session,
			// names the RFC 5321 address literal, as the probe's do
			// (go-smtp's own EHLO before STARTTLS would say "localhost").
			want := 1
			if tc.sec == mail.STARTTLS {
				want = 2
			}
			ehlo := m.be.Recorded().EHLO
			if len(ehlo) != want {
				t.Errorf("EHLO names %q, want %d of them", ehlo, want)
			}
			for _, name := range ehlo {
				if name != mail.EHLOName {
					t.Errorf("EHLO names %q, want every one %q", ehlo, mail.EHLOName)
					break
				}
			}
			msg := msgs[0]
			for _, h := range []string{"Subject: Postino test " + r.Token, "Message-ID: <" + r.MessageID + ">", "Auto-Submitted: auto-generated", "From: <" + testAddr + ">", "To: <" + testAddr + ">"} {
				if !contains(msg, h+"\r\n") {
					t.Errorf("message lacks %q:\n%s", h, msg)
				}
			}
			if contains(msg, testPassword) {
				t.Error("the password is in the message")
			}
			if !strings.HasSuffix(r.MessageID, "@example.test") {
				t.Errorf("Message-ID %q not in the address's domain", r.MessageID)
			}
			if _, ok := events[len(events)-1].(Finished); !ok {
				t.Errorf("last event %T, want Finished", events[len(events)-1])
			}
			if m.count(t, "INBOX") != 1 {
				t.Errorf("the message was deleted without being asked to")
			}
		})
	}
}

func TestRoundTripDeletesTheTestMessageWhenAsked(t *testing.T) {
	m := newMailLab(t)
	o := m.opts()
	o.Delete = true
	r, _ := run(t, m, o)
	if r.Status != Arrived || !r.Deleted || r.DeleteFailed != nil {
		t.Fatalf("status %s deleted %v (%v)", r.Status, r.Deleted, r.DeleteFailed)
	}
	if n := m.count(t, "INBOX"); n != 0 {
		t.Errorf("INBOX still holds %d messages", n)
	}
}

func TestRoundTripOnlyMarksTheMessageWithoutUIDPLUS(t *testing.T) {
	m := newMailLab(t)
	m.imapCaps = imap.CapSet{imap.CapIMAP4rev1: {}}
	m.startIMAP(t, 1993, mail.TLS, m.lab.Cert(imapHost))
	o := m.opts()
	o.Incoming.Port = 1993
	o.Delete = true
	r, _ := run(t, m, o)
	if r.Status != Arrived || r.Deleted || !r.MarkedDeleted || r.DeleteFailed != nil {
		t.Fatalf("status %s deleted %v marked %v failed %v", r.Status, r.Deleted, r.MarkedDeleted, r.DeleteFailed)
	}
	if n := m.count(t, "INBOX"); n != 1 {
		t.Errorf("INBOX holds %d messages: without UIDPLUS nothing may be expunged", n)
	}
}

func TestRoundTripFindsTheMessageInSpam(t *testing.T) {
	m := newMailLab(t)
	m.be.SetDeliverTo("Junk")
	r, _ := run(t, m, m.opts())
	if r.Status != Arrived || r.Code != "arrived-junk" || r.Folder != "Junk" {
		t.Fatalf("status %s/%s folder %q", r.Status, r.Code, r.Folder)
	}
	if !strings.Contains(r.SummaryIn(en), "spam folder (Junk)") {
		t.Errorf("summary %q", r.SummaryIn(en))
	}
}

func TestRoundTripReportsAServerThatAcceptsAndNeverDelivers(t *testing.T) {
	m := newMailLab(t)
	m.be.SetDeliverTo("")
	o := m.opts()
	o.Deadline = 700 * time.Millisecond
	start := time.Now()
	r, _ := run(t, m, o)
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %v with a 700ms deadline", el)
	}
	if r.Status != NotArrived || r.Code != "not-arrived" || r.Polls < 2 {
		t.Fatalf("status %s/%s polls %d", r.Status, r.Code, r.Polls)
	}
	if !strings.Contains(r.SummaryIn(en), "did not arrive within 0.7 s") || !strings.Contains(r.RemedyIn(en), "Message-ID") {
		t.Errorf("not explained: %q / %q", r.SummaryIn(en), r.RemedyIn(en))
	}
}

func TestRoundTripExplainsSMTPRejections(t *testing.T) {
	cases := []struct {
		name     string
		reject   *smtp.SMTPError
		password string
		code     string
	}{
		{"550 sender not allowed", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Sender address rejected: not owned by user"}, testPassword, "smtp-550"},
		{"553 sender not allowed", &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Sender address rejected"}, testPassword, "smtp-553"},
		{"552 too large", &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "Message size exceeds limit"}, testPassword, "smtp-552"},
		{"554 relay refused", &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relay access denied"}, testPassword, "smtp-554"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newMailLab(t)
			m.be.RejectMail(tc.reject)
			r, _ := run(t, m, m.opts())
			if r.Status != SendFailed || r.Problem == nil || r.Problem.Code != tc.code {
				t.Fatalf("status %s problem %+v, want send-failed/%s", r.Status, r.Problem, tc.code)
			}
			if r.Problem.ServerText != tc.reject.Message {
				t.Errorf("server text %q", r.Problem.ServerText)
			}
			if r.ExplanationIn(en) != r.Problem.Render(en).Explanation || r.RemedyIn(en) == "" {
				t.Errorf("explanation not from the catalogue: %q", r.ExplanationIn(en))
			}
		})
	}
}

func TestRoundTripNeverSendsThePasswordWithoutTLSOrToABadCertificate(t *testing.T) {
	t.Run("plaintext endpoint", func(t *testing.T) {
		m := newMailLab(t)
		o := m.opts()
		o.SMTP.Security = mail.Plain
		r, _ := run(t, m, o)
		if r.Status != Refused || r.Code != "plaintext-refused" {
			t.Fatalf("status %s/%s", r.Status, r.Code)
		}
		if _, _, msgs, auths := m.sent(); len(msgs)+len(auths) > 0 {
			t.Error("talked to the server anyway")
		}
	})
	t.Run("certificate for another host", func(t *testing.T) {
		m := newMailLab(t)
		cert := m.lab.Cert("other.example.test")
		m.startSMTP(t, 2465, mail.TLS, cert)
		m.startSMTP(t, 2587, mail.STARTTLS, cert)
		for _, port := range []int{2465, 2587} {
			o := m.opts()
			o.SMTP.Port = port
			o.SMTP.Security = mail.TLS
			if port == 2587 {
				o.SMTP.Security = mail.STARTTLS
			}
			r, _ := run(t, m, o)
			if r.Status != SendFailed || r.Problem == nil || r.Problem.Code != "cert-wrong-host" {
				t.Errorf("port %d: status %s problem %+v", port, r.Status, r.Problem)
			}
		}
		if _, _, _, auths := m.sent(); len(auths) > 0 {
			t.Errorf("the password went to a server with a bad certificate (%d AUTH)", len(auths))
		}
	})
	// Scripted servers that never let the client reach TLS: it must say
	// nothing in plain text beyond EHLO (with the probe's name) and
	// STARTTLS.
	for i, sc := range []struct {
		name, ehlo, starttls, code, said string
	}{
		{"STARTTLS not offered", "250-" + smtpHost + "\r\n250 AUTH PLAIN LOGIN\r\n", "", "starttls-missing",
			"EHLO " + mail.EHLOName},
		// The probe's verdict for the same server (mailerr.Classify).
		{"data injected before the handshake", "250-" + smtpHost + "\r\n250 STARTTLS\r\n", "220 go ahead\r\n250 injected\r\n", "starttls-failed",
			"EHLO " + mail.EHLOName + " | STARTTLS"},
	} {
		t.Run(sc.name, func(t *testing.T) {
			m := newMailLab(t)
			port := 2588 + i
			ln := m.lab.Listen(smtpHost, port)
			heard := make(chan string, 1)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					heard <- ""
					return
				}
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				br := bufio.NewReader(c)
				c.Write([]byte("220 " + smtpHost + " ESMTP\r\n"))
				var said []string
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						break
					}
					said = append(said, strings.TrimSpace(line))
					switch {
					case strings.HasPrefix(line, "EHLO"):
						c.Write([]byte(sc.ehlo))
					case strings.HasPrefix(line, "STARTTLS") && sc.starttls != "":
						c.Write([]byte(sc.starttls))
					default:
						c.Write([]byte("250 OK\r\n"))
					}
				}
				heard <- strings.Join(said, " | ")
			}()
			t.Cleanup(func() { ln.Close() })
			o := m.opts()
			o.SMTP.Port, o.SMTP.Security = port, mail.STARTTLS
			r, _ := run(t, m, o)
			ln.Close() // if the client never came, Accept ends here
			if r.Status != SendFailed || r.Problem == nil || r.Problem.Code != sc.code {
				t.Errorf("status %s problem %+v, want %s", r.Status, r.Problem, sc.code)
			}
			if said := <-heard; said != sc.said {
				t.Errorf("the client said %q, want %q and nothing more", said, sc.said)
			}
		})
	}
	t.Run("bad certificate allowed explicitly", func(t *testing.T) {
		m := newMailLab(t)
		m.startSMTP(t, 2465, mail.TLS, m.lab.Cert("other.example.test"))
		o := m.opts()
		o.SMTP.Port = 2465
		o.AllowInsecureTLS = true
		if r, _ := run(t, m, o); r.Status != Arrived {
			t.Errorf("status %s (%v)", r.Status, r.Problem)
		}
	})
}

func TestRoundTripRefusesIncompleteOptions(t *testing.T) {
	m := newMailLab(t)
	cases := []struct {
		name   string
		change func(o *Options)
		code   string
	}{
		{"no password", func(o *Options) { o.Password = "" }, "no-password"},
		{"bad address", func(o *Options) { o.Address = "anna@" }, "bad-address"},
		{"two recipients smuggled into the address", func(o *Options) { o.Address = "anna@example.test\r\nRCPT TO:<x@evil.test>" }, "bad-address"},
		{"incoming is SMTP", func(o *Options) { o.Incoming.Protocol = mail.SMTP }, "bad-incoming"},
		{"outgoing is IMAP", func(o *Options) { o.SMTP.Protocol = mail.IMAP }, "bad-smtp"},
		{"plaintext IMAP", func(o *Options) { o.Incoming.Security = mail.Plain }, "plaintext-refused"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := m.opts()
			tc.change(&o)
			r, _ := run(t, m, o)
			if r.Status != Refused || r.Code != tc.code {
				t.Errorf("status %s/%s, want refused/%s", r.Status, r.Code, tc.code)
			}
			for _, lng := range i18n.Languages {
				s := i18n.For(lng).T("roundtrip."+r.Code+".summary", r.templateData(i18n.For(lng)))
				if strings.HasPrefix(s, "roundtrip.") || strings.Contains(s, "<no value>") {
					t.Errorf("%s: summary %q", lng, s)
				}
			}
		})
	}
	if _, _, msgs, _ := m.sent(); len(msgs) != 0 {
		t.Errorf("%d messages sent with refused options", len(msgs))
	}
}

func TestRoundTripReportsAFailedIncomingLoginWithoutSending(t *testing.T) {
	m := newMailLab(t)
	o := m.opts()
	o.Username = "anna@example.test"
	o.Password = "wrong"
	r, _ := run(t, m, o)
	if r.Status != ReceiveFailed || r.Problem == nil || !strings.HasPrefix(r.Problem.Code, "imap-") && r.Problem.Code != "login-failed" {
		t.Fatalf("status %s problem %+v", r.Status, r.Problem)
	}
	if _, _, msgs, _ := m.sent(); len(msgs) != 0 {
		t.Error("sent a message although the mailbox could not be opened")
	}
}

func TestRoundTripStopsWhenCanceled(t *testing.T) {
	m := newMailLab(t)
	m.be.SetDeliverTo("")
	o := m.opts()
	o.Deadline = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	start := time.Now()
	r := Run(ctx, m.nw, o, nil)
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("cancel took %v", el)
	}
	if r.Status != NotArrived || r.Code != "canceled" {
		t.Errorf("status %s/%s", r.Status, r.Code)
	}
}

func TestResultJSONShape(t *testing.T) {
	m := newMailLab(t)
	r, _ := run(t, m, m.opts())
	out, err := json.Marshal(r.In(en))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	json.Unmarshal(out, &doc)
	for _, k := range []string{"status", "code", "summary", "explanation", "remedy", "token", "message_id", "subject", "sent_at", "arrived_at", "send_ms", "latency_ms", "folder", "polls", "deleted"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, out)
		}
	}
	if strings.Contains(string(out), testPassword) {
		t.Error("the password is in the JSON")
	}
}

func TestRoundTripOverPOP3(t *testing.T) {
	for _, tc := range []struct {
		name string
		port int
		sec  mail.Security
	}{
		{"implicit TLS", 995, mail.TLS},
		{"STLS", 110, mail.STARTTLS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMailLab(t)
			m.be.SetDelay(200 * time.Millisecond)
			m.drop.Add([]byte("Subject: an older message\r\n\r\nhello\r\n"))
			o := m.opts()
			o.Incoming = mail.Server{Protocol: mail.POP3, Host: imapHost, Port: tc.port, Security: tc.sec}
			o.Delete = true
			r, _ := run(t, m, o)
			if r.Status != Arrived || r.Folder != "INBOX" || !r.Deleted {
				t.Fatalf("status %s/%s deleted %v: %v", r.Status, r.Code, r.Deleted, r.Problem)
			}
			// The server starts its delivery timer just before answering
			// 250, so the measured latency may be a little shorter.
			if r.Latency < 150*time.Millisecond {
				t.Errorf("latency %v, delivery took 200ms", r.Latency)
			}
			if n := m.drop.Len(); n != 1 {
				t.Errorf("maildrop holds %d messages, want only the older one", n)
			}
		})
	}
}

func TestRoundTripOverPOP3WithoutTOPIsExplained(t *testing.T) {
	m := newMailLab(t)
	m.drop.SetNoTop(true)
	o := m.opts()
	o.Incoming = mail.Server{Protocol: mail.POP3, Host: imapHost, Port: 995, Security: mail.TLS}
	r, _ := run(t, m, o)
	if r.Status != ReceiveFailed || r.Code != "search-failed" || r.Problem == nil || r.Problem.Code != "pop3-err" {
		t.Fatalf("status %s/%s problem %+v", r.Status, r.Code, r.Problem)
	}
}

func TestTestMessageIsSevenBitWithCRLF(t *testing.T) {
	_, msg := message(i18n.For("it"), "anna@example.test", "0123456789abcdef", "postino.x@example.test", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	for i, c := range msg {
		if c > 127 {
			t.Fatalf("byte %d is not 7-bit: %q", i, msg[max(0, i-20):i+1])
		}
		if c == '\n' && (i == 0 || msg[i-1] != '\r') {
			t.Fatalf("bare LF at %d", i)
		}
	}
	if !contains(msg, "Codice della prova: 0123456789abcdef") || !contains(msg, "Date: Fri, 02 Jan 2026 03:04:05 +0000\r\n") {
		t.Errorf("message:\n%s", msg)
	}
}

func TestDeleteRemovesOnlyTheEarlierTestMessage(t *testing.T) {
	for _, proto := range []mail.Protocol{mail.IMAP, mail.POP3} {
		t.Run(string(proto), func(t *testing.T) {
			m := newMailLab(t)
			o := m.opts()
			if proto == mail.POP3 {
				o.Incoming = mail.Server{Protocol: mail.POP3, Host: imapHost, Port: 995, Security: mail.TLS}
			}
			r, _ := run(t, m, o)
			if r.Status != Arrived || r.Deleted {
				t.Fatalf("status %s deleted %v", r.Status, r.Deleted)
			}
			ctx := context.Background()
			if _, err := Delete(ctx, m.nw, o, ""); err == nil {
				t.Error("an empty token was accepted: it would match every message")
			}
			if _, err := Delete(ctx, m.nw, o, "Postino test"); err == nil {
				t.Error("a token Run did not make was accepted")
			}
			other := strings.Repeat("0", 16)
			if d, err := Delete(ctx, m.nw, o, other); err != nil || !d.NotFound {
				t.Errorf("unknown token: %+v, %v", d, err)
			}
			d, err := Delete(ctx, m.nw, o, r.Token)
			if err != nil || !d.Deleted || d.Problem != nil {
				t.Fatalf("Delete: %+v, %v", d, err)
			}
			if n, p := m.count(t, "INBOX"), m.drop.Len(); proto == mail.IMAP && n != 0 || proto == mail.POP3 && p != 0 {
				t.Errorf("left %d (IMAP) %d (POP3) messages", n, p)
			}
		})
	}
}

func TestRunAndDeleteWithoutANetworkUseTheSystemsInsteadOfPanicking(t *testing.T) {
	// A loopback port that was just closed: dialing it is refused at once
	// and no name needs resolving.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	o := Options{
		Address: testAddr, Password: testPassword,
		SMTP:     mail.Server{Protocol: mail.SMTP, Host: "127.0.0.1", Port: port, Security: mail.TLS},
		Incoming: mail.Server{Protocol: mail.IMAP, Host: "127.0.0.1", Port: port, Security: mail.TLS},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r := Run(ctx, nil, o, nil)
	if r.Status != ReceiveFailed || r.Problem == nil || r.Problem.Code != "refused" {
		t.Errorf("status %s problem %+v, want receive-failed/refused", r.Status, r.Problem)
	}
	// Nothing was refused at login: the sentence must not blame the password.
	if s := r.SummaryIn(en); !strings.Contains(s, "mailbox could not be opened") {
		t.Errorf("summary %q", s)
	}
	d, err := Delete(ctx, nil, o, strings.Repeat("a", 16))
	if err != nil || d.Problem == nil || d.Problem.Code != "refused" {
		t.Errorf("Delete: %+v, %v", d, err)
	}
}

func TestDurationsFollowTheLanguageOfTheSentence(t *testing.T) {
	arrived := Result{Status: Arrived, Code: "arrived", Folder: "INBOX", Send: 12 * time.Millisecond, Latency: 2500 * time.Millisecond}
	late := Result{Status: NotArrived, Code: "not-arrived", data: map[string]any{"Deadline": 700 * time.Millisecond}}
	for _, tc := range []struct {
		lang string
		r    Result
		text func(Result, i18n.Localizer) string
		want string
	}{
		{"en", arrived, Result.SummaryIn, "arrived in 2.5 s"},
		{"it", arrived, Result.SummaryIn, "arrivato in 2,5 s"},
		// A submission of a few milliseconds is not "0.0 s".
		{"en", arrived, Result.ExplanationIn, "accepted in 0.01 s"},
		{"it", arrived, Result.ExplanationIn, "accettato in 0,01 s"},
		{"en", late, Result.SummaryIn, "within 0.7 s"},
		{"it", late, Result.SummaryIn, "entro 0,7 s"},
	} {
		if got := tc.text(tc.r, i18n.For(tc.lang)); !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q lacks %q", tc.lang, got, tc.want)
		}
	}
}

func TestRoundTripSeesTheArrivalAtOnceWhenTheServerHasIDLE(t *testing.T) {
	// imapserver offers IDLE to every logged-in IMAP4rev1 client.
	m := newMailLab(t)
	m.be.SetDelay(300 * time.Millisecond)
	o := m.opts()
	o.PollInterval = 3 * time.Second
	r, _ := run(t, m, o)
	if r.Status != Arrived {
		t.Fatalf("status %s/%s: %v", r.Status, r.Code, r.Problem)
	}
	// The server says when the message lands; without IDLE the next
	// search would come only after the 3 s pause.
	if r.Latency < 250*time.Millisecond || r.Latency > 2*time.Second {
		t.Errorf("latency %v, the server delivered after 300ms", r.Latency)
	}
}

func TestRoundTripStillSearchesTheSpamFolderEveryPollIntervalWithIDLE(t *testing.T) {
	// Mail filed as spam raises no EXISTS in INBOX, the folder IDLE
	// watches: the poll interval must still bound the wait.
	m := newMailLab(t)
	m.be.SetDeliverTo("Junk")
	m.be.SetDelay(100 * time.Millisecond)
	o := m.opts()
	o.PollInterval = time.Second
	r, _ := run(t, m, o)
	if r.Status != Arrived || r.Code != "arrived-junk" {
		t.Fatalf("status %s/%s: %v", r.Status, r.Code, r.Problem)
	}
	if r.Latency < 900*time.Millisecond || r.Latency > 3*time.Second {
		t.Errorf("latency %v, want about one poll interval (1 s)", r.Latency)
	}
}
