package referral

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// For says who will go to the groups: the client, or someone close to them.
type For string

const (
	ForSelf   For = "self"   // the person who uses; "" reads as ForSelf
	ForFamily For = "family" // a family member or friend → family fellowships
)

// AttendWanted is how the client can take part.
type AttendWanted string

const (
	AttendEither   AttendWanted = "any" // "" reads as AttendEither
	AttendInPerson AttendWanted = "in-person"
	AttendOnline   AttendWanted = "online"
)

// Gender is the gender of the person who will attend. It is asked only so that
// nobody is sent to a group restricted to another gender.
type Gender string

const (
	GenderUnspecified Gender = ""
	GenderWoman       Gender = "woman"
	GenderMan         Gender = "man"
	GenderOther       Gender = "other"
)

// Substances lists the substances in menu order: opioids first, because
// opiate addiction treatment is where most referrals start.
var Substances = []Substance{SubstanceOpioids, SubstanceAlcohol, SubstanceStimulants, SubstanceCannabis, SubstanceOther}

// Distance and list bounds.
const (
	MaxMiles     = 500 // beyond this "in person" stops meaning anything
	DefaultLimit = 5   // fits one printed page
	// MaxLimit bounds a match. The window offers a short list (at most 10)
	// and a sheet prints MaxSheetGroups; the command line may ask for more,
	// to review or export a wider list. It also keeps an unvalidated limit
	// from asking for the whole directory.
	MaxLimit = 100
	// DefaultMiles is the distance Match's widening assumes when it tries
	// "in person or online" for an online-only client who gave no distance.
	DefaultMiles = 10
)

// Needs is what the counselor records for one client. The zero value plus an
// Origin and MaxMiles is a valid "anything nearby" request.
type Needs struct {
	For        For
	Substances []Substance
	// ZIP is the code as the counselor typed it, kept for messages; Origin is
	// where it is, resolved by the caller (referral/geo) because the domain
	// holds no map data. Origin may be nil only when Attend is AttendOnline.
	ZIP      string
	Origin   *Point
	MaxMiles float64 // how far the client can travel, in miles: (0, 500]
	// Place is a city, town or region the client can get to, for when there
	// is no US ZIP or the listings there have no map location: its in-person
	// groups are offered whatever their distance (see PlaceKey).
	Place string

	// Days the client can go; empty means any day. A command line given
	// "--days" with nothing after it must report a usage error, not pass an
	// empty list that would read as "any day".
	Days   []time.Weekday
	Times  []TimeBand // times of day; empty means any time
	Attend AttendWanted

	Gender    Gender
	WomenOnly bool // the client wants only women's groups (hard)
	MenOnly   bool // the client wants only men's groups (hard)

	LGBTQ       bool     // prefers LGBTQ+ groups (soft)
	YoungPeople bool     // prefers young people's groups (soft)
	Languages   []string // ISO 639-1 codes every offered group must be held in (hard)
	// PreferLang is the clinic's sheet language: when the client names no
	// Languages, groups held in it rank above groups held only in another
	// (soft). "" prefers none.
	PreferLang Lang
	Wheelchair bool // hard
	ASL        bool // hard
	Childcare  bool // hard

	MOUD     bool     // takes medication for opioid use disorder (methadone, buprenorphine, naltrexone)
	Approach Approach // ApproachAny for no preference
	Limit    int      // how many groups to list; 0 means DefaultLimit

	// ClinicZone is where the client lives and the clinic works: the days
	// and times of a group joined online are read in it (one attended in
	// person is read on its own clock). The caller sets it from
	// Settings.ClinicZone; nil reads as UTC.
	ClinicZone *time.Location
}

// TimeBand is a part of the day a meeting may start in, as TSML-UI defines
// them. The bands overlap by an hour, and a start time inside an overlap
// belongs to both.
type TimeBand string

const (
	Morning TimeBand = "morning" // 04:00–11:59
	Midday  TimeBand = "midday"  // 11:00–16:59
	Evening TimeBand = "evening" // 16:00–20:59
	Night   TimeBand = "night"   // 20:00–04:59
)

// TimeBands lists the bands in the order of the day.
var TimeBands = []TimeBand{Morning, Midday, Evening, Night}

// hours is the band as whole hours [from, to), to past 24 when it wraps past
// midnight. Every TSML-UI band starts and ends on the hour, which lets the
// matcher keep a group's schedule as a bitmap of hours of the week.
func (b TimeBand) hours() (from, to int, ok bool) {
	switch b {
	case Morning:
		return 4, 12, true
	case Midday:
		return 11, 17, true
	case Evening:
		return 16, 21, true
	case Night:
		return 20, 29, true
	}
	return 0, 0, false
}

// Contains reports whether a meeting starting at c starts in the band.
// Clocks past 24:00 are folded into the day; NoTime is in no band.
func (b TimeBand) Contains(c Clock) bool {
	from, to, ok := b.hours()
	if !ok || c < 0 {
		return false
	}
	m := int(c) % (24 * 60)
	if m < from*60 {
		m += 24 * 60
	}
	return m < to*60
}

// BandsOf returns every band a start time belongs to, in day order.
func BandsOf(c Clock) []TimeBand {
	var bs []TimeBand
	for _, b := range TimeBands {
		if b.Contains(c) {
			bs = append(bs, b)
		}
	}
	return bs
}

// ParseTimeBand reads a band name, ignoring case.
func ParseTimeBand(s string) (TimeBand, bool) {
	b := TimeBand(strings.ToLower(strings.TrimSpace(s)))
	_, _, ok := b.hours()
	return b, ok
}

// ParseWeekday reads an English day name or its first three letters
// ("tue", "Tuesday"), ignoring case.
func ParseWeekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 {
		return 0, false
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if s == name || s == name[:3] {
			return d, true
		}
	}
	return 0, false
}

func (n Needs) forWhom() For {
	if n.For == "" {
		return ForSelf
	}
	return n.For
}

func (n Needs) attend() AttendWanted {
	if n.Attend == "" {
		return AttendEither
	}
	return n.Attend
}

// limit is how many candidates Match lists: DefaultLimit for 0, clamped to
// [1, MaxLimit] so an unvalidated value cannot ask for the whole directory.
func (n Needs) limit() int {
	switch {
	case n.Limit == 0:
		return DefaultLimit
	case n.Limit < 1:
		return 1
	case n.Limit > MaxLimit:
		return MaxLimit
	}
	return n.Limit
}

// Validate reports every problem with the needs in one EINVALID error that
// names each need, or nil. Match assumes valid needs. Each problem carries
// its sentence twice: Message in English, for the error's text and the
// command line, and Phrase, for a window that words it in its language.
func (n Needs) Validate() error {
	var ps []Problem
	add := func(field string, ph Phrase, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Message: fmt.Sprintf(format, args...), Phrase: ph})
	}
	switch n.For {
	case "", ForSelf, ForFamily:
	default:
		add("For", say("needs.for"),
			"choose who the groups are for: the client (self) or a family member or friend (family)")
	}
	if i, more := firstBad(n.Substances, isSubstance); i >= 0 {
		v := Quote(string(n.Substances[i]))
		add(fmt.Sprintf("Substances[%d]", i), say("needs.substance", "Value", v, "More", more),
			"substance %s is unknown%s; use opioids, alcohol, stimulants, cannabis or other", v, andMore(more))
	}
	switch n.Attend {
	case "", AttendEither, AttendInPerson, AttendOnline:
	default:
		v := Quote(string(n.Attend))
		add("Attend", say("needs.attend", "Value", v), "attendance %s must be in-person, online or any", v)
	}
	inPerson := n.attend() != AttendOnline
	switch place := strings.TrimSpace(n.Place); {
	case utf8.RuneCountInString(place) > MaxPlace:
		add("Place", say("needs.place_long", "Max", MaxPlace),
			"the place is too long (at most %d letters); give a city, town or region", MaxPlace)
	case n.Place != "" && PlaceKey(place) == "":
		v := Quote(n.Place)
		add("Place", say("needs.place_letters", "Value", v), "the place %s has no letters; give a city, town or region", v)
	}
	if inPerson && n.Origin == nil && n.Place == "" {
		if n.ZIP != "" {
			add("Origin", say("needs.zip_unplaced", "ZIP", n.ZIP), "ZIP %s has not been placed on the map yet; look it up again", n.ZIP)
		} else {
			add("Origin", say("needs.origin_missing"),
				"enter the client's ZIP code (or a town) to find groups nearby, or ask for online groups only")
		}
	}
	if o := n.Origin; o != nil && !(o.Lat >= -90 && o.Lat <= 90 && o.Lon >= -180 && o.Lon <= 180) {
		where := fmt.Sprintf("%v,%v", o.Lat, o.Lon)
		add("Origin", say("needs.origin_off_map", "Where", where), "the client's location %s is not on the map", where)
	}
	// A place without a ZIP has no distance to bound.
	if (inPerson && (n.Origin != nil || n.Place == "")) || n.MaxMiles != 0 {
		if !(n.MaxMiles > 0 && n.MaxMiles <= MaxMiles) {
			got := fmt.Sprint(n.MaxMiles) // the number as given, whatever it is
			add("MaxMiles", say("needs.miles", "Max", MaxMiles, "Got", got),
				"distance must be more than 0 and at most %d miles (got %s)", MaxMiles, got)
		}
	}
	if i, more := firstBad(n.Days, func(d time.Weekday) bool { return d >= time.Sunday && d <= time.Saturday }); i >= 0 {
		add(fmt.Sprintf("Days[%d]", i), say("needs.weekday", "Value", int(n.Days[i]), "More", more),
			"weekday %d is unknown%s; use Sunday to Saturday", int(n.Days[i]), andMore(more))
	}
	if i, more := firstBad(n.Times, func(b TimeBand) bool { _, _, ok := b.hours(); return ok }); i >= 0 {
		v := Quote(string(n.Times[i]))
		add(fmt.Sprintf("Times[%d]", i), say("needs.band", "Value", v, "More", more),
			"time of day %s must be morning, midday, evening or night%s", v, andMore(more))
	}
	ps = append(ps, n.audienceProblems()...)
	if i, more := firstBad(n.Languages, isLanguageCode); i >= 0 {
		v := Quote(n.Languages[i])
		add(fmt.Sprintf("Languages[%d]", i), say("needs.language", "Value", v, "More", more),
			"language %s must be a 2- or 3-letter code such as es or en%s", v, andMore(more))
	}
	switch n.Approach {
	case ApproachAny, ApproachTwelveStep, ApproachSecular, ApproachFaith:
	default:
		v := Quote(string(n.Approach))
		add("Approach", say("needs.approach", "Value", v), "approach %s must be 12-step, secular, faith or no preference", v)
	}
	if n.MOUD && n.forWhom() == ForFamily {
		add("MOUD", say("needs.moud_family"),
			"medication for opioid use disorder is asked about the client; leave it off when the groups are for a family member")
	}
	if n.Limit < 0 || n.Limit > MaxLimit {
		add("Limit", say("needs.limit", "Max", MaxLimit, "Got", n.Limit), "list between 1 and %d groups (got %d)", MaxLimit, n.Limit)
	}
	sortProblems(ps)
	return invalid("This referral", ps)
}

// firstBad is the index of the first item of list that is not ok, or -1,
// and how many more are not: a list pasted or typed wrong is one problem,
// not one for each of its thousand items.
func firstBad[T any](list []T, ok func(T) bool) (first, more int) {
	first = -1
	for i, x := range list {
		switch {
		case ok(x):
		case first < 0:
			first = i
		default:
			more++
		}
	}
	return first, more
}

// andMore says how many more items of a list are wrong as well.
func andMore(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (and %d more)", n)
}

// audienceProblems catches wishes that contradict each other: they would
// silently leave no group at all.
func (n Needs) audienceProblems() []Problem {
	var ps []Problem
	add := func(field string, ph Phrase, msg string) {
		ps = append(ps, Problem{Field: field, Message: msg, Phrase: ph})
	}
	switch n.Gender {
	case GenderUnspecified, GenderWoman, GenderMan, GenderOther:
	default:
		v := Quote(string(n.Gender))
		add("Gender", say("needs.gender", "Value", v), fmt.Sprintf("gender %s must be woman, man, other or left blank", v))
	}
	switch {
	case n.WomenOnly && n.MenOnly:
		add("WomenOnly", say("needs.women_and_men"), "choose women-only or men-only groups, not both")
	case n.WomenOnly && n.Gender == GenderMan:
		add("WomenOnly", say("needs.women_for_man"),
			"women-only groups cannot be offered to a man; untick women-only or change the gender")
	case n.MenOnly && n.Gender == GenderWoman:
		add("MenOnly", say("needs.men_for_woman"),
			"men-only groups cannot be offered to a woman; untick men-only or change the gender")
	case n.WomenOnly && n.Gender == GenderOther:
		add("WomenOnly", say("needs.women_for_other"),
			"women-only groups are not offered when the gender is other; untick women-only or change the gender")
	case n.MenOnly && n.Gender == GenderOther:
		add("MenOnly", say("needs.men_for_other"),
			"men-only groups are not offered when the gender is other; untick men-only or change the gender")
	}
	return ps
}

func isSubstance(s Substance) bool {
	for _, x := range Substances {
		if x == s {
			return true
		}
	}
	return false
}

func isLanguageCode(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
