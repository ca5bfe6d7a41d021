package gui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
)

// BenchmarkContent measures building the whole window content, which
// happens at start-up and on every language change.
func BenchmarkContent(b *testing.B) {
	a := test.NewTempApp(b)
	w := test.NewTempWindow(b, nil)
	u := New(a, w, Options{Engine: newScriptEngine(), Health: cannedHealth{}})
	b.ResetTimer()
	for range b.N {
		w.SetContent(u.Content())
	}
}

// BenchmarkProbeUpdate measures applying one probe update to a grid of 40
// rows: the cost the Fyne thread pays per event during a check.
func BenchmarkProbeUpdate(b *testing.B) {
	a := test.NewTempApp(b)
	w := test.NewTempWindow(b, nil)
	u := New(a, w, Options{Engine: newScriptEngine()})
	w.SetContent(u.Content())
	u.state = newCheckState("mario@example.com", u.now())
	u.run.cancel = func() {}
	var results []probe.Update
	for i := range 40 {
		s := mail.Server{Protocol: mail.IMAP, Host: fmt.Sprintf("imap%d.example.com", i), Port: 993, Security: mail.TLS}
		if i%2 == 1 {
			s.Protocol, s.Port = mail.SMTP, 465
		}
		results = append(results, probe.Update{Result: okResult(s)})
		u.handle(u.run.gen, results[i])
	}
	b.ResetTimer()
	for i := range b.N {
		u.handle(u.run.gen, results[i%len(results)])
	}
}

// BenchmarkFinishedCheck measures what the Fyne thread does when a
// 24-endpoint check ends (the engine's last batch with CheckFinished,
// then the run's end): the "rendered" part of make bench-gui's lag.
func BenchmarkFinishedCheck(b *testing.B) {
	a := test.NewTempApp(b)
	w := test.NewTempWindow(b, nil)
	w.Resize(fyne.NewSize(900, 600))
	u := New(a, w, Options{Engine: newScriptEngine()})
	w.SetContent(u.Content())
	var servers []mail.Server
	for _, host := range []string{"imap.example.com", "pop.example.com", "mail.example.com", "example.com", "smtp.example.com"} {
		for _, p := range []struct {
			proto mail.Protocol
			port  int
			sec   mail.Security
		}{{mail.IMAP, 993, mail.TLS}, {mail.IMAP, 143, mail.STARTTLS}, {mail.POP3, 995, mail.TLS}, {mail.POP3, 110, mail.STARTTLS},
			{mail.SMTP, 465, mail.TLS}, {mail.SMTP, 587, mail.STARTTLS}, {mail.SMTP, 25, mail.STARTTLS}, {mail.SMTP, 2525, mail.STARTTLS}} {
			servers = append(servers, mail.Server{Protocol: p.proto, Host: host, Port: p.port, Security: p.sec, Username: "mario@example.com"})
		}
	}
	servers = servers[:24]
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		u.state = newCheckState("mario@example.com", u.now())
		u.run.gen++
		u.run.cancel = func() {}
		gen := u.run.gen
		var evs []event.Event
		for i, s := range servers {
			evs = append(evs, candidate(s))
			if i%3 == 0 {
				evs = append(evs, probe.Update{Result: refusedResult(s)})
			} else {
				evs = append(evs, probe.Update{Result: okResult(s)})
			}
		}
		evs = append(evs, recommendation())
		u.handleBatch(gen, evs)
		b.StartTimer()
		u.handleBatch(gen, []event.Event{detect.CheckFinished{}})
		u.run.cancel = nil
		u.runEnded()
	}
}
