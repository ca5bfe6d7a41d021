package gui

import "strings"

// fontSafe replaces characters that Fyne's bundled text font (Noto Sans)
// lacks. Fyne draws them from its symbol font, but keeps the whitespace
// that follows in that font too, which has no space glyph: "a → b" shows
// as "a →� b" (seen in the Health tab's MX lines). The engine's texts are
// right (a terminal shows them well), so the window swaps the glyph at
// display time; TestEveryTextTheWindowShowsIsDrawable keeps the list
// complete.
var fontSafe = strings.NewReplacer("→", "»", "←", "«", "⇒", "»")

// screenText is s as the window can draw it.
func screenText(s string) string { return fontSafe.Replace(s) }
