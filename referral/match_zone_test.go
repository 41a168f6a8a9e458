package referral_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
)

// Days and time bands are read where the client would take part: on the
// group's own clock when they walk in, in the clinic's zone when they join
// online. Neither the process's zone nor now's location may play a part, so
// every case runs with now in several locations (and run.sh runs the package
// under TZ=UTC and TZ=Pacific/Kiritimati too).

var nowLocations = []*time.Location{time.UTC, newYork, mustZone("Pacific/Kiritimati"), mustZone("America/Los_Angeles"), time.Local}

// eachNow runs f with testNow (Tuesday 15:00 in Philadelphia) seen from every
// location of nowLocations.
func eachNow(t *testing.T, f func(t *testing.T, now time.Time)) {
	for _, loc := range nowLocations {
		t.Run("now in "+loc.String(), func(t *testing.T) { f(t, testNow.In(loc)) })
	}
}

func matchAt(t *testing.T, n referral.Needs, groups []*referral.Group, now time.Time) referral.Result {
	t.Helper()
	res := referral.Match(n, groups, now)
	if a, b := describe(res), describe(referral.NewIndex(groups).Match(n, now)); a != b {
		t.Fatalf("Match and Index.Match disagree:\n%s\n---\n%s", a, b)
	}
	return res
}

func TestMatchNoonIsNeverEvening(t *testing.T) {
	// The bug this guards: a feed without zones read in a UTC machine's zone
	// made a 12:15 PM Philadelphia meeting "Tuesday evening" (17:15 UTC).
	groups := []*referral.Group{grp(1, "Noon Serenity", referral.ProgramNA, at(time.Tuesday, "12:15"))}
	for _, clinic := range []*time.Location{newYork, time.UTC, mustZone("Pacific/Kiritimati")} {
		t.Run("clinic "+clinic.String(), func(t *testing.T) {
			eachNow(t, func(t *testing.T, now time.Time) {
				n := validNeeds()
				n.ClinicZone = clinic
				n.Days = []time.Weekday{time.Tuesday, time.Thursday}
				n.Times = []referral.TimeBand{referral.Evening}
				if res := matchAt(t, n, groups, now); len(res.Candidates) != 0 {
					t.Fatalf("a 12:15 PM meeting was offered for Tuesday/Thursday evening: %q", res.Candidates[0].Reasons)
				}
				n.Times = nil
				res := matchAt(t, n, groups, now)
				if len(res.Candidates) != 1 {
					t.Fatalf("got %d candidates, want the noon meeting at any time", len(res.Candidates))
				}
				c := res.Candidates[0]
				if !slices.Contains(said(c.Reasons), "reason.when{Band=midday Day=Tuesday}") {
					t.Errorf("reasons %q lack Tuesday midday", c.Reasons)
				}
				for _, r := range said(c.Reasons) {
					if strings.Contains(r, "evening") || strings.Contains(r, "night") {
						t.Errorf("reason %q for a 12:15 PM meeting", r)
					}
				}
				// Today's was at 12:15; the next is a week on, after the clocks change.
				if got := c.NextMeeting.Format("Mon Jan 2 15:04 MST"); got != "Tue Mar 10 12:15 EDT" {
					t.Errorf("next meeting %s, want Tue Mar 10 12:15 EDT", got)
				}
			})
		})
	}
}

func TestMatchInPersonReadsTheGroupsClock(t *testing.T) {
	// A Tuesday 7 PM meeting in Denver is "Tuesday evening" for someone who
	// walks in there, even though it is 9 PM at a clinic in Philadelphia.
	denver := grp(1, "Mile High", referral.ProgramNA, zone("America/Denver"), at(time.Tuesday, "19:00"))
	eachNow(t, func(t *testing.T, now time.Time) {
		n := validNeeds()
		n.Days = []time.Weekday{time.Tuesday}
		n.Times = []referral.TimeBand{referral.Evening}
		res := matchAt(t, n, []*referral.Group{denver}, now)
		if len(res.Candidates) != 1 {
			t.Fatalf("got %d candidates, want the Denver meeting as Tuesday evening", len(res.Candidates))
		}
		c := res.Candidates[0]
		if !slices.Contains(said(c.Reasons), "reason.when{Band=evening Day=Tuesday}") {
			t.Errorf("reasons %q lack Tuesday evening", c.Reasons)
		}
		if !slices.Contains(said(c.Cautions), "caution.local_times{Zone=America/Denver}") {
			t.Errorf("cautions %q lack the local-time reminder", c.Cautions)
		}
		if got := c.NextMeeting.Format("Mon 15:04 MST"); got != "Tue 19:00 MST" {
			t.Errorf("next meeting %s, want Tue 19:00 MST", got)
		}
	})
}

func TestMatchOnlineReadsTheClinicsClock(t *testing.T) {
	// 5 PM in Los Angeles is 8 PM at a Philadelphia clinic: evening and night
	// for the client at home, not the midday it is on the group's clock.
	la := grp(1, "Pacific Online", referral.ProgramNA, onlineOnly, zone("America/Los_Angeles"), at(time.Wednesday, "17:00"))
	same := grp(2, "Eastern Online", referral.ProgramNA, onlineOnly, at(time.Wednesday, "20:00"))
	eachNow(t, func(t *testing.T, now time.Time) {
		n := validNeeds()
		n.Attend = referral.AttendOnline
		n.Origin, n.ZIP, n.MaxMiles = nil, "", 0
		n.Days = []time.Weekday{time.Wednesday}
		n.Times = []referral.TimeBand{referral.Night}
		res := matchAt(t, n, []*referral.Group{la, same}, now)
		if got := ids(res); !slices.Equal(sorted(got), []int64{1, 2}) {
			t.Fatalf("offered %v, want both 8 PM Eastern meetings", got)
		}
		for _, c := range res.Candidates {
			if !slices.Contains(said(c.Reasons), "reason.when{Band=night Day=Wednesday}") {
				t.Errorf("%s: reasons %q lack Wednesday night", c.Group.Name, c.Reasons)
			}
			for _, w := range said(c.Cautions) {
				if strings.HasPrefix(w, "caution.local_times") {
					t.Errorf("%s: online times are read in the clinic's zone, yet %q", c.Group.Name, w)
				}
			}
		}
		n.Times = []referral.TimeBand{referral.Midday}
		if res := matchAt(t, n, []*referral.Group{la}, now); len(res.Candidates) != 0 {
			t.Errorf("5 PM Pacific offered as midday to an Eastern client: %q", res.Candidates[0].Reasons)
		}
	})
}

func TestMatchHybridReadsHowTheClientTakesPart(t *testing.T) {
	// A hybrid group in Denver at 7 PM: the client who lives there walks in
	// (evening on its clock); a client far away joins online at 9 PM Eastern.
	g := grp(1, "Mile High Hybrid", referral.ProgramNA, hybrid, zone("America/Denver"), at(time.Tuesday, "19:00"))
	n := validNeeds()
	n.Days = []time.Weekday{time.Tuesday}
	n.Times = []referral.TimeBand{referral.Evening}
	if res := matchAt(t, n, []*referral.Group{g}, testNow); len(res.Candidates) != 1 || res.Candidates[0].JoinOnline {
		t.Fatalf("nearby hybrid: want it in person on Tuesday evening, got %s", describe(res))
	}
	far := grp(1, "Mile High Hybrid", referral.ProgramNA, hybrid, zone("America/Denver"), at(time.Tuesday, "19:00"), milesNorth(300))
	if res := matchAt(t, n, []*referral.Group{far}, testNow); len(res.Candidates) != 0 {
		t.Fatalf("far hybrid joined online at 9 PM Eastern is not evening, got %s", describe(res))
	}
	n.Times = []referral.TimeBand{referral.Night}
	if res := matchAt(t, n, []*referral.Group{far}, testNow); len(res.Candidates) != 1 || !res.Candidates[0].JoinOnline {
		t.Fatalf("far hybrid: want it online on Tuesday night, got %s", describe(res))
	}
}
