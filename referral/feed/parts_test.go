package feed

import (
	"testing"

	"referraldesk/referral"
)

func TestReadClock(t *testing.T) {
	tests := []struct {
		in     string
		want   referral.Clock
		twelve bool
		err    bool
	}{
		{"19:30", 19*60 + 30, false, false},
		{"07:05", 7*60 + 5, false, false},
		{"7:05", 7*60 + 5, false, false},
		{"14:00:00", 14 * 60, false, false},
		{"24:00", 24 * 60, false, false},
		{"7:30 PM", 19*60 + 30, true, false},
		{"7:30pm", 19*60 + 30, true, false},
		{"12:15 AM", 15, true, false},
		{"12:00 p.m.", 12 * 60, true, false},
		{"7 PM", 19 * 60, true, false},
		{"noon", 12 * 60, true, false},
		{"25:00", 0, false, true},
		{"13:00 PM", 0, false, true},
		{"19:5", 0, false, true},
		{"19", 0, false, true},
		{"seven", 0, false, true},
		{"", 0, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, twelve, err := readClock(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("error %v, want error %v", err, tc.err)
			}
			if !tc.err && (got != tc.want || twelve != tc.twelve) {
				t.Errorf("got %d (12-hour %v), want %d (%v)", got, twelve, tc.want, tc.twelve)
			}
		})
	}
}

func TestEndAfter(t *testing.T) {
	tests := []struct {
		name             string
		start, end, want referral.Clock
	}{
		{"same day", 19 * 60, 20 * 60, 20 * 60},
		{"past midnight", 23 * 60, 30, 24*60 + 30},
		{"ends at midnight", 23 * 60, 0, 24 * 60},
		{"equal says nothing", 10 * 60, 10 * 60, referral.NoTime},
		{"no end", 10 * 60, referral.NoTime, referral.NoTime},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := endAfter(tc.start, tc.end); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestSplitAddress(t *testing.T) {
	tests := []struct {
		in   string
		want referral.Place
	}{
		{"1937 West MacDade Boulevard, Woodlyn, PA 19094, USA", referral.Place{Address: "1937 West MacDade Boulevard", City: "Woodlyn", State: "PA", PostalCode: "19094", Country: "USA"}},
		{"Suite 2, 10 Main St, Media, PA 19063-1234, USA", referral.Place{Address: "Suite 2, 10 Main St", City: "Media", State: "PA", PostalCode: "19063-1234", Country: "USA"}},
		{"Philadelphia, PA, USA", referral.Place{City: "Philadelphia", State: "PA", Country: "USA"}},
		{"519 Church St, Toronto, ON M4Y 2C9, Canada", referral.Place{Address: "519 Church St", City: "Toronto", State: "ON", PostalCode: "M4Y 2C9", Country: "Canada"}},
		{"10 Main St, Media, PA 19063", referral.Place{Address: "10 Main St", City: "Media", State: "PA", PostalCode: "19063"}},
		{"Calle Yanacachi, La Paz, Bolivia", referral.Place{Address: "Calle Yanacachi, La Paz, Bolivia"}},
		{"Online", referral.Place{Address: "Online"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			var got referral.Place
			splitAddress(tc.in, &got)
			if got.Address != tc.want.Address || got.City != tc.want.City || got.State != tc.want.State ||
				got.PostalCode != tc.want.PostalCode || got.Country != tc.want.Country {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if tc.want.City != "" && joinAddress(got) != tc.in {
				t.Errorf("joins back as %q", joinAddress(got))
			}
		})
	}
}

// TestFeedTextReadsBack: prose written to a feed reads back as it was, even
// when it looks like HTML (the cleaning itself is referral.PlainText's test).
func TestFeedTextReadsBack(t *testing.T) {
	for _, s := range []string{
		"Back door", "Women's & Men’s", "One\n\nTwo link", "a < b and <3", "<b unclosed",
		"😀 שלום مرحبا", "Tom &amp; Jerry", "<p>typed as text</p>", "x &lt; y", "AT&T",
	} {
		if back := referral.PlainText(feedText(s)); back != s {
			t.Errorf("%q written and read again as %q", s, back)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, head string
		want       Format
	}{
		{"meeting guide", ` [{"name":"A","slug":"a"}]`, MeetingGuide},
		{"empty array", `[]`, MeetingGuide},
		{"BMLT object", `{"meetings":[]}`, BMLT},
		{"BMLT array", `[{"id_bigint":"1","meeting_name":"A"}]`, BMLT},
		{"CSV", "Time,End Time,Day,Name\n", CSV},
		{"CSV with BOM", "\uFEFFName,Day\r\n", CSV},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Detect([]byte(tc.head))
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestTypeName(t *testing.T) {
	tests := []struct {
		program          referral.Program
		code, lang, want string
	}{
		{referral.ProgramAA, "S", "es", "Español"},
		{referral.ProgramAA, "W", "en", "Women"},
		{referral.ProgramAA, "W", "es", "Mujeres"},
		{referral.ProgramAA, "ONL", "es", "En línea"},
		{referral.ProgramAA, "TC", "xx", "Location Temporarily Closed"},
		{referral.ProgramAlAnon, "O", "es", "Abierta"},
		{referral.ProgramNA, "WC", "en", "Wheelchair"},
		{referral.ProgramNA, "St", "es", "Step"},
		{referral.ProgramAA, "NOPE", "en", ""},
	}
	for _, tc := range tests {
		t.Run(string(tc.program)+"/"+tc.code+"/"+tc.lang, func(t *testing.T) {
			got, ok := TypeName(tc.program, tc.code, tc.lang)
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("got %q, %v; want %q", got, ok, tc.want)
			}
		})
	}
}

// TestVocabularies: the same plain attribute from each fellowship's codes.
func TestVocabularies(t *testing.T) {
	tests := []struct {
		name    string
		program referral.Program
		codes   []string
		check   func(decoded) bool
	}{
		{"AA women", referral.ProgramAA, []string{"W"}, func(d decoded) bool { return d.attrs.Audience == referral.WomenOnly }},
		{"NA women", referral.ProgramNA, []string{"W"}, func(d decoded) bool { return d.attrs.Audience == referral.WomenOnly }},
		{"AA wheelchair", referral.ProgramAA, []string{"X"}, func(d decoded) bool { return d.attrs.Wheelchair }},
		{"NA wheelchair", referral.ProgramNA, []string{"WC"}, func(d decoded) bool { return d.attrs.Wheelchair }},
		{"AA newcomer", referral.ProgramAA, []string{"BE"}, func(d decoded) bool { return d.attrs.Newcomer }},
		{"NA beginners", referral.ProgramNA, []string{"B"}, func(d decoded) bool { return d.attrs.Newcomer }},
		{"AA Spanish", referral.ProgramAA, []string{"S"}, func(d decoded) bool { return d.attrs.HasLanguage("es") }},
		{"NA Spanish", referral.ProgramNA, []string{"ES"}, func(d decoded) bool { return d.attrs.HasLanguage("es") }},
		{"NA B is not Big Book", referral.ProgramNA, []string{"B"}, func(d decoded) bool { return len(d.attrs.Formats) == 0 }},
		{"AA B is Big Book", referral.ProgramAA, []string{"B"}, func(d decoded) bool { return d.attrs.HasFormat(referral.FormatLiterature) }},
		{"AA online", referral.ProgramAA, []string{"ONL"}, func(d decoded) bool { return d.online }},
		{"NA virtual", referral.ProgramNA, []string{"VM"}, func(d decoded) bool { return d.online }},
		{"temporarily closed", referral.ProgramAA, []string{"TC"}, func(d decoded) bool { return d.closed }},
		{"names read as codes", referral.ProgramAA, []string{"Open", "wheelchair access"}, func(d decoded) bool {
			return d.attrs.Openness == referral.Open && d.attrs.Wheelchair
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, d, _, unknown := vocabularyFor(tc.program).decode(tc.codes)
			if !tc.check(d) || len(unknown) > 0 {
				t.Errorf("%v read as %+v (unknown %v)", tc.codes, d, unknown)
			}
		})
	}
}
