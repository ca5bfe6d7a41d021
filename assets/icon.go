// Package assets holds Postino's embedded artwork. The icon is drawn by
// assets/icongen (go run ./assets/icongen) and committed as PNG.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon (512×512 PNG), for the window and the
// desktop when the binary was built without `fyne package` metadata.
var Icon fyne.Resource = fyne.NewStaticResource("postino.png", iconPNG)
