package app

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"referraldesk/referral"
)

// The domain's phrases (referral.Phrase: reasons, cautions, widenings,
// problems with the needs) in words. Their one source is
// translations/phrases.<lang>.json: a template per code, naming the
// phrase's parameters, and the words of the parameters themselves (days,
// parts of the day, substances, languages, months, list joiners), so a
// Spanish screen reads "martes por la tarde" all through. The window words
// them in its language through lang; the command line, which prints English
// for scripts and for people reading it in a terminal, through EnglishPhrase
// from the same English file.

// phraseText words p in the window's language.
func phraseText(p referral.Phrase) string { return windowLang.phrase(p) }

// EnglishPhrase words p in English, whatever language the window speaks,
// from the window's own English templates.
func EnglishPhrase(p referral.Phrase) string { return english.phrase(p) }

// problemWords is a problem's sentence in the window's language: its phrase,
// or its Message when it carries none (the window's own problems are
// already in its language).
func problemWords(p referral.Problem) string {
	if p.Phrase.IsZero() {
		return p.Message
	}
	return phraseText(p.Phrase)
}

// programTitle names a fellowship for a list in the window's language, as
// the sheet in that language names it: "AA (Alcohólicos Anónimos)". A
// fellowship the files do not name is called by its own Title.
func programTitle(p referral.Program) string {
	return windowLang.word("program."+string(p), p.Title())
}

// moreCautionsText and fewerCautionsText label a card's control that shows
// and hides the cautions past the first ones.
func moreCautionsText(n int) string {
	return windowLang.say("card.more_cautions", nil, map[string]any{"N": n})
}

func fewerCautionsText() string { return windowLang.say("card.fewer_cautions", nil, nil) }

// radiusText is a distance the counselor typed, as the domain's phrases
// word it in the window's language: "2.5", "2,5".
func radiusText(miles float64) string { return windowLang.param(referral.Radius(miles)).(string) }

// distanceWords is how far a group is, to a tenth, as the reasons word it:
// "0.4", "0,4".
func distanceWords(miles float64) string { return windowLang.param(referral.Distance(miles)).(string) }

// speaker says one entry of phrases.<lang>.json in some language: the
// template of key filled with data, count (when not nil) choosing its
// plural form. ok is false when no file has the key.
type speaker func(key string, count *int, data map[string]any) (text string, ok bool)

// windowLang speaks the window's language, as lang chose it. An entry the
// language lacks is said in English.
var windowLang speaker = func(key string, count *int, data map[string]any) (string, bool) {
	m, ok := englishMessages()[key]
	if !ok {
		return "", false
	}
	if !phrasesRegistered() {
		return english(key, count, data)
	}
	args := []any{}
	if data != nil {
		args = append(args, data)
	}
	if count != nil {
		fallback := m.other
		if *count == 1 && m.one != "" {
			fallback = m.one
		}
		return lang.XN(key, fallback, *count, args...), true
	}
	return lang.X(key, m.other, args...), true
}

// phrasesRegistered reports whether lang has read the phrase files. Until
// UseLanguage registers them (a program, or a test of one screen, that never
// called it) lang knows only Fyne's own words and would say each phrase from
// its English fallback, a plural one without its "one" form and with an
// error logged each time; English is then said from the file directly.
func phrasesRegistered() bool {
	const probe = "\x00"
	return lang.X("decimal_point", probe) != probe
}

// english speaks English from phrases.en.json alone, as lang would with
// English chosen, but without changing the window's language.
var english speaker = func(key string, count *int, data map[string]any) (string, bool) {
	m, ok := englishMessages()[key]
	if !ok {
		return "", false
	}
	t := m.otherT
	if count != nil && *count == 1 && m.oneT != nil { // English has no other plural form
		t = m.oneT
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		fyne.LogError("phrase "+key, err)
		return m.other, true
	}
	return b.String(), true
}

// phrase words p: each parameter first, then the template of its code. A
// code no file knows shows as itself, not as a blank.
func (s speaker) phrase(p referral.Phrase) string {
	data := make(map[string]any, len(p.Args))
	var count *int
	for k, v := range p.Args {
		data[k] = s.param(v)
		if n, ok := v.(int); ok && k == "Count" {
			count = &n
		}
	}
	text, ok := s(p.Code, count, data)
	if !ok {
		return p.String()
	}
	return text
}

// say is an entry with no phrase of the domain around it.
func (s speaker) say(key string, count *int, data map[string]any) string {
	text, ok := s(key, count, data)
	if !ok {
		return key
	}
	return text
}

// word is a parameter's word: the entry of key, or fallback when no file
// has one (a language code the files do not name).
func (s speaker) word(key, fallback string) string {
	if text, ok := s(key, nil, nil); ok {
		return text
	}
	return fallback
}

// param words one parameter of a phrase by its type (see referral.Phrase).
// Numbers the template counts or tests (int) stay numbers.
func (s speaker) param(v any) any {
	switch v := v.(type) {
	case referral.Phrase:
		return s.phrase(v)
	case time.Weekday:
		return s.word("weekday."+v.String(), v.String())
	case []time.Weekday:
		ws := make([]string, len(v))
		for i, d := range v {
			ws[i] = s.word("weekday."+d.String(), d.String())
		}
		return s.anyOf(ws)
	case referral.TimeBand:
		return s.word("band."+string(v), string(v))
	case []referral.TimeBand:
		ws := make([]string, len(v))
		for i, b := range v {
			ws[i] = s.word("band."+string(b), string(b))
		}
		return s.anyOf(ws)
	case referral.Approach:
		return s.word("approach."+string(v), string(v))
	case []referral.Substance:
		ws := make([]string, len(v))
		for i, sub := range v {
			ws[i] = s.word("substance."+string(sub), string(sub))
		}
		return s.allOf(ws)
	case referral.Program:
		return string(v)
	case []referral.Program:
		ws := make([]string, len(v))
		for i, p := range v {
			ws[i] = string(p)
		}
		return s.allOf(ws)
	case referral.Language:
		code := strings.ToLower(string(v))
		return s.word("language."+code, code)
	case referral.Distance:
		return s.number(strconv.FormatFloat(float64(v), 'f', 1, 64))
	case referral.Decimal:
		return s.number(strconv.FormatFloat(float64(v), 'f', -1, 64))
	case referral.Radius:
		// To a tenth, as a distance is typed: 10, 2.5.
		t := strconv.FormatFloat(float64(v), 'f', 1, 64)
		return s.number(strings.TrimSuffix(strings.TrimSuffix(t, "0"), "."))
	case time.Time:
		return s.say("date", nil, map[string]any{
			"Month": s.word(fmt.Sprintf("month.%d", int(v.Month())), v.Month().String()),
			"Day":   v.Day(), "Year": v.Year()})
	case int, string:
		return v
	}
	return fmt.Sprint(v)
}

// number puts the language's decimal point into a number written with ".".
func (s speaker) number(n string) string {
	return strings.Replace(n, ".", s.word("decimal_point", "."), 1)
}

// anyOf joins words any one of which will do: "Tuesday or Thursday".
func (s speaker) anyOf(ws []string) string {
	return strings.Join(ws, " "+s.word("list.or", "or")+" ")
}

// allOf joins words that all hold: "opioid, alcohol and stimulant".
func (s speaker) allOf(ws []string) string {
	if len(ws) < 2 {
		return strings.Join(ws, "")
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " " + s.word("list.and", "and") + " " + ws[len(ws)-1]
}

// message is one entry of phrases.en.json: a template, or a template per
// plural form ("one", "other").
type message struct {
	one, other   string
	oneT, otherT *template.Template
}

// englishMessages reads phrases.en.json once. The file is built into the
// program and its test parses every template, so a failure here is a
// broken build; it is logged and leaves English to each code's own name.
var englishMessages = sync.OnceValue(func() map[string]message {
	out, err := readMessages("translations/phrases.en.json")
	if err != nil {
		fyne.LogError("phrases", err)
	}
	return out
})

// readMessages reads one phrases file of translations, parsing every
// template.
func readMessages(path string) (map[string]message, error) {
	b, err := translations.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make(map[string]message, len(raw))
	for key, r := range raw {
		var m message
		var forms struct{ One, Other string }
		if json.Unmarshal(r, &m.other) != nil {
			if err := json.Unmarshal(r, &forms); err != nil {
				return nil, fmt.Errorf("%s: %s is neither a text nor plural forms: %w", path, key, err)
			}
			m.one, m.other = forms.One, forms.Other
		}
		if m.otherT, err = template.New(key).Parse(m.other); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if m.one != "" {
			if m.oneT, err = template.New(key).Parse(m.one); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
		}
		out[key] = m
	}
	return out, nil
}
