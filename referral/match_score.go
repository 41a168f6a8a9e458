package referral

import (
	"math"
	"slices"
	"time"
)

// The soft score of Match: the weights and what earns them.

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
	wOtherLanguage    = -8.0 // held only in another language than the sheet's, for a client who named none
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

// bestFits lists the client's substances the program is built around, for
// the reason that says so.
func bestFits(prog Program, subs []Substance) []Substance {
	built := prog.Info().Substances
	var fits []Substance
	for _, s := range subs {
		if slices.Contains(built, s) && !slices.Contains(fits, s) {
			fits = append(fits, s)
		}
	}
	return fits
}
