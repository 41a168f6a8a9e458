package app

import (
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// sameInSpanish are the keys whose Spanish is rightly the English: each
// says why. Anything else left alike is a string left in English.
var sameInSpanish = map[string]string{
	"Referral Desk":              "the program's name",
	"English":                    "each language is named in its own words",
	"Español":                    "each language is named in its own words",
	"LGBTQ+":                     "written so in Spanish too",
	"A4":                         "a paper size's name",
	"Alcohol":                    "the same word",
	"No":                         "the same word",
	"no":                         "the same word",
	"CSV (12 Step Meeting List)": "a file format and the name of the list",
}

// untracedAllowed are the files whose lang calls may take keys the finder
// cannot follow: phrases.go says the entries of phrases.*.json by the codes
// read from that file itself, so every key it can pass is in the file.
var untracedAllowed = []string{"phrases.go"}

// translation is one entry of a translation file: the text, or the text of
// each plural form ("one", "other"). texts lists them, "other" first.
type translation struct {
	forms map[string]string
}

func (e translation) text() string { return e.forms["other"] }

func (e translation) texts() []string {
	out := []string{e.forms["other"]}
	for _, f := range slices.Sorted(maps.Keys(e.forms)) {
		if f != "other" {
			out = append(out, e.forms[f])
		}
	}
	return out
}

// translationFiles are the files the window registers with lang, by part
// ("ui", "phrases", …) and language: what the program ships.
func translationFiles(t *testing.T) map[string]map[string]map[string]translation {
	t.Helper()
	dir, err := translations.ReadDir("translations")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]map[string]translation{}
	for _, f := range dir {
		part, rest, ok := strings.Cut(f.Name(), ".")
		code, ext, ok2 := strings.Cut(rest, ".")
		if !ok || !ok2 || ext != "json" {
			t.Errorf("translations/%s is not named <part>.<language>.json", f.Name())
			continue
		}
		b, err := translations.ReadFile(path.Join("translations", f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatalf("translations/%s: %v", f.Name(), err)
		}
		entries := map[string]translation{}
		for k, v := range raw {
			var text string
			forms := map[string]string{}
			if json.Unmarshal(v, &text) == nil {
				forms["other"] = text
			} else if err := json.Unmarshal(v, &forms); err != nil || forms["other"] == "" {
				t.Errorf("translations/%s: %q is neither a text nor plural forms with \"other\"", f.Name(), k)
				continue
			}
			entries[k] = translation{forms}
		}
		if out[part] == nil {
			out[part] = map[string]map[string]translation{}
		}
		out[part][code] = entries
	}
	return out
}

// inAnyPart finds key among the parts' files of a language.
func inAnyPart(files map[string]map[string]map[string]translation, code, key string) (translation, string, bool) {
	for _, part := range slices.Sorted(maps.Keys(files)) {
		if e, ok := files[part][code][key]; ok {
			return e, part, true
		}
	}
	return translation{}, "", false
}

// inLanguage makes lang answer in code for the rest of the test, then in
// English again, as the other tests read the window.
func inLanguage(t *testing.T, code string) {
	t.Helper()
	if err := UseLanguage(code); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := UseLanguage("en"); err != nil {
			t.Error(err)
		}
	})
}

// Every key the window passes to lang is in an English and a Spanish file,
// ui.*.json holds no key the code has stopped using, and the files load.
func TestEveryKeyIsInBothLanguages(t *testing.T) {
	keys := findUIKeys(t)
	for _, u := range keys.untraced {
		file, _, _ := strings.Cut(u, ":")
		if !slices.Contains(untracedAllowed, file) {
			t.Errorf("%s: the key cannot be followed back to string constants, so no test sees whether it is translated; "+
				"pass a constant, or a table of constants", u)
		}
	}
	files := translationFiles(t)
	for _, part := range slices.Sorted(maps.Keys(files)) {
		en, es := files[part]["en"], files[part]["es"]
		for k := range en {
			if _, ok := es[k]; !ok {
				t.Errorf("%q is in %s.en.json but not in %s.es.json", k, part, part)
			}
		}
		for k := range es {
			if _, ok := en[k]; !ok {
				t.Errorf("%q is in %s.es.json but not in %s.en.json", k, part, part)
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(keys.english)) {
		for _, code := range []string{"en", "es"} {
			if _, _, ok := inAnyPart(files, code, key); !ok {
				t.Errorf("%q (%s) is in no %s translation file: add it to ui.%s.json",
					key, strings.Join(keys.where[key], ", "), code, code)
			}
		}
		if e, ok := files["ui"]["en"][key]; ok && e.text() != keys.english[key] {
			t.Errorf("ui.en.json says %q for %q; the code's English is %q", e.text(), key, keys.english[key])
		}
	}
	for _, code := range []string{"en", "es"} {
		for k := range files["ui"][code] {
			if _, ok := keys.english[k]; !ok {
				t.Errorf("ui.%s.json has %q, which no lang call passes any more: remove it from both ui files", code, k)
			}
		}
	}
	// A key in two parts must say the same in both: which one lang keeps
	// depends on the order it reads the files in.
	for _, code := range []string{"en", "es"} {
		said := map[string]string{}
		for _, part := range slices.Sorted(maps.Keys(files)) {
			for k, e := range files[part][code] {
				if prev, ok := said[k]; ok && prev != e.text() {
					t.Errorf("%q is %q in one %s file and %q in %s.%s.json", k, prev, code, e.text(), part, code)
				}
				said[k] = e.text()
			}
		}
	}
	// The files load: go-i18n refuses, for one, a key that is one of its
	// reserved words ("Other") with a plain text.
	inLanguage(t, "es")
	if got := lang.L("Settings"); got != files["ui"]["es"]["Settings"].text() {
		t.Errorf("in Spanish lang.L(\"Settings\") is %q", got)
	}
	if err := UseLanguage("en"); err != nil {
		t.Fatal(err)
	}
	if got := lang.L("Other"); got != "Other" {
		t.Errorf("in English lang.L(\"Other\") is %q", got)
	}
}

// Every Spanish text differs from the English, but for the few words
// sameInSpanish names.
func TestNothingIsLeftInEnglish(t *testing.T) {
	keys := findUIKeys(t)
	files := translationFiles(t)
	for _, key := range slices.Sorted(maps.Keys(keys.english)) {
		en, _, ok1 := inAnyPart(files, "en", key)
		es, part, ok2 := inAnyPart(files, "es", key)
		if !ok1 || !ok2 {
			continue // TestEveryKeyIsInBothLanguages says so
		}
		same := es.text() == en.text()
		if _, allowed := sameInSpanish[key]; same && !allowed {
			t.Errorf("%s.es.json leaves %q (%s) in English", part, key, strings.Join(keys.where[key], ", "))
		}
	}
	for key := range sameInSpanish {
		en, _, ok1 := inAnyPart(files, "en", key)
		es, _, ok2 := inAnyPart(files, "es", key)
		if !ok1 || !ok2 || en.text() != es.text() {
			t.Errorf("sameInSpanish names %q, which is not a key said alike in both languages: remove it", key)
		}
	}
}

var templateField = regexp.MustCompile(`\{\{[^}]*?\.([A-Za-z_][A-Za-z0-9_]*)[^}]*\}\}`)

// templateFields are the parameters a text's template fills, sorted.
func templateFields(text string) []string {
	var out []string
	for _, m := range templateField.FindAllStringSubmatch(text, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

// A translation fills the same parameters as the English ({{.Name}} kept
// as it is), and every text is a template lang can fill.
func TestTranslationsKeepTheirParameters(t *testing.T) {
	files := translationFiles(t)
	for _, part := range slices.Sorted(maps.Keys(files)) {
		for _, code := range slices.Sorted(maps.Keys(files[part])) {
			for k, e := range files[part][code] {
				for _, text := range e.texts() {
					if _, err := template.New(k).Parse(text); err != nil {
						t.Errorf("%s.%s.json, %q: %v", part, code, k, err)
					}
				}
			}
		}
		for k, en := range files[part]["en"] {
			es, ok := files[part]["es"][k]
			if !ok {
				continue
			}
			want := templateFields(en.text())
			if got := templateFields(es.text()); !slices.Equal(got, want) {
				t.Errorf("%s.es.json, %q: %q fills %v, the English %v", part, k, es.text(), got, want)
			}
			// A plural form may leave out the count ("un grupo"), but
			// fills nothing the English does not.
			for _, text := range es.texts()[1:] {
				for _, f := range templateFields(text) {
					if !slices.Contains(templateFields(strings.Join(en.texts(), " ")), f) {
						t.Errorf("%s.es.json, %q: %q fills {{.%s}}, which the English does not", part, k, text, f)
					}
				}
			}
		}
	}
}

// englishTexts tell a text shown in Spanish that is left in English: an
// English text of a translation file whose Spanish differs, whole or as a
// template filled in. A text that is also the Spanish of some key ("Mar",
// Tuesday, is March in English) could be either and is not counted.
type englishTexts struct {
	exact     map[string]string // text → its key
	templates map[*regexp.Regexp]string
}

func newEnglishTexts(t *testing.T) *englishTexts {
	t.Helper()
	files := translationFiles(t)
	spanish := map[string]bool{}
	for _, part := range files {
		for _, e := range part["es"] {
			for _, text := range e.texts() {
				spanish[text] = true
			}
		}
	}
	out := &englishTexts{exact: map[string]string{}, templates: map[*regexp.Regexp]string{}}
	word := regexp.MustCompile(`[A-Za-z]{2,}`)
	for _, part := range files {
		for k, en := range part["en"] {
			es, ok := part["es"][k]
			if !ok || es.text() == en.text() {
				continue
			}
			for _, text := range en.texts() {
				if spanish[text] {
					continue
				}
				if !strings.Contains(text, "{{") {
					out.exact[text] = k
					continue
				}
				// Only a template with words of its own: "{{.A}}: {{.B}}"
				// would match anything.
				literal := templateField.ReplaceAllString(text, "")
				if !word.MatchString(literal) {
					continue
				}
				pieces := templateField.Split(text, -1)
				for i, p := range pieces {
					pieces[i] = regexp.QuoteMeta(p)
				}
				out.templates[regexp.MustCompile(`^`+strings.Join(pieces, `.+`)+`$`)] = k
			}
		}
	}
	return out
}

// left returns the key of the English s is, if it is one.
func (e *englishTexts) left(s string) (string, bool) {
	if k, ok := e.exact[s]; ok {
		return k, true
	}
	for re, k := range e.templates {
		if re.MatchString(s) {
			return k, true
		}
	}
	return "", false
}

// shownText is a text the window shows and where.
type shownText struct{ text, where string }

// shownTexts are the texts a person reads in o: labels, buttons, check
// boxes, choices, placeholders, links, card and form titles, and any text
// drawn on its own.
func shownTexts(o fyne.CanvasObject, where string) []shownText {
	var out []shownText
	add := func(kind string, texts ...string) {
		for _, s := range texts {
			if strings.TrimSpace(s) != "" {
				out = append(out, shownText{s, where + ", " + kind})
			}
		}
	}
	visible(o, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			add("label", x.Text)
		case *widget.Button:
			add("button", x.Text)
		case *widget.Check:
			add("check box", x.Text)
		case *widget.RadioGroup:
			add("radio choice", x.Options...)
		case *widget.Select:
			add("select", append([]string{x.PlaceHolder, x.Selected}, x.Options...)...)
		case *widget.SelectEntry:
			add("entry's placeholder", x.PlaceHolder)
		case *widget.Entry:
			add("entry's placeholder", x.PlaceHolder)
		case *widget.Hyperlink:
			add("link", x.Text)
		case *widget.Card:
			add("card", x.Title, x.Subtitle)
		case *widget.Form:
			// Its buttons, when it shows them, are walked as buttons.
			for _, it := range x.Items {
				add("form label", it.Text, it.HintText)
			}
		case *widget.RichText:
			for _, seg := range x.Segments {
				if ts, ok := seg.(*widget.TextSegment); ok {
					add("text", ts.Text)
				}
			}
		case *container.AppTabs:
			for _, it := range x.Items {
				add("tab", it.Text)
			}
		case *canvas.Text:
			add("text", x.Text)
		}
	})
	return out
}

// menuTexts are the labels of a menu's items, submenus too.
func menuTexts(m *fyne.Menu, where string) []shownText {
	out := []shownText{{m.Label, where}}
	for _, it := range m.Items {
		if it.IsSeparator {
			continue
		}
		out = append(out, shownText{it.Label, where + " › " + m.Label})
		if it.ChildMenu != nil {
			out = append(out, menuTexts(it.ChildMenu, where+" › "+m.Label)...)
		}
	}
	return out
}

// tapShown taps the visible button labelled text in o.
func tapShown(t *testing.T, o fyne.CanvasObject, text string) {
	t.Helper()
	var b *widget.Button
	visible(o, func(o fyne.CanvasObject) {
		if x, ok := o.(*widget.Button); ok && x.Text == text && b == nil {
			b = x
		}
	})
	if b == nil {
		t.Fatalf("no %q button shows", text)
	}
	test.Tap(b)
}

// The window in Spanish, every tab and the dialogs one tap opens (the
// first start's form, About, the menus, Export…, Add feed…, a new group's
// form), shows no text left in English.
func TestWindowInSpanishShowsNoEnglish(t *testing.T) {
	inLanguage(t, "es")
	english := newEnglishTexts(t)
	// A desk's first start, with nothing in the store yet.
	m := newMainWindow(test.NewTempApp(t), complete(t, Services{Settings: &fakeSettings{s: referral.DefaultSettings()},
		MachineZone: "America/Chicago"}), background{run: func(f func()) { f() }, after: (&timers{}).after})
	closeAtEnd(t, m.win)
	m.win.Resize(fyne.NewSize(1180, 760))
	overlays := m.win.Canvas().Overlays()
	var shown []shownText
	look := func(o fyne.CanvasObject, where string) { shown = append(shown, shownTexts(o, where)...) }
	closeTop := func(button string) {
		t.Helper()
		tapShown(t, overlays.Top(), lang.L(button))
		if overlays.Top() != nil {
			t.Fatalf("%s leaves a dialog open", lang.L(button))
		}
	}

	shown = append(shown, shownText{m.win.Title(), "the window's title"})
	if overlays.Top() == nil {
		t.Fatal("the first start shows no form about the clinic")
	}
	look(overlays.Top(), "the first start's form")
	closeTop("Skip")

	for _, menu := range m.win.MainMenu().Items {
		shown = append(shown, menuTexts(menu, "the menu")...)
	}
	about := aboutItem(m.win)
	about.Action()
	look(overlays.Top(), "About")
	closeTop("Close")

	for _, tab := range m.tabs.Items {
		m.tabs.Select(tab)
		look(m.win.Content(), "the "+tab.Text+" tab")
		switch tab.Content {
		case m.referral.content:
			tapShown(t, tab.Content, lang.L("Add feed…"))
			look(overlays.Top(), "Add feed…")
			closeTop("Cancel")
		case m.directory.content:
			tapShown(t, tab.Content, lang.L("Add group"))
			look(m.win.Content(), "a new group's form")
		case m.sources.content:
			tapShown(t, tab.Content, lang.L("Export…"))
			look(overlays.Top(), "Export…")
			closeTop("Cancel")
		}
	}

	// The tabs are named in Spanish: the walk above saw the window.
	want := []string{"Referencia", "Directorio", "Fuentes", "Historial", "Configuración"}
	var tabs []string
	for _, tab := range m.tabs.Items {
		tabs = append(tabs, tab.Text)
	}
	if !slices.Equal(tabs, want) {
		t.Errorf("the tabs read %q, want %q", tabs, want)
	}
	reported := map[string]bool{}
	for _, s := range shown {
		if key, ok := english.left(s.text); ok && !reported[s.text+s.where] {
			reported[s.text+s.where] = true
			t.Errorf("%s shows %q, English (the key %q)", s.where, s.text, key)
		}
	}
	if len(shown) < 200 {
		t.Errorf("the walk read only %d texts", len(shown))
	}
}

// With no language chosen on this computer the window speaks the system's:
// Spanish under a Spanish locale or $LANGUAGE, English under another.
// Each case starts the test program again, as the system's language is
// read once, at the first UseLanguage.
func TestWindowFollowsTheSystemLanguage(t *testing.T) {
	if want := os.Getenv("REFERRALDESK_TEST_WANT_TABS"); want != "" {
		// The started program: the start as main.go does it, with nothing
		// saved in Preferences.
		a := test.NewTempApp(t)
		if err := UseLanguage(SavedLanguage(a.Preferences())); err != nil {
			t.Fatal(err)
		}
		h := newDeskHarness(t, clinicSettings(), nil)
		var tabs []string
		for _, tab := range h.main.tabs.Items {
			tabs = append(tabs, tab.Text)
		}
		if got := strings.Join(tabs, ","); got != want {
			t.Errorf("LANGUAGE=%q LANG=%q: the tabs read %s, want %s", os.Getenv("LANGUAGE"), os.Getenv("LANG"), got, want)
		}
		return
	}
	spanish, english := "Referencia,Directorio,Fuentes,Historial,Configuración", "Referral,Directory,Sources,History,Settings"
	for _, c := range []struct {
		env  []string
		want string
	}{
		{[]string{"LANG=es_US.UTF-8"}, spanish},
		{[]string{"LANGUAGE=es_US.UTF-8", "LANG=en_US.UTF-8"}, spanish},
		{[]string{"LANGUAGE=fr:es", "LANG=fr_FR.UTF-8"}, spanish},
		{[]string{"LANG=en_US.UTF-8"}, english},
		{[]string{"LANG=fr_FR.UTF-8"}, english},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWindowFollowsTheSystemLanguage$", "-test.count=1")
		for _, kv := range os.Environ() {
			name, _, _ := strings.Cut(kv, "=")
			if !slices.Contains([]string{"LANGUAGE", "LANG", "LC_ALL", "LC_MESSAGES"}, name) {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, c.env...)
		cmd.Env = append(cmd.Env, "REFERRALDESK_TEST_WANT_TABS="+c.want)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%v: %v\n%s", c.env, err, out)
		}
	}
}

// The language the environment asks for, as gettext reads it.
func TestSystemLanguage(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "es_US.UTF-8"}, "es"},
		{map[string]string{"LANG": "es_MX"}, "es"},
		{map[string]string{"LC_MESSAGES": "es_US.UTF-8", "LANG": "en_US.UTF-8"}, "es"},
		{map[string]string{"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "es_US.UTF-8"}, "en"},
		{map[string]string{"LANGUAGE": "es", "LANG": "en_US.UTF-8"}, "es"},
		{map[string]string{"LANGUAGE": "fr:de:es:en", "LANG": "fr_FR.UTF-8"}, "es"},
		{map[string]string{"LANGUAGE": "fr", "LANG": "es_US.UTF-8"}, "en"}, // $LANGUAGE names no language the window speaks
		{map[string]string{"LANGUAGE": "es", "LANG": "C"}, "en"},           // the C locale ignores $LANGUAGE
		{map[string]string{"LANG": "POSIX"}, "en"},
		{map[string]string{}, "en"},
	} {
		if got := systemLanguage(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("%v: %q, want %q", c.env, got, c.want)
		}
	}
}

// A saved language that is not one the window speaks (a hand-edited
// preferences file) is taken as none; UseLanguage refuses it with a
// message saying what it takes.
func TestUnknownLanguageIsRefused(t *testing.T) {
	a := test.NewTempApp(t)
	a.Preferences().SetString(languagePref, "fr")
	if got := SavedLanguage(a.Preferences()); got != "" {
		t.Errorf("a saved \"fr\" is taken as %q", got)
	}
	err := UseLanguage("fr")
	if err == nil || !strings.Contains(err.Error(), "en, es") {
		t.Errorf("UseLanguage(\"fr\") says %v", err)
	}
}

// Settings → Window language is this computer's: the choice is saved at
// once in Preferences, not in the database, says it shows from the next
// start, and the next start speaks it and shows it chosen.
func TestWindowLanguageIsKeptOnThisComputer(t *testing.T) {
	h := newDeskHarness(t, clinicSettings(), nil)
	h.open(h.main.settings.content)
	radio := h.main.settings.uiLanguage
	if !slices.Equal(radio.Options, []string{"System", "English", "Español"}) || radio.Selected != "System" {
		t.Fatalf("the choice offers %q with %q chosen", radio.Options, radio.Selected)
	}
	said := strings.Join(texts(h.main.settings.content), " ")
	if !strings.Contains(said, "Window language") || !strings.Contains(said, "Shown from the next start of Referral Desk.") {
		t.Errorf("Settings say %q", said)
	}
	radio.SetSelected("Español")
	prefs := fyne.CurrentApp().Preferences()
	if got := prefs.String(languagePref); got != "es" {
		t.Errorf("choosing Español saves %q", got)
	}
	if h.settings.saves != 0 {
		t.Errorf("choosing the window's language wrote the settings to the database %d times", h.settings.saves)
	}
	if got := lang.L("Settings"); got != "Settings" {
		t.Errorf("the window changed language at once: %q", got)
	}

	// The next start, as main.go makes it, over the same preferences.
	inLanguage(t, SavedLanguage(prefs))
	w := newMainWindow(fyne.CurrentApp(), complete(t, Services{Settings: h.settings, MachineZone: "America/Chicago"}),
		background{run: func(f func()) { f() }, after: h.timers.after})
	closeAtEnd(t, w.win)
	if got := w.tabs.Items[len(w.tabs.Items)-1].Text; got != "Configuración" {
		t.Errorf("the next start's Settings tab reads %q", got)
	}
	if got := w.settings.uiLanguage; got.Selected != "Español" || !slices.Equal(got.Options, []string{"Del sistema", "English", "Español"}) {
		t.Errorf("the next start offers %q with %q chosen", got.Options, got.Selected)
	}
	w.settings.uiLanguage.SetSelected("Del sistema")
	if got := prefs.String(languagePref); got != "" {
		t.Errorf("choosing the system's language saves %q", got)
	}
}

// laptopWidth is the narrowest screen a clinic desk is likely to have
// (1366 pixels), less room for the window's frame.
const laptopWidth = 1340

// The window fits a laptop's screen in either language, with a client's
// results and the Settings showing: Spanish words are longer, and a
// window wider than the screen hides the results' right edge.
func TestWindowFitsALaptopInEitherLanguage(t *testing.T) {
	for _, code := range []string{"en", "es"} {
		t.Run(code, func(t *testing.T) {
			inLanguage(t, code)
			h := newSheetHarness(t, directoryGroups())
			test.Tap(h.f.moud)
			test.Tap(h.f.days[time.Tuesday])
			h.settle()
			// The Directory's count line at its longest, as a national
			// directory makes it.
			h.main.directory.count.SetText(countText(listLimit, 250_000, 13_700))
			for _, tab := range h.main.tabs.Items {
				h.main.tabs.Select(tab)
				if w := h.main.win.Content().MinSize().Width; w > laptopWidth {
					t.Errorf("in %s the %s tab needs a window %.0f pixels wide, more than a laptop's %d",
						code, tab.Text, w, laptopWidth)
				}
				// The Directory's group form, open on a new group with a
				// meeting time, is the widest thing a tab shows.
				if tab.Content == h.main.directory.content {
					test.Tap(h.main.directory.add)
					test.Tap(h.main.directory.form.addSession)
					if w := h.main.win.Content().MinSize().Width; w > laptopWidth {
						t.Errorf("in %s the Directory with a group's form needs a window %.0f pixels wide, more than a laptop's %d",
							code, w, laptopWidth)
					}
				}
			}
		})
	}
}

// TestProblemsInSpanish: what the domain finds wrong with the settings or a
// group is said beside the field in the window's language, as the needs'
// problems are, not in the English the command line prints.
func TestProblemsInSpanish(t *testing.T) {
	inLanguage(t, "es")
	t.Run("settings", func(t *testing.T) {
		h := newDeskHarness(t, clinicSettings(), nil)
		s := h.main.settings
		h.open(s.content)
		s.website.SetText("riverside.example.org")
		s.retention.SetText("0")
		s.feedZone.SetText("Mars/Olympus")
		test.Tap(s.save)
		for field, want := range map[string]string{
			"Clinic.Website": `El sitio web de la clínica "riverside.example.org" debe empezar con http:// o https://.`,
			"RetentionDays":  "Guarde el registro de referencias entre 1 y 3650 días (se escribió 0).",
			"FeedTimeZone":   `La zona horaria "Mars/Olympus" no se conoce`,
		} {
			if l := s.problems.labels[field]; !l.Visible() || !strings.Contains(l.Text, want) {
				t.Errorf("beside %s: %q (shown %v), want %q", field, l.Text, l.Visible(), want)
			}
		}
		if h.settings.saves != 0 {
			t.Error("invalid settings were saved")
		}
		capture(t, h.win, "/tmp/settings-problems-es.png")
	})
	t.Run("group", func(t *testing.T) {
		h := newHarness(t)
		f := h.dir.form
		test.Tap(h.dir.add)
		test.Tap(f.addSession)
		f.sessions[0].day.SetSelected(lang.L("Friday"))
		test.Type(f.sessions[0].start, "20:00")
		test.Type(f.sessions[0].end, "19:00")
		test.Type(f.url, "zoom.us/j/42")
		test.Tap(f.save)
		for field, want := range map[string]string{
			"Name":       "El grupo necesita un nombre.",
			"Program":    "Elija el programa del grupo",
			"Online.URL": `El enlace "zoom.us/j/42" debe empezar con http:// o https://.`,
		} {
			if l := f.problems[field]; !l.Visible() || !strings.Contains(l.Text, want) {
				t.Errorf("beside %s: %q (shown %v), want %q", field, l.Text, l.Visible(), want)
			}
		}
		if p := f.sessions[0].problem; !p.Visible() || !strings.Contains(p.Text, "La hora de fin 19:00 no es posterior a la de inicio 20:00") {
			t.Errorf("beside the meeting time: %q", p.Text)
		}
		if h.fake.writes != 0 {
			t.Error("an invalid group was written")
		}
		capture(t, h.win, "/tmp/group-problems-es.png")
	})
	t.Run("follow-up", func(t *testing.T) {
		h, s := newHistoryHarness(t, referralLog())
		s.selectID(t, 2)
		f := h.recordFollowUp(lang.L("Yes"), "Tuesday Hope", lang.L("Yes"), true, strings.Repeat("x", referral.MaxFollowUpNotes+1))
		for field, want := range map[string]string{
			"FollowUp.NotWelcomeOnMedication": "La persona no puede sentirse bienvenida y a la vez no ser bienvenida por tomar medicación",
			"FollowUp.Notes":                  "Las notas del seguimiento son demasiado largas (como máximo 200 letras).",
		} {
			if l := f.problems.labels[field]; !l.Visible() || !strings.Contains(l.Text, want) {
				t.Errorf("beside %s: %q, want %q", field, l.Text, want)
			}
		}
		if h.history.entry(2).FollowUp != nil {
			t.Error("an invalid follow-up was recorded")
		}
	})
}

// TestDecimalsInSpanish: a latitude out of range and a logo too big are said
// with the Spanish decimal comma, as distances are.
func TestDecimalsInSpanish(t *testing.T) {
	inLanguage(t, "es")
	g := referral.Group{Name: "Esperanza", Program: referral.ProgramNA, Attendance: referral.InPerson,
		Place: referral.Place{Coords: &referral.Point{Lat: 91.25, Lon: -75.5}}}
	ps := referral.ErrorProblems(g.Validate())
	if len(ps) != 1 || problemWords(ps[0]) != "la latitud 91,25 debe estar entre -90 y 90" {
		t.Errorf("latitude 91.25: %q", ps)
	}
	st := referral.DefaultSettings()
	st.Clinic.Logo = append(append([]byte{}, logoPNG()...), make([]byte, 5<<19)...) // 2.5 MB
	for _, p := range referral.ErrorProblems(st.Validate()) {
		if p.Field == "Clinic.Logo" {
			if got, want := problemWords(p), "el logotipo de la clínica ocupa 2,5 MB; use una imagen de 2 MB como máximo"; got != want {
				t.Errorf("a 2.5 MB logo: %q, want %q", got, want)
			}
			return
		}
	}
	t.Error("a 2.5 MB logo is not refused")
}
