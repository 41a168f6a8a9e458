package referral_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
)

var (
	newYork = mustZone("America/New_York")
	// testNow is Tuesday 3 March 2026, 15:00 in Philadelphia, five days before
	// daylight saving time starts.
	testNow = time.Date(2026, 3, 3, 15, 0, 0, 0, newYork)
	// oneMile is a point about a mile north of philly.
	oneMile = referral.Point{Lat: philly.Lat + 0.0145, Lon: philly.Lon}
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// grp makes an open, in-person, recently listed group a mile from the client
// meeting Tuesdays at 19:00; options change what a test is about.
func grp(id int64, name string, prog referral.Program, opts ...func(*referral.Group)) *referral.Group {
	at := oneMile
	g := &referral.Group{
		ID:         id,
		Source:     "test",
		SourceID:   fmt.Sprint(id),
		Updated:    testNow.AddDate(0, -1, 0),
		Name:       name,
		Program:    prog,
		Sessions:   []referral.Session{{Day: time.Tuesday, Start: 19 * 60, End: 20 * 60}},
		TimeZone:   "America/New_York",
		Attendance: referral.InPerson,
		Place:      referral.Place{Address: fmt.Sprintf("%d Main St", id), City: "Philadelphia", Coords: &at},
		Attributes: referral.Attributes{Openness: referral.Open},
	}
	for _, o := range opts {
		o(g)
	}
	return g
}

func women(g *referral.Group)  { g.Attributes.Audience = referral.WomenOnly }
func men(g *referral.Group)    { g.Attributes.Audience = referral.MenOnly }
func closed(g *referral.Group) { g.Attributes.Openness = referral.Closed }
func unstatedOpenness(g *referral.Group) {
	g.Attributes.Openness = referral.OpennessUnknown
}
func hidden(g *referral.Group)   { g.Curation.Hidden = true }
func inactive(g *referral.Group) { g.Attendance = referral.Inactive }
func onlineOnly(g *referral.Group) {
	g.Attendance = referral.Online
	g.Online.URL = fmt.Sprintf("https://zoom.example/j/%d", g.ID)
}
func hybrid(g *referral.Group) {
	g.Attendance = referral.Hybrid
	g.Online.Phone = "+1 215 555 0100"
}
func noCoords(g *referral.Group) { g.Place.Coords = nil }
func medication(m referral.MedicationFriendly) func(*referral.Group) {
	return func(g *referral.Group) { g.Curation.MedicationFriendly = m }
}
func langs(ls ...string) func(*referral.Group) {
	return func(g *referral.Group) { g.Attributes.Languages = ls }
}
func at(day time.Weekday, start string) func(*referral.Group) {
	return func(g *referral.Group) {
		g.Sessions = []referral.Session{{Day: day, Start: clock(start), End: referral.NoTime}}
	}
}
func zone(name string) func(*referral.Group) {
	return func(g *referral.Group) { g.TimeZone = name }
}
func milesNorth(mi float64) func(*referral.Group) {
	return func(g *referral.Group) {
		g.Place.Coords = &referral.Point{Lat: philly.Lat + mi/69.09, Lon: philly.Lon}
	}
}

func ids(res referral.Result) []int64 {
	var out []int64
	for _, c := range res.Candidates {
		out = append(out, c.Group.ID)
	}
	return out
}

func sorted(xs []int64) []int64 {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return xs
}

// TestMatchHardRules pins each hard rule on a small directory: exactly the
// groups allowed are offered, and each exclusion is counted under its rule.
func TestMatchHardRules(t *testing.T) {
	tests := []struct {
		name     string
		needs    func(n *referral.Needs)
		groups   []*referral.Group
		want     []int64 // candidate IDs, any order
		excluded map[referral.Rule]int
	}{
		{
			name:  "women-only never offered to a man",
			needs: func(n *referral.Needs) { n.Gender = referral.GenderMan },
			groups: []*referral.Group{grp(1, "Women's Step", referral.ProgramNA, women),
				grp(2, "Men's Step", referral.ProgramNA, men), grp(3, "All Welcome", referral.ProgramNA),
				grp(4, "WFS Circle", referral.ProgramWFS)},
			want:     []int64{2, 3},
			excluded: map[referral.Rule]int{referral.RuleAudience: 2},
		},
		{
			name:  "men-only never offered to a woman",
			needs: func(n *referral.Needs) { n.Gender = referral.GenderWoman },
			groups: []*referral.Group{grp(1, "Women's Step", referral.ProgramNA, women),
				grp(2, "Men's Step", referral.ProgramNA, men), grp(3, "All Welcome", referral.ProgramNA)},
			want:     []int64{1, 3},
			excluded: map[referral.Rule]int{referral.RuleAudience: 1},
		},
		{
			name:  "other gender gets neither",
			needs: func(n *referral.Needs) { n.Gender = referral.GenderOther },
			groups: []*referral.Group{grp(1, "Women's Step", referral.ProgramNA, women),
				grp(2, "Men's Step", referral.ProgramNA, men), grp(3, "All Welcome", referral.ProgramNA)},
			want:     []int64{3},
			excluded: map[referral.Rule]int{referral.RuleAudience: 2},
		},
		{
			name:  "blank gender gets neither",
			needs: func(n *referral.Needs) {},
			groups: []*referral.Group{grp(1, "Women's Step", referral.ProgramNA, women),
				grp(2, "Men's Step", referral.ProgramNA, men), grp(3, "All Welcome", referral.ProgramNA)},
			want:     []int64{3},
			excluded: map[referral.Rule]int{referral.RuleAudience: 2},
		},
		{
			name:  "women-only wish drops mixed groups",
			needs: func(n *referral.Needs) { n.WomenOnly = true },
			groups: []*referral.Group{grp(1, "Women's Step", referral.ProgramNA, women),
				grp(2, "Men's Step", referral.ProgramNA, men), grp(3, "All Welcome", referral.ProgramNA)},
			want:     []int64{1},
			excluded: map[referral.Rule]int{referral.RuleAudience: 2},
		},
		{
			name:  "family member gets family fellowships and open meetings only",
			needs: func(n *referral.Needs) { n.For = referral.ForFamily },
			groups: []*referral.Group{grp(1, "Hope for Families", referral.ProgramAlAnon, closed),
				grp(2, "Serenity Nar-Anon", referral.ProgramNarAnon), grp(3, "Clean Tuesdays", referral.ProgramNA, closed),
				grp(4, "Big Book", referral.ProgramAA, closed), grp(5, "Open Speaker", referral.ProgramAA),
				grp(6, "Unsure", referral.ProgramNA, unstatedOpenness)},
			want:     []int64{1, 2, 5},
			excluded: map[referral.Rule]int{referral.RuleForWhom: 3},
		},
		{
			name:  "client never gets a family group",
			needs: func(n *referral.Needs) {},
			groups: []*referral.Group{grp(1, "Hope for Families", referral.ProgramAlAnon),
				grp(2, "Serenity Nar-Anon", referral.ProgramNarAnon), grp(3, "Clean Tuesdays", referral.ProgramNA, closed),
				grp(4, "Big Book", referral.ProgramAA, closed)},
			want:     []int64{3, 4},
			excluded: map[referral.Rule]int{referral.RuleForWhom: 2},
		},
		{
			name:  "MOUD client never gets a group that refuses medication",
			needs: func(n *referral.Needs) { n.MOUD = true },
			groups: []*referral.Group{grp(1, "Old School", referral.ProgramNA, medication(referral.MedicationNo)),
				grp(2, "Unknown", referral.ProgramNA), grp(3, "Welcoming", referral.ProgramNA, medication(referral.MedicationYes)),
				grp(4, "MARA Philly", referral.ProgramMAR), grp(5, "MARA refused", referral.ProgramMAR, medication(referral.MedicationNo))},
			want:     []int64{2, 3, 4},
			excluded: map[referral.Rule]int{referral.RuleMedication: 2},
		},
		{
			name:  "online-only client gets only groups with a link or dial-in",
			needs: func(n *referral.Needs) { n.Attend = referral.AttendOnline; n.Origin = nil; n.MaxMiles = 0 },
			groups: []*referral.Group{grp(1, "Zoom", referral.ProgramNA, onlineOnly),
				grp(2, "No Link", referral.ProgramNA, func(g *referral.Group) { g.Attendance = referral.Online }),
				grp(3, "Hybrid Phone", referral.ProgramNA, hybrid), grp(4, "Church Hall", referral.ProgramNA),
				grp(5, "Old Zoom", referral.ProgramNA, onlineOnly, inactive),
				grp(6, "Hybrid No Link", referral.ProgramNA, func(g *referral.Group) { g.Attendance = referral.Hybrid })},
			want:     []int64{1, 3},
			excluded: map[referral.Rule]int{referral.RuleAttendance: 3, referral.RuleUnavailable: 1},
		},
		{
			name:  "in-person client never gets online-only",
			needs: func(n *referral.Needs) { n.Attend = referral.AttendInPerson },
			groups: []*referral.Group{grp(1, "Zoom", referral.ProgramNA, onlineOnly),
				grp(2, "Hybrid", referral.ProgramNA, hybrid), grp(3, "Church Hall", referral.ProgramNA),
				grp(4, "Somewhere", referral.ProgramNA, noCoords), grp(5, "Far Hybrid", referral.ProgramNA, hybrid, milesNorth(40))},
			want: []int64{2, 3},
			excluded: map[referral.Rule]int{referral.RuleAttendance: 1, referral.RuleNoLocation: 1,
				referral.RuleDistance: 1},
		},
		{
			name:  "either: far groups only when joinable online",
			needs: func(n *referral.Needs) {},
			groups: []*referral.Group{grp(1, "Zoom", referral.ProgramNA, onlineOnly, milesNorth(900)),
				grp(2, "Far Hybrid", referral.ProgramNA, hybrid, milesNorth(40)), grp(3, "Far Hall", referral.ProgramNA, milesNorth(40)),
				grp(4, "Somewhere", referral.ProgramNA, noCoords), grp(5, "Hybrid Somewhere", referral.ProgramNA, hybrid, noCoords)},
			want:     []int64{1, 2, 5},
			excluded: map[referral.Rule]int{referral.RuleDistance: 1, referral.RuleNoLocation: 1},
		},
		{
			name:  "a needed language is never missing",
			needs: func(n *referral.Needs) { n.Languages = []string{"es"} },
			groups: []*referral.Group{grp(1, "Grupo Esperanza", referral.ProgramNA, langs("es")),
				grp(2, "English", referral.ProgramNA, langs("en")), grp(3, "Unstated", referral.ProgramNA),
				grp(4, "Bilingual", referral.ProgramNA, langs("EN", "ES"))},
			want:     []int64{1, 4},
			excluded: map[referral.Rule]int{referral.RuleLanguage: 2},
		},
		{
			name:  "English is assumed when no language is stated",
			needs: func(n *referral.Needs) { n.Languages = []string{"en"} },
			groups: []*referral.Group{grp(1, "Grupo Esperanza", referral.ProgramNA, langs("es")),
				grp(2, "English", referral.ProgramNA, langs("en")), grp(3, "Unstated", referral.ProgramNA)},
			want:     []int64{2, 3},
			excluded: map[referral.Rule]int{referral.RuleLanguage: 1},
		},
		{
			name:  "access needs are hard",
			needs: func(n *referral.Needs) { n.Wheelchair, n.Childcare = true, true },
			groups: []*referral.Group{
				grp(1, "Ramp and Kids", referral.ProgramNA, func(g *referral.Group) { g.Attributes.Wheelchair, g.Attributes.Childcare = true, true }),
				grp(2, "Ramp", referral.ProgramNA, func(g *referral.Group) { g.Attributes.Wheelchair = true }),
				grp(3, "Stairs", referral.ProgramNA)},
			want:     []int64{1},
			excluded: map[referral.Rule]int{referral.RuleAccess: 2},
		},
		{
			name:  "inactive and hidden never appear",
			needs: func(n *referral.Needs) {},
			groups: []*referral.Group{grp(1, "Gone", referral.ProgramNA, inactive), grp(2, "Hidden", referral.ProgramNA, hidden),
				grp(3, "No Times", referral.ProgramNA, func(g *referral.Group) { g.Sessions = nil }), grp(4, "Here", referral.ProgramNA), nil},
			want:     []int64{4},
			excluded: map[referral.Rule]int{referral.RuleUnavailable: 4},
		},
		{
			name:  "evening band edges",
			needs: func(n *referral.Needs) { n.Times = []referral.TimeBand{referral.Evening} },
			groups: []*referral.Group{grp(1, "a", referral.ProgramNA, at(time.Tuesday, "15:59")), grp(2, "b", referral.ProgramNA, at(time.Tuesday, "16:00")),
				grp(3, "c", referral.ProgramNA, at(time.Tuesday, "20:59")), grp(4, "d", referral.ProgramNA, at(time.Tuesday, "21:00"))},
			want:     []int64{2, 3},
			excluded: map[referral.Rule]int{referral.RuleSchedule: 2},
		},
		{
			name:  "morning band edges",
			needs: func(n *referral.Needs) { n.Times = []referral.TimeBand{referral.Morning} },
			groups: []*referral.Group{grp(1, "a", referral.ProgramNA, at(time.Tuesday, "03:59")), grp(2, "b", referral.ProgramNA, at(time.Tuesday, "04:00")),
				grp(3, "c", referral.ProgramNA, at(time.Tuesday, "11:59")), grp(4, "d", referral.ProgramNA, at(time.Tuesday, "12:00"))},
			want:     []int64{2, 3},
			excluded: map[referral.Rule]int{referral.RuleSchedule: 2},
		},
		{
			name:  "night band wraps midnight",
			needs: func(n *referral.Needs) { n.Times = []referral.TimeBand{referral.Night} },
			groups: []*referral.Group{grp(1, "a", referral.ProgramNA, at(time.Tuesday, "19:59")), grp(2, "b", referral.ProgramNA, at(time.Tuesday, "20:00")),
				grp(3, "c", referral.ProgramNA, at(time.Tuesday, "04:59")), grp(4, "d", referral.ProgramNA, at(time.Tuesday, "05:00"))},
			want:     []int64{2, 3},
			excluded: map[referral.Rule]int{referral.RuleSchedule: 2},
		},
		{
			name: "days and bands together",
			needs: func(n *referral.Needs) {
				n.Days = []time.Weekday{time.Monday, time.Thursday}
				n.Times = []referral.TimeBand{referral.Midday}
			},
			groups: []*referral.Group{grp(1, "a", referral.ProgramNA, at(time.Monday, "12:00")), grp(2, "b", referral.ProgramNA, at(time.Tuesday, "12:00")),
				grp(3, "c", referral.ProgramNA, at(time.Thursday, "19:00"))},
			want:     []int64{1},
			excluded: map[referral.Rule]int{referral.RuleSchedule: 2},
		},
		{
			name: "wanted times are the client's: an online group in Chicago is moved an hour",
			needs: func(n *referral.Needs) {
				n.Attend = referral.AttendOnline
				n.Times = []referral.TimeBand{referral.Evening}
			},
			groups: []*referral.Group{
				grp(1, "7:30 Eastern", referral.ProgramNA, onlineOnly, zone("America/Chicago"), at(time.Tuesday, "18:30")),
				grp(2, "9:30 Eastern", referral.ProgramNA, onlineOnly, zone("America/Chicago"), at(time.Tuesday, "20:30")),
				grp(3, "4:30 Eastern", referral.ProgramNA, onlineOnly, zone("America/Chicago"), at(time.Tuesday, "15:30")),
				grp(4, "Half-hour zone", referral.ProgramNA, onlineOnly, zone("Asia/Kolkata"), at(time.Wednesday, "05:00")), // Tue 18:30 Eastern
			},
			want:     []int64{1, 3, 4},
			excluded: map[referral.Rule]int{referral.RuleSchedule: 1},
		},
		{
			name: "a day past midnight in the group's zone is the client's day before",
			needs: func(n *referral.Needs) {
				n.Attend = referral.AttendOnline
				n.Days = []time.Weekday{time.Tuesday}
			},
			groups: []*referral.Group{
				grp(1, "Late Pacific", referral.ProgramNA, onlineOnly, zone("America/Los_Angeles"), at(time.Tuesday, "22:00")), // Wed 01:00 Eastern
				grp(2, "London", referral.ProgramNA, onlineOnly, zone("Europe/London"), at(time.Wednesday, "01:00")),           // Tue 20:00 Eastern
			},
			want:     []int64{2},
			excluded: map[referral.Rule]int{referral.RuleSchedule: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := validNeeds()
			tt.needs(&n)
			n.Limit = referral.MaxLimit
			if err := n.Validate(); err != nil {
				t.Fatal(err)
			}
			for _, how := range []string{"Match", "Index"} {
				res := matchBoth(t, n, tt.groups)
				if got := sorted(ids(res)); !slices.Equal(got, tt.want) {
					t.Errorf("%s offered %v, want %v", how, got, tt.want)
				}
				if fmt.Sprint(res.Excluded) != fmt.Sprint(tt.excluded) {
					t.Errorf("%s excluded %v, want %v", how, res.Excluded, tt.excluded)
				}
				if res.Matched != len(tt.want) {
					t.Errorf("Matched %d, want %d", res.Matched, len(tt.want))
				}
			}
		})
	}
}

// matchBoth runs Match and Index.Match (of an Index that keeps the groups
// and of one that does not) and fails unless they agree.
func matchBoth(t testing.TB, n referral.Needs, groups []*referral.Group) referral.Result {
	t.Helper()
	res := referral.Match(n, groups, testNow)
	if a, b := describe(res), describe(referral.NewIndex(groups).Match(n, testNow)); a != b {
		t.Fatalf("Match and Index.Match disagree:\n%s\n---\n%s", a, b)
	}
	if a, b := describe(res), describe(referral.NewIndexFrom(slices.Values(groups)).Match(n, testNow)); a != b {
		t.Fatalf("Match and Index.Match from NewIndexFrom disagree:\n%s\n---\n%s", a, b)
	}
	return res
}

// describe prints everything a Result says, so two results can be compared
// as text (NaN distances defeat reflect.DeepEqual).
func describe(r referral.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "matched %d excluded %v\n", r.Matched, r.Excluded)
	for _, c := range r.Candidates {
		var also []int64
		for _, g := range c.Also {
			also = append(also, g.ID)
		}
		fmt.Fprintf(&b, "%d %q also%v score %.9g dist %.6f online %v next %s sessions %v\n  reasons %q\n  cautions %q\n",
			c.Group.ID, c.Group.Name, also, c.Score, c.DistanceMiles, c.JoinOnline, c.NextMeeting.Format(time.RFC3339),
			c.Sessions, said(c.Reasons), said(c.Cautions))
	}
	for _, w := range r.Widen {
		fmt.Fprintf(&b, "widen %s %d %s\n", w.Rule, w.Count, w.Phrase)
	}
	return b.String()
}

func TestMatchDistanceEdge(t *testing.T) {
	g := grp(1, "Edge", referral.ProgramNA, milesNorth(4.2))
	d := referral.Miles(philly, *g.Place.Coords)
	for _, tt := range []struct {
		name  string
		miles float64
		want  int
	}{
		{"exactly at the distance", d, 1},
		{"a hair short", math.Nextafter(d, 0), 0},
		{"a hair beyond", math.Nextafter(d, 100), 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := validNeeds()
			n.MaxMiles = tt.miles
			res := matchBoth(t, n, []*referral.Group{g})
			if len(res.Candidates) != tt.want || res.Excluded[referral.RuleDistance] != 1-tt.want {
				t.Errorf("got %v excluded %v", ids(res), res.Excluded)
			}
		})
	}
}

func find(t *testing.T, res referral.Result, id int64) referral.Candidate {
	t.Helper()
	for _, c := range res.Candidates {
		if c.Group.ID == id {
			return c
		}
	}
	t.Fatalf("group %d not offered: %v", id, ids(res))
	return referral.Candidate{}
}

func TestMatchReasonsAndCautions(t *testing.T) {
	groups := []*referral.Group{
		grp(1, "Grupo Esperanza", referral.ProgramNA, langs("es"), medication(referral.MedicationYes)),
		grp(2, "Zoom Recovery", referral.ProgramNA, onlineOnly, langs("es"), milesNorth(300)),
		grp(3, "Old Listing", referral.ProgramNA, langs("es"), func(g *referral.Group) {
			g.Updated = time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC)
			g.Place.Approximate = true
		}),
		grp(4, "Chicago Zoom", referral.ProgramNA, onlineOnly, langs("es"), zone("America/Chicago"), at(time.Tuesday, "18:00")),
		// A place whose listing names another zone than the clinic's.
		grp(5, "Across the Line", referral.ProgramNA, langs("es"), zone("America/Chicago"), at(time.Tuesday, "18:00")),
		grp(6, "Placed by ZIP", referral.ProgramNA, langs("es"), func(g *referral.Group) { g.Place.CoordsFromZIP = true }),
	}
	n := validNeeds()
	n.MOUD = true
	n.Languages = []string{"es"}
	n.Times = []referral.TimeBand{referral.Evening}
	n.Limit = len(groups)
	res := matchBoth(t, n, groups)
	tests := []struct {
		id       int64
		reasons  []string
		cautions []string
	}{
		{1, []string{"reason.when{Band=evening Day=Tuesday}", "reason.miles{Miles=1.0}", "reason.built_for{Program=NA Substances=[opioids]}",
			"reason.language{Language=es}", "reason.medication", "reason.open"}, nil},
		{2, []string{"reason.online"}, []string{"caution.medication_unknown"}},
		// Most important first: medication, then the place, then the listing's age.
		{3, nil, []string{"caution.medication_unknown", "caution.address_approximate", "caution.stale{Year=2021}"}},
		// Online times are shown in the clinic's zone: no reminder needed.
		{4, []string{"reason.when{Band=evening Day=Tuesday}"}, []string{"caution.medication_unknown"}},
		{5, []string{"reason.when{Band=evening Day=Tuesday}"}, []string{"caution.local_times{Zone=America/Chicago}", "caution.medication_unknown"}},
		{6, []string{"reason.miles{Miles=1.0}"}, []string{"caution.medication_unknown", "caution.placed_by_zip"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.id), func(t *testing.T) {
			c := find(t, res, tt.id)
			for _, r := range tt.reasons {
				if !slices.Contains(said(c.Reasons), r) {
					t.Errorf("reasons %q lack %q", c.Reasons, r)
				}
			}
			if tt.cautions != nil && !slices.Equal(said(c.Cautions), tt.cautions) {
				t.Errorf("cautions %q, want %q in that order", c.Cautions, tt.cautions)
			}
			if tt.cautions == nil && len(c.Cautions) > 0 {
				t.Errorf("unexpected cautions %q", c.Cautions)
			}
		})
	}
	t.Run("online has no distance", func(t *testing.T) {
		if c := find(t, res, 2); !math.IsNaN(c.DistanceMiles) || !c.JoinOnline {
			t.Errorf("distance %v online %v", c.DistanceMiles, c.JoinOnline)
		}
	})
}

func TestMatchNextMeeting(t *testing.T) {
	tests := []struct {
		name string
		opt  func(*referral.Group)
		want time.Time
	}{
		{"later today", at(time.Tuesday, "19:00"), time.Date(2026, 3, 3, 19, 0, 0, 0, newYork)},
		{"starting now", at(time.Tuesday, "15:00"), testNow},
		{"earlier today is next week, after the clocks change", at(time.Tuesday, "14:00"), time.Date(2026, 3, 10, 14, 0, 0, 0, newYork)},
		{"tomorrow", at(time.Wednesday, "07:30"), time.Date(2026, 3, 4, 7, 30, 0, 0, newYork)},
		{"in the group's zone", func(g *referral.Group) { zone("America/Denver")(g); at(time.Tuesday, "18:00")(g) },
			time.Date(2026, 3, 3, 18, 0, 0, 0, mustZone("America/Denver"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := matchBoth(t, validNeeds(), []*referral.Group{grp(1, "G", referral.ProgramNA, tt.opt)})
			c := find(t, res, 1)
			if !c.NextMeeting.Equal(tt.want) || c.NextMeeting.Location().String() != tt.want.Location().String() {
				t.Errorf("next meeting %s, want %s", c.NextMeeting, tt.want)
			}
		})
	}
}

func TestMatchFoldsListingsOfOneGroup(t *testing.T) {
	tue := grp(1, "Clean Tuesdays", referral.ProgramNA, at(time.Thursday, "19:00"))
	tue.Sessions = append(tue.Sessions, referral.Session{Day: time.Tuesday, Start: clock("19:00"), End: referral.NoTime})
	// The same group listed again for Saturday, with different spelling.
	sat := grp(2, "clean  tuesdays!", referral.ProgramNA, at(time.Saturday, "10:00"))
	sat.Place.Address, sat.Place.City = "1 MAIN ST.", "philadelphia"
	tue.Place.Address = "1 Main St"
	other := grp(3, "Clean Tuesdays", referral.ProgramNA) // same name, other address
	res := matchBoth(t, validNeeds(), []*referral.Group{sat, other, tue})
	if got := sorted(ids(res)); !slices.Equal(got, []int64{1, 3}) {
		t.Fatalf("offered %v, want 1 (folding 2) and 3", got)
	}
	c := find(t, res, 1)
	wantDays := []time.Weekday{time.Tuesday, time.Thursday, time.Saturday}
	var days []time.Weekday
	for _, s := range c.Sessions {
		days = append(days, s.Day)
	}
	if !slices.Equal(days, wantDays) || len(c.Also) != 1 || c.Also[0].ID != 2 {
		t.Errorf("sessions on %v also %v, want %v soonest first and listing 2 folded in", days, c.Also, wantDays)
	}
}

func TestMatchVariety(t *testing.T) {
	var groups []*referral.Group
	for i := int64(1); i <= 8; i++ {
		groups = append(groups, grp(i, fmt.Sprintf("NA %d", i), referral.ProgramNA))
	}
	groups = append(groups,
		grp(20, "SMART Thursday", referral.ProgramSMART, at(time.Thursday, "19:00"), milesNorth(3)),
		grp(21, "MARA Friday", referral.ProgramMAR, at(time.Friday, "19:00"), milesNorth(3)))
	n := validNeeds()
	res := matchBoth(t, n, groups)
	got := ids(res)
	if len(got) != 5 || !slices.Contains(got, 20) || !slices.Contains(got, 21) {
		t.Errorf("short list %v should include the SMART and MARA groups for variety", got)
	}
}

func TestMatchRanking(t *testing.T) {
	t.Run("family fellowships outrank open client meetings", func(t *testing.T) {
		n := validNeeds()
		n.For = referral.ForFamily
		res := matchBoth(t, n, []*referral.Group{grp(1, "Open AA", referral.ProgramAA),
			grp(2, "Nar-Anon", referral.ProgramNarAnon, milesNorth(4))})
		if got := ids(res); !slices.Equal(got, []int64{2, 1}) {
			t.Errorf("order %v", got)
		}
	})
	t.Run("medication-friendly before unknown for MOUD", func(t *testing.T) {
		n := validNeeds()
		n.MOUD = true
		res := matchBoth(t, n, []*referral.Group{grp(1, "Unknown", referral.ProgramNA),
			grp(2, "Friendly", referral.ProgramNA, medication(referral.MedicationYes), milesNorth(3))})
		if got := ids(res); got[0] != 2 {
			t.Errorf("order %v", got)
		}
	})
	t.Run("NA before AA for opioids", func(t *testing.T) {
		res := matchBoth(t, validNeeds(), []*referral.Group{grp(1, "AA", referral.ProgramAA),
			grp(2, "NA", referral.ProgramNA, milesNorth(2))})
		if got := ids(res); got[0] != 2 {
			t.Errorf("order %v", got)
		}
	})
	t.Run("nearer first, all else equal", func(t *testing.T) {
		res := matchBoth(t, validNeeds(), []*referral.Group{grp(1, "B", referral.ProgramNA, milesNorth(3)),
			grp(2, "A", referral.ProgramNA, milesNorth(2))})
		if got := ids(res); got[0] != 2 {
			t.Errorf("order %v", got)
		}
	})
}

// TestMatchDeterministic shuffles a directory full of ties: the list must not
// change with input order.
func TestMatchDeterministic(t *testing.T) {
	var groups []*referral.Group
	for i := int64(1); i <= 30; i++ {
		g := grp(i, fmt.Sprintf("Twin %d", i%3), referral.ProgramNA)
		g.Place.Address = fmt.Sprintf("%d Main St", i) // distinct places, many equal scores
		if i%4 == 0 {
			onlineOnly(g)
		}
		groups = append(groups, g)
	}
	n := validNeeds()
	n.Limit = 12
	want := describe(referral.Match(n, groups, testNow))
	ix := referral.NewIndex(groups)
	rng := rand.New(rand.NewPCG(1, 2))
	for run := 0; run < 20; run++ {
		shuffled := slices.Clone(groups)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := describe(referral.Match(n, shuffled, testNow)); got != want {
			t.Fatalf("run %d differs:\n%s\nwant\n%s", run, got, want)
		}
		if got := describe(ix.Match(n, testNow)); got != want {
			t.Fatalf("index run %d differs", run)
		}
	}
}

func TestMatchWiden(t *testing.T) {
	groups := []*referral.Group{
		grp(1, "Ten Miles", referral.ProgramNA, milesNorth(10)),
		grp(2, "Twelve Miles", referral.ProgramNA, milesNorth(12)),
		grp(3, "Near Morning", referral.ProgramNA, at(time.Tuesday, "08:00")),
		grp(4, "Zoom", referral.ProgramNA, onlineOnly),
	}
	n := validNeeds()
	n.Attend = referral.AttendInPerson
	n.Days = []time.Weekday{time.Tuesday}
	n.Times = []referral.TimeBand{referral.Evening}
	res := matchBoth(t, n, groups)
	if len(res.Candidates) != 0 {
		t.Fatalf("offered %v", ids(res))
	}
	head := "widen.head.meet.none{Scope=widen.scope.miles{Miles=5} When=widen.when.days_bands{Bands=[evening] Days=[Tuesday]}}"
	want := []string{
		"distance 2 widen.distance{Count=2 Head=" + head + " Miles=15}",
		"schedule 1 widen.any_time{Count=1 Head=" + head + "}",
		"attendance 1 widen.online{Count=1 Head=" + head + "}",
	}
	var got []string
	for _, w := range res.Widen {
		got = append(got, fmt.Sprintf("%s %d %s", w.Rule, w.Count, w.Phrase))
	}
	if !slices.Equal(got, want) {
		t.Errorf("widen\n%q\nwant\n%q", got, want)
	}
	if r, k := res.MostExcluding(); r != referral.RuleDistance || k != 2 {
		t.Errorf("most excluding %s %d", r, k)
	}
	t.Run("either counts online in the scope", func(t *testing.T) {
		n.Attend = referral.AttendEither
		res := matchBoth(t, n, groups[:2])
		if len(res.Widen) == 0 || res.Widen[0].Phrase.String() != "widen.distance_or_online{Count=2 "+
			"Head=widen.head.meet.none{Scope=widen.scope.miles_or_online{Miles=5} When=widen.when.days_bands{Bands=[evening] Days=[Tuesday]}} Miles=15}" {
			t.Errorf("widen %+v", res.Widen)
		}
	})
}

// sampleDirectory is a small mixed directory for fuzzing.
func sampleDirectory() []*referral.Group {
	return []*referral.Group{
		grp(1, "Women's Step", referral.ProgramNA, women),
		grp(2, "Men's Step", referral.ProgramAA, men, hybrid),
		grp(3, "Zoom", referral.ProgramSMART, onlineOnly, zone("America/Chicago")),
		grp(4, "Families", referral.ProgramAlAnon, at(time.Monday, "04:30")),
		grp(5, "Nar-Anon", referral.ProgramNarAnon, milesNorth(20), langs("es")),
		grp(6, "MARA", referral.ProgramMAR, at(time.Sunday, "23:30"), zone("Asia/Kolkata"), onlineOnly),
		grp(7, "Hidden", referral.ProgramNA, hidden),
		grp(8, "Nowhere", referral.ProgramCA, noCoords, zone("")),
	}
}

func TestListingCarriesEveryFoldedDay(t *testing.T) {
	base := func(id int64, day time.Weekday) *referral.Group {
		return &referral.Group{ID: id, Name: "We Are Not Saints", Program: referral.ProgramAA, TimeZone: "America/New_York",
			Attendance: referral.InPerson, Sessions: []referral.Session{{Day: day, Start: 7*60 + 15, End: 8*60 + 15}},
			Place: referral.Place{Address: "2044 Fairmount Ave", Coords: &referral.Point{Lat: 39.967, Lon: -75.171}}}
	}
	groups := []*referral.Group{base(1, time.Friday), base(2, time.Saturday), base(3, time.Monday)}
	needs := referral.Needs{Origin: &referral.Point{Lat: 39.95, Lon: -75.16}, MaxMiles: 5}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) // a Friday, after this week's Friday meeting
	r := referral.Match(needs, groups, now)
	if len(r.Candidates) != 1 {
		t.Fatalf("got %d candidates, want the three listings folded into one", len(r.Candidates))
	}
	l := r.Candidates[0].Listing()
	var days []time.Weekday
	for _, s := range l.Sessions {
		days = append(days, s.Day)
	}
	if want := []time.Weekday{time.Monday, time.Friday, time.Saturday}; !slices.Equal(days, want) {
		t.Errorf("listing meets %v, want %v", days, want)
	}
	if len(groups[0].Sessions) != 1 || len(groups[1].Sessions) != 1 {
		t.Error("Listing changed the directory's own groups")
	}
}

// The same meeting listed by two overlapping feeds is one card, not two.
func TestMatchFoldsTheSameGroupAcrossSources(t *testing.T) {
	a := grp(1, "Hope on Broad", referral.ProgramNA)
	b := grp(2, "Hope on Broad", referral.ProgramNA, at(time.Thursday, "19:00"))
	b.Source = "another-feed"
	b.Place = a.Place
	res := matchBoth(t, validNeeds(), []*referral.Group{a, b})
	if len(res.Candidates) != 1 || len(res.Candidates[0].Also) != 1 || res.Matched != 1 {
		t.Fatalf("got %s; want one candidate holding both listings", describe(res))
	}
	if referral.GroupKey(a) == referral.GroupKey(b) {
		t.Error("each source keeps its own curation key")
	}
}
