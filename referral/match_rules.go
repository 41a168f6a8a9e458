package referral

import (
	"math"
	"strings"
	"time"
)

// The hard rules of Match: the needs compiled into a plan, and the checks
// that take a group off the list, in the order of Rules.

// Rule names a hard rule of Match.
type Rule string

const (
	RuleUnavailable Rule = "unavailable"
	RuleService     Rule = "service"
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
var Rules = []Rule{RuleUnavailable, RuleService, RuleAttendance, RuleNoLocation, RuleDistance, RuleForWhom,
	RuleAudience, RuleLanguage, RuleAccess, RuleMedication, RuleSchedule}

// rule is a Rule's position in Rules plus one; 0 means the group passed.
type rule uint8

const (
	pass rule = iota
	rUnavailable
	rService
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
		if d.facts[i].flags&fRemoved != 0 {
			continue // emptied by Index.Replace: no longer a listing
		}
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
		p.progScore[i] = programAt(uint8(i)).Score(n.Substances)
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
	if fl&fService != 0 {
		return rService, cand{}
	}
	c := cand{i: i, dist: math.NaN(), placed: p.inPlace != nil && p.inPlace[d.inputIndex(i)]}
	if r := p.reach(f, &c); r != pass {
		return r, c
	}
	// A listing that says both open and closed has no fOpen, so a family
	// member is not sent to what may be a closed meeting; one that says both
	// women and men has neither fWomen nor fMen: no one is turned away for
	// it, and it is no women's or men's group to a client who asked for one.
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
	if len(p.langs) == 0 && p.needs.PreferLang != "" && !d.speaks(i, string(p.needs.PreferLang)) {
		c.static += wOtherLanguage
	}
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
