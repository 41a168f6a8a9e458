package feed

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"referraldesk/assets"
	"referraldesk/referral"
)

// decoded is what a group's type codes say about it.
type decoded struct {
	attrs  referral.Attributes
	online bool // ONL (Meeting Guide, retired in 2022) or VM/HYBR (NA): meets online
	closed bool // TC: the location is temporarily closed
}

// A meaning is what one code says; code is the code as the feed wrote it
// (NA's LANG format names its language only in its key, e.g. "ES").
type meaning func(d *decoded, code string)

// says is the meaning of codes the domain's vocabulary explains.
func says(xs []referral.Attr) meaning {
	return func(d *decoded, _ string) {
		for _, x := range xs {
			switch x {
			case referral.AttrOnline:
				d.online = true
			case referral.AttrTemporarilyClosed:
				d.closed = true
			default:
				d.attrs.Set(x, true)
			}
		}
	}
}

func addLanguage(a *referral.Attributes, lang string) {
	lang = strings.ToLower(lang)
	if lang != "" && !a.HasLanguage(lang) {
		a.Languages = append(a.Languages, lang)
	}
}

// keyLanguage reads NA's LANG format, whose key is the language ("ES", "FR").
func keyLanguage(d *decoded, code string) {
	if len(code) == 2 {
		addLanguage(&d.attrs, code)
	}
}

// meetingGuideMeanings is the Meeting Guide vocabulary (AA, Al-Anon and most
// fellowships publishing through the 12 Step Meeting List plugin), from
// referral.Vocabulary. Codes in meeting-guide-types.json that are missing
// there (Birthday, Outdoor, …) are known but say nothing a counselor filters
// on.
var meetingGuideMeanings = func() map[string]meaning {
	m := map[string]meaning{}
	for _, t := range referral.Vocabulary {
		for _, code := range t.MeetingGuide {
			m[code] = says(referral.AttrsOfCode(referral.MeetingGuideCodes, code))
		}
	}
	return m
}()

// retiredMeetingGuideTypes are codes real feeds still send that the spec's
// vocabulary file does not list, with their names: ONL, which the spec
// retired in 2022, and BUS, the 12 Step Meeting List's business meeting (see
// serviceCodes).
var retiredMeetingGuideTypes = map[string]map[string]string{
	"ONL": {"en": "Online", "es": "En línea"},
	"BUS": {"en": "Business", "es": "Reunión de negocios"},
}

// meetingGuideMisspellings are codes known to be typed wrong in real feeds.
var meetingGuideMisspellings = map[string]string{"ASBI": "ABSI"}

// worldIDMeanings is NA's vocabulary, keyed by the NAWS world id that BMLT
// formats carry (each server picks its own keys, the world id is shared),
// from referral.Vocabulary.
var worldIDMeanings = func() map[string]meaning {
	m := map[string]meaning{referral.NALanguageWorldID: keyLanguage}
	for _, t := range referral.Vocabulary {
		for _, w := range t.NAWorldIDs {
			m[w] = says(referral.AttrsOfWorldID(w))
		}
	}
	return m
}()

// keyMeanings add to worldIDMeanings for BMLT's standard English keys whose
// formats have no world id (ASL's SL), or mean more than it says (SD,
// speaker and discussion, has speaker's world id): the vocabulary's NA keys
// that their standard world id does not explain.
var keyMeanings = func() map[string]meaning {
	attrs := map[string][]referral.Attr{}
	for _, t := range referral.Vocabulary {
		for _, k := range t.NAKeys {
			w := standardBMLTFormats[k].worldID
			if w == referral.NALanguageWorldID || slices.Contains(referral.AttrsOfWorldID(w), t.Attr) {
				continue
			}
			attrs[k] = append(attrs[k], t.Attr)
		}
	}
	m := map[string]meaning{}
	for k, xs := range attrs {
		m[k] = says(xs)
	}
	return m
}()

// bmltFormat is one format definition of a BMLT server.
type bmltFormat struct {
	worldID string
	name    string
}

// standardBMLTFormats are the BMLT root server's standard English format keys.
// They explain NA codes that arrive without a format table: in a Meeting Guide
// or CSV export of NA groups.
var standardBMLTFormats = map[string]bmltFormat{
	"AB": {"QA", "Ask-It-Basket"}, "B": {"BEG", "Beginners"}, "BK": {"LIT", "Book Study"},
	"BL": {"", "Bi-Lingual"}, "BT": {"BT", "Basic Text"}, "C": {"CLOSED", "Closed"},
	"CH": {"", "Closed Holidays"}, "CL": {"CAN", "Candlelight"}, "CP": {"CPT", "Concepts"},
	"CS": {"", "Children under Supervision"}, "CW": {"CW", "Children Welcome"}, "D": {"DISC", "Discussion"},
	"ES": {"LANG", "Español"}, "FD": {"", "Five and Dime"}, "GL": {"GL", "Gay/Lesbian/Transgender"},
	"GP": {"GP", "Guiding Principles"}, "HY": {"HYBR", "Hybrid"}, "ID": {"", "ID Required to Enter"},
	"IL": {"", "Illness"}, "IP": {"IP", "Informational Pamphlet"}, "IW": {"IW", "It Works -How and Why"},
	"JT": {"JFT", "Just for Today"}, "LC": {"LC", "Living Clean"}, "M": {"M", "Men"},
	"ME": {"MED", "Meditation"}, "NC": {"", "No Children"}, "NS": {"", "No Smoking"},
	"O": {"OPEN", "Open"}, "OE": {"", "Open-Ended"}, "Pi": {"", "Pitch"},
	"QA": {"QA", "Question and Answer"}, "RF": {"VAR", "Rotating Format"}, "Rr": {"", "Round Robin"},
	"SC": {"", "Surveillance Cameras"}, "SD": {"SPK", "Speaker/Discussion"}, "SG": {"SWG", "Step Working Guide"},
	"SL": {"", "ASL"}, "So": {"SPK", "Speaker Only"}, "St": {"STEP", "Step"},
	"TC": {"TC", "Temporarily Closed"}, "Ti": {"", "Timer"}, "To": {"TOP", "Topic"},
	"Tr": {"TRAD", "Tradition"}, "TW": {"TRAD", "Traditions Workshop"}, "VM": {"VM", "Virtual Meeting"},
	"W": {"W", "Women"}, "WC": {"WCHR", "Wheelchair"}, "YP": {"Y", "Young People"},
}

// vocabulary turns one fellowship's codes into attributes. Codes may arrive
// misspelled, in the wrong case or as names ("Open"); canonical fixes that.
type vocabulary struct {
	meanings map[string]meaning
	// keys, when set, are BMLT format keys → world id; codes are keys.
	keys map[string]bmltFormat
	// known lists codes that exist but have no meaning here (nil for keys).
	known      map[string]map[string]string
	misspelled map[string]string
	byFold     map[string]string // lower-case code or name → code, when unambiguous
}

// lookupKey finds a BMLT key in the file's formats, else among the standard
// keys: servers list only the formats their meetings use, and an export of NA
// groups is read with the standard keys alone.
func (v *vocabulary) lookupKey(code string) (bmltFormat, bool) {
	if f, ok := v.keys[code]; ok {
		return f, true
	}
	f, ok := standardBMLTFormats[code]
	return f, ok
}

func (v *vocabulary) isKnown(code string) bool {
	if v.keys != nil {
		_, ok := v.lookupKey(code)
		return ok
	}
	_, ok := v.known[code]
	return ok || v.meanings[code] != nil
}

// canonical returns the code a feed meant, and a note when it differs.
func (v *vocabulary) canonical(code string) (string, string) {
	if v.isKnown(code) {
		return code, ""
	}
	if c, ok := v.misspelled[code]; ok {
		return c, fmt.Sprintf("type %q is a misspelling; read as %q", code, c)
	}
	if c, ok := v.byFold[strings.ToLower(code)]; ok {
		return c, fmt.Sprintf("type %q read as code %q", code, c)
	}
	return code, ""
}

// apply adds what code says to d and reports whether the code is known.
func (v *vocabulary) apply(d *decoded, code string) bool {
	if v.keys == nil {
		if m := v.meanings[code]; m != nil {
			m(d, code)
		}
		return v.isKnown(code)
	}
	f, ok := v.lookupKey(code)
	if !ok {
		return false
	}
	if m := v.meanings[f.worldID]; m != nil {
		m(d, code)
	}
	if m := keyMeanings[code]; m != nil {
		m(d, code)
	}
	return true
}

// name returns a code's name in lang, falling back to English.
func (v *vocabulary) name(code, lang string) (string, bool) {
	if v.keys != nil {
		f, ok := v.lookupKey(code)
		return f.name, ok && f.name != ""
	}
	names, ok := v.known[code]
	if !ok {
		return "", false
	}
	if n := names[lang]; n != "" {
		return n, true
	}
	return names["en"], names["en"] != ""
}

// index fills byFold so codes in the wrong case and names read as codes.
// A fold shared by two codes (BMLT's "SD" and a server's "Sd") is left out.
func (v *vocabulary) index() *vocabulary {
	v.byFold = map[string]string{}
	ambiguous := map[string]bool{}
	add := func(fold, code string) {
		if fold == "" || ambiguous[fold] {
			return
		}
		if c, ok := v.byFold[fold]; ok && c != code {
			delete(v.byFold, fold)
			ambiguous[fold] = true
			return
		}
		v.byFold[fold] = code
	}
	codes := func(yield func(code, name string)) {
		if v.keys != nil {
			for k, f := range v.keys {
				yield(k, f.name)
			}
			return
		}
		for k, names := range v.known {
			yield(k, names["en"])
		}
	}
	codes(func(code, _ string) { add(strings.ToLower(code), code) })
	codes(func(code, name string) {
		if _, isCode := v.byFold[strings.ToLower(name)]; !isCode {
			add(strings.ToLower(name), code)
		}
	})
	return v
}

var meetingGuideVocabulary = sync.OnceValue(func() *vocabulary {
	known := map[string]map[string]string{}
	for code, names := range assets.MeetingGuideTypes() {
		known[code] = names
	}
	for code, names := range retiredMeetingGuideTypes {
		known[code] = names
	}
	return (&vocabulary{meanings: meetingGuideMeanings, known: known, misspelled: meetingGuideMisspellings}).index()
})

var standardNAVocabulary = sync.OnceValue(func() *vocabulary {
	return bmltVocabulary(standardBMLTFormats)
})

func bmltVocabulary(keys map[string]bmltFormat) *vocabulary {
	return (&vocabulary{meanings: worldIDMeanings, keys: keys}).index()
}

// vocabularyFor picks the vocabulary of a program's codes: NA speaks BMLT
// format keys, every other fellowship Meeting Guide codes.
func vocabularyFor(p referral.Program) *vocabulary {
	if p == referral.ProgramNA {
		return standardNAVocabulary()
	}
	return meetingGuideVocabulary()
}

// TypeName returns the name of a program's type code in a language ("en",
// "es", …), falling back to English, for legends. NA codes are BMLT's
// standard English keys and have English names only.
func TypeName(p referral.Program, code, lang string) (string, bool) {
	return vocabularyFor(p).name(code, lang)
}

// decode canonicalises a record's codes (dropping repeats) and reads
// what they say. It returns the codes to keep, notes on repairs and the codes
// nobody knows.
func (v *vocabulary) decode(raw []string) (codes []string, d decoded, notes, unknown []string) {
	for _, c := range raw {
		if c == "" {
			continue
		}
		c, note := v.canonical(c)
		if note != "" {
			notes = append(notes, note)
		}
		if slices.Contains(codes, c) {
			continue
		}
		codes = append(codes, c)
		if !v.apply(&d, c) {
			unknown = append(unknown, c)
		}
	}
	// A fixed order, so equal groups compare equal whatever order the codes came in.
	slices.Sort(d.attrs.Languages)
	slices.SortFunc(d.attrs.Formats, func(a, b referral.Format) int {
		return slices.Index(referral.Formats, a) - slices.Index(referral.Formats, b)
	})
	return codes, d, notes, unknown
}
