package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/postino-mail/postino/assets/i18n"
)

// Fyne's own widgets (dialog buttons, the file chooser, entry menus)
// translate through fyne.io/fyne/v2/lang, not through assets/i18n. The
// catalogue is pure Go so the engine never depends on Fyne; the window
// registers Postino's wording of those widgets' keys
// (translations/fyne.LANG.json) with Fyne here, once, before any widget
// exists. ApplyLanguage re-registers them when the person overrides the
// system language.
func init() {
	for _, lng := range i18n.Languages {
		data, err := i18n.ReadFile("translations/fyne." + lng + ".json")
		if err == nil {
			err = lang.AddTranslationsForLocale(data, fyne.Locale(lng))
		}
		if err != nil {
			panic(fmt.Sprintf("gui: registering the %s strings of Fyne's widgets: %v", lng, err))
		}
	}
}
