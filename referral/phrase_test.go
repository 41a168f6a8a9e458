package referral_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"referraldesk/referral"
)

// said lists phrases as codes with parameters (Phrase.String), the form
// these tests compare: the words are the window's and the command line's
// (package app words them, and tests them in both languages).
func said(ps []referral.Phrase) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// checkPhrase fails unless p is a code of PhraseParams carrying exactly
// the parameters listed for it, each of a type a reader can word, and so
// is every phrase inside it.
func checkPhrase(t testing.TB, where string, p referral.Phrase) {
	t.Helper()
	params, ok := referral.PhraseParams()[p.Code]
	if !ok {
		t.Errorf("%s: code %q is not in PhraseParams", where, p.Code)
		return
	}
	if got := slices.Sorted(maps.Keys(p.Args)); !slices.Equal(got, slices.Sorted(slices.Values(params))) {
		t.Errorf("%s: %s carries %v, PhraseParams lists %v", where, p, got, params)
	}
	for k, v := range p.Args {
		switch v := v.(type) {
		case referral.Phrase:
			checkPhrase(t, where+" "+p.Code+"."+k, v)
		case time.Weekday, []time.Weekday, referral.TimeBand, []referral.TimeBand, referral.Approach, []referral.Substance,
			referral.Program, []referral.Program, referral.Language, referral.Distance, referral.Radius, time.Time, string:
		case int:
		default:
			t.Errorf("%s: %s: parameter %s is a %T, which no reader words", where, p, k, v)
		}
	}
	if n, ok := p.Args["Count"]; ok {
		if _, isInt := n.(int); !isInt {
			t.Errorf("%s: %s: Count is a %T; it chooses a plural form, so it must be an int", where, p, n)
		}
	}
}

// checkResult checks every phrase of a match.
func checkResult(t testing.TB, res referral.Result) {
	t.Helper()
	for _, c := range res.Candidates {
		for _, p := range c.Reasons {
			checkPhrase(t, c.Group.Name+" reason", p)
		}
		for _, p := range c.Cautions {
			checkPhrase(t, c.Group.Name+" caution", p)
		}
	}
	for _, w := range res.Widen {
		checkPhrase(t, "widening "+string(w.Rule), w.Phrase)
	}
}

// TestPhrasesFollowTheCatalogue matches needs that make Match say each kind
// of thing and checks every phrase against PhraseParams: the catalogue
// readers word from must be the domain's own. The phrases of Validate are
// checked in TestNeedsValidate.
func TestPhrasesFollowTheCatalogue(t *testing.T) {
	groups := append(sampleDirectory(),
		grp(20, "Old Listing", referral.ProgramNA, func(g *referral.Group) {
			g.Updated = time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC)
			g.Place.Approximate = true
		}),
		grp(21, "Undated", referral.ProgramSMART, func(g *referral.Group) { g.Updated = time.Time{} }),
		grp(22, "Both", referral.ProgramAA, openAndClosed, womenAndMen, langs("es")),
		grp(23, "Across the Line", referral.ProgramNA, zone("America/Chicago")),
		grp(24, "Placed by ZIP", referral.ProgramCA, func(g *referral.Group) { g.Place.CoordsFromZIP = true }),
	)
	var seen []string
	for name, edit := range map[string]func(n *referral.Needs){
		"default":      func(n *referral.Needs) {},
		"moud":         func(n *referral.Needs) { n.MOUD = true; n.Limit = referral.MaxLimit },
		"spanish":      func(n *referral.Needs) { n.Languages = []string{"es"} },
		"secular":      func(n *referral.Needs) { n.Approach = referral.ApproachSecular; n.Limit = referral.MaxLimit },
		"faith":        func(n *referral.Needs) { n.Approach = referral.ApproachFaith },
		"family":       func(n *referral.Needs) { n.For = referral.ForFamily },
		"tuesday":      func(n *referral.Needs) { n.Days = []time.Weekday{time.Tuesday}; n.Attend = referral.AttendInPerson },
		"evenings":     func(n *referral.Needs) { n.Times = []referral.TimeBand{referral.Evening, referral.Night} },
		"women":        func(n *referral.Needs) { n.WomenOnly = true },
		"online only":  func(n *referral.Needs) { n.Attend = referral.AttendOnline; n.Origin, n.ZIP, n.MaxMiles = nil, "", 0 },
		"in a place":   func(n *referral.Needs) { n.Origin, n.ZIP, n.MaxMiles, n.Place = nil, "", 0, "Philadelphia" },
		"every wish":   func(n *referral.Needs) { n.LGBTQ, n.YoungPeople, n.Wheelchair = true, true, false },
		"limit beyond": func(n *referral.Needs) { n.Limit = referral.MaxLimit; n.Substances = nil },
	} {
		n := validNeeds()
		edit(&n)
		if err := n.Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		res := matchBoth(t, n, groups)
		checkResult(t, res)
		for _, c := range res.Candidates {
			for _, p := range append(slices.Clone(c.Reasons), c.Cautions...) {
				seen = append(seen, p.Code)
			}
		}
		for _, w := range res.Widen {
			seen = append(seen, w.Phrase.Code)
		}
	}
	// The check above must have had something to check.
	for _, code := range []string{"reason.when", "reason.miles", "reason.online", "caution.stale", "caution.listed_unknown",
		"caution.medication_unknown", "caution.open_or_closed", "caution.approach_other", "widen.approach"} {
		if !slices.Contains(seen, code) {
			t.Errorf("no match said %s; seen %v", code, slices.Compact(slices.Sorted(slices.Values(seen))))
		}
	}
}
