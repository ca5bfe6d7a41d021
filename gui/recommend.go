package gui

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
	"github.com/postino-mail/postino/detect/providers"
	"github.com/postino-mail/postino/detect/recommend"
)

// recommendView is the Recommended settings card: incoming and outgoing
// server, port, encryption, user name and authentication, each with a
// Copy button, and the reasons for the choice.
type recommendView struct {
	u   *UI
	obj fyne.CanvasObject
	// body holds the card (content) and, once the check has ended, the
	// send-test section (sendCard), which renders itself.
	body     *fyne.Container
	content  *fyne.Container
	sendCard *widget.Card
	// scroll holds body; a new result starts at its top.
	scroll *container.Scroll
	// shown is the check the card last rendered.
	shown *checkState
	// sendTest is the "Send test message" section at the end.
	sendTest *sendTestView
	// drawn is what the card was last built from: building it costs
	// ~10 ms of widgets and text shaping on a slow machine, and the end
	// of a check asks for the card again right after the recommendation
	// arrived.
	drawn recShown
}

// recShown is everything the card is built from. The recommendation is
// replaced, never changed in place (bridge.go, rerecommend.go), so its
// pointer says whether it changed. Whether the check still runs matters
// only while there is nothing to recommend (the words then differ).
type recShown struct {
	valid     bool
	state     *checkState
	rec       *recommend.Recommendation
	running   bool
	cancelled bool
	notes     string
}

func newRecommendView(u *UI) *recommendView {
	v := &recommendView{u: u, content: container.NewVBox(), sendTest: newSendTestView(u)}
	// Last, so the settings themselves stay at the top at 900×600.
	v.sendCard = widget.NewCard("", "", v.sendTest.obj)
	v.sendCard.Hide()
	v.body = container.NewVBox(v.content, v.sendCard)
	v.scroll = container.NewVScroll(v.body)
	v.obj = v.scroll
	return v
}

// revealSendTest scrolls the test message's status into view (it is the
// last thing on the card): pressing Send must visibly do something.
func (v *recommendView) revealSendTest() { v.scroll.ScrollToBottom() }

// shownNow is what the card would be built from now.
func (v *recommendView) shownNow() recShown {
	s := v.u.state
	now := recShown{valid: true, state: s}
	if s == nil {
		return now
	}
	rec := s.Recommendation
	now.rec = rec
	if rec == nil || (rec.Incoming == nil && rec.Outgoing == nil) {
		now.running, now.cancelled = s.Running(), s.Cancelled
		return now
	}
	now.notes = fmt.Sprint(s.Notes(chosenServers(rec)...))
	return now
}

// chosenServers are the servers rec recommends.
func chosenServers(rec *recommend.Recommendation) []mail.Server {
	var chosen []mail.Server
	for _, c := range []*recommend.Choice{rec.Incoming, rec.Outgoing} {
		if c != nil {
			chosen = append(chosen, c.Server)
		}
	}
	return chosen
}

func (v *recommendView) render() {
	v.sendTest.render()
	if v.sendTest.visible() {
		v.sendCard.Show()
	} else {
		v.sendCard.Hide()
	}
	if now := v.shownNow(); now != v.drawn {
		v.drawn = now
		v.build()
	}
}

// build rebuilds the card.
func (v *recommendView) build() {
	v.content.RemoveAll()
	s := v.u.state
	switch {
	case s == nil:
		v.content.Add(hintLabel(i18n.T("gui.rec.idle")))
	case s.Recommendation == nil && s.Running():
		v.content.Add(hintLabel(i18n.T("gui.rec.waiting")))
	case s.Cancelled && (s.Recommendation == nil || (s.Recommendation.Incoming == nil && s.Recommendation.Outgoing == nil)):
		// Stopped: nothing was ruled out, so "no server worked" would
		// be wrong.
		v.content.Add(hintLabel(i18n.T("window.rec.stopped")))
	case s.Recommendation == nil || (s.Recommendation.Incoming == nil && s.Recommendation.Outgoing == nil):
		v.content.Add(hintLabel(i18n.T("gui.rec.none")))
	}
	if s != nil && s.Recommendation != nil {
		rec := s.Recommendation
		if notes := s.Notes(chosenServers(rec)...); len(notes) > 0 {
			v.content.Add(notesCard(notes))
		}
		v.content.Add(v.choiceCard("gui.rec.incoming", rec.Incoming))
		v.content.Add(v.choiceCard("gui.rec.outgoing", rec.Outgoing))
		if len(rec.Reasons) > 0 {
			v.content.Add(widget.NewLabelWithStyle(i18n.T("gui.rec.why"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			for _, r := range rec.Reasons {
				l := widget.NewLabel("• " + screenText(r.TextIn("")))
				l.Wrapping = fyne.TextWrapWord
				v.content.Add(l)
			}
		}
		if len(rec.Alternatives) > 0 {
			v.content.Add(widget.NewLabelWithStyle(i18n.T("gui.rec.alternatives"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			for _, a := range rec.Alternatives {
				l := widget.NewLabel("• " + endpointLabel(a.Server))
				l.Wrapping = fyne.TextWrapWord
				v.content.Add(l)
			}
		}
	}
	v.content.Refresh()
	if v.shown != v.u.state { // a new check: its card starts at the top
		v.shown = v.u.state
		v.scroll.ScrollToTop()
	}
}

// choiceCard renders one direction; a nil choice says nothing usable was
// found for it.
func (v *recommendView) choiceCard(titleKey string, c *recommend.Choice) fyne.CanvasObject {
	title := widget.NewLabelWithStyle(i18n.T(titleKey), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	if c == nil {
		return widget.NewCard("", "", container.NewVBox(title, hintLabel(i18n.T("gui.rec.missing"))))
	}
	sec := widget.NewButtonWithIcon("", theme.QuestionIcon(), func() {
		if c.Security == mail.TLS {
			v.u.showHelpTopic("implicit_tls")
		} else {
			v.u.showHelpTopic("starttls")
		}
	})
	sec.Importance = widget.LowImportance
	grid := container.New(layout.NewCustomPaddedVBoxLayout(0),
		v.row("gui.rec.server", c.Host, nil),
		v.row("gui.rec.port", strconv.Itoa(c.Port), nil),
		v.row("gui.rec.security", securityName(c.Security), sec),
		v.row("gui.rec.username", c.Username, nil),
		v.row("gui.rec.auth", authNames(c.Auth), nil),
	)
	title.SetText(i18n.T(titleKey) + " · " + strings.ToUpper(string(c.Protocol)))
	// A plain card with its own compact heading: the card title style
	// is so large that both directions would not fit at 900×600.
	var caveats fyne.CanvasObject
	if cv := v.caveats(c); len(cv) > 0 {
		caveats = container.New(layout.NewCustomPaddedVBoxLayout(0), cv...)
	}
	return widget.NewCard("", "", container.NewBorder(title, caveats, nil, nil, grid))
}

// caveats are what a person must know about a choice, on the card itself
// (not below the fold): a certificate that does not verify, a password
// the server refused (and its words), a password not sent there.
func (v *recommendView) caveats(c *recommend.Choice) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	add := func(icon fyne.Resource, text string) {
		l := widget.NewLabel(screenText(text))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		out = append(out, container.NewBorder(nil, nil, widget.NewIcon(icon), nil, l))
	}
	warn := theme.NewWarningThemedResource(theme.WarningIcon())
	data := map[string]any{"Host": c.Host, "Port": c.Port}
	if !c.Verified {
		if r, ok := v.u.state.Row(c.Result); ok && r.TLS != nil && r.TLS.ErrorIn(i18n.For("")) != "" {
			data["Error"] = r.TLS.ErrorIn(i18n.For(""))
			add(warn, i18n.T("window.rec.caveat.cert_error", data))
		} else {
			add(warn, i18n.T("window.rec.caveat.cert", data))
		}
	}
	switch c.Login {
	case probe.LoginFailed:
		for _, rl := range v.u.state.Recommendation.PasswordRefusedBy {
			if rl.Host == c.Host && rl.Port == c.Port && rl.Protocol == c.Protocol {
				data["Said"] = problem.ServerWordsIn(rl.ServerText, i18n.For(""))
			}
		}
		key := "window.rec.caveat.refused"
		if s, _ := data["Said"].(string); s != "" {
			key = "window.rec.caveat.refused_said"
		}
		add(theme.NewErrorThemedResource(theme.ErrorIcon()), i18n.T(key, data))
	case probe.LoginSkipped:
		add(warn, i18n.T("window.rec.caveat.not_sent", data))
	}
	return out
}

// row is "label  value  [?] [Copy]".
func (v *recommendView) row(key, value string, help fyne.CanvasObject) fyne.CanvasObject {
	label := widget.NewLabelWithStyle(i18n.T(key), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	val := widget.NewLabel(value)
	val.Selectable = true
	// Wrapped, not cut with an ellipsis: a person copies these by eye
	// into a phone, so a long host name must be there whole (and an
	// ellipsis costs a full shaping of the text at every refresh).
	val.Wrapping = fyne.TextWrapBreak
	copyBtn := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() { v.u.copyText(value) })
	copyBtn.Importance = widget.LowImportance
	right := container.NewHBox(copyBtn)
	if help != nil {
		right = container.NewHBox(help, copyBtn)
	}
	return container.NewBorder(nil, nil, container.New(&fixedWidth{w: 120}, label), right, val)
}

// notesCard shows the provider's remarks first: an app password or a
// switch in the webmail decides whether the settings work at all.
func notesCard(notes []mail.Note) fyne.CanvasObject {
	box := container.NewVBox(heading(i18n.T("gui.rec.notes")))
	for _, n := range notes {
		l := widget.NewLabel(providers.NoteTextIn("", n))
		l.Wrapping = fyne.TextWrapWord
		row := container.NewBorder(nil, nil, widget.NewIcon(theme.NewWarningThemedResource(theme.InfoIcon())), nil, l)
		box.Add(row)
		if n.Untrusted {
			// Anyone on the path could have written it: no link to follow.
			l.SetText(i18n.T("security.note.untrusted", map[string]any{"Text": l.Text}))
			continue
		}
		if u, err := url.Parse(n.URL); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			box.Add(widget.NewHyperlink(u.Host+u.Path, u))
		}
	}
	return widget.NewCard("", "", box)
}

// authNames says how the password is sent, in a person's words.
func authNames(auth []mail.Auth) string {
	if len(auth) == 0 {
		return translated("gui.auth."+string(mail.AuthPasswordCleartext), string(mail.AuthPasswordCleartext))
	}
	out := make([]string, len(auth))
	for i, a := range auth {
		out[i] = translated("gui.auth."+string(a), string(a))
	}
	return strings.Join(out, ", ")
}
