package referral

import (
	"time"
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
	Reasons     []Phrase  // why it fits: when, how far, then what suits the client
	// Cautions say what to check before going, most important first: a
	// time that may be read wrong (zone not listed, times local to another
	// zone), a listing that contradicts itself on who may come (open or
	// closed, women or men), medication policy unknown for a client on
	// MOUD, another approach than asked, an approximate place, an old or
	// undated listing. A screen short of room shows the first ones.
	Cautions []Phrase
}

// RuleApproach names, in Result.Widen, a wanted approach no group that fits
// follows. It is not a hard rule (Rules): such a client is still offered the
// groups there are, after a caution.
const RuleApproach Rule = "approach"

// Widening says how many groups a looser need would let through.
type Widening struct {
	Rule  Rule // the need loosened
	Count int  // groups that would match with it loosened
	// Phrase is the sentence for the counselor: how few groups fit the
	// needs as they are, and how many loosening Rule would add.
	Phrase Phrase
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
// counting unavailable ones and service meetings (no need of the client's
// excludes those), and how many; ties go to the earlier rule.
func (r Result) MostExcluding() (Rule, int) {
	var best Rule
	n := 0
	for _, rl := range Rules {
		if rl == RuleUnavailable || rl == RuleService {
			continue
		}
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
//   - Service: a service meeting (Group.Service): a business, district, area,
//     intergroup or committee meeting, where members run the fellowship.
//   - Attendance: the client wants in person only and the group meets only
//     online, or the client wants online only and the group cannot be joined
//     from afar (online needs a link or a dial-in number).
//   - NoLocation: the group meets in person but the directory gives no map
//     location, so its distance is unknown.
//   - Distance: farther than MaxMiles (exactly MaxMiles is in) and not
//     joinable online by a client who would accept that.
//   - ForWhom: a family fellowship (Al-Anon, Alateen, Nar-Anon, FA) for the client; for a
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
	picked := d.pick(groups, n.limit())
	for _, m := range picked {
		res.Candidates = append(res.Candidates, d.candidate(p, m))
	}
	// Read before widen, which reuses the scratch the picks point into. The
	// asked-for approach is picked first, so the first pick tells.
	found := len(picked) > 0 && picked[0].first
	if len(res.Candidates) < n.limit() {
		res.Widen = d.widen(n, now, scan, len(groups), sc)
	}
	if n.Approach != ApproachAny && !found {
		res.Widen = append(res.Widen, Widening{Rule: RuleApproach, Phrase: missingApproach(n.Approach)})
	}
	return res
}
