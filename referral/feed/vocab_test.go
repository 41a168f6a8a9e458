package feed

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
)

// TestVocabularyCodesAreKnown: every code the domain's table gives is one
// the readers know: a Meeting Guide code of the spec (or a retired one real
// feeds send), a BMLT standard key.
func TestVocabularyCodesAreKnown(t *testing.T) {
	mg := meetingGuideVocabulary()
	for _, term := range referral.Vocabulary {
		for _, c := range term.MeetingGuide {
			if !mg.isKnown(c) {
				t.Errorf("%s: Meeting Guide code %q is not in the spec's types", term.Attr, c)
			}
		}
		for _, k := range term.NAKeys {
			if _, ok := standardBMLTFormats[k]; !ok {
				t.Errorf("%s: %q is not a standard BMLT key", term.Attr, k)
			}
		}
	}
}

// readBack writes g with each writer and reads it back.
func readBack(t *testing.T, g *referral.Group) map[string]*referral.Group {
	t.Helper()
	out := map[string]*referral.Group{}
	for _, w := range writers {
		var buf bytes.Buffer
		if err := w.write(&buf, []*referral.Group{g}); err != nil {
			t.Fatal(err)
		}
		res, err := Parse(context.Background(), &buf, Options{Source: g.Source, TimeZone: "America/New_York"})
		if err != nil || len(res.Groups) != 1 {
			t.Fatalf("%s: reading back: %v %+v", w.name, err, res)
		}
		out[w.name] = res.Groups[0]
	}
	return out
}

// TestEveryKnownCodeIsWrittenBack is the one-table property: whatever a
// reader understands from a code — a Meeting Guide type, a BMLT standard
// key, a BMLT server's format by its world id — the writers say again when
// only the attributes are left (a group whose raw codes are gone, as after
// the form changed everything), and reading that gives the same attributes.
func TestEveryKnownCodeIsWrittenBack(t *testing.T) {
	check := func(t *testing.T, in string, opts Options) {
		t.Helper()
		res, err := Parse(context.Background(), strings.NewReader(in), opts)
		if err != nil || len(res.Groups) != 1 {
			t.Fatalf("parse: %v %+v", err, res)
		}
		g := res.Groups[0]
		bare := *g
		bare.Types = nil
		for name, back := range readBack(t, &bare) {
			if !reflect.DeepEqual(back.Attributes, g.Attributes) || back.Attendance != g.Attendance {
				t.Errorf("%s: read %+v (%s) from %v, wrote %v and read back %+v (%s)",
					name, g.Attributes, g.Attendance, g.Types, back.Types, back.Attributes, back.Attendance)
			}
		}
		for name, back := range readBack(t, g) {
			if !reflect.DeepEqual(back, g) {
				t.Errorf("%s: %s", name, firstDifference([]*referral.Group{g}, []*referral.Group{back}))
			}
		}
	}
	record := func(program, code string) string {
		return fmt.Sprintf(`[{"name":"A","slug":"a","program":%q,"day":1,"time":"19:00","address":"1 Main St","city":"Media","state":"PA",
			"latitude":39.9,"longitude":-75.4,"types":[%q]}]`, program, code)
	}
	mg := meetingGuideVocabulary()
	for code := range mg.meanings {
		t.Run("meeting-guide/"+code, func(t *testing.T) { check(t, record("AA", code), aa) })
	}
	na := standardNAVocabulary()
	for key := range standardBMLTFormats {
		var d decoded
		na.apply(&d, key)
		if reflect.DeepEqual(d, decoded{}) {
			continue // a key that says nothing a counselor filters on
		}
		t.Run("na-key/"+key, func(t *testing.T) { check(t, record("NA", key), aa) })
	}
	for wid := range worldIDMeanings {
		key := "Q1"
		if wid == referral.NALanguageWorldID {
			key = "FR" // the key names the language
		}
		in := fmt.Sprintf(`{"formats":[{"key_string":%q,"name_string":"x","world_id":%q}],
			"meetings":[{"id_bigint":"1","meeting_name":"A","weekday_tinyint":"2","start_time":"19:00:00",
			"location_street":"1 Main St","location_municipality":"Media","latitude":"39.9","longitude":"-75.4","formats":%q}]}`, key, wid, key)
		t.Run("na-world-id/"+wid, func(t *testing.T) { check(t, in, Options{Source: "t", TimeZone: "America/New_York"}) })
	}
}

// formEdit changes a group's attributes as the Directory form does:
// attributes through the vocabulary, then its codes to say them.
func formEdit(g *referral.Group, set map[referral.Attr]bool) {
	for x, on := range set {
		g.Attributes.Set(x, on)
	}
	slices.Sort(g.Attributes.Languages)
	g.Attributes.Formats = slices.DeleteFunc(slices.Clone(referral.Formats), func(f referral.Format) bool {
		return !g.Attributes.HasFormat(f)
	})
	if len(g.Attributes.Formats) == 0 {
		g.Attributes.Formats = nil
	}
	g.Types = referral.TypeCodes(g.Program, g.Attributes, g.Types)
}

// TestRoundTripAfterEdit: attributes changed in the Directory form are what
// an export says: the real SEPIA feed, some groups edited, exported as
// Meeting Guide JSON and as CSV and read again, gives the edited groups.
// Groups edited before their codes were kept in step (stale Types) still
// export their attributes.
func TestRoundTripAfterEdit(t *testing.T) {
	res := parseFile(t, realFeeds[0].file, realFeeds[0].opts)
	edits := map[string]map[referral.Attr]bool{
		// open, beginners, temporarily closed → closed, LGBTQ+, seniors, Spanish and French, speaker
		"meeting-4021-walnut-st-philadelphia-pa-19104-usa-0-094500": {referral.AttrClosed: true, referral.AttrOpen: false,
			referral.AttrNewcomer: false, referral.AttrLGBTQ: true, referral.AttrSeniors: true,
			referral.LanguageAttr("es"): true, referral.LanguageAttr("fr"): true, referral.FormatAttr(referral.FormatSpeaker): true},
		// discussion, online, wheelchair → no wheelchair, no discussion; women only, childcare, meditation
		"meeting-225-lancaster-ave-malvern-pa-19355-usa-0-063000": {referral.AttrWheelchair: false,
			referral.FormatAttr(referral.FormatDiscussion): false, referral.AttrWomen: true, referral.AttrChildcare: true,
			referral.FormatAttr(referral.FormatMeditation): true},
		// open, As Bill Sees It, discussion → everything off
		"open-topic-meeting-online": {referral.AttrOpen: false, referral.FormatAttr(referral.FormatLiterature): false,
			referral.FormatAttr(referral.FormatDiscussion): false},
	}
	var edited []*referral.Group
	stale := map[string]referral.Attributes{}
	for _, g := range res.Groups {
		e := *g
		if set, ok := edits[g.SourceID]; ok {
			formEdit(&e, set)
			if slices.Equal(e.Types, g.Types) {
				t.Fatalf("the edit of %q changed no code", g.SourceID)
			}
			stale[g.SourceID] = e.Attributes
		}
		edited = append(edited, &e)
	}
	if got := group(t, &Result{Groups: edited}, "open-topic-meeting-online"); !reflect.DeepEqual(got.Types, []string{"ONL"}) {
		t.Errorf("everything switched off keeps %q, want the attendance code ONL only", got.Types)
	}
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := w.write(&buf, edited); err != nil {
				t.Fatal(err)
			}
			again, err := Parse(context.Background(), &buf, Options{Source: "aasepia", TimeZone: "America/New_York"})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(again.Groups, edited) {
				t.Fatalf("the edited export reads back different:\n%s", firstDifference(edited, again.Groups))
			}
			// The same edits with the codes as imported: the writer says the
			// attributes all the same.
			var staleGroups []*referral.Group
			for _, g := range res.Groups {
				s := *g
				if a, ok := stale[g.SourceID]; ok {
					s.Attributes = a
				}
				staleGroups = append(staleGroups, &s)
			}
			buf.Reset()
			if err := w.write(&buf, staleGroups); err != nil {
				t.Fatal(err)
			}
			back, err := Parse(context.Background(), &buf, Options{Source: "aasepia", TimeZone: "America/New_York"})
			if err != nil {
				t.Fatal(err)
			}
			for id, a := range stale {
				if got := group(t, back, id).Attributes; !reflect.DeepEqual(got, a) {
					t.Errorf("%s with its old codes exported as %+v, want %+v", id, got, a)
				}
			}
		})
	}
}

// TestContradictions: a listing that says both of a pair is kept saying
// both, read the safer way, and counted; TC on a listing attended in person
// makes it not in person, in BMLT as in Meeting Guide.
func TestContradictions(t *testing.T) {
	mg := func(types, extra string) string {
		return fmt.Sprintf(`[{"name":"A","slug":"a","day":1,"time":"19:00","address":"1 Main St","city":"Media","state":"PA",
			"latitude":39.9,"longitude":-75.4,"types":[%s]%s}]`, types, extra)
	}
	bmlt := func(formats, extra string) string {
		return fmt.Sprintf(`[{"id_bigint":"1","meeting_name":"A","weekday_tinyint":"2","start_time":"19:00:00",
			"location_street":"1 Main St","location_municipality":"Media","latitude":"39.9","longitude":"-75.4","formats":%q%s}]`, formats, extra)
	}
	tests := []struct {
		name, in string
		openness referral.Openness
		audience referral.Audience
		attend   referral.Attendance
		types    []string
		says     []string // the contradictions, in part
	}{
		{"open and closed", mg(`"O","C","D"`, ""), referral.OpenAndClosed, referral.Everyone, referral.InPerson,
			[]string{"O", "C", "D"}, []string{"both open and closed"}},
		{"closed first", mg(`"C","O"`, ""), referral.OpenAndClosed, referral.Everyone, referral.InPerson, []string{"C", "O"}, []string{"open and closed"}},
		{"women and men", mg(`"W","M"`, ""), "", referral.WomenAndMen, referral.InPerson, []string{"W", "M"}, []string{"women only and men only"}},
		{"all four", mg(`"O","W","C","M"`, ""), referral.OpenAndClosed, referral.WomenAndMen, referral.InPerson,
			[]string{"O", "W", "C", "M"}, []string{"open and closed", "women only and men only"}},
		{"names for codes", mg(`"Open","Closed"`, ""), referral.OpenAndClosed, "", referral.InPerson, []string{"O", "C"}, []string{"open and closed"}},
		{"TC and in person", mg(`"O","TC"`, `,"attendance_option":"in_person"`), referral.Open, "", referral.Inactive,
			[]string{"O", "TC"}, []string{`"in_person" but temporarily closed (TC): read as inactive`}},
		{"TC and hybrid", mg(`"TC"`, `,"attendance_option":"hybrid","conference_url":"https://zoom.us/j/1"`), "", "", referral.Online,
			[]string{"TC"}, []string{`"hybrid" but temporarily closed (TC): read as online`}},
		{"TC worked out: no contradiction", mg(`"TC"`, ""), "", "", referral.Inactive, []string{"TC"}, nil},
		{"TC and online: no contradiction", mg(`"TC","ONL"`, `,"attendance_option":"online","conference_url":"https://zoom.us/j/1"`),
			"", "", referral.Online, []string{"TC", "ONL"}, nil},
		{"BMLT open and closed", bmlt("O,C,St", ""), referral.OpenAndClosed, "", referral.InPerson, []string{"O", "C", "St"}, []string{"open and closed"}},
		{"BMLT women and men", bmlt("W,M", ""), "", referral.WomenAndMen, referral.InPerson, []string{"W", "M"}, []string{"women only and men only"}},
		{"BMLT TC in person", bmlt("O,TC", `,"venue_type":"1"`), referral.Open, "", referral.Inactive,
			[]string{"O", "TC"}, []string{`"in_person" but temporarily closed (TC): read as inactive`}},
		{"BMLT TC hybrid", bmlt("TC,HY", `,"venue_type":"3","virtual_meeting_link":"https://zoom.us/j/1"`), "", "", referral.Online,
			[]string{"TC", "HY"}, []string{`"hybrid" but temporarily closed (TC): read as online`}},
		{"BMLT TC worked out", bmlt("TC", ""), "", "", referral.Inactive, []string{"TC"}, nil},
		{"CSV open and closed", "Name,Day,Time,Address,City,State,Types,Slug\nA,Monday,19:00,1 Main St,Media,PA,\"O, C\",a\n",
			referral.OpenAndClosed, "", referral.InPerson, []string{"O", "C"}, []string{"open and closed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := aa
			if strings.HasPrefix(tc.name, "BMLT") {
				opts.Program = "" // BMLT is NA
			}
			res, err := Parse(context.Background(), strings.NewReader(tc.in), opts)
			if err != nil || len(res.Groups) != 1 {
				t.Fatalf("%v %+v", err, res)
			}
			g := res.Groups[0]
			if g.Attributes.Openness != tc.openness || g.Attributes.Audience != tc.audience || g.Attendance != tc.attend {
				t.Errorf("read %q, %q, %q; want %q, %q, %q", g.Attributes.Openness, g.Attributes.Audience, g.Attendance,
					tc.openness, tc.audience, tc.attend)
			}
			if !slices.Equal(g.Types, tc.types) {
				t.Errorf("types %q, want %q", g.Types, tc.types)
			}
			if len(res.Contradictions) != len(tc.says) {
				t.Fatalf("contradictions %v, want %d", res.Contradictions, len(tc.says))
			}
			for i, c := range res.Contradictions {
				if !strings.Contains(c.What, tc.says[i]) || c.SourceID == "" {
					t.Errorf("contradiction %+v, want it to say %q", c, tc.says[i])
				}
			}
			// Exported and read again, the listing says the same and is
			// counted again.
			for name, back := range readBack(t, g) {
				if !reflect.DeepEqual(back, g) {
					t.Errorf("%s: %s", name, firstDifference([]*referral.Group{g}, []*referral.Group{back}))
				}
			}
		})
	}
}

// TestContradictionsMatch: contradictory listings from a real parse, matched
// for a family member and for a client.
func TestContradictionsMatch(t *testing.T) {
	in := `[
	{"name":"Both","slug":"both","program":"AA","day":1,"time":"19:00","address":"1 Main St","city":"Media","state":"PA","latitude":39.92,"longitude":-75.39,"types":["O","C"]},
	{"name":"Open","slug":"open","program":"AA","day":1,"time":"19:00","address":"2 Main St","city":"Media","state":"PA","latitude":39.92,"longitude":-75.39,"types":["O"]},
	{"name":"Families","slug":"fam","program":"Al-Anon","day":1,"time":"19:00","address":"3 Main St","city":"Media","state":"PA","latitude":39.92,"longitude":-75.39,"types":["C","O"]},
	{"name":"Everyone","slug":"mixed","program":"AA","day":1,"time":"19:00","address":"4 Main St","city":"Media","state":"PA","latitude":39.92,"longitude":-75.39,"types":["O","W","M"]}
	]`
	res, err := Parse(context.Background(), strings.NewReader(in), aa)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Contradictions) != 3 {
		t.Errorf("%d contradictions, want 3: %v", len(res.Contradictions), res.Contradictions)
	}
	ny, _ := time.LoadLocation("America/New_York")
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, ny) // a Monday
	tests := []struct {
		name     string
		needs    referral.Needs
		want     []string
		cautions map[string]string // a caution's code each named group must carry
	}{
		{"family member", referral.Needs{For: referral.ForFamily}, []string{"Everyone", "Families", "Open"},
			map[string]string{"Families": "caution.open_or_closed", "Everyone": "caution.women_or_men"}},
		{"client, a man", referral.Needs{Gender: referral.GenderMan}, []string{"Both", "Everyone", "Open"},
			map[string]string{"Both": "caution.open_or_closed", "Everyone": "caution.women_or_men"}},
		{"client who wants women's groups", referral.Needs{Gender: referral.GenderWoman, WomenOnly: true}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.needs
			n.Origin, n.ZIP, n.MaxMiles, n.ClinicZone = &referral.Point{Lat: 39.92, Lon: -75.39}, "19063", 5, ny
			n.Limit = referral.MaxLimit
			if err := n.Validate(); err != nil {
				t.Fatal(err)
			}
			for how, r := range map[string]referral.Result{
				"Match": referral.Match(n, res.Groups, now), "Index": referral.NewIndex(res.Groups).Match(n, now)} {
				var names []string
				for _, c := range r.Candidates {
					names = append(names, c.Group.Name)
					if want, ok := tc.cautions[c.Group.Name]; ok && !slices.ContainsFunc(c.Cautions, func(p referral.Phrase) bool { return p.Code == want }) {
						t.Errorf("%s: %q cautions %q, want %q", how, c.Group.Name, c.Cautions, want)
					}
					if math.IsNaN(c.DistanceMiles) {
						t.Errorf("%s: %q has no distance", how, c.Group.Name)
					}
				}
				sort.Strings(names)
				if !slices.Equal(names, tc.want) {
					t.Errorf("%s offered %q, want %q", how, names, tc.want)
				}
			}
		})
	}
}

// TestRealFeedContradictions: the real feeds contradict themselves where the
// files do (counted in the files with jq: listings with both O and C, both
// M and W).
func TestRealFeedContradictions(t *testing.T) {
	want := map[string]map[string]int{
		"aa-sepia-meeting-guide.json":   {"open and closed": 15},
		"al-anon-ma-meeting-guide.json": {},
		"na-greater-ny-bmlt.json":       {"open and closed": 5, "women only and men only": 1},
	}
	for _, tc := range realFeeds {
		t.Run(tc.file, func(t *testing.T) {
			res := parseFile(t, tc.file, tc.opts)
			got := map[string]int{}
			for _, c := range res.Contradictions {
				for kind := range want[tc.file] {
					if strings.Contains(c.What, kind) {
						got[kind]++
					}
				}
			}
			if !reflect.DeepEqual(got, want[tc.file]) || len(res.Contradictions) != sum(got) {
				t.Errorf("contradictions %v (%d in all), want %v", got, len(res.Contradictions), want[tc.file])
			}
			for _, g := range res.Groups {
				both := slices.Contains(g.Types, "O") && slices.Contains(g.Types, "C")
				if (g.Attributes.Openness == referral.OpenAndClosed) != both {
					t.Errorf("%s: openness %q from %v", g.SourceID, g.Attributes.Openness, g.Types)
				}
			}
		})
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
