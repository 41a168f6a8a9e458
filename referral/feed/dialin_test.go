package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"referraldesk/referral"
)

// meetingGuide builds a Meeting Guide feed of online meetings, one per
// conference_phone (and its notes), with slugs "m0", "m1", …
func meetingGuide(t *testing.T, phones ...[2]string) []byte {
	t.Helper()
	var ms []map[string]any
	for i, p := range phones {
		ms = append(ms, map[string]any{
			"name": "Dial-in meeting", "slug": "m" + strconv.Itoa(i), "day": 1, "time": "19:00",
			"types": []string{"O"}, "conference_phone": p[0], "conference_phone_notes": p[1],
		})
	}
	b, err := json.Marshal(ms)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDialInImport: one-tap dial strings import as the feed wrote them, with
// no repair, and export byte for byte; a dial-in with letters is kept as
// text in the notes and the report says the sheet will not print it as a
// number.
func TestDialInImport(t *testing.T) {
	tests := []struct {
		name, phone, notes string
		wantPhone          string
		wantNotes          string
		repair             []string // in the conference_phone repair note; nil: no note
	}{
		{"zoom one-tap", "+15873281099,,82900440659#,,#,,123456#", "", "+15873281099,,82900440659#,,#,,123456#", "", nil},
		{"one-tap without plus", "3126266799,,6631029191#,,#,,987776", "", "3126266799,,6631029191#,,#,,987776", "", nil},
		{"starred passcode", "+16465588656,,85512345678#,,,,*123456#", "", "+16465588656,,85512345678#,,,,*123456#", "", nil},
		{"bare number", "+1 (587) 328-1099", "", "+1 (587) 328-1099", "", nil},
		{"letters", "call Bob at 215-555-1212", "after 6 pm",
			"", "call Bob at 215-555-1212\nafter 6 pm",
			[]string{`"call Bob at 215-555-1212"`, "kept as text", "will not print it as a number"}},
		{"letters among dial codes", "+15873281099,,829p0044#", "",
			"", "+15873281099,,829p0044#",
			[]string{`"+15873281099,,829p0044#"`, "kept as text", "will not print it as a number"}},
		{"too few digits", "+11", "", "", "+11", []string{"kept as text", "will not print it as a number"}},
	}
	var phones [][2]string
	for _, tc := range tests {
		phones = append(phones, [2]string{tc.phone, tc.notes})
	}
	in := meetingGuide(t, phones...)
	res, err := Parse(context.Background(), bytes.NewReader(in), aa)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 0 {
		t.Fatalf("skipped %v", res.Skipped)
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := group(t, res, "m"+strconv.Itoa(i))
			if g.Online.Phone != tc.wantPhone || g.Online.PhoneNotes != tc.wantNotes {
				t.Errorf("phone %q, notes %q; want %q, %q", g.Online.Phone, g.Online.PhoneNotes, tc.wantPhone, tc.wantNotes)
			}
			var notes []string
			for _, r := range res.Repaired {
				if r.Index == i && r.Field == "conference_phone" {
					notes = append(notes, r.String())
				}
			}
			switch {
			case tc.repair == nil && len(notes) > 0:
				t.Errorf("repair notes %q for a dial-in that needs none", notes)
			case tc.repair != nil && len(notes) != 1:
				t.Errorf("repair notes %q, want one", notes)
			case tc.repair != nil:
				for _, w := range tc.repair {
					if !strings.Contains(notes[0], w) {
						t.Errorf("repair note %q does not say %q", notes[0], w)
					}
				}
			}
			if _, ok := referral.ParseDialIn(g.Online.Phone); g.Online.Phone != "" && !ok {
				t.Errorf("imported phone %q is one the sheet cannot read", g.Online.Phone)
			}
		})
	}
	t.Run("export", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteMeetingGuide(&buf, res.Groups); err != nil {
			t.Fatal(err)
		}
		var out []struct {
			Slug  string `json:"slug"`
			Phone string `json:"conference_phone"`
		}
		if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		phoneOf := map[string]string{}
		for _, m := range out {
			phoneOf[m.Slug] = m.Phone
		}
		for i, tc := range tests {
			if got := phoneOf["m"+strconv.Itoa(i)]; got != tc.wantPhone {
				t.Errorf("%s: exported conference_phone %q, want %q", tc.name, got, tc.wantPhone)
			}
		}
	})
}

// TestRealDialInsKept: no dial-in in the real feeds is lost or changed for
// its commas, "#", "*" or passcode; only a string that is no number at all
// goes to the notes.
func TestRealDialInsKept(t *testing.T) {
	for _, tc := range realFeeds {
		if tc.format != MeetingGuide {
			continue
		}
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "feeds", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var raw []map[string]any
			if err := json.Unmarshal(b, &raw); err != nil {
				t.Fatal(err)
			}
			bySlug := map[string]*referral.Group{}
			for _, g := range parseFile(t, tc.file, tc.opts).Groups {
				bySlug[g.SourceID] = g
			}
			checked := 0
			seen := map[string]bool{}
			for _, m := range raw {
				phone, _ := m["conference_phone"].(string)
				slug, _ := m["slug"].(string)
				g := bySlug[slug]
				// A later record with a taken slug is skipped; the group is
				// the first one's.
				first := !seen[slug]
				seen[slug] = true
				if phone = strings.TrimSpace(phone); phone == "" || g == nil || !first {
					continue
				}
				checked++
				switch {
				case dialable(phone) && g.Online.Phone != phone:
					t.Errorf("%s: conference_phone %q imported as %q", slug, phone, g.Online.Phone)
				case !dialable(phone) && !strings.Contains(g.Online.PhoneNotes, phone):
					t.Errorf("%s: conference_phone %q is in neither the phone nor the notes %q", slug, phone, g.Online.PhoneNotes)
				}
			}
			if checked == 0 {
				t.Fatal("the feed has no dial-ins to check")
			}
		})
	}
}
