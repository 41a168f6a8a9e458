package referral_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/referraltest"
)

// templateGroups is a few hundred varied groups: every archetype below on
// every schedule, with attributes spread the way real directories have them
// (most open to all and in English; a few women's, men's, Spanish, LGBTQ+
// or young people's groups; some stale, hidden or inactive listings).
func templateGroups() []*referral.Group {
	type archetype struct {
		name string
		prog referral.Program
		at   referral.Attendance
	}
	archetypes := []archetype{
		{"Just for Today", referral.ProgramNA, referral.InPerson},
		{"Clean and Serene", referral.ProgramNA, referral.InPerson},
		{"Recovery in Action", referral.ProgramNA, referral.Hybrid},
		{"NA Online Lifeline", referral.ProgramNA, referral.Online},
		{"Big Book Study", referral.ProgramAA, referral.InPerson},
		{"Early Risers", referral.ProgramAA, referral.InPerson},
		{"Sober Sisters", referral.ProgramAA, referral.InPerson},
		{"AA Zoom Room", referral.ProgramAA, referral.Online},
		{"Keep It Simple", referral.ProgramAA, referral.Hybrid},
		{"SMART Recovery Meeting", referral.ProgramSMART, referral.InPerson},
		{"SMART Online", referral.ProgramSMART, referral.Online},
		{"MARA Circle", referral.ProgramMAR, referral.InPerson},
		{"Al-Anon Family Group", referral.ProgramAlAnon, referral.InPerson},
		{"Nar-Anon Hope", referral.ProgramNarAnon, referral.Hybrid},
		{"Celebrate Recovery", referral.ProgramCelebrateRecovery, referral.InPerson},
		{"Recovery Dharma Sangha", referral.ProgramRecoveryDharma, referral.InPerson},
		{"CMA Crystal Clear", referral.ProgramCMA, referral.InPerson},
		{"CA Hope", referral.ProgramCA, referral.InPerson},
	}
	schedules := [][]referral.Session{
		{{Day: time.Monday, Start: 19 * 60, End: 20 * 60}},
		{{Day: time.Tuesday, Start: 12 * 60, End: 13 * 60}, {Day: time.Thursday, Start: 12 * 60, End: 13 * 60}},
		{{Day: time.Saturday, Start: 10 * 60, End: 11*60 + 30}},
		{{Day: time.Wednesday, Start: 20*60 + 30, End: 21*60 + 30}},
		{{Day: time.Sunday, Start: 18 * 60, End: 19 * 60}},
		{{Day: time.Friday, Start: 21 * 60, End: 22 * 60}},
		{{Day: time.Monday, Start: 6*60 + 30}, {Day: time.Wednesday, Start: 6*60 + 30}, {Day: time.Friday, Start: 6*60 + 30}},
		{{Day: time.Thursday, Start: 19*60 + 30, End: 21 * 60}},
		{{Day: time.Tuesday, Start: 18 * 60, End: 19 * 60}},
		{{Day: time.Saturday, Start: 23 * 60, End: 24*60 + 30}},
		{{Day: time.Sunday, Start: 9 * 60, End: 10 * 60}, {Day: time.Sunday, Start: 17 * 60, End: 18 * 60}},
		{{Day: time.Tuesday, Start: 19 * 60, End: 20 * 60}, {Day: time.Thursday, Start: 19 * 60, End: 20 * 60}},
		{{Day: time.Wednesday, Start: 12 * 60, End: 13 * 60}},
		{{Day: time.Friday, Start: 17*60 + 30, End: 18*60 + 30}},
		{{Day: time.Monday, Start: 7 * 60}, {Day: time.Tuesday, Start: 7 * 60}, {Day: time.Wednesday, Start: 7 * 60},
			{Day: time.Thursday, Start: 7 * 60}, {Day: time.Friday, Start: 7 * 60}},
		{{Day: time.Thursday, Start: 16 * 60, End: 17 * 60}},
	}
	var out []*referral.Group
	k := 0
	for _, a := range archetypes {
		for _, s := range schedules {
			k++
			g := &referral.Group{
				Source:     "template",
				Updated:    time.Date(2019+k%8, time.Month(1+k%12), 1+k%28, 0, 0, 0, 0, time.UTC),
				Name:       a.name,
				Program:    a.prog,
				Sessions:   s,
				Attendance: a.at,
				Place:      referral.Place{Location: "Community Room", Address: "Main St", City: "Town", State: "PA"},
			}
			if a.at.MeetsOnline() {
				g.Online.URL = "https://meet.example/j"
				if k%3 == 0 {
					g.Online.Phone = "+1 555 0100"
				}
			}
			attr := &g.Attributes
			attr.Openness = []referral.Openness{referral.Open, referral.Closed, referral.OpennessUnknown}[k%3]
			switch {
			case strings.Contains(a.name, "Sisters") || k%13 == 0:
				attr.Audience = referral.WomenOnly
			case k%11 == 0:
				attr.Audience = referral.MenOnly
			}
			if k%9 == 0 {
				attr.Languages = []string{"es"}
			} else if k%17 == 0 {
				attr.Languages = []string{"en", "es"}
			}
			attr.Wheelchair = k%3 != 1
			attr.Newcomer = k%4 == 0
			attr.LGBTQ = k%15 == 0
			attr.YoungPeople = k%19 == 0
			attr.Childcare = k%23 == 0
			attr.ASL = k%41 == 0
			attr.Secular = a.prog == referral.ProgramSMART || k%29 == 0
			switch {
			case k%8 == 0:
				g.Curation.MedicationFriendly = referral.MedicationYes
			case k%21 == 0:
				g.Curation.MedicationFriendly = referral.MedicationNo
			}
			g.Curation.Hidden = k%97 == 0
			if k%53 == 0 {
				g.Attendance = referral.Inactive
			}
			if k%37 == 0 {
				g.Place.Approximate = true
			}
			out = append(out, g)
		}
	}
	return out
}

var (
	big     []*referral.Group
	bigOnce sync.Once
)

func bench250k(b *testing.B) []*referral.Group {
	bigOnce.Do(func() { big = referraltest.Replicate(templateGroups(), 250_000, referraltest.Centroids(), 42) })
	return big
}

// benchNeeds is a typical opioid referral from central Philadelphia: 10
// miles, in person or online, Tuesday or Thursday evening, on MOUD.
func benchNeeds() referral.Needs {
	return referral.Needs{
		Substances: []referral.Substance{referral.SubstanceOpioids},
		ZIP:        "19107",
		Origin:     &philly,
		MaxMiles:   10,
		Days:       []time.Weekday{time.Tuesday, time.Thursday},
		Times:      []referral.TimeBand{referral.Evening},
		MOUD:       true,
		ClinicZone: newYork,
	}
}

func BenchmarkMatch250k(b *testing.B) {
	groups := bench250k(b)
	ix := referral.NewIndex(groups)
	n := benchNeeds()
	defer referraltest.ReportCPU(b)()
	for b.Loop() {
		if res := ix.Match(n, testNow); len(res.Candidates) == 0 {
			b.Fatal("no candidates")
		}
	}
}

// BenchmarkMatchFloor250k is the bare scan the target compares against: one
// pass over the same records computing only the distance.
func BenchmarkMatchFloor250k(b *testing.B) {
	groups := bench250k(b)
	n := benchNeeds()
	defer referraltest.ReportCPU(b)()
	for b.Loop() {
		near := 0
		for _, g := range groups {
			if c := g.Place.Coords; c != nil && referral.Miles(*n.Origin, *c) <= n.MaxMiles {
				near++
			}
		}
		if near == 0 {
			b.Fatal("nothing near")
		}
	}
}

// BenchmarkMatchCases covers other shapes of request and the plain Match.
func BenchmarkMatchCases(b *testing.B) {
	groups := bench250k(b)
	ix := referral.NewIndex(groups)
	cases := map[string]func(*referral.Needs){
		"in-person-25mi-any-time": func(n *referral.Needs) {
			n.Attend, n.MaxMiles, n.Days, n.Times = referral.AttendInPerson, 25, nil, nil
		},
		"online-only-any-time": func(n *referral.Needs) {
			n.Attend, n.Days, n.Times = referral.AttendOnline, nil, nil
		},
		"either-500mi-spanish": func(n *referral.Needs) { n.MaxMiles, n.Languages = 500, []string{"es"} },
		"rural-wyoming-nothing-near": func(n *referral.Needs) {
			n.Origin, n.Attend = &referral.Point{Lat: 43.0, Lon: -107.5}, referral.AttendInPerson
		},
	}
	for name, change := range cases {
		n := benchNeeds()
		change(&n)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				ix.Match(n, testNow)
			}
		})
	}
	b.Run("plain-Match", func(b *testing.B) {
		n := benchNeeds()
		for b.Loop() {
			referral.Match(n, groups, testNow)
		}
	})
	b.Run("NewIndex", func(b *testing.B) {
		for b.Loop() {
			referral.NewIndex(groups)
		}
	})
}

// TestIndexAgreesWithMatch runs random needs over a random directory through
// both paths: the grid, the bulk counts and the precomputed keys must change
// nothing.
func TestIndexAgreesWithMatch(t *testing.T) {
	pts := referraltest.Centroids()
	// Points near the edges of the grid's assumptions: the antimeridian
	// (Aleutians), far north, and exactly on cell borders.
	pts = append(pts, referral.Point{Lat: 52.9, Lon: 172.9}, referral.Point{Lat: 52.0, Lon: -179.99},
		referral.Point{Lat: 71.3, Lon: -156.8}, referral.Point{Lat: 40.0, Lon: -75.0})
	groups := referraltest.Replicate(templateGroups(), 4000, pts, 7)
	groups = append(groups, sampleDirectory()...)
	rng := rand.New(rand.NewPCG(3, 4))
	// Feeds list many groups once per weekday: clone some listings onto other
	// days so folding is exercised, and give a few French.
	for k := 0; k < 400; k++ {
		g := *groups[rng.IntN(4000)]
		g.ID = int64(10000 + k)
		g.Sessions = []referral.Session{{Day: time.Weekday(rng.IntN(7)), Start: referral.Clock(rng.IntN(24 * 60)), End: referral.NoTime}}
		if k%5 == 0 {
			g.Attributes.Languages = []string{"fr", "en"}
		}
		groups = append(groups, &g)
	}
	ix := referral.NewIndex(groups)
	// The index a store builds row by row keeps no group: one Group is
	// reused for every row, as a decoder would.
	streamed := referral.NewIndexFrom(func(yield func(*referral.Group) bool) {
		var g referral.Group
		for _, src := range groups {
			g = *src
			if !yield(&g) {
				return
			}
		}
	})
	zones := []string{"America/New_York", "America/Chicago", "America/Los_Angeles", "Asia/Kolkata", "UTC"}
	runs := 400
	if testing.Short() {
		runs = 50
	}
	for run := 0; run < runs; run++ {
		n := randomNeeds(rng, pts)
		if n.Validate() != nil {
			continue
		}
		now := time.Date(2026, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60), 0,
			mustZone(zones[rng.IntN(len(zones))]))
		a, b := describe(referral.Match(n, groups, now)), describe(ix.Match(n, now))
		if a != b {
			t.Fatalf("run %d: needs %+v origin %v at %s\nMatch:\n%s\nIndex:\n%s", run, n, *n.Origin, now, a, b)
		}
		if c := describe(streamed.Match(n, now)); c != a {
			t.Fatalf("run %d: needs %+v origin %v at %s\nMatch:\n%s\nNewIndexFrom:\n%s", run, n, *n.Origin, now, a, c)
		}
	}
}

func randomNeeds(rng *rand.Rand, pts []referral.Point) referral.Needs {
	p := pts[rng.IntN(len(pts))]
	n := referral.Needs{
		ClinicZone: newYork,
		Origin:     &p,
		MaxMiles:   []float64{0.5, 3, 10, 25, 100, 500}[rng.IntN(6)],
		Attend:     []referral.AttendWanted{"", referral.AttendInPerson, referral.AttendOnline}[rng.IntN(3)],
		For:        []referral.For{referral.ForSelf, referral.ForFamily}[rng.IntN(2)],
		Gender:     []referral.Gender{"", referral.GenderWoman, referral.GenderMan, referral.GenderOther}[rng.IntN(4)],
		Approach:   []referral.Approach{"", referral.ApproachTwelveStep, referral.ApproachSecular}[rng.IntN(3)],
		Limit:      rng.IntN(21),
	}
	for _, s := range referral.Substances {
		if rng.IntN(3) == 0 {
			n.Substances = append(n.Substances, s)
		}
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		if rng.IntN(4) == 0 {
			n.Days = append(n.Days, d)
		}
	}
	for _, b := range referral.TimeBands {
		if rng.IntN(3) == 0 {
			n.Times = append(n.Times, b)
		}
	}
	n.WomenOnly = n.Gender != referral.GenderMan && n.Gender != referral.GenderOther && rng.IntN(8) == 0
	n.MOUD = n.For == referral.ForSelf && rng.IntN(2) == 0
	n.LGBTQ, n.YoungPeople = rng.IntN(4) == 0, rng.IntN(4) == 0
	n.Wheelchair, n.Childcare = rng.IntN(4) == 0, rng.IntN(10) == 0
	switch rng.IntN(8) {
	case 0:
		n.Languages = []string{"es"}
	case 1:
		n.Languages = []string{"fr"}
	case 2:
		n.Languages = []string{"EN"}
	}
	return n
}

// TestIndexConcurrentMatch shares one Index between goroutines (the GUI
// matches off the UI goroutine while a CLI-style caller may too): pooled
// scratch memory must not leak between matches.
func TestIndexConcurrentMatch(t *testing.T) {
	pts := referraltest.Centroids()
	groups := referraltest.Replicate(templateGroups(), 3000, pts, 11)
	ix := referral.NewIndex(groups)
	rng := rand.New(rand.NewPCG(5, 6))
	var needs []referral.Needs
	for len(needs) < 12 {
		if n := randomNeeds(rng, pts); n.Validate() == nil {
			needs = append(needs, n)
		}
	}
	want := make([]string, len(needs))
	for k, n := range needs {
		want[k] = describe(ix.Match(n, testNow))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(needs))
	for w := 0; w < 4; w++ {
		wg.Go(func() {
			for k := range needs {
				k = (k + w*3) % len(needs)
				if got := describe(ix.Match(needs[k], testNow)); got != want[k] {
					errs <- fmt.Sprintf("worker %d needs %d differ", w, k)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
