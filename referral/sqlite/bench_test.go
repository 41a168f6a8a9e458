package sqlite_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// shared is one 250,000-group database built on first use and reused by every
// benchmark run of this process (go test -count 5 calls each benchmark five
// times); TestMain removes it.
var shared struct {
	once  sync.Once
	dir   string
	path  string
	build time.Duration
	err   error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	removeMatchStore() // match_bench_test.go
	os.Exit(code)
}

// directory250k opens the shared big directory, building it the first time.
func directory250k(b *testing.B) *sqlite.GroupService {
	b.Helper()
	const n = 250_000
	shared.once.Do(func() {
		if shared.dir, shared.err = os.MkdirTemp("", "referraldesk-bench-"); shared.err != nil {
			return
		}
		shared.path = filepath.Join(shared.dir, "referraldesk.db")
		start := time.Now()
		shared.err = buildDirectory(shared.path, n)
		shared.build = time.Since(start)
	})
	if shared.err != nil {
		b.Fatal(shared.err)
	}
	b.Logf("%d groups built in %v (once per process)", n, shared.build.Round(time.Millisecond))
	db, err := sqlite.Open(shared.path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return sqlite.NewGroupService(db)
}

func buildDirectory(path string, n int) error {
	db, err := sqlite.Open(path)
	if err != nil {
		return err
	}
	defer db.Close()
	s := sqlite.NewGroupService(db)
	gen := newGenerator(1)
	// Batches keep the generated groups' memory small; each is one
	// transaction, as one feed file of an import would be.
	const batch = 25_000
	for done := 0; done < n; done += batch {
		groups := make([]*referral.Group, min(batch, n-done))
		for i := range groups {
			groups[i] = gen.group(done + i)
		}
		if err := s.CreateGroups(context.Background(), groups); err != nil {
			return fmt.Errorf("build directory: %w", err)
		}
	}
	return nil
}

// BenchmarkSearch250k measures what the Directory list does while a counselor
// types: a text search over 250,000 groups, first 200 by name, plus the total.
func BenchmarkSearch250k(b *testing.B) {
	// 1000 rows: what the Directory list asks for per query (app.listLimit).
	benchSearch(b, func(text string) referral.GroupFilter { return referral.GroupFilter{Text: text, Limit: 1000} })
}

// BenchmarkSearchLeftOut250k is the query the Directory makes beside each
// search (BenchmarkSearch250k) to say how many hidden or inactive listings
// its check box leaves out: the same text, hidden and inactive included,
// and a page past every match, so only the count is read. The list waits
// for the slower of the two.
func BenchmarkSearchLeftOut250k(b *testing.B) {
	benchSearch(b, func(text string) referral.GroupFilter {
		return referral.GroupFilter{Text: text, IncludeHidden: true, IncludeInactive: true, Offset: math.MaxInt, Limit: 1}
	})
}

// benchSearch times FindGroups with the filter made for each typed text.
func benchSearch(b *testing.B, filter func(text string) referral.GroupFilter) {
	s := directory250k(b)
	// The window builds the indexes as it opens (Prepare); a search waits
	// for them only once, and that is not what is measured here.
	start := time.Now()
	if _, _, err := s.FindGroups(context.Background(), referral.GroupFilter{Text: "a", Limit: 1}); err != nil {
		b.Fatal(err)
	}
	b.Logf("indexes built in %v", time.Since(start).Round(time.Millisecond))
	for _, c := range []struct{ name, text string }{
		{"st_john", "st john"},
		{"one_letter", "s"},
		{"no_match", "zzyzx"},
		{"no_text", ""},
	} {
		b.Run(c.name, func(b *testing.B) {
			ctx, f := context.Background(), filter(c.text)
			var total int
			for b.Loop() {
				var err error
				if _, total, err = s.FindGroups(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(total), "matches")
		})
	}
}

// generator makes varied, realistic-looking groups, deterministic for a seed.
type generator struct{ r *rand.Rand }

func newGenerator(seed uint64) *generator {
	return &generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (g *generator) pick(list []string) string { return list[g.r.IntN(len(list))] }

var (
	benchCities = []string{"Philadelphia", "Pittsburgh", "Allentown", "Camden", "Trenton", "Newark", "New York",
		"Brooklyn", "Queens", "Yonkers", "Boston", "Worcester", "Springfield", "Hartford", "Baltimore",
		"Washington", "Richmond", "Norfolk", "Charlotte", "Raleigh", "Atlanta", "Savannah", "Jacksonville",
		"Miami", "Orlando", "Tampa", "Nashville", "Memphis", "Louisville", "Columbus", "Cleveland",
		"Cincinnati", "Detroit", "Grand Rapids", "Chicago", "Milwaukee", "Minneapolis", "St. Louis",
		"Kansas City", "Omaha", "Denver", "Albuquerque", "Española", "Phoenix", "Tucson", "Las Vegas",
		"Salt Lake City", "Boise", "Seattle", "Spokane", "Portland", "Sacramento", "San Francisco",
		"San José", "Fresno", "Los Angeles", "Long Beach", "San Diego", "Santa Fe", "El Paso", "San Antonio",
		"Austin", "Dallas", "Houston", "Laredo", "New Orleans", "Baton Rouge", "Little Rock", "Tulsa",
		"Wichita", "Des Moines", "Madison", "Indianapolis", "Lexington", "Charleston", "Burlington",
		"Manchester", "Providence", "Bridgeport", "Anchorage", "Honolulu", "Cañon City", "Peñasco"}
	benchSaints = []string{"St. John's", "St. Mark's", "St. Paul's", "St. Mary's", "St. Joseph's",
		"St. Luke's", "St. Peter's", "St. Andrew's", "St. Anne's", "St. Francis", "St. Jude's", "St. Thomas"}
	benchPlaces = []string{"Church", "Episcopal Church", "Lutheran Church", "Catholic Church", "Parish Hall",
		"Methodist Church", "Baptist Church", "Community Center", "Alano Club", "Public Library", "Hospital",
		"Recovery Center", "YMCA", "Senior Center", "Fellowship Hall", "Clubhouse", "Iglesia", "Unitarian Church"}
	benchStreets = []string{"Main St", "Market St", "Broad St", "Chestnut St", "Walnut St", "Spruce St",
		"Pine St", "Oak Ave", "Maple Ave", "Elm St", "Washington Ave", "Lincoln Blvd", "Park Ave", "Church St",
		"High St", "Mill Rd", "River Rd", "Lake Dr", "Johnson Ave", "Stone Rd", "Station Rd", "Calle Ocho"}
	benchThemes = []string{"Serenity", "Hope", "Keep It Simple", "Big Book", "Step Study", "Living Sober",
		"New Beginnings", "Came to Believe", "Just for Today", "Easy Does It", "Into Action", "Promises",
		"Freedom", "Miracles Happen", "Back to Basics", "Recovery", "Women's Step", "Men's Stag",
		"Young People", "Newcomers", "Speaker", "Discussion", "Meditation", "Daily Reflections",
		"Primary Purpose", "Grapevine", "Literature", "Sunrise", "Nooners", "Candlelight", "Last Chance"}
	benchSpanish = []string{"Esperanza", "Nueva Vida", "Renacer", "Serenidad", "Despertar", "Fe y Esperanza",
		"Sólo por Hoy", "Niño Dios", "Libertad", "Unidos", "Camino a la Libertad", "Amanecer"}
	benchNotes = []string{"Enter through the side door.", "Basement, follow the signs.", "Parking in the rear lot.",
		"Room 204, second floor.", "Wheelchair ramp on the left.", "Coffee and cookies.",
		"Meeting is in the chapel.", "Ring the bell at the blue door.", "Use the Johnson Street entrance.",
		"Masks welcome.", "Childcare available upstairs.", "Bring your Big Book.", "Se habla español.",
		"Newcomers welcome, come early.", "Across from the fire station.", "Near the bus stop on Route 9.", ""}
	benchRegions  = []string{"Center City", "North", "South", "East", "West", "Downtown", "Uptown", "Riverside", "Old Town", "Harbor"}
	benchPrograms = []referral.Program{referral.ProgramAA, referral.ProgramAA, referral.ProgramAA, referral.ProgramNA,
		referral.ProgramNA, referral.ProgramAlAnon, referral.ProgramSMART, referral.ProgramCA, referral.ProgramCMA,
		referral.ProgramNarAnon, referral.ProgramCelebrateRecovery, referral.ProgramRecoveryDharma, referral.ProgramMAR}
	benchAttendance = []referral.Attendance{referral.InPerson, referral.InPerson, referral.InPerson,
		referral.InPerson, referral.Hybrid, referral.Online, referral.Inactive}
	benchDays = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
)

// group returns the i-th generated group (i keeps SourceIDs unique).
func (g *generator) group(i int) *referral.Group {
	r := g.r
	day := time.Weekday(r.IntN(7))
	start := referral.Clock(6*60 + r.IntN(32)*30)
	saint := g.pick(benchSaints)
	place := g.pick(benchPlaces)
	var name string
	switch r.IntN(6) {
	case 0:
		name = saint + " " + g.pick(benchThemes)
	case 1:
		name = benchDays[day] + " " + g.pick(benchThemes)
	case 2:
		name = "Grupo " + g.pick(benchSpanish)
	case 3:
		name = g.pick(benchThemes) + " Group"
	default:
		name = g.pick(benchThemes) + " " + g.pick(benchThemes)
	}
	location := g.pick(benchThemes) + " " + place
	if r.IntN(3) == 0 {
		location = saint + " " + place
	}
	grp := &referral.Group{
		Source:     fmt.Sprintf("feed-%d", i%40),
		SourceID:   fmt.Sprintf("m%07d", i),
		Updated:    time.Date(2020+r.IntN(6), time.Month(1+r.IntN(12)), 1+r.IntN(28), 12, 0, 0, 0, time.UTC),
		Name:       name,
		Program:    benchPrograms[r.IntN(len(benchPrograms))],
		Sessions:   []referral.Session{{Day: day, Start: start, End: start + 60}},
		TimeZone:   "America/New_York",
		Attendance: benchAttendance[r.IntN(len(benchAttendance))],
		Place: referral.Place{
			Location:   location,
			Address:    fmt.Sprintf("%d %s", 1+r.IntN(9999), g.pick(benchStreets)),
			City:       g.pick(benchCities),
			State:      "PA",
			PostalCode: fmt.Sprintf("%05d", 1000+r.IntN(98000)),
			Country:    "US",
			Coords:     &referral.Point{Lat: 25 + r.Float64()*24, Lon: -124 + r.Float64()*57},
			Notes:      g.pick(benchNotes),
			Regions:    []string{g.pick(benchRegions)},
		},
		Attributes: referral.Attributes{Openness: referral.Open, Languages: []string{"en"}},
		Types:      []string{"O", "D"},
		Notes:      g.pick(benchNotes),
	}
	if r.IntN(4) == 0 {
		grp.Sessions = append(grp.Sessions, referral.Session{Day: (day + 3) % 7, Start: start, End: referral.NoTime})
	}
	if grp.Attendance.MeetsOnline() {
		grp.Online = referral.OnlineAccess{URL: fmt.Sprintf("https://zoom.example/j/%d", 100000+i)}
	}
	return grp
}
