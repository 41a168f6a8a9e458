package referral

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
)

// After the rules: folding listings of one group, picking a varied short
// list, and widening when it is short.

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
	// first: of the approach the client asked for (Needs.Approach); those
	// groups are picked before any other, whatever their score.
	first bool
	day   time.Weekday // client's weekday of the next meeting, for variety
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
		f.first = p.needs.Approach != ApproachAny && approachFits(&d.facts[f.best.i], p.needs.Approach)
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
			if taken[j] {
				continue
			}
			if best >= 0 {
				if b := &groups[best]; b.first != g.first {
					if b.first {
						continue // the asked-for approach comes first
					}
				} else if g.score < bestAdj {
					continue // the penalty only lowers a score
				}
			}
			adj := g.score - wRepeatProgram*float64(progCount[d.facts[g.best.i].prog]) -
				wRepeatDay*float64(dayCount[g.day])
			if best < 0 || (g.first && !groups[best].first) || adj > bestAdj ||
				(adj == bestAdj && d.tieBreak(g.best, groups[best].best) < 0) {
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
	var when []Phrase // as the client reads them, soonest first
	for _, t := range fits {
		c.Sessions = append(c.Sessions, t.s)
		when = append(when, p.whenPhrase(t.s, t.zs.shift(t.online)))
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

// widen tries each loosened need the client set and counts the groups it
// would let through, so an empty or short list says what to change. Each
// widening's phrase starts with a head saying how few groups fit the needs
// as they are (within what scope, at what times) and goes on with how many
// the looser need lets through.
func (d *directory) widen(n Needs, now time.Time, scan scanner, matched int, sc *scratch) []Widening {
	count := func(m Needs) int {
		p := d.newPlan(m, now)
		var counts [numRules]int
		sc.cands = scan(p, sc.cands[:0], &counts)
		return len(d.fold(p, sc.cands, sc))
	}
	orOnline := n.attend() == AttendEither // a client who takes either also counts groups online
	place := strings.Join(strings.Fields(n.Place), " ")
	var scope Phrase
	switch {
	case n.attend() == AttendOnline:
		scope = say("widen.scope.online")
	case n.Origin == nil && orOnline:
		scope = say("widen.scope.place_or_online", "Place", place)
	case n.Origin == nil:
		scope = say("widen.scope.place", "Place", place)
	case orOnline:
		scope = say("widen.scope.miles_or_online", "Miles", Radius(n.MaxMiles))
	default:
		scope = say("widen.scope.miles", "Miles", Radius(n.MaxMiles))
	}
	var head Phrase
	switch when := schedulePhrase(n); {
	case when.IsZero() && matched == 0:
		head = say("widen.head.fit.none", "Scope", scope)
	case when.IsZero():
		head = say("widen.head.fit", "Count", matched, "Scope", scope)
	case matched == 0:
		head = say("widen.head.meet.none", "Scope", scope, "When", when)
	default:
		head = say("widen.head.meet", "Count", matched, "Scope", scope, "When", when)
	}
	var ws []Widening
	try := func(r Rule, m Needs, code string, more ...any) {
		if k := count(m); k > matched {
			ws = append(ws, Widening{Rule: r, Count: k, Phrase: say(code, append([]any{"Head", head, "Count", k}, more...)...)})
		}
	}
	if n.attend() != AttendOnline && n.Origin != nil && n.MaxMiles < MaxMiles {
		m := n
		m.MaxMiles = min(MaxMiles, 3*n.MaxMiles)
		code := "widen.distance"
		if orOnline {
			code = "widen.distance_or_online"
		}
		try(RuleDistance, m, code, "Miles", Radius(m.MaxMiles))
	}
	if len(n.Days) > 0 || len(n.Times) > 0 {
		m := n
		m.Days, m.Times = nil, nil
		try(RuleSchedule, m, "widen.any_time")
	}
	if n.attend() != AttendEither {
		m := n
		m.Attend = AttendEither
		if m.Origin != nil && m.MaxMiles == 0 {
			m.MaxMiles = DefaultMiles
		}
		code := "widen.online" // an in-person client who would also join online
		if n.attend() == AttendOnline {
			code = "widen.either"
		}
		if m.Origin != nil {
			try(RuleAttendance, m, code)
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
		try(RuleAudience, m, "widen.open_to_all")
	}
	return ws
}

// Listing is the group as a referral sheet shows it to this client: the
// first listing's details with the fitting sessions of every listing folded
// into it, in week order (without this a group listed once per weekday would
// print one day), and a hybrid group the client joins online as online.
func (c Candidate) Listing() *Group {
	g := *c.Group
	if c.JoinOnline && g.Attendance == Hybrid {
		// This client joins from home: the sheet gives the link and dial-in
		// and the clinic's clock, not a street address as where to go.
		g.Attendance = Online
	}
	g.Sessions = slices.Clone(c.Sessions)
	if len(g.Sessions) == 0 {
		g.Sessions = slices.Clone(c.Group.Sessions)
	}
	slices.SortFunc(g.Sessions, func(a, b Session) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Start, b.Start))
	})
	return &g
}
