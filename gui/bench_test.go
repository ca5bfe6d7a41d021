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
	"github.com/postino-mail/postino/detect/recommend"
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

// BenchmarkFinishedCheck measures what the Fyne thread does with the
// last batch of a 24-endpoint check: every probe's result, the
// recommendation and CheckFinished at once, as the window receives them
// on a slow machine (make bench-gui sees two or three batches a check),
// then the run's end. Host names change with each iteration, so text
// measurements are not cached from the last one, as in a real check.
func BenchmarkFinishedCheck(b *testing.B) {
	a := test.NewTempApp(b)
	w := test.NewTempWindow(b, nil)
	w.Resize(fyne.NewSize(900, 600))
	u := New(a, w, Options{Engine: newScriptEngine()})
	w.SetContent(u.Content())
	type port struct {
		proto mail.Protocol
		port  int
		sec   mail.Security
	}
	ports := []port{{mail.IMAP, 993, mail.TLS}, {mail.IMAP, 143, mail.STARTTLS}, {mail.POP3, 995, mail.TLS}, {mail.POP3, 110, mail.STARTTLS},
		{mail.SMTP, 465, mail.TLS}, {mail.SMTP, 587, mail.STARTTLS}, {mail.SMTP, 25, mail.STARTTLS}, {mail.SMTP, 2525, mail.STARTTLS}}
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		domain := fmt.Sprintf("ufficio%d.example", i)
		var servers []mail.Server
		for _, host := range []string{"mail.", "", "imap."} {
			for _, p := range ports {
				servers = append(servers, mail.Server{Protocol: p.proto, Host: host + domain, Port: p.port, Security: p.sec, Username: "anna@" + domain})
			}
		}
		u.state = newCheckState("anna@"+domain, u.now())
		u.run.gen++
		u.run.cancel = func() {}
		gen := u.run.gen
		var evs []event.Event
		for j, s := range servers {
			evs = append(evs, candidate(s))
			if j%3 == 0 {
				evs = append(evs, probe.Update{Result: refusedResult(s)})
			} else {
				evs = append(evs, probe.Update{Result: okResult(s)})
			}
		}
		in, out := servers[0], servers[4]
		evs = append(evs, detect.RecommendationReady{Recommendation: recommend.Recommendation{
			Incoming: &recommend.Choice{Server: in, Result: in.Key(), Verified: true},
			Outgoing: &recommend.Choice{Server: out, Result: out.Key(), Verified: true},
			Reasons:  []recommend.Reason{{Code: "implicit-tls", For: "incoming"}},
		}}, detect.CheckFinished{})
		b.StartTimer()
		u.handleBatch(gen, evs)
		u.run.cancel = nil
		u.runEnded()
	}
}
