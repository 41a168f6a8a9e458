package referral_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"referraldesk/referral"
)

// TestIndexReplaceMatchesRebuild replaces, drops and adds listings in an
// Index and checks after each change that it matches, completes places and
// counts exactly as an Index built from the listings as they now are.
func TestIndexReplaceMatchesRebuild(t *testing.T) {
	far := referral.Point{Lat: 40.3, Lon: -75.0}
	groups := map[int64]*referral.Group{}
	for _, g := range []*referral.Group{
		grp(1, "Tuesday Hope", referral.ProgramNA),
		grp(2, "Tuesday Hope", referral.ProgramNA, func(g *referral.Group) { g.Place.Address = "1 Main St" }),
		grp(3, "Online Serenity", referral.ProgramAA, onlineOnly),
		grp(4, "Hybrid Hope", referral.ProgramAA, hybrid),
		grp(5, "Women's Step", referral.ProgramAA, women),
		grp(6, "Nowhere", referral.ProgramNA, noCoords),
		inTown(7, "Edmonton"), inTown(8, "Edmonton"), inTown(9, "Edson"),
	} {
		groups[g.ID] = g
	}
	current := func() []*referral.Group {
		var gs []*referral.Group
		for _, id := range slices.Sorted(func(yield func(int64) bool) {
			for id := range groups {
				if !yield(id) {
					return
				}
			}
		}) {
			gs = append(gs, groups[id])
		}
		return gs
	}
	ix := referral.NewIndexFrom(slices.Values(current()))
	needs := map[string]referral.Needs{}
	n := validNeeds()
	needs["either"] = n
	n.Attend = referral.AttendInPerson
	n.MaxMiles = 1
	needs["in person, widening"] = n
	n = validNeeds()
	n.Attend = referral.AttendOnline
	needs["online"] = n
	n = validNeeds()
	n.Origin, n.ZIP, n.MaxMiles, n.Place = nil, "", 0, "Edmonton"
	needs["in Edmonton"] = n
	check := func(step string) {
		t.Helper()
		want := referral.NewIndex(current())
		for name, n := range needs {
			if a, b := describe(ix.Match(n, testNow)), describe(want.Match(n, testNow)); a != b {
				t.Fatalf("%s: %s: replaced and rebuilt disagree:\n%s\n--- rebuilt:\n%s", step, name, a, b)
			}
		}
		if a, b := ix.Places("", 10), want.Places("", 10); !slices.Equal(a, b) {
			t.Fatalf("%s: Places = %q, rebuilt %q", step, a, b)
		}
		if ix.Len() != want.Len() {
			t.Fatalf("%s: Len = %d, rebuilt %d", step, ix.Len(), want.Len())
		}
	}
	replace := func(step string, ids []int64, gs ...*referral.Group) {
		t.Helper()
		for _, id := range ids {
			delete(groups, id)
		}
		for _, g := range gs {
			groups[g.ID] = g
		}
		if !ix.Replace(ids, gs) {
			t.Fatalf("%s: Replace declined", step)
		}
		check(step)
	}
	check("built")
	replace("renamed and moved", nil, grp(1, "Tuesday Hope Renamed", referral.ProgramNA, func(g *referral.Group) { g.Place.Coords = &far }))
	replace("online group now in person", nil, grp(3, "Online Serenity", referral.ProgramAA))
	replace("hybrid dropped", []int64{4})
	replace("another listing of group 2", nil, grp(20, "Tuesday Hope", referral.ProgramNA, func(g *referral.Group) {
		g.Place.Address = "1 Main St"
		g.Sessions[0].Day = time.Thursday
	}))
	replace("a new town", nil, inTown(21, "Red Deer"))
	replace("hidden", nil, grp(5, "Women's Step", referral.ProgramAA, women, func(g *referral.Group) { g.Curation.Hidden = true }))
	replace("the lowest ID of a town back under another name", nil, inTown(7, "Edmonton", func(g *referral.Group) { g.Name = "Edmonton Hope" }))
	replace("the only listing of a town dropped", []int64{9})
	replace("dropped twice", []int64{9, 6, 6})
}

// TestIndexReplaceDeclinesRenamingAPlace checks that Replace refuses, and
// changes nothing, when the listing whose spelling names a town leaves it
// while others stay: only a rebuild can tell the next spelling.
func TestIndexReplaceDeclinesRenamingAPlace(t *testing.T) {
	spelled := func(id int64, city string) *referral.Group { return inTown(id, city) }
	ix := referral.NewIndexFrom(slices.Values([]*referral.Group{spelled(1, "Edmonton"), spelled(2, "EDMONTON")}))
	before := fmt.Sprint(ix.Places("", 5), ix.Len())
	if ix.Replace([]int64{1}, nil) {
		t.Fatal("Replace dropped the listing that names Edmonton")
	}
	if ix.Replace(nil, []*referral.Group{spelled(1, "Red Deer")}) {
		t.Fatal("Replace moved the listing that names Edmonton away")
	}
	if after := fmt.Sprint(ix.Places("", 5), ix.Len()); after != before {
		t.Errorf("a declined Replace changed the index: %s, was %s", after, before)
	}
	if !ix.Replace([]int64{2}, nil) {
		t.Error("Replace declined to drop a listing that names nothing")
	}
	if got := ix.Places("", 5); !slices.Equal(got, []string{"Edmonton"}) {
		t.Errorf("Places = %q", got)
	}
}
