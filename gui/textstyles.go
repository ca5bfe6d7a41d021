package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// TextStyles are the text styles of the window a person sees first: the
// check, its rows, sources and recommendation. Each style costs ~4 MB of
// memory once used: Fyne parses, for every style, the theme's face and
// the system font that matches it (the fallback for other scripts), and
// keeps both. So the window draws in these two, warmed at start-up, and
// in MonospaceStyle only where a server's own words are quoted (Details'
// transcript and server reply, DNS records in Domain health), whose
// fonts are parsed when first shown. Italics (hints) and a monospaced
// endpoint column cost 3.7 and 2.5 MB and went
// (TestTheWindowDrawsOnlyTheTextStylesItWarms, docs/performance.md).
var TextStyles = []fyne.TextStyle{{}, {Bold: true}}

// MonospaceStyle is the style of what a server or the DNS said, quoted.
var MonospaceStyle = fyne.TextStyle{Monospace: true}

// WarmFonts measures one text in each of TextStyles, so Fyne parses and
// caches those fonts. main.go runs it on another goroutine while the
// driver opens the window and its GL context, and builds the content
// only after it returned, for two reasons:
//   - Fyne's text measuring is not safe for concurrent use: every
//     measurement goes through one shared HarfBuzz shaper, whose cache
//     is a plain map. Measuring two styles side by side, or the content
//     while the fonts were still warming, crashed the window now and
//     then ("concurrent map writes", seen under Wine by
//     .ci/check-wine.sh), so the styles are measured one after the other
//     and nothing else measures until they are done;
//   - a text measured while its style is still being parsed makes Fyne
//     parse that style a second time (its font cache has no lock around
//     a miss), ~1.5 MB more kept.
func WarmFonts() {
	for _, st := range TextStyles {
		fyne.MeasureText("Postino", theme.TextSize(), st)
	}
}
