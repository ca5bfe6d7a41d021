package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"golang.org/x/text/language"

	"github.com/postino-mail/postino/assets/i18n"
)

// ApplyLanguage makes code ("" = system, "en", "it") the language of
// Postino's own strings and of Fyne's built-in ones (dialog buttons, the
// file chooser, entry menus).
//
// Fyne picks its translations from the system locale only, so to honour
// a person's override we register the chosen language's Fyne strings
// (assets/i18n/translations/fyne.LANG.json) under the system locale's
// language. Going back to "system" registers the system language's own
// strings again. The caller rebuilds the window content afterwards.
func ApplyLanguage(code string) error {
	i18n.SetLanguage(code)
	effective := i18n.Language()
	data, err := i18n.ReadFile("translations/fyne." + effective + ".json")
	if err != nil {
		return fmt.Errorf("fyne strings for %s: %w", effective, err)
	}
	base, _ := language.Make(lang.SystemLocale().String()).Base()
	if err := lang.AddTranslationsForLocale(data, fyne.Locale(base.String())); err != nil {
		return fmt.Errorf("registering fyne strings for %s: %w", effective, err)
	}
	return nil
}
