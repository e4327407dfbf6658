// Package lang is what the browser build compiles in place of Fyne's
// fyne.io/fyne/v2/lang/lang.go (scripts/web.sh copies it over a copy of
// Fyne's module). It has the same API and answers in English, as the rest
// of the app does.
//
// Why: Fyne's lang.go translates through go-i18n, which formats with
// text/template, which looks methods up by name through reflection. Once a
// program can do that, Go's linker keeps every exported method of every type
// that reaches an interface: for this app 21 MB of the browser's 67 MB of
// WebAssembly, downloaded, compiled and initialised before the first frame.
// Without it (and without gorgonia/tensor's protobuf registration, the other
// such lookup, also patched by scripts/web.sh) the linker drops them.
//
// The desktop build keeps Fyne's own lang.go and its translations.
package lang

import (
	"embed"

	"fyne.io/fyne/v2"
	"golang.org/x/text/language"
)

var (
	// L is a shortcut to localize a string, similar to the gettext "_" function.
	L = Localize
	// N is a shortcut to localize a string with plural forms, similar to ngettext.
	N = LocalizePlural
	// X is a shortcut to get the localization of a string with a key, similar to pgettext.
	X = LocalizeKey
	// XN is a shortcut to get the plural form of a string with a key, similar to npgettext.
	XN = LocalizePluralKey

	// translated lists the languages there are translations for; Fyne's
	// locale.go matches the system's locales against it.
	translated = []language.Tag{language.English}
)

// Localize returns in: the browser build is in English. Fyne passes no
// template data to any of its strings, nor does this app.
func Localize(in string, data ...any) string { return in }

// LocalizeKey returns fallback, the English text.
func LocalizeKey(key, fallback string, data ...any) string { return fallback }

// LocalizePlural returns in, the English text.
func LocalizePlural(in string, count int, data ...any) string { return in }

// LocalizePluralKey returns fallback, the English text.
func LocalizePluralKey(key, fallback string, count int, data ...any) string { return fallback }

// AddTranslations accepts and ignores a translation: English only.
func AddTranslations(r fyne.Resource) error { return nil }

// AddTranslationsForLocale accepts and ignores a translation: English only.
func AddTranslationsForLocale(data []byte, l fyne.Locale) error { return nil }

// AddTranslationsFS accepts and ignores translations: English only.
func AddTranslationsFS(fs embed.FS, dir string) (retErr error) { return nil }
