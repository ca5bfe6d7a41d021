package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/postino-mail/postino/detect/probe"
)

// TestGridRowsLookAsAPersonSeesThem pins the pixels of a finished row and
// of a refused one: an icon and a word, never colour alone. On an
// intended change, delete gui/testdata/*.png and copy the new images
// from gui/testdata/failed/.
func TestGridRowsLookAsAPersonSeesThem(t *testing.T) {
	test.NewTempApp(t)
	for name, r := range map[string]probe.Result{
		"row_ok.png":      okResult(imapTLS),
		"row_refused.png": refusedResult(imapPlus),
	} {
		row := newGridRow()
		row.setResult(r, false)
		w := test.NewTempWindow(t, row)
		w.Resize(fyne.NewSize(520, row.MinSize().Height+8))
		test.AssertRendersToImage(t, name, w.Canvas())
	}
}
