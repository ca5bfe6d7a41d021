package gui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2/test"

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
