package referral_test

import (
	"fmt"
	"slices"
	"testing"

	"referraldesk/referral"
)

func service(g *referral.Group) { g.Service = true }

// TestMatchServiceMeetings: a service meeting is never offered, whether near,
// far or online, and is counted under RuleService, which no client need
// explains.
func TestMatchServiceMeetings(t *testing.T) {
	groups := []*referral.Group{
		grp(1, "Monthly Business Meeting District 19", referral.ProgramNA, service),
		grp(2, "Area Committee", referral.ProgramNA, service, onlineOnly, milesNorth(900)),
		grp(3, "GSR Orientation", referral.ProgramNA, service, milesNorth(40)), // beyond the miles: still a service meeting
		grp(4, "District 7 business meeting", referral.ProgramAlAnon, service), // for family too: service comes first
		grp(5, "Old Business Meeting", referral.ProgramNA, service, inactive),
		grp(6, "Hope on Tuesdays", referral.ProgramNA),
	}
	for _, attend := range []referral.AttendWanted{referral.AttendEither, referral.AttendInPerson, referral.AttendOnline} {
		t.Run(string(attend), func(t *testing.T) {
			n := validNeeds()
			n.Attend = attend
			n.Limit = referral.MaxLimit
			res := matchBoth(t, n, groups)
			if got := res.Excluded[referral.RuleService]; got != 4 {
				t.Errorf("excluded %v, want 4 under %s", res.Excluded, referral.RuleService)
			}
			if got := res.Excluded[referral.RuleUnavailable]; got != 1 {
				t.Errorf("excluded %v, want the inactive one under %s", res.Excluded, referral.RuleUnavailable)
			}
			for _, c := range res.Candidates {
				if c.Group.Service {
					t.Errorf("offered service meeting %q", c.Group.Name)
				}
			}
			if rule, _ := res.MostExcluding(); rule == referral.RuleService {
				t.Errorf("MostExcluding names %s, which no need of the client's explains", rule)
			}
		})
	}
}

func TestMatchFellowships(t *testing.T) {
	t.Run("HA and PA are built for opioids", func(t *testing.T) {
		res := matchBoth(t, validNeeds(), []*referral.Group{grp(1, "AA", referral.ProgramAA),
			grp(2, "Heroin Anonymous Tuesday", referral.ProgramHA, milesNorth(2)),
			grp(3, "Pills Anonymous Tuesday", referral.ProgramPA, milesNorth(2))})
		if got := ids(res); got[len(got)-1] != 1 {
			t.Errorf("order %v, want AA last for a client on opioids", got)
		}
		for id, prog := range map[int64]string{2: "HA", 3: "PA"} {
			want := "reason.built_for{Program=" + prog + " Substances=[opioids]}"
			if c := find(t, res, id); !slices.Contains(said(c.Reasons), want) {
				t.Errorf("reasons %q lack %q", c.Reasons, want)
			}
		}
	})
	t.Run("MA is built for cannabis", func(t *testing.T) {
		n := validNeeds()
		n.Substances = []referral.Substance{referral.SubstanceCannabis}
		res := matchBoth(t, n, []*referral.Group{grp(1, "AA", referral.ProgramAA),
			grp(2, "Marijuana Anonymous", referral.ProgramMA, milesNorth(3))})
		if got := ids(res); got[0] != 2 {
			t.Errorf("order %v", got)
		}
	})
	t.Run("new family fellowships are for family members only", func(t *testing.T) {
		groups := []*referral.Group{grp(1, "Alateen", referral.ProgramAlateen),
			grp(2, "Families Anonymous", referral.ProgramFA), grp(3, "Clean Tuesdays", referral.ProgramHA, closed)}
		res := matchBoth(t, validNeeds(), groups)
		if got := sorted(ids(res)); !slices.Equal(got, []int64{3}) || res.Excluded[referral.RuleForWhom] != 2 {
			t.Errorf("client offered %v, excluded %v", got, res.Excluded)
		}
		n := validNeeds()
		n.For = referral.ForFamily
		res = matchBoth(t, n, groups)
		if got := sorted(ids(res)); !slices.Equal(got, []int64{1, 2}) {
			t.Errorf("family member offered %v", got)
		}
	})
	t.Run("an unknown fellowship is offered under its name and scores like Other", func(t *testing.T) {
		res := matchBoth(t, validNeeds(), []*referral.Group{
			grp(1, "Tuesday Hope", "Gamblers Anonymous"), grp(2, "Tuesday Hope", referral.ProgramOther)})
		a, b := find(t, res, 1), find(t, res, 2)
		if a.Group.Program != "Gamblers Anonymous" {
			t.Errorf("program %q", a.Group.Program)
		}
		if fmt.Sprintf("%.6f", a.Score) != fmt.Sprintf("%.6f", b.Score) {
			t.Errorf("scores %v and %v, want equal", a.Score, b.Score)
		}
	})
}
