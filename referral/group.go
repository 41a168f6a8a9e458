package referral

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// SourceManual is the Source of groups typed in by hand rather than imported.
const SourceManual = "manual"

// Group is one support group as a directory lists it: a recurring weekly
// gathering (Meeting Guide calls it a "meeting").
//
// Everything but Curation comes from the directory and is replaced by the next
// import of that source; Curation is the clinic's own and is kept apart, keyed by
// the group (GroupKey), so a refresh never erases it.
type Group struct {
	ID       int64     // local id, assigned by the store
	Source   string    // feed name, or SourceManual
	SourceID string    // the feed's slug or id; unique within Source
	Updated  time.Time // when the feed last changed the listing; zero if unknown

	Name     string
	Program  Program
	Sessions []Session
	TimeZone string // IANA name, e.g. "America/New_York"

	Attendance Attendance
	Place      Place
	Online     OnlineAccess
	Attributes Attributes
	Types      []string // the feed's raw type codes, kept for round trips
	Notes      string   // the listing's own notes (not the counselor's)
	Contact    Contact
	// Service marks a service meeting: a business, district, area,
	// intergroup or committee meeting where members run the fellowship. It
	// stays in the directory and is never offered to a client (see
	// ServiceName; an import sets it from the listing's types and name).
	Service bool

	// Curation is what the clinic knows of the group: each field as this
	// desk set it, else as Published has it (see MergeCuration).
	Curation Curation
	// Published is the curation the group's source itself carries, with
	// From naming the source: a clinic network's directory exported with
	// its curation by the desk that curates it, which the other desks
	// import or subscribe to. Zero when the source carries none. Every
	// import of the source replaces it; this desk's own fields in Curation
	// are never touched by one.
	Published Curation
}

// Session is one weekly time a group meets. Start and End are minutes after
// midnight of Day; End may pass 24:00 for a meeting that runs past midnight, and
// is NoTime when the directory does not say.
type Session struct {
	Day   time.Weekday
	Start Clock
	End   Clock
}

// Clock is a time of day in minutes after midnight.
type Clock int

// NoTime marks a missing time of day.
const NoTime Clock = -1

// ParseClock reads "HH:MM" (24-hour). "24:00" is accepted as the end of a day.
func ParseClock(s string) (Clock, error) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return NoTime, fmt.Errorf("time %q is not HH:MM", s)
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil {
		return NoTime, fmt.Errorf("time %q is not HH:MM", s)
	}
	if h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return NoTime, fmt.Errorf("time %q is not a time of day", s)
	}
	return Clock(h*60 + m), nil
}

// String formats the clock as "HH:MM", folding times past midnight back into
// the day; NoTime is "".
func (c Clock) String() string {
	if c < 0 {
		return ""
	}
	c %= 24 * 60
	return fmt.Sprintf("%02d:%02d", c/60, c%60)
}

// Attendance says how people take part in a group.
type Attendance string

const (
	InPerson Attendance = "in_person"
	Online   Attendance = "online"
	Hybrid   Attendance = "hybrid"
	Inactive Attendance = "inactive"
)

// Attendances lists the attendance values in menu order.
var Attendances = []Attendance{InPerson, Online, Hybrid, Inactive}

// DeriveAttendance is how the Meeting Guide ecosystem decides attendance when a
// feed gives no attendance_option: a group is online when it has a conference
// URL or phone, and in person when it is not temporarily closed (TC) and its
// address is not approximate. Neither makes it inactive.
func DeriveAttendance(hasOnline, temporarilyClosed, approximate bool) Attendance {
	inPerson := !temporarilyClosed && !approximate
	switch {
	case hasOnline && inPerson:
		return Hybrid
	case hasOnline:
		return Online
	case inPerson:
		return InPerson
	default:
		return Inactive
	}
}

// MeetsInPerson reports whether people can go to the place.
func (a Attendance) MeetsInPerson() bool { return a == InPerson || a == Hybrid }

// MeetsOnline reports whether people can join by link or phone.
func (a Attendance) MeetsOnline() bool { return a == Online || a == Hybrid }

// Point is a place on Earth in WGS84 degrees.
type Point struct {
	Lat, Lon float64
}

// Place is where a group meets in person.
type Place struct {
	Location    string // the venue's name, e.g. "St. Mark's Church"
	Address     string // street address
	City        string
	State       string
	PostalCode  string
	Country     string
	Coords      *Point // nil when the directory gives no coordinates
	Approximate bool   // the address is only a town or an "affinity" place
	// CoordsFromZIP: the directory gave no coordinates, so Coords is the
	// ZIP's Census point: good for a distance, not for a door.
	CoordsFromZIP bool
	Notes         string // landmark and entrance notes
	Regions       []string
}

// Pinned reports whether Coords are the meeting place itself, not a town
// centre, an online group's "affinity" place or a ZIP's Census point.
func (p Place) Pinned() bool { return p.Coords != nil && !p.Approximate && !p.CoordsFromZIP }

// Line is the place on one line, its set parts joined: "St. Mark's, 1625
// Locust St, Philadelphia, PA 19103".
func (p Place) Line() string {
	city := strings.Join(nonBlank(p.City, strings.TrimSpace(p.State+" "+p.PostalCode)), ", ")
	return strings.Join(nonBlank(p.Location, p.Address, city), ", ")
}

func nonBlank(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// OnlineAccess is how to join a group from afar.
type OnlineAccess struct {
	URL        string
	URLNotes   string
	Phone      string
	PhoneNotes string
}

// Has reports whether there is any way to join from afar.
func (o OnlineAccess) Has() bool { return o.URL != "" || o.Phone != "" }

// Openness says who may attend: anyone (open) or only people who share the
// group's problem (closed).
type Openness string

const (
	OpennessUnknown Openness = ""
	Open            Openness = "open"
	Closed          Openness = "closed"
	// OpenAndClosed: the listing says both. Which is true is unknown, so
	// Match reads it the safer way, as closed (not for a family member), and
	// cautions to call ahead; an export says both again.
	OpenAndClosed Openness = "open_and_closed"
)

// Audience is who a group is restricted to, if anyone.
type Audience string

const (
	Everyone  Audience = ""
	WomenOnly Audience = "women"
	MenOnly   Audience = "men"
	// WomenAndMen: the listing says both women only and men only. Neither
	// restriction is trusted (Match offers the group to anyone, with a
	// caution, and to no one who asked for a women's or men's group); an
	// export says both again.
	WomenAndMen Audience = "women_and_men"
)

// Format is what happens at a meeting.
type Format string

const (
	FormatSpeaker    Format = "speaker"
	FormatDiscussion Format = "discussion"
	FormatStep       Format = "step"
	FormatLiterature Format = "literature"
	FormatMeditation Format = "meditation"
)

// Formats lists the formats in legend order.
var Formats = []Format{FormatSpeaker, FormatDiscussion, FormatStep, FormatLiterature, FormatMeditation}

// Attributes are what a counselor asks about a group, in plain terms rather than
// feed codes.
type Attributes struct {
	Openness    Openness
	Audience    Audience
	LGBTQ       bool
	YoungPeople bool
	Seniors     bool
	Secular     bool
	Newcomer    bool     // welcoming to newcomers, beginners' meeting
	Languages   []string // ISO 639-1 codes such as "en", "es"; empty means not stated
	Wheelchair  bool
	ASL         bool
	Childcare   bool // child-friendly or childcare available
	Formats     []Format
}

// Words returns the attributes as short plain English words, in the order
// of Attrs, for lists and the command line: the Vocabulary's words, and
// "language: xx" for a language it lacks.
func (a Attributes) Words() []string {
	var w []string
	for _, x := range a.Attrs() {
		if t, ok := TermOf(x); ok {
			w = append(w, t.Word)
		} else if l, ok := x.Language(); ok {
			w = append(w, "language: "+l)
		} else if f, ok := x.Format(); ok {
			w = append(w, string(f))
		}
	}
	return w
}

// HasLanguage reports whether the group is held in language code lang.
func (a Attributes) HasLanguage(lang string) bool {
	for _, l := range a.Languages {
		if strings.EqualFold(l, lang) {
			return true
		}
	}
	return false
}

// HasFormat reports whether the group lists format f.
func (a Attributes) HasFormat(f Format) bool {
	for _, x := range a.Formats {
		if x == f {
			return true
		}
	}
	return false
}

// Contact is who runs a group and how to reach them.
type Contact struct {
	Entity      string // the group or intergroup name
	Phone       string
	Email       string
	Website     string
	FeedbackURL string
}

// MedicationFriendly is the clinic's knowledge of whether people taking
// methadone or buprenorphine are welcome to take part.
type MedicationFriendly string

const (
	MedicationUnknown MedicationFriendly = "unknown"
	MedicationYes     MedicationFriendly = "yes"
	MedicationNo      MedicationFriendly = "no"
)

// Curation is what the clinic itself knows about a group. It is stored apart from
// the directory's data and survives every refresh of the feed.
type Curation struct {
	MedicationFriendly MedicationFriendly // "" reads as MedicationUnknown
	VerifiedOn         time.Time          // date the clinic last checked the listing; zero if never
	Notes              string             // counselor notes
	Hidden             bool               // never suggest this group
	// From is "" for this desk's own curation, else the source whose
	// publisher curated it (Group.Published). In Group.Curation, which
	// merges the two, it names the publisher when any field shown is the
	// publisher's (see MergeCuration).
	From string
}

// Medication returns the curated value with "" read as unknown.
func (c Curation) Medication() MedicationFriendly {
	if c.MedicationFriendly == "" {
		return MedicationUnknown
	}
	return c.MedicationFriendly
}

// GroupFilter selects groups from the directory. Zero values select everything
// active and visible.
//
// Text is a search. Every word typed must begin a word of the group's name,
// place (location, address, city, regions), program names or notes, case and
// accents ignored: "nino" finds "Niño", "st john" finds "St. John's". A word
// with punctuation inside is read as the words it joins, joined, and begins
// words of the group's that punctuation joins as well: "o'brien" (and
// "obrien") finds "O'Brien" and "O'Briens", not "Brien O"; "alanon" finds
// "Al-Anon"; "john's" finds "St.John's" (see SearchIndex). With
// Text, FindGroups ranks what it finds, because a counselor typing a name
// wants that group, not the many that meet on its street:
//  1. groups whose name holds every word;
//  2. then groups whose name and place hold them, some word only in the
//     place ("St. Mark's Hope" at St. John's Church, for "st john");
//  3. then the rest, found through program names or notes.
//
// Each rank is in name order, as the list is without Text; Offset and Limit
// page through the ranks as one list. TextHits says where a group of the
// second or third rank holds the words.
type GroupFilter struct {
	Text            string // words matched against name, place, program, notes (see above)
	Program         Program
	Attendance      Attendance
	Weekday         *time.Weekday
	Source          string
	IncludeHidden   bool
	IncludeInactive bool
	// UpdatedBefore, when not zero, selects only the listings whose source
	// last changed them before it (Updated); a listing whose source gives no
	// date is not selected, since nothing says it is old.
	UpdatedBefore time.Time
	// Limit 0 means no limit. An Offset at or past the last match reads no
	// group, only the total: the cheap way to count.
	Offset, Limit int
}

// SearchField is a part of a group, other than its name, that a Directory
// search (GroupFilter.Text) looks in. The constants are in the order
// TextHits names them: the place first, as it ranks first.
type SearchField string

const (
	SearchLocation   SearchField = "location"   // Place.Location
	SearchAddress    SearchField = "address"    // Place.Address
	SearchCity       SearchField = "city"       // Place.City
	SearchRegions    SearchField = "regions"    // Place.Regions
	SearchProgram    SearchField = "program"    // the program's names and aliases
	SearchDirections SearchField = "directions" // Place.Notes
	SearchNotes      SearchField = "notes"      // the listing's own Notes
)

// TextHit is a field of a group that holds words of a search.
type TextHit struct {
	Field SearchField
	// Text is the field as the group has it; regions and program names
	// are joined with ", ".
	Text string
	// At is where in Text the first word found there begins (a byte
	// offset, at the start of the space-separated part holding it), so a
	// long note can be shown from the word on.
	At int
}

// TextHits says why a search for text found g when its name alone does not:
// the fields besides the name that hold a word of text the name lacks, in
// the order of the SearchField constants. It is nil when the name holds
// every word (the group ranks first and its name says why), and when text
// has no word. A field holding only words the name holds too is left out:
// it is not why the group was found.
//
// Words are folded and matched as the SearchIndex that found g reads them
// (see searchTerms), so the fields named are those it found g by.
func TextHits(g *Group, text string) []TextHit {
	var missing []string
	name := foldSearch(g.Name)
	for _, w := range SearchQuery(text) {
		if name.find(w) < 0 {
			missing = append(missing, w)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	program := g.Program.Info().Names()
	fields := []struct {
		field SearchField
		text  string
	}{
		{SearchLocation, g.Place.Location},
		{SearchAddress, g.Place.Address},
		{SearchCity, g.Place.City},
		{SearchRegions, strings.Join(g.Place.Regions, ", ")},
		{SearchProgram, strings.Join(program, ", ")},
		{SearchDirections, g.Place.Notes},
		{SearchNotes, g.Notes},
	}
	var hits []TextHit
	for _, f := range fields {
		folded := foldSearch(f.text)
		at := -1
		for _, w := range missing {
			if i := folded.find(w); i >= 0 && (at < 0 || folded.at[i] < at) {
				at = folded.at[i]
			}
		}
		if at >= 0 {
			hits = append(hits, TextHit{Field: f.field, Text: f.text, At: at})
		}
	}
	return hits
}

// foldedSearch is a field's text as a search reads it: its terms (see
// SearchIndex), and for each the byte offset of the space-separated part
// it is in.
type foldedSearch struct {
	terms []string
	at    []int
}

func foldSearch(s string) foldedSearch {
	var f foldedSearch
	searchTerms(s, func(term string, at int) {
		f.terms = append(f.terms, term)
		f.at = append(f.at, at)
	})
	return f
}

// find returns the index of the first of f's terms that begins with the
// typed term w, or -1.
func (f foldedSearch) find(w string) int {
	for i, t := range f.terms {
		if strings.HasPrefix(t, w) {
			return i
		}
	}
	return -1
}

// GroupService is the directory of groups and the clinic's curation of them.
type GroupService interface {
	// FindGroupByID returns one group, or an ENOTFOUND error.
	FindGroupByID(ctx context.Context, id int64) (*Group, error)
	// FindGroupBySourceID returns the listing source lists as sourceID,
	// hidden or inactive too, or an ENOTFOUND error.
	FindGroupBySourceID(ctx context.Context, source, sourceID string) (*Group, error)
	// FindGroups returns the groups the filter selects, ordered by name then id
	// (with Text, ranked first: see GroupFilter), and how many match in all
	// (ignoring Offset and Limit).
	FindGroups(ctx context.Context, filter GroupFilter) ([]*Group, int, error)
	// CreateGroup validates and stores a new group and sets its ID. A group with
	// no Source becomes SourceManual with a generated SourceID.
	CreateGroup(ctx context.Context, g *Group) error
	// UpdateGroup validates and replaces the directory data of the group with
	// g.ID, and its curation.
	UpdateGroup(ctx context.Context, g *Group) error
	// DeleteGroup removes a group and its curation.
	DeleteGroup(ctx context.Context, id int64) error
	// SetCuration replaces this desk's curation of a group so that the
	// group shows c: the fields in which c differs from the source's
	// published curation become this desk's own (Curation.Differs), the
	// others follow the publisher. c.From is ignored.
	SetCuration(ctx context.Context, id int64, c Curation) (*Group, error)
}

// Validate reports every problem with the group in one EINVALID error that names
// each field, or nil.
//
// Each problem carries its sentence twice, as Needs.Validate's do: Message
// in English, for the error's text and the command line, and Phrase, for a
// window that words it in its language.
func (g *Group) Validate() error {
	var ps []Problem
	add := func(field string, ph Phrase, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Message: fmt.Sprintf(format, args...), Phrase: ph})
	}
	if strings.TrimSpace(g.Name) == "" {
		add("Name", say("group.name"), "the group needs a name")
	}
	switch n := utf8.RuneCountInString(string(g.Program)); {
	case g.Program == "":
		add("Program", say("group.program"), "choose the group's program (for example AA, NA or SMART Recovery)")
	case strings.TrimSpace(string(g.Program)) == "":
		add("Program", say("group.program_blank"), "the program needs a name, for example AA, NA or SMART Recovery")
	case n > MaxProgram:
		add("Program", say("group.program_long", "Got", n, "Max", MaxProgram),
			"the program's name is %d characters long; shorten it to %d or fewer", n, MaxProgram)
	}
	if g.TimeZone != "" {
		if !knownZone(g.TimeZone) {
			add("TimeZone", say("group.zone", "Value", strconv.Quote(g.TimeZone)),
				"time zone %q is unknown; use an IANA name such as America/New_York", g.TimeZone)
		}
	}
	switch g.Attendance {
	case InPerson, Online, Hybrid, Inactive:
	default:
		add("Attendance", say("group.attendance", "Value", strconv.Quote(string(g.Attendance))),
			"attendance %q must be in person, online, hybrid or inactive", g.Attendance)
	}
	for i, s := range g.Sessions {
		for _, p := range s.problems() { // rare: the field's name is made only then
			p.Field = fmt.Sprintf("Sessions[%d]%s", i, p.Field)
			ps = append(ps, p)
		}
	}
	if c := g.Place.Coords; c != nil {
		if !(c.Lat >= -90 && c.Lat <= 90) {
			add("Place.Coords.Lat", say("group.latitude", "Value", Decimal(c.Lat)), "latitude %v must be between -90 and 90", c.Lat)
		}
		if !(c.Lon >= -180 && c.Lon <= 180) {
			add("Place.Coords.Lon", say("group.longitude", "Value", Decimal(c.Lon)), "longitude %v must be between -180 and 180", c.Lon)
		}
	}
	// Fields in lists, not maps: an import validates 250,000 groups, and
	// making and ranging over a map for each took a fifth of the time.
	type field struct{ name, value string }
	for _, f := range [...]field{
		{"Online.URL", g.Online.URL},
		{"Contact.Website", g.Contact.Website},
		{"Contact.FeedbackURL", g.Contact.FeedbackURL},
	} {
		if f.value != "" && !isWebLink(f.value) {
			add(f.name, say("group.link", "Value", strconv.Quote(f.value)), "link %q must start with http:// or https://", f.value)
		}
	}
	for _, f := range [...]field{{"Online.Phone", g.Online.Phone}, {"Contact.Phone", g.Contact.Phone}} {
		if f.value != "" && !isPhone(f.value) {
			add(f.name, say("group.phone", "Value", strconv.Quote(f.value)), "phone %q may hold only digits, spaces and + ( ) - . , # *", f.value)
		}
	}
	if e := g.Contact.Email; e != "" && (!strings.Contains(e, "@") || strings.ContainsAny(e, " \t<>")) {
		add("Contact.Email", say("group.email", "Value", strconv.Quote(e)), "email %q is not an address like name@example.org", e)
	}
	for _, f := range [...]field{
		{"Curation.MedicationFriendly", string(g.Curation.MedicationFriendly)},
		{"Published.MedicationFriendly", string(g.Published.MedicationFriendly)},
	} {
		switch MedicationFriendly(f.value) {
		case "", MedicationUnknown, MedicationYes, MedicationNo:
		default:
			add(f.name, say("group.medication"), "medication-friendly must be yes, no or unknown")
		}
	}
	if len(ps) == 0 {
		return nil
	}
	sortProblems(ps)
	return invalid(fmt.Sprintf("Group %q", g.Name), ps)
}

// knownZones holds the zones time.LoadLocation has loaded, by name. It
// reads the tz database on every call (~30 µs and 7 KB), and an import
// validates, and an export writes, 250,000 groups that share a handful of
// zones: uncached, that is 8 s of a 250,000-group import and 1.9 GB
// allocated by its export. Only valid names are kept, so it stays as small
// as the tz database. A *time.Location is never changed once loaded, so one
// is shared by every goroutine.
var knownZones sync.Map // name → *time.Location

// LoadZone is time.LoadLocation, cached for the life of the program.
func LoadZone(name string) (*time.Location, error) {
	if loc, ok := knownZones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	knownZones.Store(name, loc)
	return loc, nil
}

func knownZone(name string) bool {
	_, err := LoadZone(name)
	return err == nil
}

// problems are what is wrong with s, each Field naming a field of s from
// its dot (".Day").
func (s Session) problems() []Problem {
	var ps []Problem
	if s.Day < time.Sunday || s.Day > time.Saturday {
		ps = append(ps, Problem{Field: ".Day", Message: fmt.Sprintf("weekday %d is unknown; use Sunday to Saturday", int(s.Day)),
			Phrase: say("session.weekday", "Value", int(s.Day))})
	}
	if s.Start < 0 || s.Start >= 24*60 {
		ps = append(ps, Problem{Field: ".Start", Message: "the start time must be a time of day from 00:00 to 23:59",
			Phrase: say("session.start")})
	}
	if s.End != NoTime {
		switch {
		case s.End < 0 || s.End > 48*60:
			ps = append(ps, Problem{Field: ".End", Message: "the end time must be a time of day", Phrase: say("session.end")})
		case s.End <= s.Start:
			ps = append(ps, Problem{Field: ".End", Message: fmt.Sprintf("the end time %s is not after the start time %s", s.End, s.Start),
				Phrase: say("session.end_before", "End", s.End.String(), "Start", s.Start.String())})
		}
	}
	return ps
}

// sortProblems orders problems by field so the message reads the same every
// time, whatever order they were found in.
func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int { return strings.Compare(a.Field, b.Field) })
}

func isWebLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func isPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
		case strings.ContainsRune(" +()-.,#*", r):
		default:
			return false
		}
	}
	return digits >= 3
}
