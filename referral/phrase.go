package referral

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Phrase is a sentence of the domain as a code with parameters: why a group
// fits (Candidate.Reasons), what to check before going (Candidate.Cautions),
// what a looser need would add (Widening) and what is wrong with the needs
// (Problem.Phrase from Needs.Validate). The domain holds no words for them:
// whoever shows a phrase words it in its reader's language — the window in
// English or Spanish, the command line in English — from one set of
// templates, one per code, that name the same parameters (PhraseParams).
//
// Args holds every parameter PhraseParams names for the code, by name, as a
// value the reader words itself, never as English:
//
//   - Phrase: a phrase inside the phrase, worded first
//   - time.Weekday, TimeBand: a day, a part of the day
//   - []time.Weekday, []TimeBand: days or parts of the day, any one of them
//     ("Tuesday or Thursday")
//   - Approach: the approach as an adjective ("secular")
//   - []Substance: substances, all of them ("opioid and stimulant")
//   - Program, []Program: a fellowship's own name, which no language
//     translates ("NA", "SMART Recovery and LifeRing")
//   - Language: a language, by its ISO 639 code
//   - Distance: how far the client travels, to a tenth of a mile
//   - Radius: a distance the counselor set, as set ("10", "2.5")
//   - Decimal: any other number with a fraction, as given ("91.25")
//   - time.Time: a date
//   - int: a number as it is; a parameter named Count also chooses the
//     phrase's plural form ("1 does", "2 do")
//   - string: shown as it is — a place as typed, a time-zone name, a value
//     the counselor gave (quoted)
type Phrase struct {
	Code string
	Args map[string]any
}

// Distance is how far the client travels, in miles, in a Phrase: worded to
// a tenth of a mile ("2.0").
type Distance float64

// Radius is a distance in miles the counselor set, in a Phrase: worded as
// set, with no trailing zeros ("10", "2.5").
type Radius float64

// Decimal is a number with a fraction in a Phrase that is neither a
// Distance nor a Radius (a latitude, a file's size): worded as given, with
// the reader's decimal mark ("91.25", "91,25").
type Decimal float64

// Language is a language in a Phrase, by its ISO 639 code ("es", "hmn"),
// worded by its name ("Spanish"; an unknown code as the code).
type Language string

// say builds a phrase from its code and the name and value of each
// parameter in turn.
func say(code string, nameValues ...any) Phrase {
	p := Phrase{Code: code}
	if len(nameValues) > 0 {
		p.Args = make(map[string]any, len(nameValues)/2)
		for i := 0; i+1 < len(nameValues); i += 2 {
			p.Args[nameValues[i].(string)] = nameValues[i+1]
		}
	}
	return p
}

// IsZero reports whether p says nothing: a Problem a caller wrote without
// a code.
func (p Phrase) IsZero() bool { return p.Code == "" }

// Equal reports whether two phrases say the same thing: same code, same
// parameters.
func (p Phrase) Equal(q Phrase) bool {
	return p.Code == q.Code && len(p.Args) == len(q.Args) && reflect.DeepEqual(p.Args, q.Args)
}

// String is the phrase as code and parameters, for logs and tests:
// "reason.when{Band=evening Day=Tuesday}". It is no one's wording.
func (p Phrase) String() string {
	if len(p.Args) == 0 {
		return p.Code
	}
	var b strings.Builder
	b.WriteString(p.Code)
	b.WriteByte('{')
	for i, k := range slices.Sorted(maps.Keys(p.Args)) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k)
		b.WriteByte('=')
		switch v := p.Args[k].(type) {
		case time.Time:
			b.WriteString(v.Format(time.DateOnly))
		case Distance:
			fmt.Fprintf(&b, "%.1f", float64(v))
		default:
			fmt.Fprint(&b, v)
		}
	}
	b.WriteByte('}')
	return b.String()
}

// PhraseParams returns every code Match and Needs.Validate emit, each with
// the names of the parameters its phrases carry (all of them, always). A
// reader's templates must word each code with exactly these parameters.
func PhraseParams() map[string][]string {
	out := make(map[string][]string, len(phraseParams))
	for code, ps := range phraseParams {
		out[code] = slices.Clone(ps)
	}
	return out
}

// phraseParams is the catalogue of PhraseParams. The parameters of each
// code are listed in the order its English template uses them.
var phraseParams = map[string][]string{
	// Why a group fits, in the order Match gives them.
	"reason.when":             {"Day", "Band"}, // a fitting session, as the client reads it
	"reason.day":              {"Day"},         // one in none of the bands the client chose
	"reason.online":           nil,
	"reason.in_place":         {"Place"},
	"reason.in_place_miles":   {"Place", "Miles"},
	"reason.miles_or_online":  {"Miles"},
	"reason.miles":            {"Miles"},
	"reason.family":           nil,
	"reason.open_to_family":   nil,
	"reason.mar":              nil,
	"reason.built_for":        {"Program", "Substances"},
	"reason.language":         {"Language"},
	"reason.women":            nil,
	"reason.men":              nil,
	"reason.lgbtq":            nil,
	"reason.young":            nil,
	"reason.wheelchair":       nil,
	"reason.asl":              nil,
	"reason.childcare":        nil,
	"reason.medication":       nil,
	"reason.approach.12-step": nil,
	"reason.approach.secular": nil,
	"reason.approach.faith":   nil,
	"reason.newcomers":        nil,
	"reason.open":             nil,
	"reason.checked":          {"Date"},

	// What to check before going, most important first (see Candidate).
	"caution.zone_unknown":        nil,
	"caution.local_times":         {"Zone"},
	"caution.open_or_closed":      nil,
	"caution.women_or_men":        nil,
	"caution.medication_unknown":  nil,
	"caution.approach_unknown":    {"Asked"},
	"caution.approach_other":      {"Has", "Asked"}, // Has: a reason.approach.* phrase
	"caution.address_approximate": nil,
	"caution.placed_by_zip":       nil,
	"caution.stale":               {"Year"},
	"caution.listed_unknown":      nil,

	// Widening: a head saying how few groups fit, then what a looser need adds.
	"widen.head.fit.none":         {"Scope"},
	"widen.head.fit":              {"Count", "Scope"},
	"widen.head.meet.none":        {"Scope", "When"},
	"widen.head.meet":             {"Count", "Scope", "When"},
	"widen.when.days":             {"Days"},
	"widen.when.bands":            {"Bands"},
	"widen.when.days_bands":       {"Days", "Bands"},
	"widen.scope.miles":           {"Miles"},
	"widen.scope.miles_or_online": {"Miles"},
	"widen.scope.online":          nil,
	"widen.scope.place":           {"Place"},
	"widen.scope.place_or_online": {"Place"},
	"widen.distance":              {"Head", "Count", "Miles"},
	"widen.distance_or_online":    {"Head", "Count", "Miles"},
	"widen.any_time":              {"Head", "Count"},
	"widen.online":                {"Head", "Count"},
	"widen.either":                {"Head", "Count"},
	"widen.open_to_all":           {"Head", "Count"},
	"widen.approach":              {"Approach", "Programs"},

	// What is wrong with the needs (Needs.Validate).
	"needs.for":             nil,
	"needs.substance":       {"Value", "More"},
	"needs.attend":          {"Value"},
	"needs.place_long":      {"Max"},
	"needs.place_letters":   {"Value"},
	"needs.zip_unplaced":    {"ZIP"},
	"needs.origin_missing":  nil,
	"needs.origin_off_map":  {"Where"},
	"needs.miles":           {"Max", "Got"},
	"needs.weekday":         {"Value", "More"},
	"needs.band":            {"Value", "More"},
	"needs.gender":          {"Value"},
	"needs.women_and_men":   nil,
	"needs.women_for_man":   nil,
	"needs.men_for_woman":   nil,
	"needs.women_for_other": nil,
	"needs.men_for_other":   nil,
	"needs.language":        {"Value", "More"},
	"needs.approach":        {"Value"},
	"needs.moud_family":     nil,
	"needs.limit":           {"Max", "Got"},

	// What is wrong with a group (Group.Validate) and its sessions.
	"group.name":          nil,
	"group.program":       nil,
	"group.program_blank": nil,
	"group.program_long":  {"Got", "Max"},
	"group.zone":          {"Value"},
	"group.attendance":    {"Value"},
	"group.latitude":      {"Value"},
	"group.longitude":     {"Value"},
	"group.link":          {"Value"},
	"group.phone":         {"Value"},
	"group.email":         {"Value"},
	"group.medication":    nil,
	"session.weekday":     {"Value"},
	"session.start":       nil,
	"session.end":         nil,
	"session.end_before":  {"End", "Start"},

	// What is wrong with a follow-up (Referral.Validate of its FollowUp).
	"followup.went":               nil,
	"followup.welcome":            nil,
	"followup.group_referred":     nil,
	"followup.group_went":         nil,
	"followup.welcome_went":       nil,
	"followup.medication_went":    nil,
	"followup.medication_welcome": nil,
	"followup.notes_long":         {"Max"},

	// What is wrong with the settings (Settings.Validate).
	"settings.name_long":      {"Got", "Max"},
	"settings.address_long":   {"Got", "Max"},
	"settings.website_long":   {"Got", "Max"},
	"settings.phone_long":     {"Got", "Max"},
	"settings.website":        {"Value"},
	"settings.phone":          {"Value"},
	"settings.logo_kind":      nil,
	"settings.logo_size":      {"Size"},
	"settings.counselor_long": {"Max"},
	"settings.miles":          {"Max", "Got"},
	"settings.sheet_lang":     {"Value"},
	"settings.paper":          {"Value"},
	"settings.retention":      {"Max", "Got"},
	"settings.clinic_zone":    {"Value"},
	"settings.feed_zone":      {"Value"},
	"settings.refresh":        {"Max", "Got"},
}
