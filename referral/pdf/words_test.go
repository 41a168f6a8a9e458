package pdf

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"referraldesk/assets"
	"referraldesk/referral"
)

func TestClean(t *testing.T) {
	const ph = "[other alphabet]"
	tests := []struct{ name, in, want string }{
		{"plain", "Hope on Broad Street", "Hope on Broad Street"},
		{"spanish accents kept", "Grupo Niño — mañana, ¿sí?", "Grupo Niño — mañana, ¿sí?"},
		{"combining tilde composed", "Espan\u0303ol", "Español"},
		{"emoji dropped", "🙏 Hope 🌅 Group 👩‍👩‍👧", "Hope Group"},
		{"emoji before comma", "Main St 🏠, Apt 2", "Main St, Apt 2"},
		{"arabic run is one placeholder", "Hope مجموعة الأمل Group", "Hope " + ph + " Group"},
		{"hebrew", "קבוצת תקווה", ph},
		{"cjk", "希望小组 Hope", ph + " Hope"},
		{"bidi controls dropped", "a\u202Eb\u202Cc\u200Fd", "abcd"},
		{"html block tags become spaces", "<p>Side door</p><p>Ring the bell</p>", "Side door Ring the bell"},
		{"html inline tags join", "<b>123</b>A Main St", "123A Main St"},
		{"html entities", "Tom &amp; Jerry &lt;3", "Tom & Jerry <3"},
		{"less-than kept", "a < b and c<5", "a < b and c<5"},
		{"unclosed tag kept", "a <b", "a <b"},
		{"whitespace collapsed", "  one\n\ttwo\r\n three  ", "one two three"},
		{"control chars", "a\x00b\x1bc", "a b c"},
		{"astral emoji dropped, astral letter replaced", "x\U0001F600y\U00010000z", "xy" + ph + "z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clean(tt.in, ph); got != tt.want {
				t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzClean(f *testing.F) {
	f.Add("🙏 <b>Grupo</b> مجموعة &amp; ñ")
	f.Fuzz(func(t *testing.T, s string) {
		out := clean(s, "[?]")
		for _, r := range out {
			if !hasGlyph(r) {
				t.Fatalf("clean(%q) kept %U, which the fonts cannot draw", s, r)
			}
		}
		if got := referral.Truncate(out, 20); utf8.RuneCountInString(got) > 20 {
			t.Fatalf("truncate gave %d runes", utf8.RuneCountInString(got))
		}
	})
}

func TestSchedule(t *testing.T) {
	tue := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC) // a Tuesday, before US clocks change on March 8
	sat := time.Date(2026, 3, 7, 9, 0, 0, 0, time.UTC)
	s := func(d time.Weekday, start, end referral.Clock) referral.Session {
		return referral.Session{Day: d, Start: start, End: end}
	}
	tests := []struct {
		name     string
		lang     referral.Lang
		from     time.Time
		zone     string
		sessions []referral.Session
		want     []string
		clinic   string // the clinic's zone; "" for none
		attend   referral.Attendance
	}{
		{"one", "en", tue, "America/New_York", []referral.Session{s(time.Tuesday, 19*60, referral.NoTime)}, []string{"Tuesday 7:00 PM EST"}, "", referral.InPerson},
		{"spanish", "es", tue, "America/New_York", []referral.Session{s(time.Tuesday, 19*60, referral.NoTime)}, []string{"martes 19:00 EST"}, "", referral.InPerson},
		{"daylight time after the change", "en", sat, "America/New_York", []referral.Session{s(time.Tuesday, 19*60, referral.NoTime)}, []string{"Tuesday 7:00 PM EDT"}, "", referral.InPerson},
		{"noon and midnight", "en", tue, "", []referral.Session{s(time.Monday, 0, 12*60)}, []string{"Monday 12:00 AM – 12:00 PM"}, "", referral.InPerson},
		{"past midnight", "en", tue, "America/Los_Angeles", []referral.Session{s(time.Friday, 23*60, 24*60+30)}, []string{"Friday 11:00 PM – 12:30 AM PST"}, "", referral.InPerson},
		{"weekdays", "en", tue, "America/Chicago", []referral.Session{
			s(time.Friday, 7*60, 8*60), s(time.Monday, 7*60, 8*60), s(time.Tuesday, 7*60, 8*60), s(time.Wednesday, 7*60, 8*60), s(time.Thursday, 7*60, 8*60),
		}, []string{"Monday to Friday 7:00 AM – 8:00 AM CST"}, "", referral.InPerson},
		{"two times", "es", tue, "America/New_York", []referral.Session{
			s(time.Saturday, 10*60, referral.NoTime), s(time.Monday, 19*60, 20*60), s(time.Wednesday, 19*60, 20*60),
		}, []string{"lunes y miércoles 19:00 – 20:00 EST", "sábado 10:00 EST"}, "", referral.InPerson},
		{"every day", "es", tue, "", []referral.Session{
			s(0, 60, -1), s(1, 60, -1), s(2, 60, -1), s(3, 60, -1), s(4, 60, -1), s(5, 60, -1), s(6, 60, -1),
		}, []string{"Todos los días 01:00"}, "", referral.InPerson},
		{"numeric zone", "en", tue, "America/Sao_Paulo", []referral.Session{s(time.Monday, 20*60, -1)}, []string{"Monday 8:00 PM UTC-03"}, "", referral.InPerson},
		{"no sessions", "en", tue, "", nil, []string{"Call for days and times"}, "", referral.InPerson},
		{"online from another zone: the clinic's clock first", "en", tue, "America/New_York",
			[]referral.Session{s(time.Wednesday, 20*60, 21*60)}, []string{"Wednesday 5:00 PM – 6:00 PM PST (8:00 PM EST)"}, "America/Los_Angeles", referral.Online},
		{"online from another zone, in Spanish", "es", tue, "America/New_York",
			[]referral.Session{s(time.Wednesday, 20*60, 21*60)}, []string{"miércoles 17:00 – 18:00 PST (20:00 EST)"}, "America/Los_Angeles", referral.Online},
		{"online across midnight names the group's day", "en", tue, "America/New_York",
			[]referral.Session{s(time.Thursday, 60, referral.NoTime), s(time.Saturday, 60, referral.NoTime)},
			[]string{"Wednesday and Friday 10:00 PM PST (Thursday and Saturday 1:00 AM EST)"}, "America/Los_Angeles", referral.Online},
		{"online on the same clock", "en", tue, "America/New_York",
			[]referral.Session{s(time.Wednesday, 20*60, referral.NoTime)}, []string{"Wednesday 8:00 PM EST"}, "America/Detroit", referral.Online},
		{"hybrid from another zone: the clinic's clock first", "en", tue, "America/New_York",
			[]referral.Session{s(time.Wednesday, 19*60, referral.NoTime)}, []string{"Wednesday 4:00 PM PST (7:00 PM EST)"}, "America/Los_Angeles", referral.Hybrid},
		{"in person elsewhere keeps the time on its door", "en", tue, "America/Denver",
			[]referral.Session{s(time.Tuesday, 19*60, referral.NoTime)}, []string{"Tuesday 7:00 PM MST"}, "America/New_York", referral.InPerson},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx, err := textsFor(tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			g := &referral.Group{TimeZone: tt.zone, Sessions: tt.sessions, Attendance: tt.attend}
			if got := tx.schedule(g, tt.from, tt.clinic); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("schedule = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestTexts checks that both languages say everything the sheet needs, with
// the help numbers exactly right.
func TestTexts(t *testing.T) {
	for _, l := range referral.Langs {
		t.Run(string(l), func(t *testing.T) {
			tx, err := textsFor(l)
			if err != nil {
				t.Fatal(err)
			}
			var empty []string
			var walk func(path string, v reflect.Value)
			walk = func(path string, v reflect.Value) {
				switch v.Kind() {
				case reflect.String:
					if strings.TrimSpace(v.String()) == "" {
						empty = append(empty, path)
					}
				case reflect.Struct:
					for i := 0; i < v.NumField(); i++ {
						if v.Type().Field(i).Name == "Text" || v.Type().Field(i).Name == "Items" {
							continue // a section has a paragraph or a list
						}
						walk(path+"."+v.Type().Field(i).Name, v.Field(i))
					}
				case reflect.Slice, reflect.Array:
					for i := 0; i < v.Len(); i++ {
						walk(path, v.Index(i))
					}
				}
			}
			walk(string(l), reflect.ValueOf(*tx))
			if len(empty) > 0 {
				t.Errorf("empty texts: %v", empty)
			}
			numbers := []string{}
			for _, h := range tx.HelpNow.Lines {
				numbers = append(numbers, h.Number+" "+h.Text)
			}
			all := strings.Join(numbers, " ")
			for _, n := range []string{"988", "1-800-662-4357", "1-800-487-4889", "911"} {
				if !strings.Contains(all, n) {
					t.Errorf("help lines lack %s", n)
				}
			}
			for _, p := range referral.Programs {
				if pt := tx.Programs[p.Program]; pt.Name == "" || pt.For == "" {
					t.Errorf("program %s has no name or no line saying who it is for", p.Program)
				}
			}
			for p := range tx.Programs {
				if !p.Known() {
					t.Errorf("texts for %q, which is not in referral.Programs", p)
				}
			}
			for _, a := range []referral.Attendance{referral.InPerson, referral.Online, referral.Hybrid} {
				if tx.Attendance[a] == "" {
					t.Errorf("no word for attendance %s", a)
				}
			}
			for _, c := range []string{"O", "C", "SP", "D", "ST", "A"} {
				if tx.Legend.Items[c] == "" {
					t.Errorf("legend does not explain %s", c)
				}
			}
			if len(tx.Why.Items) != 5 {
				t.Errorf("why a group helps has %d points, want the seed's 5", len(tx.Why.Items))
			}
		})
	}
}

// TestTypeNamesInSpec checks that every Meeting Guide code the sheet can
// print (the first of each attribute in referral.Vocabulary) has a name in
// both sheet languages in the spec's vocabulary.
func TestTypeNamesInSpec(t *testing.T) {
	for _, term := range referral.Vocabulary {
		if term.Kind == referral.KindAttendance {
			continue // never printed: attributeCodes reads Attributes
		}
		c, ok := referral.Code(referral.MeetingGuideCodes, term.Attr)
		if !ok {
			t.Errorf("%s has no Meeting Guide code for the sheet", term.Attr)
			continue
		}
		for _, l := range referral.Langs {
			if n := assets.MeetingGuideTypes()[c][string(l)]; n == "" {
				t.Errorf("the spec has no %s name for type %s (%s)", l, c, term.Attr)
			}
		}
	}
	if got := typeName("S", referral.Spanish); got != "Español" {
		t.Errorf("typeName(S, es) = %q", got)
	}
}

// TestAttributeCodes: the sheet names a group's attributes in the order of
// Attributes.Words, through the vocabulary, and leaves out a pair the
// listing contradicts itself on.
func TestAttributeCodes(t *testing.T) {
	a := referral.Attributes{Openness: referral.Closed, Audience: referral.WomenOnly, Newcomer: true,
		Languages: []string{"es", "zz"}, Wheelchair: true, Childcare: true,
		Formats: []referral.Format{referral.FormatStep, referral.FormatSpeaker}}
	if got, want := attributeCodes(a), []string{"C", "W", "BE", "S", "X", "CF", "ST", "SP"}; !reflect.DeepEqual(got, want) {
		t.Errorf("codes %q, want %q", got, want)
	}
	a = referral.Attributes{Openness: referral.OpenAndClosed, Audience: referral.WomenAndMen, LGBTQ: true}
	if got, want := attributeCodes(a), []string{"LGBTQ"}; !reflect.DeepEqual(got, want) {
		t.Errorf("a contradictory listing: codes %q, want %q", got, want)
	}
}
