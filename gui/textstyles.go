package gui

import (
	"sync"

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

// WarmFonts measures one text in each of TextStyles, each on its own
// goroutine, so Fyne parses and caches those fonts side by side; it
// returns when all are parsed. main.go runs it while the driver opens the
// window and its GL context, and builds the content after it returned:
// a text measured while its style is still being parsed would make Fyne
// parse that style a second time (its font cache has no lock around a
// miss), ~1.5 MB more kept.
func WarmFonts() {
	var wg sync.WaitGroup
	for _, st := range TextStyles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fyne.MeasureText("Postino", theme.TextSize(), st)
		}()
	}
	wg.Wait()
}
