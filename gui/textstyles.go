package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// TextStyles are the only text styles the window draws in. Each style
// costs ~4 MB of memory once: Fyne parses, for every style, the theme's
// face and the system font that matches it (the fallback for other
// scripts), and keeps both. A fourth style (italics) was 3.7 MB of the
// window's memory for a few hints, so it went
// (TestTheWindowDrawsOnlyTheTextStylesItWarms, docs/performance.md).
var TextStyles = []fyne.TextStyle{{}, {Bold: true}, {Monospace: true}}

// WarmFonts measures one text in each of TextStyles, so Fyne parses and
// caches those fonts; main.go calls it on another goroutine while the
// driver opens the window, since parsing them is the slowest part of
// building the content.
func WarmFonts() {
	for _, st := range TextStyles {
		fyne.MeasureText("Postino", theme.TextSize(), st)
	}
}
