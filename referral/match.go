package referral

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Soft-score weights, in points. Only their relative sizes matter.
const (
	wDistance         = 30.0 // in person at the client's door; falls to 0 at MaxMiles
	wOnlineOnly       = 24.0 // client asked for online: distance plays no part
	wOnlineEither     = 15.0 // client takes either: online ranks like a group halfway out
	wSoon             = 10.0 // meets right now; falls to 0 a week out
	wExtraSession     = 2.0  // per further fitting session, up to maxExtraSessions
	maxExtraSessions  = 3
	wFamilyOpenClient = -25.0 // an open client meeting offered to a family member
	wNewcomer         = 5.0
	wOpen             = 3.0
	wMedicationYes    = 15.0 // for a client on MOUD: worth a few miles more
	wApproach         = 8.0
	wApproachOther    = -6.0 // the program follows a different path than asked
	wPreference       = 8.0  // LGBTQ+, young people
	wFresh            = 3.0  // listing changed or verified in the last half year
	wStale            = -5.0 // more than a year old
	wUndated          = -2.0
	wRepeatProgram    = 6.0 // variety: per earlier pick of the same program
	wRepeatDay        = 3.0 // variety: per earlier pick meeting next on the same day
)

const (
	freshAge = 183 * 24 * time.Hour
	staleAge = 365 * 24 * time.Hour
	week     = 7 * 24 * time.Hour
	weekSecs = int64(week / time.Second)
)

// Rule names a hard rule of Match.
type Rule string

const (
	RuleUnavailable Rule = "unavailable"
	RuleAttendance  Rule = "attendance"
	RuleNoLocation  Rule = "no-location"
	RuleDistance    Rule = "distance"
	RuleForWhom     Rule = "for-whom"
	RuleAudience    Rule = "audience"
	RuleLanguage    Rule = "language"
	RuleAccess      Rule = "access"
	RuleMedication  Rule = "medication"
	RuleSchedule    Rule = "schedule"
)

// Rules lists the hard rules in the order Match checks them.
var Rules = []Rule{RuleUnavailable, RuleAttendance, RuleNoLocation, RuleDistance, RuleForWhom,
	RuleAudience, RuleLanguage, RuleAccess, RuleMedication, RuleSchedule}

// rule is a Rule's position in Rules plus one; 0 means the group passed.
type rule uint8

const (
	pass rule = iota
	rUnavailable
	rAttendance
	rNoLocation
	rDistance
	rForWhom
	rAudience
	rLanguage
	rAccess
	rMedication
	rSchedule
	numRules
)

// Candidate is one group offered to the client.
type Candidate struct {
	Group *Group
	// Also holds other listings of the same group (same name and place) that
	// were folded into this one; their fitting sessions are in Sessions.
	Also  []*Group
	Score float64 // before the variety penalty that decided the order
	// DistanceMiles is how far the client travels, or NaN when they would
	// join online.
	DistanceMiles float64
	JoinOnline    bool
	// InPlace is the place of Needs.Place the group was found in when there
	// is no distance to tell (DistanceMiles is then NaN too); "" otherwise.
	InPlace     string
	NextMeeting time.Time // the soonest fitting session, in the group's time zone
	Sessions    []Session // the sessions that fit the wanted days and times, soonest first
	Reasons     []string  // why it fits, in plain words
	Cautions    []string  // what to check before going
}

// Widening says how many groups a looser need would let through.
type Widening struct {
	Rule    Rule   // the need loosened
	Count   int    // groups that would match with it loosened
	Message string // a sentence for the counselor
}

// Result is the outcome of Match.
type Result struct {
	Candidates []Candidate
	Matched    int          // groups (listings of one group counted once) that passed every hard rule
	Excluded   map[Rule]int // listings turned away, by the first rule they failed
	// Widen is set when fewer groups matched than asked for: what a looser
	// distance, schedule, attendance or audience would add.
	Widen []Widening
}

// MostExcluding returns the rule that turned away the most listings, not
// counting unavailable ones (no need of the client's excludes those), and
// how many; ties go to the earlier rule.
func (r Result) MostExcluding() (Rule, int) {
	var best Rule
	n := 0
	for _, rl := range Rules[1:] {
		if c := r.Excluded[rl]; c > n {
			best, n = rl, c
		}
	}
	return best, n
}

// Match ranks the groups for the needs at time now and explains what it left
// out. It is deterministic and has no side effects (it reads time zones from
// the system's tz database); needs are assumed valid (Needs.Validate). For a
// large directory matched many times, build an Index once and use
// Index.Match, which gives the same Result.
//
// Hard rules take a group off the list. They are checked in the order of
// Rules, and an excluded group is counted under the first rule it fails, so
// Result.Excluded says how many groups each need turned away that the needs
// before it had let through.
//
//   - Unavailable: inactive, hidden by the clinic, or no meeting times listed
//     (a sheet needs a time to go).
//   - Attendance: the client wants in person only and the group meets only
//     online, or the client wants online only and the group cannot be joined
//     from afar (online needs a link or a dial-in number).
//   - NoLocation: the group meets in person but the directory gives no map
//     location, so its distance is unknown.
//   - Distance: farther than MaxMiles (exactly MaxMiles is in) and not
//     joinable online by a client who would accept that.
//   - ForWhom: a family fellowship (Al-Anon, Nar-Anon) for the client; for a
//     family member, a client fellowship's meeting unless it is marked open.
//     Open meetings are kept for family members because in many towns they are
//     the only meeting nearby, but they rank well below family groups.
//   - Audience: a group restricted to another gender. A women-only group needs
//     a client who is a woman, or whose gender is blank but who asked for
//     women-only groups (and likewise for men); "other" and a blank gender get
//     neither. Women for Sobriety is read as women-only. Asking for women- or
//     men-only groups drops every group open to all.
//   - Language: the group is not held in every language the client needs. A
//     group that states no language counts as English, as US directories
//     leave English unsaid.
//   - Access: the client needs wheelchair access, ASL or childcare and the
//     group does not list it.
//   - Medication: the clinic marked the group as not welcoming people on
//     methadone or buprenorphine and the client takes such medication.
//   - Schedule: no session starts on a wanted day in a wanted time band.
//     A group the client goes to in person is read on its own wall clock: a
//     Tuesday 7 PM meeting in Denver is "Tuesday evening" for whoever walks in
//     there. A group the client joins online is read in the clinic's zone
//     (Needs.ClinicZone), where the client lives: the session is moved into it
//     before it is checked (the offset is taken at now). now fixes the instant
//     only; its location plays no part, so the machine's clock zone never
//     does. A sheet listing meetings the client said they cannot attend is
//     worse than a short sheet, so this is a filter, not a preference;
//     Result.Widen says how many groups meet at other times.
//
// A soft score ranks what is left (the w… constants): distance, how soon
// the group next meets and how many wanted times it offers, the program's
// relevance to the substances, newcomer-friendly and open meetings,
// medication-friendly over unknown for a client on MOUD, the approach,
// LGBTQ+ and young people's groups when preferred, and a recent listing.
//
// Listings with the same name and place are one group (feeds often list each
// weekday apart): they become one Candidate holding all their fitting
// sessions. The short list is then picked greedily for variety: each pick
// lowers the score of candidates of the same program or the same next-meeting
// day. Ties break on score, then distance, then name, then ID, so the same
// needs, directory and now always give the same list.
func Match(needs Needs, groups []*Group, now time.Time) Result {
	d := newDirectory(groups)
	return d.match(needs, now, d.scanAll, new(scratch))
}

// scanner runs the hard rules over (a part of) the directory, adding the
// survivors to out and exclusions to counts.
type scanner func(p *plan, out []cand, counts *[numRules]int) []cand

// cand is a group that passed the hard rules.
type cand struct {
	i      int32   // the group's slot in directory.facts
	online bool    // reached online
	placed bool    // in the place the client named (Needs.Place)
	dist   float64 // NaN when reached online, or in the place with no distance to tell
	static float64 // score without the schedule part
	until  int64   // seconds from now to the next fitting session
	nFit   int
}

func (d *directory) scanAll(p *plan, out []cand, counts *[numRules]int) []cand {
	for i := range d.facts {
		r, c := d.evaluate(p, int32(i))
		if r != pass {
			counts[r]++
			continue
		}
		out = append(out, c)
	}
	return out
}

// plan is Needs compiled for the scan.
type plan struct {
	needs      Needs
	now        time.Time
	nowUnix    int64
	attend     AttendWanted
	family     bool
	origin     Point
	hasOrigin  bool
	maxMiles   float64
	anyTime    bool
	days       [7]bool
	bands      []TimeBand // nil: any band
	allowWomen bool
	allowMen   bool
	onlyWomen  bool
	onlyMen    bool
	access     uint32 // fWheelchair|fASL|fChildcare as needed
	langs      []string
	progScore  []float64      // by program index
	inPlace    map[int32]bool // input positions of the in-person groups in Needs.Place
	clinic     *time.Location
	want       weekHours // the wanted hours of a week on any wall clock
	zones      []zoneState
}

// zoneState is a time zone as seen at now.
type zoneState struct {
	loc      *time.Location
	deltaMin int64     // the zone's UTC offset minus the clinic's, in minutes
	exact    bool      // delta is whole hours, so the hour bitmap can prefilter
	want     weekHours // the wanted hours of the clinic's week moved into this zone's week
	nowSec   int64     // seconds since Sunday 00:00 in this zone
}

// shift is how far a session of this zone moves to be read where the client
// reads it: not at all in person, into the clinic's zone online.
func (zs *zoneState) shift(online bool) int64 {
	if online {
		return zs.deltaMin
	}
	return 0
}

func (d *directory) newPlan(n Needs, now time.Time) *plan {
	p := &plan{
		needs:    n,
		now:      now,
		nowUnix:  now.Unix(),
		attend:   n.attend(),
		family:   n.forWhom() == ForFamily,
		maxMiles: n.MaxMiles,
		langs:    n.Languages,
		clinic:   n.ClinicZone,
	}
	if p.clinic == nil {
		p.clinic = time.UTC
	}
	if n.Origin != nil {
		p.origin, p.hasOrigin = *n.Origin, true
	}
	p.anyTime = len(n.Days) == 0 && len(n.Times) == 0
	for _, day := range n.Days {
		if day >= time.Sunday && day <= time.Saturday {
			p.days[day] = true
		}
	}
	if len(n.Days) == 0 {
		p.days = [7]bool{true, true, true, true, true, true, true}
	}
	if len(n.Times) > 0 {
		p.bands = n.Times
	}
	p.onlyWomen, p.onlyMen = n.WomenOnly, n.MenOnly
	p.allowWomen = n.Gender == GenderWoman || (n.Gender == GenderUnspecified && n.WomenOnly)
	p.allowMen = n.Gender == GenderMan || (n.Gender == GenderUnspecified && n.MenOnly)
	if n.Wheelchair {
		p.access |= fWheelchair
	}
	if n.ASL {
		p.access |= fASL
	}
	if n.Childcare {
		p.access |= fChildcare
	}
	p.progScore = make([]float64, len(Programs)+1)
	for i := range p.progScore {
		prog := ProgramOther
		if i < len(Programs) {
			prog = Programs[i].Program
		}
		p.progScore[i] = relevance(prog, n.Substances, p.family)
	}
	p.want = p.wantedHours()
	p.zones = d.zoneStates(p)
	if n.Place != "" {
		p.inPlace = map[int32]bool{}
		for _, q := range placeQueries(n.Place) {
			for _, k := range d.places[q] {
				p.inPlace[k] = true
			}
			if len(p.inPlace) > 0 {
				break // "Edmonton, AB" found whole needs no second try
			}
		}
	}
	return p
}

// zoneStates returns the state of every zone of the directory, the clinic's
// zone first (groups with no or an unknown time zone use it).
func (d *directory) zoneStates(p *plan) []zoneState {
	_, clinicOff := p.now.In(p.clinic).Zone()
	states := make([]zoneState, len(d.zones)+1)
	for k := range states {
		loc := p.clinic
		if k > 0 {
			loc = d.zones[k-1]
		}
		t := p.now.In(loc)
		_, off := t.Zone()
		delta := int64(off-clinicOff) / 60
		states[k] = zoneState{
			loc:      loc,
			deltaMin: delta,
			exact:    delta%60 == 0,
			nowSec:   int64(t.Weekday())*86400 + int64(t.Hour())*3600 + int64(t.Minute())*60 + int64(t.Second()),
		}
		if states[k].exact {
			states[k].want = p.want.rotate(int(delta / 60))
		}
	}
	return states
}

// wantedHours is the set of hours of a week a session may start in.
func (p *plan) wantedHours() weekHours {
	var h weekHours
	for hw := 0; hw < hoursPerWeek; hw++ {
		if p.fitsClient(int64(hw) * 60) {
			h.set(hw)
		}
	}
	return h
}

// fitsClient reports whether a start at minute m of the week, on the clock
// the client reads it by, is on a wanted day in a wanted band.
func (p *plan) fitsClient(m int64) bool {
	m = mod(m, 7*24*60)
	if !p.days[m/(24*60)] {
		return false
	}
	if p.bands == nil {
		return true
	}
	for _, b := range p.bands {
		if b.Contains(Clock(m % (24 * 60))) {
			return true
		}
	}
	return false
}

// evaluate applies the hard rules to group i and, if it passes, scores it.
func (d *directory) evaluate(p *plan, i int32) (rule, cand) {
	f := &d.facts[i]
	fl := f.flags
	if fl&fUnavailable != 0 {
		return rUnavailable, cand{}
	}
	c := cand{i: i, dist: math.NaN(), placed: p.inPlace != nil && p.inPlace[d.inputIndex(i)]}
	if r := p.reach(f, &c); r != pass {
		return r, c
	}
	switch {
	case p.family && fl&fFamily == 0 && fl&fOpen == 0, !p.family && fl&fFamily != 0:
		return rForWhom, c
	}
	switch {
	case fl&fWomen != 0 && !p.allowWomen, fl&fMen != 0 && !p.allowMen,
		p.onlyWomen && fl&fWomen == 0, p.onlyMen && fl&fMen == 0:
		return rAudience, c
	}
	for _, l := range p.langs {
		if !d.speaks(i, l) {
			return rLanguage, c
		}
	}
	if fl&p.access != p.access {
		return rAccess, c
	}
	if p.needs.MOUD && fl&fMedNo != 0 {
		return rMedication, c
	}
	// Whether the client walks in or joins online decides the clock the
	// schedule is read by, so a group they may do either with is settled first.
	p.nearby(f, &c)
	zs := &p.zones[f.zone+1]
	if !p.anyTime {
		switch {
		case !c.online && !f.hours.meets(p.want), c.online && zs.exact && !f.hours.meets(zs.want):
			return rSchedule, c // the bitmap settles most groups without their sessions
		}
	}
	c.until = -1
	for _, m := range d.starts[f.start0 : f.start0+int32(f.nStarts)] {
		u, ok := p.fitAt(m, zs, c.online)
		if !ok {
			continue
		}
		c.nFit++
		if c.until < 0 || u < c.until {
			c.until = u
		}
	}
	if c.nFit == 0 {
		return rSchedule, c
	}
	c.static = p.staticScore(f, &c)
	return pass, c
}

// reach decides whether the client can get to the group the way they want.
// A group the client may join online passes whatever its distance, so its
// distance is left to nearby, after the cheaper rules have had their say.
func (p *plan) reach(f *facts, c *cand) rule {
	fl := f.flags
	online := fl&fJoinOnline != 0
	if p.attend == AttendOnline || (p.attend == AttendEither && online) {
		if !online {
			return rAttendance
		}
		c.online = true
		return pass
	}
	inPerson := fl&fInPerson != 0
	switch {
	case !inPerson:
		return rAttendance
	case c.placed:
		if fl&fCoords != 0 && p.hasOrigin {
			c.dist = p.exactMiles(f)
		}
		return pass
	case fl&fCoords == 0:
		return rNoLocation
	}
	if d := p.miles(f); d <= p.maxMiles {
		c.dist = d
		return pass
	}
	return rDistance
}

// nearby sets the distance of a group reached online that the client could
// also walk into: then it counts as in person.
func (p *plan) nearby(f *facts, c *cand) {
	if p.attend == AttendEither && c.placed {
		c.online = false
		if f.flags&fCoords != 0 && p.hasOrigin {
			c.dist = p.exactMiles(f)
		}
		return
	}
	if p.attend == AttendEither && f.flags&(fInPerson|fCoords) == fInPerson|fCoords {
		if d := p.miles(f); d <= p.maxMiles {
			c.dist, c.online = d, false
		}
	}
}

// miles is the distance from the client to the group, +Inf with no origin.
// Groups farther north or south than MaxMiles are settled without the
// trigonometry: the great-circle distance is never less than the difference
// in latitude (the margin covers rounding).
func (p *plan) miles(f *facts) float64 {
	if !p.hasOrigin {
		return math.Inf(1)
	}
	if math.Abs(f.lat-p.origin.Lat)*(math.Pi/180*earthRadiusMiles) > p.maxMiles*(1+1e-9)+1e-9 {
		return math.Inf(1)
	}
	return Miles(p.origin, Point{f.lat, f.lon})
}

// exactMiles is the distance from the client to the group, however far.
func (p *plan) exactMiles(f *facts) float64 {
	return Miles(p.origin, Point{f.lat, f.lon})
}

// fitAt reports whether a session starting at minute m of the group's week
// fits the wanted days and times, read in person or online (see Match), and
// if so how many seconds from now it next starts.
func (p *plan) fitAt(m int32, zs *zoneState, online bool) (int64, bool) {
	if !p.anyTime && !p.fitsClient(int64(m)-zs.shift(online)) {
		return 0, false
	}
	return mod(int64(m)*60-zs.nowSec, weekSecs), true
}

func weekMinute(s Session) int32 { return int32(s.Day)*24*60 + int32(s.Start) }

func validStart(s Session) bool {
	return s.Day >= time.Sunday && s.Day <= time.Saturday && s.Start >= 0 && s.Start < 24*60
}

func (p *plan) staticScore(f *facts, c *cand) float64 {
	fl := f.flags
	s := 0.0
	switch {
	case !math.IsNaN(c.dist) && p.maxMiles > 0:
		// A group in the named place may lie beyond the miles: it scores as
		// if at the edge.
		s = max(0, wDistance*(1-c.dist/p.maxMiles))
		if p.attend == AttendEither && fl&fJoinOnline != 0 {
			s = max(s, wOnlineEither)
		}
	case c.placed:
		s = wDistance / 2 // in the place, distance unknown: as if halfway out
	case p.attend == AttendOnline:
		s = wOnlineOnly
	default:
		s = wOnlineEither
	}
	s += p.progScore[f.prog]
	if p.family && fl&fFamily == 0 {
		s += wFamilyOpenClient
	}
	if fl&fNewcomer != 0 {
		s += wNewcomer
	}
	if fl&fOpen != 0 && !p.family {
		s += wOpen
	}
	if p.needs.MOUD && fl&fMedYes != 0 {
		s += wMedicationYes
	}
	if a := p.needs.Approach; a != ApproachAny {
		switch {
		case approachFits(f, a):
			s += wApproach
		case programAt(f.prog).Approach != ApproachAny:
			s += wApproachOther
		}
	}
	if p.needs.LGBTQ && fl&fLGBTQ != 0 {
		s += wPreference
	}
	if p.needs.YoungPeople && fl&fYoung != 0 {
		s += wPreference
	}
	switch age := p.nowUnix - f.listed; {
	case f.listed == 0:
		s += wUndated
	case age <= int64(freshAge/time.Second):
		s += wFresh
	case age > int64(staleAge/time.Second):
		s += wStale
	}
	return s
}

func approachFits(f *facts, a Approach) bool {
	return programAt(f.prog).Approach == a || (a == ApproachSecular && f.flags&fSecular != 0)
}

// relevance scores how well a program fits the substances, 0–20: the best
// fit over the substances given. It is a table because it is a judgement
// call a clinic may want to read and change in one place.
func relevance(prog Program, subs []Substance, family bool) float64 {
	row, ok := relevanceTable[prog]
	if !ok {
		row = relevanceTable[ProgramOther]
	}
	if len(subs) == 0 {
		return row[len(row)-1]
	}
	best := 0.0
	for _, s := range subs {
		if k := slices.Index(Substances, s); k >= 0 {
			best = max(best, row[k])
		}
	}
	return best
}

// relevanceTable: columns are Substances in order (opioids, alcohol,
// stimulants, cannabis, other) and last "none given". NA and MAR lead for
// opioids, AA for alcohol, CA/CMA for stimulants; programs built for any
// substance sit in the middle; family fellowships follow the same logic for
// the person they worry about.
var relevanceTable = map[Program][6]float64{
	ProgramNA:                {20, 8, 18, 18, 18, 14},
	ProgramMAR:               {20, 4, 4, 4, 4, 10},
	ProgramAA:                {4, 20, 6, 6, 6, 14},
	ProgramCA:                {6, 6, 20, 6, 6, 10},
	ProgramCMA:               {6, 6, 20, 6, 6, 10},
	ProgramSMART:             {14, 14, 14, 14, 14, 14},
	ProgramLifeRing:          {14, 14, 14, 14, 14, 14},
	ProgramRecoveryDharma:    {14, 14, 14, 14, 14, 14},
	ProgramRefugeRecovery:    {14, 14, 14, 14, 14, 14},
	ProgramWFS:               {14, 14, 14, 14, 14, 14},
	ProgramCelebrateRecovery: {12, 12, 12, 12, 12, 12},
	ProgramAlAnon:            {14, 20, 14, 14, 14, 18},
	ProgramNarAnon:           {20, 12, 20, 20, 20, 18},
	ProgramOther:             {8, 8, 8, 8, 8, 8},
}

// speaks reports whether group i is held in lang; no stated language counts
// as English. The flags answer for English and Spanish, the languages most
// asked for, without reading the Group.
func (d *directory) speaks(i int32, lang string) bool {
	fl := d.facts[i].flags
	switch {
	case strings.EqualFold(lang, "en"):
		return fl&fEnglish != 0
	case strings.EqualFold(lang, "es"):
		return fl&fSpanish != 0
	case fl&fOtherLanguage == 0:
		return false
	}
	return Attributes{Languages: d.langs[d.inputIndex(i)]}.HasLanguage(lang)
}

func mod(a, m int64) int64 {
	a %= m
	if a < 0 {
		a += m
	}
	return a
}

// match runs the scan, folds listings of one group together, picks a varied
// short list and explains it.
func (d *directory) match(n Needs, now time.Time, scan scanner, sc *scratch) Result {
	p := d.newPlan(n, now)
	var counts [numRules]int
	sc.cands = scan(p, sc.cands[:0], &counts)
	groups := d.fold(p, sc.cands, sc)
	res := Result{Matched: len(groups), Excluded: map[Rule]int{}}
	for r := rUnavailable; r < numRules; r++ {
		if counts[r] > 0 {
			res.Excluded[Rules[r-1]] = counts[r]
		}
	}
	for _, m := range d.pick(groups, n.limit()) {
		res.Candidates = append(res.Candidates, d.candidate(p, m))
	}
	if len(res.Candidates) < n.limit() {
		res.Widen = d.widen(n, now, scan, len(groups), sc)
	}
	return res
}

// scratch is the working memory of one match, kept between matches by an
// Index: a match over a big directory keeps thousands of listings, and
// allocating them anew each time costs more than the matching.
type scratch struct {
	cands  []cand
	folded []folded
	byKey  map[uint64]int32
}

// folded is one group: its best listing and any others of the same group.
type folded struct {
	best    cand
	members []cand // every listing, best first; nil while there is only best
	score   float64
	until   int64
	nFit    int
	day     time.Weekday // client's weekday of the next meeting, for variety
}

// fold merges listings with the same name and place into one group.
func (d *directory) fold(p *plan, cands []cand, sc *scratch) []folded {
	if sc.byKey == nil {
		sc.byKey = make(map[uint64]int32, len(cands))
	}
	byKey := sc.byKey
	clear(byKey)
	out := sc.folded[:0]
	defer func() { sc.folded = out[:0] }()
	for _, c := range cands {
		if d.keys != nil && d.facts[c.i].flags&fShared == 0 {
			out = append(out, folded{best: c, until: c.until, nFit: c.nFit})
			continue // the Index knows no other listing shares this key
		}
		k := d.key(c.i)
		j, ok := byKey[k]
		if !ok {
			byKey[k] = int32(len(out))
			out = append(out, folded{best: c, until: c.until, nFit: c.nFit})
			continue
		}
		f := &out[j]
		if f.members == nil {
			f.members = []cand{f.best}
		}
		f.members = append(f.members, c)
		if d.better(c, f.best) {
			f.best = c
		}
		f.until = min(f.until, c.until)
		f.nFit += c.nFit
	}
	clientNow := p.zones[0].nowSec
	for j := range out {
		f := &out[j]
		// Listings arrive in scan order, which differs between Match and
		// Index; ranking them makes Also and Sessions the same either way.
		slices.SortFunc(f.members, func(a, b cand) int {
			switch {
			case a.i == b.i:
				return 0
			case d.better(a, b):
				return -1
			}
			return 1
		})
		f.score = f.best.static + wSoon*(1-float64(f.until)/float64(weekSecs)) +
			wExtraSession*float64(min(maxExtraSessions, f.nFit-1))
		f.day = time.Weekday(mod(clientNow+f.until, weekSecs) / 86400)
	}
	return out
}

// better orders listings of one group: static score, distance, name, ID.
func (d *directory) better(a, b cand) bool {
	if a.static != b.static {
		return a.static > b.static
	}
	return d.tieBreak(a, b) < 0
}

// tieBreak orders by distance (online last), then name, then ID.
func (d *directory) tieBreak(a, b cand) int {
	an, bn := math.IsNaN(a.dist), math.IsNaN(b.dist)
	switch {
	case an != bn:
		if an {
			return 1
		}
		return -1
	case !an && a.dist != b.dist:
		return cmp.Compare(a.dist, b.dist)
	}
	ka, kb := d.inputIndex(a.i), d.inputIndex(b.i)
	la, lb := &d.lists[ka], &d.lists[kb]
	if c := strings.Compare(la.name, lb.name); c != 0 {
		return c
	}
	if c := cmp.Compare(la.id, lb.id); c != 0 {
		return c
	}
	return cmp.Compare(ka, kb) // equal IDs (unsaved groups): input order
}

// pick chooses up to limit groups greedily: at each step the group with the
// best score after the variety penalty for the programs and days already
// picked (ties: distance, name, ID). Each step is one pass over the groups,
// which for a short list is cheaper than sorting thousands of matches.
func (d *directory) pick(groups []folded, limit int) []*folded {
	progCount := make([]int, len(Programs)+1)
	var dayCount [7]int
	var picked []*folded
	taken := make([]bool, len(groups)) // small next to the groups; not worth pooling
	for len(picked) < limit {
		best, bestAdj := -1, 0.0
		for j := range groups {
			g := &groups[j]
			if taken[j] || (best >= 0 && g.score < bestAdj) {
				continue // the penalty only lowers a score
			}
			adj := g.score - wRepeatProgram*float64(progCount[d.facts[g.best.i].prog]) -
				wRepeatDay*float64(dayCount[g.day])
			if best < 0 || adj > bestAdj || (adj == bestAdj && d.tieBreak(g.best, groups[best].best) < 0) {
				best, bestAdj = j, adj
			}
		}
		if best < 0 {
			break
		}
		taken[best] = true
		g := &groups[best]
		picked = append(picked, g)
		progCount[d.facts[g.best.i].prog]++
		dayCount[g.day]++
	}
	return picked
}

// candidate turns a picked group into what the counselor sees.
func (d *directory) candidate(p *plan, f *folded) Candidate {
	g := d.group(f.best.i)
	c := Candidate{
		Group:         g,
		Score:         f.score,
		DistanceMiles: f.best.dist,
		JoinOnline:    f.best.online,
	}
	if f.best.placed && math.IsNaN(f.best.dist) {
		c.InPlace = strings.Join(strings.Fields(p.needs.Place), " ")
	}
	type timed struct {
		s      Session
		until  int64
		zs     *zoneState
		online bool
	}
	var fits []timed
	members := f.members
	if members == nil {
		members = []cand{f.best}
	}
	for _, m := range members {
		if m.i != f.best.i {
			c.Also = append(c.Also, d.group(m.i))
		}
		fa := &d.facts[m.i]
		zs := &p.zones[fa.zone+1]
		for k := fa.start0; k < fa.start0+int32(fa.nStarts); k++ {
			if u, ok := p.fitAt(d.starts[k], zs, m.online); ok {
				fits = append(fits, timed{d.session(k), u, zs, m.online})
			}
		}
	}
	slices.SortStableFunc(fits, func(a, b timed) int { return cmp.Compare(a.until, b.until) })
	var when []string // as the client reads them, soonest first
	for _, t := range fits {
		c.Sessions = append(c.Sessions, t.s)
		when = append(when, p.whenWords(t.s, t.zs.shift(t.online)))
	}
	first := fits[0]
	c.NextMeeting = nextAt(p.now, first.zs.loc, first.s)
	c.Reasons = d.reasons(p, f, when)
	c.Cautions = d.cautions(p, f)
	return c
}

// nextAt is the next start of s at or after now, in loc. It works in
// calendar days, not seconds, so a daylight-saving change does not move the
// wall-clock time.
func nextAt(now time.Time, loc *time.Location, s Session) time.Time {
	t := now.In(loc)
	days := (int(s.Day) - int(t.Weekday()) + 7) % 7
	start := time.Date(t.Year(), t.Month(), t.Day()+days, int(s.Start)/60, int(s.Start)%60, 0, 0, loc)
	if start.Before(t) {
		start = time.Date(t.Year(), t.Month(), t.Day()+7, int(s.Start)/60, int(s.Start)%60, 0, 0, loc)
	}
	return start
}

func (d *directory) reasons(p *plan, f *folded, when []string) []string {
	k := d.inputIndex(f.best.i)
	prog := d.lists[k].program
	fl := d.facts[f.best.i].flags
	var rs []string
	add := func(ok bool, s string) {
		if ok && !slices.Contains(rs, s) {
			rs = append(rs, s)
		}
	}
	for _, w := range when {
		if len(rs) == 3 {
			break // the sheet lists every time; three say enough here
		}
		add(true, w)
	}
	switch {
	case f.best.online:
		add(true, "online — join from home")
	case f.best.placed && math.IsNaN(f.best.dist):
		add(true, "in "+strings.Join(strings.Fields(p.needs.Place), " "))
	case f.best.placed && f.best.dist > p.maxMiles:
		add(true, fmt.Sprintf("in %s, %.1f mi away", strings.Join(strings.Fields(p.needs.Place), " "), f.best.dist))
	case fl&fJoinOnline != 0 && p.attend == AttendEither:
		add(true, fmt.Sprintf("%.1f mi away — or join online", f.best.dist))
	default:
		add(true, fmt.Sprintf("%.1f mi away", f.best.dist))
	}
	info := prog.Info()
	add(info.Family && p.family, "for family and friends")
	add(!info.Family && p.family, "open meeting — family and friends may attend")
	add(prog == ProgramMAR, "medication-assisted recovery group")
	if fits := bestFits(prog, p.needs.Substances); len(fits) > 0 && !p.family && prog != ProgramMAR {
		add(true, fmt.Sprintf("%s is built for %s use", prog, substanceWords(fits)))
	}
	for _, l := range p.langs {
		add(true, languageName(l)+"-speaking")
	}
	add(fl&fWomen != 0, "women only")
	add(fl&fMen != 0, "men only")
	add(p.needs.LGBTQ && fl&fLGBTQ != 0, "LGBTQ+ group")
	add(p.needs.YoungPeople && fl&fYoung != 0, "young people's group")
	add(fl&fWheelchair != 0 && p.needs.Wheelchair, "wheelchair access")
	add(fl&fASL != 0 && p.needs.ASL, "ASL interpretation")
	add(fl&fChildcare != 0 && p.needs.Childcare, "child-friendly")
	add(p.needs.MOUD && fl&fMedYes != 0, "welcomes people on medication")
	add(p.needs.Approach != ApproachAny && approachFits(&d.facts[f.best.i], p.needs.Approach),
		approachWords[p.needs.Approach])
	add(fl&fNewcomer != 0, "welcomes newcomers")
	add(fl&fOpen != 0 && !p.family, "open to anyone")
	if v := d.verified[k]; !v.IsZero() && p.now.Sub(v) <= staleAge {
		add(true, "checked by the clinic on "+v.Format("Jan 2, 2006"))
	}
	return rs
}

func (d *directory) cautions(p *plan, f *folded) []string {
	fa := &d.facts[f.best.i]
	var cs []string
	switch age := p.nowUnix - fa.listed; {
	case fa.listed == 0:
		cs = append(cs, "listing date unknown — call ahead")
	case age > int64(staleAge/time.Second):
		cs = append(cs, fmt.Sprintf("listing not updated since %d — call ahead", time.Unix(fa.listed, 0).UTC().Year()))
	}
	if p.needs.MOUD && fa.flags&(fMedYes|fMedNo) == 0 {
		cs = append(cs, "medication policy unknown — ask the group")
	}
	switch {
	case f.best.online:
	case fa.flags&fApproximate != 0:
		cs = append(cs, "address is approximate")
	case fa.flags&fFromZIP != 0:
		cs = append(cs, "placed by its ZIP code — distance is approximate")
	}
	// Online times are shown in the clinic's zone, so only a place in
	// another zone needs the reminder.
	switch zs := p.zones[fa.zone+1]; {
	case fa.flags&fBadZone != 0:
		cs = append(cs, "time zone not listed — check the meeting time")
	case zs.deltaMin != 0 && !f.best.online:
		cs = append(cs, fmt.Sprintf("times are local to the group (%s)", zs.loc))
	}
	return cs
}

// whenWords says when a session meets as the client reads it (shifted by
// deltaMin minutes), e.g. "Tuesday evening": the wanted band it starts in, or
// the band that began last.
func (p *plan) whenWords(s Session, deltaMin int64) string {
	m := mod(int64(s.Day)*24*60+int64(s.Start)-deltaMin, 7*24*60)
	day, clock := time.Weekday(m/(24*60)), Clock(m%(24*60))
	bands := p.bands
	if bands == nil {
		bands = TimeBands
	}
	best, since := TimeBand(""), int64(24*60)
	for _, b := range bands {
		if from, _, _ := b.hours(); b.Contains(clock) {
			if d := mod(int64(clock)-int64(from)*60, 24*60); d < since {
				best, since = b, d
			}
		}
	}
	if best == "" {
		return day.String()
	}
	return day.String() + " " + string(best)
}

var approachWords = map[Approach]string{
	ApproachTwelveStep: "12-step program",
	ApproachSecular:    "secular approach",
	ApproachFaith:      "faith-based",
}

// bestFits lists the client's substances the program is built around (the
// top of relevanceTable), for the reason that says so.
func bestFits(prog Program, subs []Substance) []Substance {
	row, ok := relevanceTable[prog]
	if !ok {
		return nil
	}
	var fits []Substance
	for _, s := range subs {
		if k := slices.Index(Substances, s); k >= 0 && row[k] >= 20 && !slices.Contains(fits, s) {
			fits = append(fits, s)
		}
	}
	return fits
}

// substanceWords joins substances as an adjective: "opioid and stimulant".
func substanceWords(subs []Substance) string {
	words := make([]string, len(subs))
	for i, s := range subs {
		words[i] = substanceAdjective[s]
	}
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

var substanceAdjective = map[Substance]string{
	SubstanceOpioids:    "opioid",
	SubstanceAlcohol:    "alcohol",
	SubstanceStimulants: "stimulant",
	SubstanceCannabis:   "cannabis",
	SubstanceOther:      "drug",
}

var languageNames = map[string]string{
	"en": "English", "es": "Spanish", "fr": "French", "pt": "Portuguese", "zh": "Chinese",
	"vi": "Vietnamese", "ko": "Korean", "ru": "Russian", "ar": "Arabic", "tl": "Tagalog",
	"ht": "Haitian Creole", "pl": "Polish", "de": "German", "it": "Italian", "ja": "Japanese",
	"hi": "Hindi", "fa": "Persian", "so": "Somali", "hmn": "Hmong", "asl": "ASL",
}

func languageName(code string) string {
	if n, ok := languageNames[strings.ToLower(code)]; ok {
		return n
	}
	return strings.ToLower(code)
}

// widen tries each loosened need the client set and counts the groups it
// would let through, so an empty or short list says what to change.
func (d *directory) widen(n Needs, now time.Time, scan scanner, matched int, sc *scratch) []Widening {
	count := func(m Needs) int {
		p := d.newPlan(m, now)
		var counts [numRules]int
		sc.cands = scan(p, sc.cands[:0], &counts)
		return len(d.fold(p, sc.cands, sc))
	}
	verb, verbs, rest := "fits", "fit", ""
	if len(n.Days) > 0 || len(n.Times) > 0 {
		verb, verbs, rest = "meets", "meet", " "+scheduleWords(n)
	}
	head := func(scope string) string {
		switch matched {
		case 0:
			return fmt.Sprintf("no group %s %s%s", scope, verb, rest)
		case 1:
			return fmt.Sprintf("only 1 group %s %s%s", scope, verb, rest)
		}
		return fmt.Sprintf("only %d groups %s %s%s", matched, scope, verbs, rest)
	}
	do := func(k int) string { return fmt.Sprintf("%d %s", k, plural(k, "does", "do")) }
	var ws []Widening
	try := func(r Rule, m Needs, msg func(k int) string) {
		if k := count(m); k > matched {
			ws = append(ws, Widening{Rule: r, Count: k, Message: msg(k)})
		}
	}
	orOnline := "" // a client who takes either also counts groups online
	if n.attend() == AttendEither {
		orOnline = " or online"
	}
	scope := fmt.Sprintf("within %s miles%s", trimFloat(n.MaxMiles), orOnline)
	switch {
	case n.attend() == AttendOnline:
		scope = "online"
	case n.Origin == nil:
		scope = "in " + strings.Join(strings.Fields(n.Place), " ") + orOnline
	}
	if n.attend() != AttendOnline && n.Origin != nil && n.MaxMiles < MaxMiles {
		m := n
		m.MaxMiles = min(MaxMiles, 3*n.MaxMiles)
		try(RuleDistance, m, func(k int) string {
			return fmt.Sprintf("%s; %s within %s miles%s", head(scope), do(k), trimFloat(m.MaxMiles), orOnline)
		})
	}
	if len(n.Days) > 0 || len(n.Times) > 0 {
		m := n
		m.Days, m.Times = nil, nil
		try(RuleSchedule, m, func(k int) string {
			return fmt.Sprintf("%s; %s at any time", head(scope), do(k))
		})
	}
	if n.attend() != AttendEither {
		m := n
		m.Attend = AttendEither
		if m.Origin != nil && m.MaxMiles == 0 {
			m.MaxMiles = DefaultMiles
		}
		alt := "online"
		if n.attend() == AttendOnline {
			alt = "in person or online"
		}
		if m.Origin != nil {
			try(RuleAttendance, m, func(k int) string {
				return fmt.Sprintf("%s; %s counting %s", head(scope), do(k), alt)
			})
		}
	}
	if n.WomenOnly || n.MenOnly {
		m := n
		m.WomenOnly, m.MenOnly = false, false
		if n.Gender == GenderUnspecified {
			m.Gender = GenderWoman
			if n.MenOnly {
				m.Gender = GenderMan
			}
		}
		try(RuleAudience, m, func(k int) string {
			return fmt.Sprintf("%s; %s counting groups open to everyone", head(scope), do(k))
		})
	}
	return ws
}

func scheduleWords(n Needs) string {
	var parts []string
	if len(n.Days) > 0 {
		days := make([]string, len(n.Days))
		for i, d := range n.Days {
			days[i] = d.String()
		}
		parts = append(parts, "on "+strings.Join(days, " or "))
	}
	if len(n.Times) > 0 {
		bands := make([]string, len(n.Times))
		for i, b := range n.Times {
			bands[i] = string(b)
		}
		parts = append(parts, "in the "+strings.Join(bands, " or "))
	}
	return strings.Join(parts, " ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func trimFloat(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", f), "0"), ".")
}

// Listing is the group as a referral sheet shows it: the first listing's
// details with the fitting sessions of every listing folded into it, in week
// order. Without this a group listed once per weekday would print one day.
func (c Candidate) Listing() *Group {
	g := *c.Group
	g.Sessions = slices.Clone(c.Sessions)
	if len(g.Sessions) == 0 {
		g.Sessions = slices.Clone(c.Group.Sessions)
	}
	slices.SortFunc(g.Sessions, func(a, b Session) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Start, b.Start))
	})
	return &g
}
