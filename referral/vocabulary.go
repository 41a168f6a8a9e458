package referral

import (
	"slices"
	"strings"
	"sync"
)

// The vocabulary: one table between the plain attributes a counselor asks
// about and the type codes each directory format writes for them. The feed
// readers decode through it, the writers encode through it (TypeCodes), the
// sheet prints its Meeting Guide names and the Directory form builds its
// check boxes from it, so an attribute ticked in the form is what an export
// says and what reading that export gives back.

// Attr is one plain attribute: a value of Attributes (open, women, Spanish,
// speaker, …) or, for Kind Attendance, something a code says about how people
// take part (Group.Attendance).
type Attr string

const (
	AttrOpen        Attr = "open"
	AttrClosed      Attr = "closed"
	AttrWomen       Attr = "women"
	AttrMen         Attr = "men"
	AttrLGBTQ       Attr = "lgbtq"
	AttrYoungPeople Attr = "young_people"
	AttrSeniors     Attr = "seniors"
	AttrSecular     Attr = "secular"
	AttrNewcomer    Attr = "newcomer"
	AttrWheelchair  Attr = "wheelchair"
	AttrASL         Attr = "asl"
	AttrChildcare   Attr = "childcare"
	// AttrOnline: the group meets online (Meeting Guide's retired ONL, NA's
	// virtual and hybrid formats). It decides Attendance, with
	// AttrTemporarilyClosed (TC: the meeting place is closed for now), when
	// a feed does not state it.
	AttrOnline            Attr = "online"
	AttrTemporarilyClosed Attr = "temporarily_closed"
)

// LanguageAttr is the attribute "held in" the ISO 639 language code.
func LanguageAttr(code string) Attr { return Attr("language:" + strings.ToLower(code)) }

// FormatAttr is the attribute of a meeting format.
func FormatAttr(f Format) Attr { return Attr("format:" + string(f)) }

// Language returns the language code of a LanguageAttr.
func (x Attr) Language() (string, bool) { return strings.CutPrefix(string(x), "language:") }

// Format returns the format of a FormatAttr.
func (x Attr) Format() (Format, bool) {
	f, ok := strings.CutPrefix(string(x), "format:")
	return Format(f), ok
}

// Kind sorts the attributes as the Directory form and Attributes.Words group
// them.
type Kind uint8

const (
	KindOpenness Kind = iota + 1
	KindAudience
	KindWelcomes // who the group especially welcomes
	KindLanguage
	KindAccess
	KindFormat
	KindAttendance // not an Attributes value: see AttrOnline
)

// Term is one row of the vocabulary.
type Term struct {
	Attr Attr
	Kind Kind
	Word string // plain English for lists and the command line (Attributes.Words)
	// Label is the Directory form's English words for a check box (a
	// translation key); "" for kinds the form shows otherwise.
	Label string
	// MeetingGuide are the codes of Meeting Guide feeds and the 12 Step
	// Meeting List (AA, Al-Anon and most fellowships) that say it; the first
	// is written, and its name in the spec's translations is what the sheet
	// prints.
	MeetingGuide []string
	// NAWorldIDs are the NAWS world ids of BMLT formats that say it: each
	// BMLT server picks its own format keys, the world id is shared.
	NAWorldIDs []string
	// NAKeys are BMLT's standard English format keys that say it, with or
	// without a world id (ASL's "SL" has none; "SD", speaker and discussion,
	// has only speaker's); the first is written for NA groups, which is what
	// reading an export of NA groups understands.
	NAKeys []string
}

// Vocabulary is the table, in the order of Attributes.Words. A language not
// in it has no code and is stated in the formats' language fields only.
var Vocabulary = []Term{
	{Attr: AttrOpen, Kind: KindOpenness, Word: "open", MeetingGuide: []string{"O"}, NAWorldIDs: []string{"OPEN"}, NAKeys: []string{"O"}},
	{Attr: AttrClosed, Kind: KindOpenness, Word: "closed", MeetingGuide: []string{"C"}, NAWorldIDs: []string{"CLOSED"}, NAKeys: []string{"C"}},
	{Attr: AttrWomen, Kind: KindAudience, Word: "women only", MeetingGuide: []string{"W"}, NAWorldIDs: []string{"W"}, NAKeys: []string{"W"}},
	{Attr: AttrMen, Kind: KindAudience, Word: "men only", MeetingGuide: []string{"M"}, NAWorldIDs: []string{"M"}, NAKeys: []string{"M"}},
	{Attr: AttrLGBTQ, Kind: KindWelcomes, Word: "LGBTQ+", Label: "LGBTQ+",
		MeetingGuide: []string{"LGBTQ", "G", "L", "T", "BI", "NB"}, NAWorldIDs: []string{"GL", "LGBTQ"}, NAKeys: []string{"GL"}},
	{Attr: AttrYoungPeople, Kind: KindWelcomes, Word: "young people", Label: "Young people",
		MeetingGuide: []string{"Y"}, NAWorldIDs: []string{"Y"}, NAKeys: []string{"YP"}},
	// NA has no format for seniors or secular meetings: an NA group's
	// exported types cannot say them.
	{Attr: AttrSeniors, Kind: KindWelcomes, Word: "seniors", Label: "Seniors", MeetingGuide: []string{"SEN"}},
	{Attr: AttrSecular, Kind: KindWelcomes, Word: "secular", Label: "Secular", MeetingGuide: []string{"A"}},
	{Attr: AttrNewcomer, Kind: KindWelcomes, Word: "newcomer-friendly", Label: "Newcomer-friendly",
		MeetingGuide: []string{"BE"}, NAWorldIDs: []string{"BEG"}, NAKeys: []string{"B"}},
	language("af", "AF", ""), language("am", "AM", ""), language("ar", "AR", ""), language("bg", "BG", ""),
	language("da", "DA", ""), language("de", "DE", ""), language("el", "EL", ""), language("en", "EN", ""),
	language("es", "S", "ES"), language("fa", "FA", ""), language("fi", "FI", ""), language("fr", "FR", ""),
	language("he", "HE", ""), language("hi", "HI", ""), language("hr", "HR", ""), language("hu", "HU", ""),
	language("is", "IS", ""), language("it", "ITA", ""), language("ja", "JA", ""), language("ka", "KA", ""),
	language("ko", "KOR", ""), language("lt", "LT", ""), language("ml", "ML", ""), language("mt", "MT", ""),
	language("ne", "NE", ""), language("nl", "NL", ""), language("no", "NO", ""), language("pa", "PUN", ""),
	language("pl", "POL", ""), language("pt", "POR", ""), language("ru", "RUS", ""), language("sk", "SK", ""),
	language("sl", "SL", ""), language("sv", "SV", ""), language("th", "TH", ""), language("tl", "TL", ""),
	language("tr", "TUR", ""), language("uk", "UK", ""),
	{Attr: AttrWheelchair, Kind: KindAccess, Word: "wheelchair access", Label: "Wheelchair access",
		MeetingGuide: []string{"X"}, NAWorldIDs: []string{"WCHR"}, NAKeys: []string{"WC"}},
	{Attr: AttrASL, Kind: KindAccess, Word: "ASL", Label: "ASL interpreted",
		MeetingGuide: []string{"ASL"}, NAWorldIDs: []string{"ASL"}, NAKeys: []string{"SL"}},
	{Attr: AttrChildcare, Kind: KindAccess, Word: "child-friendly", Label: "Child-friendly or childcare",
		MeetingGuide: []string{"CF", "BA"}, NAWorldIDs: []string{"CW"}, NAKeys: []string{"CW", "CS"}},
	{Attr: FormatAttr(FormatSpeaker), Kind: KindFormat, Word: "speaker", Label: "Speaker",
		MeetingGuide: []string{"SP"}, NAWorldIDs: []string{"SPK"}, NAKeys: []string{"So", "SD"}},
	{Attr: FormatAttr(FormatDiscussion), Kind: KindFormat, Word: "discussion", Label: "Discussion",
		MeetingGuide: []string{"D"}, NAWorldIDs: []string{"DISC"}, NAKeys: []string{"D", "SD"}},
	{Attr: FormatAttr(FormatStep), Kind: KindFormat, Word: "step", Label: "Step study",
		MeetingGuide: []string{"ST", "12x12"}, NAWorldIDs: []string{"STEP", "SWG"}, NAKeys: []string{"St", "SG"}},
	{Attr: FormatAttr(FormatLiterature), Kind: KindFormat, Word: "literature", Label: "Literature",
		MeetingGuide: []string{"LIT", "B", "LS", "ABSI", "DR", "GR"},
		NAWorldIDs:   []string{"LIT", "BT", "JFT", "IP", "IW", "LC", "GP"}, NAKeys: []string{"BK", "BT", "JT", "IP", "IW", "LC", "GP"}},
	{Attr: FormatAttr(FormatMeditation), Kind: KindFormat, Word: "meditation", Label: "Meditation",
		MeetingGuide: []string{"MED", "11"}, NAWorldIDs: []string{"MED"}, NAKeys: []string{"ME"}},
	{Attr: AttrOnline, Kind: KindAttendance, Word: "meets online",
		MeetingGuide: []string{"ONL"}, NAWorldIDs: []string{"VM", "HYBR"}, NAKeys: []string{"VM", "HY"}},
	{Attr: AttrTemporarilyClosed, Kind: KindAttendance, Word: "location temporarily closed",
		MeetingGuide: []string{"TC"}, NAWorldIDs: []string{"TC"}, NAKeys: []string{"TC"}},
}

// NALanguageWorldID is the world id of BMLT formats that name a language by
// their key ("ES", "FR"): the key is the language.
const NALanguageWorldID = "LANG"

// language is the row of a language: its Meeting Guide code and, when BMLT's
// standard formats have one, its NA key (with world id NALanguageWorldID).
func language(code, meetingGuide, naKey string) Term {
	t := Term{Attr: LanguageAttr(code), Kind: KindLanguage, Word: "language: " + code, MeetingGuide: []string{meetingGuide}}
	if naKey != "" {
		t.NAKeys = []string{naKey}
	}
	return t
}

// TermOf returns the row of an attribute.
func TermOf(x Attr) (Term, bool) {
	k, ok := vocabularyIndex().byAttr[x]
	if !ok {
		return Term{}, false
	}
	return Vocabulary[k], true
}

// Codes names the type codes a fellowship's feeds use.
type Codes uint8

const (
	MeetingGuideCodes Codes = iota // Meeting Guide types: AA, Al-Anon and most fellowships
	NACodes                        // BMLT's standard format keys: NA
)

// CodesOf is the codes a program's groups carry in Group.Types.
func CodesOf(p Program) Codes {
	if p == ProgramNA {
		return NACodes
	}
	return MeetingGuideCodes
}

// codes returns the row's codes in c.
func (t Term) codes(c Codes) []string {
	if c == NACodes {
		return t.NAKeys
	}
	return t.MeetingGuide
}

// Code returns the code written for x in c, if c has one.
func Code(c Codes, x Attr) (string, bool) {
	t, ok := TermOf(x)
	if !ok || len(t.codes(c)) == 0 {
		return "", false
	}
	return t.codes(c)[0], true
}

// AttrsOfCode returns what a code says in c: usually one attribute, none for a
// code the table lacks, two for NA's "SD" (speaker and discussion).
func AttrsOfCode(c Codes, code string) []Attr {
	return vocabularyIndex().byCode[c][code]
}

// AttrsOfWorldID returns what a BMLT format with this NAWS world id says.
// NALanguageWorldID says a language only with the format's key; see
// NALanguageWorldID.
func AttrsOfWorldID(worldID string) []Attr {
	return vocabularyIndex().byWorldID[worldID]
}

type index struct {
	byAttr    map[Attr]int
	byCode    [2]map[string][]Attr
	byWorldID map[string][]Attr
	byKind    [KindAttendance + 1][]Attr // in the table's order
}

var vocabularyIndex = sync.OnceValue(func() *index {
	ix := &index{byAttr: map[Attr]int{}, byCode: [2]map[string][]Attr{{}, {}}, byWorldID: map[string][]Attr{}}
	for k, t := range Vocabulary {
		ix.byAttr[t.Attr] = k
		ix.byKind[t.Kind] = append(ix.byKind[t.Kind], t.Attr)
		for _, c := range []Codes{MeetingGuideCodes, NACodes} {
			for _, code := range t.codes(c) {
				ix.byCode[c][code] = append(ix.byCode[c][code], t.Attr)
			}
		}
		for _, w := range t.NAWorldIDs {
			ix.byWorldID[w] = append(ix.byWorldID[w], t.Attr)
		}
	}
	return ix
})

// TypeCodes returns the type codes that say a in program p's codes, for an
// export or after an edit: raw's codes in their order, less each one that
// says something a no longer has (the form switched it off), then the
// written code of each attribute a has that none of them says. Codes the
// table does not know, and codes about attendance (TC, ONL), are kept as they
// are: they carry what Attributes cannot, and reading them back changes
// nothing of a. A code is never listed twice.
func TypeCodes(p Program, a Attributes, raw []string) []string {
	c := CodesOf(p)
	out := make([]string, 0, len(raw)+2)
	var said []Attr // a handful: a slice beats a map on every import's records
	add := func(code string) {
		if slices.Contains(out, code) {
			return
		}
		out = append(out, code)
		said = append(said, AttrsOfCode(c, code)...)
	}
	for _, code := range raw {
		keep := true
		for _, x := range AttrsOfCode(c, code) {
			if t, _ := TermOf(x); t.Kind != KindAttendance && !a.Has(x) {
				keep = false
			}
		}
		if keep {
			add(code)
		}
	}
	for _, x := range a.Attrs() {
		if code, ok := Code(c, x); ok && !slices.Contains(said, x) {
			add(code)
		}
	}
	return out
}

// Has reports whether a says x. A listing that says both open and closed
// (OpenAndClosed) has both, as one for women and for men (WomenAndMen).
func (a Attributes) Has(x Attr) bool {
	switch x {
	case AttrOpen:
		return a.Openness == Open || a.Openness == OpenAndClosed
	case AttrClosed:
		return a.Openness == Closed || a.Openness == OpenAndClosed
	case AttrWomen:
		return a.Audience == WomenOnly || a.Audience == WomenAndMen
	case AttrMen:
		return a.Audience == MenOnly || a.Audience == WomenAndMen
	case AttrLGBTQ:
		return a.LGBTQ
	case AttrYoungPeople:
		return a.YoungPeople
	case AttrSeniors:
		return a.Seniors
	case AttrSecular:
		return a.Secular
	case AttrNewcomer:
		return a.Newcomer
	case AttrWheelchair:
		return a.Wheelchair
	case AttrASL:
		return a.ASL
	case AttrChildcare:
		return a.Childcare
	}
	if l, ok := x.Language(); ok {
		return a.HasLanguage(l)
	}
	if f, ok := x.Format(); ok {
		return a.HasFormat(f)
	}
	return false
}

// Set turns x on or off. Turning on the other of a pair that exclude each
// other (open and closed, women and men) keeps both as the listing said
// them: OpenAndClosed, WomenAndMen. Attendance attributes are not Attributes
// and are ignored.
func (a *Attributes) Set(x Attr, on bool) {
	set := func(b *bool) { *b = on }
	switch x {
	case AttrOpen:
		a.Openness = openness(on, a.Has(AttrClosed))
	case AttrClosed:
		a.Openness = openness(a.Has(AttrOpen), on)
	case AttrWomen:
		a.Audience = audience(on, a.Has(AttrMen))
	case AttrMen:
		a.Audience = audience(a.Has(AttrWomen), on)
	case AttrLGBTQ:
		set(&a.LGBTQ)
	case AttrYoungPeople:
		set(&a.YoungPeople)
	case AttrSeniors:
		set(&a.Seniors)
	case AttrSecular:
		set(&a.Secular)
	case AttrNewcomer:
		set(&a.Newcomer)
	case AttrWheelchair:
		set(&a.Wheelchair)
	case AttrASL:
		set(&a.ASL)
	case AttrChildcare:
		set(&a.Childcare)
	}
	if l, ok := x.Language(); ok {
		a.Languages = slices.DeleteFunc(a.Languages, func(s string) bool { return strings.EqualFold(s, l) })
		if on {
			a.Languages = append(a.Languages, l)
		}
	}
	if f, ok := x.Format(); ok {
		a.Formats = slices.DeleteFunc(a.Formats, func(g Format) bool { return g == f })
		if on {
			a.Formats = append(a.Formats, f)
		}
	}
}

func openness(open, closed bool) Openness {
	switch {
	case open && closed:
		return OpenAndClosed
	case open:
		return Open
	case closed:
		return Closed
	}
	return OpennessUnknown
}

func audience(women, men bool) Audience {
	switch {
	case women && men:
		return WomenAndMen
	case women:
		return WomenOnly
	case men:
		return MenOnly
	}
	return Everyone
}

// Attrs lists the attributes a has in the order of Words: the vocabulary's,
// with a's languages (those the table lacks too) and formats in a's order.
func (a Attributes) Attrs() []Attr {
	var xs []Attr
	terms := func(k Kind) {
		for _, x := range vocabularyIndex().byKind[k] {
			if a.Has(x) {
				xs = append(xs, x)
			}
		}
	}
	terms(KindOpenness)
	terms(KindAudience)
	terms(KindWelcomes)
	for _, l := range a.Languages {
		xs = append(xs, LanguageAttr(l))
	}
	terms(KindAccess)
	for _, f := range a.Formats {
		xs = append(xs, FormatAttr(f))
	}
	return xs
}
