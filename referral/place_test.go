package referral_test

import (
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"referraldesk/referral"
)

func TestPlaceKey(t *testing.T) {
	for in, want := range map[string]string{
		"Edmonton":            "edmonton",
		"  Montréal ":         "montreal",
		"St. John's":          "st john s",
		"Niño  Feliz":         "nino feliz",
		"Wilkes-Barre":        "wilkes barre",
		"Philadelphia County": "philadelphia county",
		"!!!":                 "",
	} {
		if got := referral.PlaceKey(in); got != want {
			t.Errorf("PlaceKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// inTown is an in-person listing in city with no map location, as many
// listings outside the US arrive.
func inTown(id int64, city string, opts ...func(*referral.Group)) *referral.Group {
	return grp(id, city+" Group", referral.ProgramNA, append([]func(*referral.Group){func(g *referral.Group) {
		g.Place = referral.Place{Address: "200 Main Street", City: city, State: "AB", Country: "Canada"}
		g.TimeZone = "America/Edmonton"
	}}, opts...)...)
}

func TestMatchByPlace(t *testing.T) {
	groups := []*referral.Group{
		inTown(1, "Edmonton"),
		inTown(2, "Calgary"),
		inTown(3, "Sherwood Park", func(g *referral.Group) { g.Place.Regions = []string{"Edmonton"} }),
		inTown(4, "Edmonton", onlineOnly),
		grp(5, "Philadelphia Nearby", referral.ProgramNA),
	}
	n := validNeeds()
	n.Origin, n.ZIP, n.MaxMiles = nil, "", 0
	n.Place = "Edmonton, AB"
	n.Attend = referral.AttendInPerson
	n.Limit = 10
	if err := n.Validate(); err != nil {
		t.Fatalf("a place instead of a ZIP is valid needs: %v", err)
	}
	res := matchBoth(t, n, groups)
	if got := sorted(ids(res)); !slices.Equal(got, []int64{1, 3}) {
		t.Fatalf("offered %v, want the Edmonton listing and the one in the Edmonton region", got)
	}
	c := find(t, res, 1)
	if !slices.Contains(said(c.Reasons), "reason.in_place{Place=Edmonton, AB}") || c.InPlace != "Edmonton, AB" || !math.IsNaN(c.DistanceMiles) || c.JoinOnline {
		t.Errorf("reasons %q in place %q distance %v online %v", c.Reasons, c.InPlace, c.DistanceMiles, c.JoinOnline)
	}
	// Calgary has no map location; Philadelphia has one, but no distance
	// reaches it from a place.
	if res.Excluded[referral.RuleAttendance] != 1 || res.Excluded[referral.RuleNoLocation] != 1 || res.Excluded[referral.RuleDistance] != 1 {
		t.Errorf("excluded %v: the online group for attendance, Calgary for location, Philadelphia for distance", res.Excluded)
	}

	t.Run("either way of taking part", func(t *testing.T) {
		n := n
		n.Attend = referral.AttendEither
		res := matchBoth(t, n, groups)
		if got := sorted(ids(res)); !slices.Equal(got, []int64{1, 3, 4}) {
			t.Fatalf("offered %v, want both in Edmonton and the online group", got)
		}
		if c := find(t, res, 1); c.JoinOnline {
			t.Error("a group in the place the client named is one to walk into")
		}
	})
	t.Run("with a ZIP too", func(t *testing.T) {
		n := validNeeds()
		n.Place = "Calgary"
		n.Limit = 10
		n.Attend = referral.AttendInPerson
		res := matchBoth(t, n, groups)
		if got := sorted(ids(res)); !slices.Equal(got, []int64{2, 5}) {
			t.Fatalf("offered %v, want Calgary by name and Philadelphia by distance", got)
		}
		if c := find(t, res, 5); !slices.Contains(said(c.Reasons), "reason.miles{Miles=1.0}") {
			t.Errorf("reasons %q", c.Reasons)
		}
	})
	t.Run("a place nobody meets in", func(t *testing.T) {
		n := n
		n.Place = "Atlantis"
		if res := matchBoth(t, n, groups); len(res.Candidates) != 0 {
			t.Errorf("offered %v for a place with no groups", ids(res))
		}
	})
}

func TestIndexPlacesCompletesFromTheDirectory(t *testing.T) {
	groups := []*referral.Group{
		inTown(1, "Edmonton"), inTown(2, "Edmonton"), inTown(3, "Edson"), inTown(4, "Calgary"),
		inTown(5, "Edgewood", onlineOnly), // online: no place to complete to
	}
	ix := referral.NewIndex(groups)
	if got := ix.Places("ed", 5); !slices.Equal(got, []string{"Edmonton", "Edson"}) {
		t.Errorf("Places(ed) = %q, want the in-person towns, most groups first", got)
	}
	if got := ix.Places("ÉD", 1); !slices.Equal(got, []string{"Edmonton"}) {
		t.Errorf("Places(ÉD, 1) = %q", got)
	}
}

func TestNeedsPlaceValidate(t *testing.T) {
	n := validNeeds()
	n.Origin, n.ZIP, n.MaxMiles = nil, "", 0
	for place, field := range map[string]string{
		"Edmonton":                      "",
		"???":                           "Place",
		string(make([]byte, 101)) + "x": "Place",
		"":                              "Origin",
	} {
		n.Place = place
		n.Days = []time.Weekday{time.Tuesday}
		ps := referral.ErrorProblems(n.Validate())
		switch {
		case field == "" && len(ps) > 0:
			t.Errorf("place %q: %v", place, ps)
		case field != "" && !slices.ContainsFunc(ps, func(p referral.Problem) bool { return p.Field == field }):
			t.Errorf("place %q: problems %v, want one at %s", place, ps, field)
		}
	}
}

// Imports fold names in the background while the town field folds what the
// counselor types; under -race this fails if the folding shares state.
func TestPlaceKeyAtOnce(t *testing.T) {
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				if got := referral.PlaceKey("Montréal, Québec"); got != "montreal quebec" {
					t.Errorf("PlaceKey = %q, want montreal quebec", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}
