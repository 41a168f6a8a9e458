package app

import (
	"embed"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// translations holds the window's words in each language it speaks, one
// file per part of the window and language ("<part>.<lang>.json", the
// go-i18n format lang reads). The key of each entry is the English text
// the code passes to lang.L (or the code of a domain phrase), so English
// needs no lookup to read well, but en files list every key too: the
// language tests (lang_test.go) find every key in the code and check both
// files of a part hold it, and that the Spanish is not left in English. A
// key that is one of go-i18n's reserved words ("Other") is written with
// its text as plural forms, {"other": "…"}: a plain text is refused.
//
//go:embed translations
var translations embed.FS

// Languages are the interface languages Settings offers, by code; "" is
// the system's language.
var Languages = []string{"", "en", "es"}

// languagePref is the Preferences key of the window's language on this
// computer, one of Languages: Settings writes it and the start reads it.
// It is not kept in the database, as two desks sharing one database may
// speak different languages.
const languagePref = "ui.language"

// SavedLanguage is the window language chosen in Settings on this
// computer; "" (the system's) when none was chosen, or when what is saved
// is not a language the window speaks.
func SavedLanguage(p fyne.Preferences) string {
	code := p.String(languagePref)
	if !slices.Contains(Languages, code) {
		return ""
	}
	return code
}

var (
	langMu sync.Mutex
	// system is the language the system asks for, "en" or "es", as the
	// environment was before UseLanguage first changed it.
	system string
)

// UseLanguage makes lang.L answer in code ("en" or "es"), or in the
// system's language when code is "" (English for a language the window
// does not speak). Screens built after the call speak the language.
//
// Fyne's lang follows the environment only, so the language is put in
// $LANGUAGE, which comes before the locale; the system's choice is read
// once, before the first change.
func UseLanguage(code string) error {
	if !slices.Contains(Languages, code) {
		return fmt.Errorf("%q is not a language Referral Desk speaks: use en, es, or nothing for the system's", code)
	}
	langMu.Lock()
	defer langMu.Unlock()
	if system == "" {
		system = systemLanguage(os.Getenv)
	}
	want := code
	if want == "" {
		want = system
	}
	// $LANGUAGE is ignored under the C locale; English needs nothing.
	if v := localeVar(os.Getenv); (v == "C" || v == "POSIX") && want != "en" {
		os.Setenv("LC_ALL", "C.UTF-8")
	}
	os.Setenv("LANGUAGE", want)
	// Registering again re-reads the environment (and the files, which is
	// cheap: a few hundred entries).
	return lang.AddTranslationsFS(translations, "translations")
}

// systemLanguage is the language the environment asks for, as gettext
// reads it: the first of $LANGUAGE's list the window speaks, else the
// locale's language; English when it names neither Spanish nor English.
// The C locale asks for no language.
func systemLanguage(getenv func(string) string) string {
	loc := localeVar(getenv)
	if loc == "C" || loc == "POSIX" {
		return "en"
	}
	asked := []string{loc}
	if l := getenv("LANGUAGE"); l != "" {
		asked = strings.Split(l, ":")
	}
	for _, a := range asked {
		// "es_US.UTF-8", "es-MX", "es": the language is what comes first.
		base, _, _ := strings.Cut(strings.ToLower(a), "_")
		base, _, _ = strings.Cut(base, "-")
		base, _, _ = strings.Cut(base, ".")
		if base == "en" || base == "es" {
			return base
		}
	}
	return "en"
}

// localeVar is the locale variable the environment's language comes from,
// as gettext reads them.
func localeVar(getenv func(string) string) string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			return v
		}
	}
	return ""
}

// monthShort are the months' short names, January first, as dates show
// them (translation keys, as weekdayShort's are).
var monthShort = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// momentText shows a moment the window lists (a backup, a referral, an
// import) as "Mon 2 Jan 2006 15:04" in the window's language, without the
// weekday unless withDay: Go's time layouts know English names only.
func momentText(t time.Time, withDay bool) string {
	s := strconv.Itoa(t.Day()) + " " + lang.L(monthShort[t.Month()-1]) + " " + t.Format("2006 15:04")
	if withDay {
		s = lang.L(weekdayShort[t.Weekday()]) + " " + s
	}
	return s
}

// newSelect is widget.NewSelect with its placeholder in the window's
// language: fyne's own, "(Select one)", is English whatever lang speaks.
func newSelect(options []string, changed func(string)) *widget.Select {
	s := widget.NewSelect(options, changed)
	s.PlaceHolder = lang.L("(Select one)")
	return s
}

// clockText is the time of day on a 12-hour clock in the window's
// language: "8:30 PM", "8:30 p. m.". Go's layouts know English AM/PM only.
func clockText(t time.Time) string {
	half := "AM"
	if t.Hour() >= 12 {
		half = "PM"
	}
	return t.Format("3:04") + " " + lang.L(half)
}
