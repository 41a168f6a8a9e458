package referral_test

import (
	"slices"
	"strings"
	"testing"

	"referraldesk/referral"
)

func TestMatchHonoursTheApproach(t *testing.T) {
	groups := []*referral.Group{
		grp(1, "Closest AA", referral.ProgramAA),
		grp(2, "Closest NA", referral.ProgramNA),
		grp(3, "SMART Center City", referral.ProgramSMART, milesNorth(3)),
		grp(4, "LifeRing Fairmount", referral.ProgramLifeRing, milesNorth(4)),
		grp(5, "Secular AA", referral.ProgramAA, milesNorth(2), func(g *referral.Group) { g.Attributes.Secular = true }),
	}
	n := validNeeds()
	n.Approach = referral.ApproachSecular
	n.Limit = 5
	res := matchBoth(t, n, groups)
	got := ids(res)
	if len(got) != 5 || !slices.Equal(sorted(got[:3]), []int64{3, 4, 5}) {
		t.Fatalf("order %v: want the three secular groups first, the 12-step ones after", got)
	}
	for _, c := range res.Candidates[3:] {
		if !slices.Contains(said(c.Cautions), "caution.approach_other{Asked=secular Has=reason.approach.12-step}") {
			t.Errorf("%s: cautions %q lack the approach caution", c.Group.Name, c.Cautions)
		}
	}
	for _, c := range res.Candidates[:3] {
		for _, w := range said(c.Cautions) {
			if strings.HasPrefix(w, "caution.approach") {
				t.Errorf("%s is secular but cautioned %q", c.Group.Name, w)
			}
		}
	}
	for _, w := range res.Widen {
		if w.Rule == referral.RuleApproach {
			t.Errorf("secular groups were found, yet the results say %s", w.Phrase)
		}
	}

	t.Run("none of that approach", func(t *testing.T) {
		res := matchBoth(t, n, groups[:2])
		if len(res.Candidates) != 2 {
			t.Fatalf("the 12-step groups should still be offered, got %v", ids(res))
		}
		i := slices.IndexFunc(res.Widen, func(w referral.Widening) bool { return w.Rule == referral.RuleApproach })
		if i < 0 {
			t.Fatalf("widen %v does not say no secular group fits", res.Widen)
		}
		ph := res.Widen[i].Phrase
		programs, _ := ph.Args["Programs"].([]referral.Program)
		if ph.Code != "widen.approach" || ph.Args["Approach"] != referral.ApproachSecular ||
			!slices.Contains(programs, referral.ProgramSMART) || !slices.Contains(programs, referral.ProgramLifeRing) ||
			slices.Contains(programs, referral.ProgramAA) {
			t.Errorf("widening %s should name the secular fellowships to import", ph)
		}
	})
}

func TestMatchPrefersTheSheetsLanguage(t *testing.T) {
	groups := []*referral.Group{
		grp(1, "Grupo Esperanza", referral.ProgramNA, langs("es"), milesNorth(2)),
		grp(2, "Hope on Broad", referral.ProgramNA, milesNorth(2)),
	}
	for _, tc := range []struct {
		lang  referral.Lang
		first int64
	}{{referral.Spanish, 1}, {referral.English, 2}} {
		n := validNeeds()
		n.PreferLang = tc.lang
		res := matchBoth(t, n, groups)
		if got := ids(res); len(got) != 2 || got[0] != tc.first {
			t.Errorf("sheet in %s: order %v, want %d first", tc.lang, got, tc.first)
		}
		if tc.lang == referral.Spanish && !slices.Contains(said(find(t, res, 1).Reasons), "reason.language{Language=es}") {
			t.Errorf("reasons %q lack Spanish-speaking", find(t, res, 1).Reasons)
		}
	}
	// A language the client needs is a rule, not a preference.
	n := validNeeds()
	n.PreferLang, n.Languages = referral.Spanish, []string{"en"}
	if got := ids(matchBoth(t, n, groups)); !slices.Equal(got, []int64{2}) {
		t.Errorf("a client who needs English got %v", got)
	}
}

func TestMatchSaysHowTheClientTakesPart(t *testing.T) {
	near := grp(1, "Hybrid Nearby", referral.ProgramNA, hybrid)
	far := grp(2, "Hybrid Far", referral.ProgramNA, hybrid, milesNorth(40))
	res := matchBoth(t, validNeeds(), []*referral.Group{near, far})
	if c := find(t, res, 1); c.JoinOnline || c.Listing().Attendance != referral.Hybrid {
		t.Errorf("a hybrid group a mile away: online %v, sheet attendance %s; want in person", c.JoinOnline, c.Listing().Attendance)
	}
	c := find(t, res, 2)
	if !c.JoinOnline || c.Listing().Attendance != referral.Online {
		t.Errorf("a hybrid group 40 miles away: online %v, sheet attendance %s; want online", c.JoinOnline, c.Listing().Attendance)
	}
	if c.Group.Attendance != referral.Hybrid {
		t.Error("Listing must not change the directory's group")
	}
}
