package referral_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
)

var philly = referral.Point{Lat: 39.9523, Lon: -75.1638} // ZIP 19107

func validNeeds() referral.Needs {
	return referral.Needs{
		Substances: []referral.Substance{referral.SubstanceOpioids},
		ZIP:        "19107",
		Origin:     &philly,
		MaxMiles:   5,
		ClinicZone: newYork,
	}
}

func TestNeedsValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(n *referral.Needs)
		field  string // the field the one problem must name; "" = valid
		says   string
	}{
		{"valid", func(n *referral.Needs) {}, "", ""},
		{"family member", func(n *referral.Needs) { n.For = referral.ForFamily }, "", ""},
		{"unknown for", func(n *referral.Needs) { n.For = "neighbour" }, "For", "who the groups are for"},
		{"unknown substance", func(n *referral.Needs) { n.Substances = append(n.Substances, "sugar") }, "Substances[1]", `substance "sugar" is unknown`},
		{"no origin in person", func(n *referral.Needs) { n.Origin = nil; n.ZIP = "" }, "Origin", "enter the client's ZIP code"},
		{"ZIP not placed", func(n *referral.Needs) { n.Origin = nil }, "Origin", "ZIP 19107 has not been placed"},
		{"online needs no origin", func(n *referral.Needs) {
			n.Origin, n.MaxMiles, n.Attend = nil, 0, referral.AttendOnline
		}, "", ""},
		{"origin off the globe", func(n *referral.Needs) { n.Origin = &referral.Point{Lat: 91} }, "Origin", "not on the map"},
		{"origin NaN", func(n *referral.Needs) { n.Origin = &referral.Point{Lat: math.NaN()} }, "Origin", "not on the map"},
		{"zero miles", func(n *referral.Needs) { n.MaxMiles = 0 }, "MaxMiles", "more than 0 and at most 500 miles (got 0)"},
		{"ten thousand miles", func(n *referral.Needs) { n.MaxMiles = 10000 }, "MaxMiles", "at most 500 miles (got 10000)"},
		{"negative miles", func(n *referral.Needs) { n.MaxMiles = -1 }, "MaxMiles", "more than 0"},
		{"NaN miles", func(n *referral.Needs) { n.MaxMiles = math.NaN() }, "MaxMiles", "more than 0"},
		{"500 miles is the edge", func(n *referral.Needs) { n.MaxMiles = 500 }, "", ""},
		{"just over 500 miles", func(n *referral.Needs) { n.MaxMiles = math.Nextafter(500, 1000) }, "MaxMiles", "at most 500"},
		{"tiny distance", func(n *referral.Needs) { n.MaxMiles = 0.1 }, "", ""},
		{"online with bad miles", func(n *referral.Needs) { n.Attend = referral.AttendOnline; n.MaxMiles = -3 }, "MaxMiles", "more than 0"},
		{"place too long", func(n *referral.Needs) { n.Place = strings.Repeat("a", referral.MaxPlace+1) }, "Place", "too long (at most"},
		{"place without letters", func(n *referral.Needs) { n.Place = "?!" }, "Place", `the place "?!" has no letters`},
		{"unknown attend", func(n *referral.Needs) { n.Attend = "teleport" }, "Attend", "in-person, online or any"},
		{"bad weekday", func(n *referral.Needs) { n.Days = []time.Weekday{time.Monday, 9} }, "Days[1]", "weekday 9 is unknown"},
		{"bad band", func(n *referral.Needs) { n.Times = []referral.TimeBand{"brunch"} }, "Times[0]", `"brunch" must be morning, midday, evening or night`},
		{"unknown gender", func(n *referral.Needs) { n.Gender = "x" }, "Gender", "woman, man, other"},
		{"man and women-only", func(n *referral.Needs) { n.Gender, n.WomenOnly = referral.GenderMan, true }, "WomenOnly", "cannot be offered to a man"},
		{"woman and men-only", func(n *referral.Needs) { n.Gender, n.MenOnly = referral.GenderWoman, true }, "MenOnly", "cannot be offered to a woman"},
		{"other and women-only", func(n *referral.Needs) { n.Gender, n.WomenOnly = referral.GenderOther, true }, "WomenOnly", "gender is other"},
		{"other and men-only", func(n *referral.Needs) { n.Gender, n.MenOnly = referral.GenderOther, true }, "MenOnly", "gender is other"},
		{"both only", func(n *referral.Needs) { n.WomenOnly, n.MenOnly = true, true }, "WomenOnly", "not both"},
		{"woman and women-only", func(n *referral.Needs) { n.Gender, n.WomenOnly = referral.GenderWoman, true }, "", ""},
		{"blank gender and men-only", func(n *referral.Needs) { n.MenOnly = true }, "", ""},
		{"bad language", func(n *referral.Needs) { n.Languages = []string{"es", "Spanish"} }, "Languages[1]", `"Spanish" must be a 2- or 3-letter code`},
		{"unknown approach", func(n *referral.Needs) { n.Approach = "astrology" }, "Approach", "12-step, secular, faith"},
		{"MOUD for family", func(n *referral.Needs) { n.For, n.MOUD = referral.ForFamily, true }, "MOUD", "leave it off"},
		{"limit 100", func(n *referral.Needs) { n.Limit = 100 }, "", ""},
		{"limit 101", func(n *referral.Needs) { n.Limit = 101 }, "Limit", "between 1 and 100 groups (got 101)"},
		{"negative limit", func(n *referral.Needs) { n.Limit = -1 }, "Limit", "between 1 and 100"},
		// A list typed or pasted wrong is one problem with a short message.
		{"a hundred thousand unknown substances", func(n *referral.Needs) {
			n.Substances = slices.Repeat([]referral.Substance{"opioids", referral.Substance(strings.Repeat("sugar", 1000))}, 50_000)
		}, "Substances[1]", `substance "sugarsugarsugar`},
		{"many bad languages", func(n *referral.Needs) { n.Languages = slices.Repeat([]string{"Spanish"}, 1000) }, "Languages[0]", "(and 999 more)"},
		{"many bad bands", func(n *referral.Needs) { n.Times = slices.Repeat([]referral.TimeBand{"brunch"}, 3) }, "Times[0]", "(and 2 more)"},
	}
	said := map[string]bool{} // the codes of the problems' phrases
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := validNeeds()
			tt.change(&n)
			err := n.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if referral.ErrorCode(err) != referral.EINVALID {
				t.Fatalf("want EINVALID, got %v", err)
			}
			ps := referral.ErrorProblems(err)
			if len(ps) != 1 || ps[0].Field != tt.field || !strings.Contains(ps[0].Message, tt.says) {
				t.Fatalf("want one problem on %s saying %q, got %+v", tt.field, tt.says, ps)
			}
			if !strings.Contains(referral.ErrorMessage(err), tt.says) {
				t.Errorf("message %q does not say %q", referral.ErrorMessage(err), tt.says)
			}
			// The window words the problem from its phrase.
			checkPhrase(t, tt.name, ps[0].Phrase)
			said[ps[0].Phrase.Code] = true
		})
	}
	for code := range referral.PhraseParams() {
		if strings.HasPrefix(code, "needs.") && !said[code] {
			t.Errorf("no case above makes Validate say %s", code)
		}
	}
}

func TestNeedsValidateNamesEveryProblem(t *testing.T) {
	n := referral.Needs{MaxMiles: 0, Limit: 101, Gender: referral.GenderMan, WomenOnly: true}
	ps := referral.ErrorProblems(n.Validate())
	var fields []string
	for _, p := range ps {
		fields = append(fields, p.Field)
	}
	want := []string{"Limit", "MaxMiles", "Origin", "WomenOnly"}
	if !slices.Equal(fields, want) {
		t.Errorf("fields %v, want %v in field order", fields, want)
	}
}

func clock(s string) referral.Clock {
	c, err := referral.ParseClock(s)
	if err != nil {
		panic(err)
	}
	return c
}

// TestTimeBandEdges pins every band edge to the minute, on both sides.
func TestTimeBandEdges(t *testing.T) {
	tests := []struct {
		start string
		bands []referral.TimeBand // every band the start belongs to
	}{
		{"00:00", []referral.TimeBand{referral.Night}},
		{"03:59", []referral.TimeBand{referral.Night}},
		{"04:00", []referral.TimeBand{referral.Morning, referral.Night}},
		{"04:59", []referral.TimeBand{referral.Morning, referral.Night}},
		{"05:00", []referral.TimeBand{referral.Morning}},
		{"10:59", []referral.TimeBand{referral.Morning}},
		{"11:00", []referral.TimeBand{referral.Morning, referral.Midday}},
		{"11:59", []referral.TimeBand{referral.Morning, referral.Midday}},
		{"12:00", []referral.TimeBand{referral.Midday}},
		{"15:59", []referral.TimeBand{referral.Midday}},
		{"16:00", []referral.TimeBand{referral.Midday, referral.Evening}},
		{"16:59", []referral.TimeBand{referral.Midday, referral.Evening}},
		{"17:00", []referral.TimeBand{referral.Evening}},
		{"19:59", []referral.TimeBand{referral.Evening}},
		{"20:00", []referral.TimeBand{referral.Evening, referral.Night}},
		{"20:59", []referral.TimeBand{referral.Evening, referral.Night}},
		{"21:00", []referral.TimeBand{referral.Night}},
		{"23:59", []referral.TimeBand{referral.Night}},
		{"24:00", []referral.TimeBand{referral.Night}}, // an end time folded back to midnight
	}
	for _, tt := range tests {
		t.Run(tt.start, func(t *testing.T) {
			if got := referral.BandsOf(clock(tt.start)); !slices.Equal(got, tt.bands) {
				t.Errorf("BandsOf(%s) = %v, want %v", tt.start, got, tt.bands)
			}
		})
	}
	t.Run("every minute is in a band", func(t *testing.T) {
		for c := referral.Clock(0); c < 24*60; c++ {
			if n := len(referral.BandsOf(c)); n < 1 || n > 2 {
				t.Fatalf("%s is in %d bands", c, n)
			}
		}
	})
	t.Run("no time is in no band", func(t *testing.T) {
		if bs := referral.BandsOf(referral.NoTime); bs != nil {
			t.Errorf("NoTime in %v", bs)
		}
	})
}

func TestParseWeekdayAndBand(t *testing.T) {
	days := []struct {
		in   string
		want time.Weekday
		ok   bool
	}{
		{"tue", time.Tuesday, true}, {"Tuesday", time.Tuesday, true}, {" SUN ", time.Sunday, true},
		{"tu", 0, false}, {"tues", 0, false}, {"", 0, false},
	}
	for _, tt := range days {
		t.Run("day "+tt.in, func(t *testing.T) {
			got, ok := referral.ParseWeekday(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseWeekday(%q) = %v, %v", tt.in, got, ok)
			}
		})
	}
	for _, in := range []string{"morning", "Evening", " night"} {
		t.Run("band "+in, func(t *testing.T) {
			if _, ok := referral.ParseTimeBand(in); !ok {
				t.Errorf("ParseTimeBand(%q) failed", in)
			}
		})
	}
	t.Run("band afternoon", func(t *testing.T) {
		if _, ok := referral.ParseTimeBand("afternoon"); ok {
			t.Error("afternoon is not a TSML-UI band")
		}
	})
}

// FuzzNeedsValidate feeds arbitrary needs to Validate: it must never panic,
// every error is EINVALID naming fields, and needs it accepts match without
// panicking and within the limit.
func FuzzNeedsValidate(f *testing.F) {
	f.Add("self", "opioids", "any", "woman", "es", "12-step", 39.95, -75.16, 5.0, uint8(0b0101), uint8(0b0011), false, false, false, 5)
	f.Add("family", "alcohol", "online", "", "", "", 0.0, 0.0, 0.0, uint8(0), uint8(0), true, false, true, 0)
	f.Add("x", "sugar", "teleport", "man", "Spanish", "astrology", 91.0, 200.0, 10000.0, uint8(255), uint8(255), true, true, true, 99)
	// The command line's bad needs (the catalogue): contradictions, miles 0,
	// -5 and 10000, limits 0 and 1000.
	f.Add("self", "opioids", "any", "man", "", "", 39.95, -75.16, 5.0, uint8(0), uint8(0), true, false, false, 5)
	f.Add("self", "opioids", "any", "woman", "", "", 39.95, -75.16, 5.0, uint8(0), uint8(0), false, true, false, 5)
	f.Add("self", "opioids", "in-person", "", "", "", 39.95, -75.16, 0.0, uint8(0), uint8(0), false, false, false, 5)
	f.Add("self", "opioids", "in-person", "", "", "", 39.95, -75.16, -5.0, uint8(0), uint8(0), false, false, false, 5)
	f.Add("family", "alcohol", "any", "", "es", "secular", 39.95, -75.16, 5.0, uint8(0b10000000), uint8(0b10000), false, false, true, 1000)
	f.Add("self", "\u202eopioids", "any", "other", "es", "faith", math.NaN(), math.Inf(1), math.NaN(), uint8(1), uint8(1), true, false, false, -1)
	groups := sampleDirectory()
	now := time.Date(2026, 3, 3, 15, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, forWhom, substance, attend, gender, lang, approach string,
		lat, lon, miles float64, days, bands uint8, women, men, moud bool, limit int) {
		n := referral.Needs{
			For: referral.For(forWhom), Attend: referral.AttendWanted(attend), Gender: referral.Gender(gender),
			Approach: referral.Approach(approach), MaxMiles: miles, WomenOnly: women, MenOnly: men, MOUD: moud, Limit: limit,
		}
		if substance != "" {
			n.Substances = []referral.Substance{referral.Substance(substance)}
		}
		if lang != "" {
			n.Languages = []string{lang}
		}
		if lat != 0 || lon != 0 {
			n.Origin = &referral.Point{Lat: lat, Lon: lon}
		}
		for d := 0; d < 8; d++ {
			if days&(1<<d) != 0 {
				n.Days = append(n.Days, time.Weekday(d))
			}
		}
		for b := 0; b < 5; b++ {
			if bands&(1<<b) != 0 {
				n.Times = append(n.Times, append(referral.TimeBands, "brunch")[b])
			}
		}
		err := n.Validate()
		if err != nil {
			if referral.ErrorCode(err) != referral.EINVALID || len(referral.ErrorProblems(err)) == 0 {
				t.Fatalf("Validate: %v", err)
			}
			return
		}
		res := referral.Match(n, groups, now)
		limitWant := n.Limit
		if limitWant == 0 {
			limitWant = referral.DefaultLimit
		}
		if len(res.Candidates) > limitWant {
			t.Fatalf("%d candidates for limit %d", len(res.Candidates), limitWant)
		}
	})
}
