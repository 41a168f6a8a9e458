package pdf

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
)

// dialInGroup is an online group whose only way in is the phone, so its card
// has a phone row and no QR code.
func dialInGroup(name, phone, notes string) *referral.Group {
	return &referral.Group{
		Name: name, Program: referral.ProgramAA, TimeZone: "America/Chicago",
		Sessions:   []referral.Session{{Day: time.Monday, Start: 19 * 60, End: 20 * 60}},
		Attendance: referral.Online,
		Online:     referral.OnlineAccess{Phone: phone, PhoneNotes: notes},
	}
}

// TestDialInReadsBack renders dial-ins into a real PDF in both languages and
// reads the phone rows back: one-tap strings as the number, meeting ID and
// passcode a person keys in; a bare number as a number; text with letters as
// the text, never as a number to call.
func TestDialInReadsBack(t *testing.T) {
	type want struct{ en, es string }
	cases := []struct {
		name, phone, notes string
		want               want
		not                []string // in either language
	}{
		{"zoom one-tap", "+15873281099,,82900440659#,,#,,123456#", "",
			want{"By phone Call 587-328-1099 · meeting ID 829 0044 0659 · passcode 123456",
				"Por teléfono Llama al 587-328-1099 · ID de reunión 829 0044 0659 · código 123456"},
			[]string{",,", "#"}},
		{"one-tap without plus or closing hash", "3126266799,,6631029191#,,#,,987776", "",
			want{"By phone Call 312-626-6799 · meeting ID 663 102 9191 · passcode 987776",
				"Por teléfono Llama al 312-626-6799 · ID de reunión 663 102 9191 · código 987776"},
			nil},
		{"bare number", "+1 (215) 555-0199", "",
			want{"By phone 215-555-0199", "Por teléfono 215-555-0199"},
			[]string{"Call 215-555-0199", "Llama al 215-555-0199", "(215) 555-0199"}},
		{"meeting ID without passcode, with notes", "+16465588656,,81528265528#", "Ask for the speaker meeting",
			want{"By phone Call 646-558-8656 · meeting ID 815 2826 5528 · Ask for the speaker meeting",
				"Por teléfono Llama al 646-558-8656 · ID de reunión 815 2826 5528 · Ask for the speaker meeting"},
			[]string{"passcode", "código"}},
		{"letters", "call Bob at 215-555-1212", "",
			want{"By phone call Bob at 215-555-1212", "Por teléfono call Bob at 215-555-1212"},
			[]string{"Call 215-555-1212", "Llama al 215-555-1212"}},
		{"kept as text by an import", "", "call Ana at 215 555 1313",
			want{"By phone call Ana at 215 555 1313", "Por teléfono call Ana at 215 555 1313"},
			[]string{"Call 215-555-1313", "Llama al 215-555-1313"}},
	}
	var groups []*referral.Group
	for i, c := range cases {
		groups = append(groups, dialInGroup(fmt.Sprintf("Dial-in group %d", i+1), c.phone, c.notes))
	}
	for _, lang := range referral.Langs {
		t.Run(string(lang), func(t *testing.T) {
			s := testSheet(1, lang, referral.Letter, false)
			s.Groups = groups
			pdf, l := render(t, s)
			checkLayout(t, s, l)
			text := pdfText(t, pdf)
			for i, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					// The card from its name to the next card's, so each
					// case is checked on its own card.
					card := text[strings.Index(text, groups[i].Name):]
					if i+1 < len(groups) {
						card = card[:strings.Index(card, groups[i+1].Name)]
					}
					w := c.want.en
					if lang == referral.Spanish {
						w = c.want.es
					}
					if !strings.Contains(card, w) {
						t.Errorf("card reads %q, want it to say %q", card, w)
					}
					for _, bad := range c.not {
						if strings.Contains(card, bad) {
							t.Errorf("card reads %q, which shows %q", card, bad)
						}
					}
				})
			}
		})
	}
}

// TestLongestDialInFits: the longest line ParseDialIn lets through is never
// cut (part of a passcode is no passcode), so it must wrap within its card
// in large print too.
func TestLongestDialInFits(t *testing.T) {
	raw := "+123456789012345,," + strings.Repeat("9", 20) + "#,,#,," + strings.Repeat("8", 20) + "#"
	if _, ok := referral.ParseDialIn(raw); !ok {
		t.Fatalf("ParseDialIn(%q) failed; the test needs the longest string it reads", raw)
	}
	for _, lang := range referral.Langs {
		for _, large := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s-large=%v", lang, large), func(t *testing.T) {
				s := testSheet(1, lang, referral.Letter, large)
				s.Groups = []*referral.Group{dialInGroup("Long dial-in", raw, strings.Repeat("notes ", 40))}
				pdf, l := render(t, s)
				checkLayout(t, s, l)
				text := pdfText(t, pdf)
				for _, digits := range []string{strings.Repeat("9", 20), strings.Repeat("8", 20)} {
					if !strings.Contains(text, digits) {
						t.Errorf("sheet lacks %s whole", digits)
					}
				}
			})
		}
	}
}
