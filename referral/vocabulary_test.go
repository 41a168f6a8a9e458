package referral_test

import (
	"reflect"
	"slices"
	"testing"

	"referraldesk/referral"
)

// TestVocabularyWrittenCodes: the code written for an attribute says that
// attribute and nothing else, in both code systems, so writing it can never
// switch something else on when it is read back.
func TestVocabularyWrittenCodes(t *testing.T) {
	seen := map[referral.Attr]bool{}
	for _, term := range referral.Vocabulary {
		if seen[term.Attr] {
			t.Errorf("%s has two rows", term.Attr)
		}
		seen[term.Attr] = true
		if len(term.MeetingGuide) == 0 {
			t.Errorf("%s has no Meeting Guide code", term.Attr)
		}
		for _, c := range []referral.Codes{referral.MeetingGuideCodes, referral.NACodes} {
			code, ok := referral.Code(c, term.Attr)
			if !ok {
				continue
			}
			if got := referral.AttrsOfCode(c, code); !reflect.DeepEqual(got, []referral.Attr{term.Attr}) {
				t.Errorf("%s is written as %q, which says %v", term.Attr, code, got)
			}
		}
	}
}

// TestAttributesHasSet: every row's attribute can be set and read back, and
// setting the other of an exclusive pair keeps both, as a listing that says
// both is kept.
func TestAttributesHasSet(t *testing.T) {
	for _, term := range referral.Vocabulary {
		if term.Kind == referral.KindAttendance {
			continue
		}
		var a referral.Attributes
		a.Set(term.Attr, true)
		if !a.Has(term.Attr) {
			t.Errorf("%s set but not had", term.Attr)
		}
		if got := a.Attrs(); !reflect.DeepEqual(got, []referral.Attr{term.Attr}) {
			t.Errorf("%s set: attributes %v", term.Attr, got)
		}
		a.Set(term.Attr, false)
		if !reflect.DeepEqual(a, referral.Attributes{Languages: a.Languages, Formats: a.Formats}) || len(a.Attrs()) != 0 {
			t.Errorf("%s set and unset leaves %+v", term.Attr, a)
		}
	}
	var a referral.Attributes
	a.Set(referral.AttrOpen, true)
	a.Set(referral.AttrClosed, true)
	a.Set(referral.AttrMen, true)
	a.Set(referral.AttrWomen, true)
	if a.Openness != referral.OpenAndClosed || a.Audience != referral.WomenAndMen {
		t.Fatalf("both of each pair: %q, %q", a.Openness, a.Audience)
	}
	if got, want := a.Words(), []string{"open", "closed", "women only", "men only"}; !reflect.DeepEqual(got, want) {
		t.Errorf("words %q, want %q", got, want)
	}
	a.Set(referral.AttrOpen, false)
	a.Set(referral.AttrMen, false)
	if a.Openness != referral.Closed || a.Audience != referral.WomenOnly {
		t.Errorf("one of each pair switched off: %q, %q", a.Openness, a.Audience)
	}
}

func TestAttributesWords(t *testing.T) {
	a := referral.Attributes{Openness: referral.Open, Audience: referral.MenOnly, LGBTQ: true, Seniors: true,
		Languages: []string{"zz", "es"}, ASL: true, Childcare: true,
		Formats: []referral.Format{referral.FormatMeditation, referral.FormatSpeaker}}
	want := []string{"open", "men only", "LGBTQ+", "seniors", "language: zz", "language: es", "ASL", "child-friendly", "meditation", "speaker"}
	if got := a.Words(); !reflect.DeepEqual(got, want) {
		t.Errorf("words %q, want %q", got, want)
	}
}

func TestTypeCodes(t *testing.T) {
	aa, na := referral.ProgramAA, referral.ProgramNA
	tests := []struct {
		name  string
		prog  referral.Program
		attrs referral.Attributes
		raw   []string
		want  []string
	}{
		{"nothing to do", aa, referral.Attributes{Openness: referral.Open, LGBTQ: true}, []string{"O", "G", "XYZ"}, []string{"O", "G", "XYZ"}},
		{"edited on: the written code is added", aa, referral.Attributes{Openness: referral.Open, Wheelchair: true, Languages: []string{"es"}},
			[]string{"O"}, []string{"O", "S", "X"}},
		{"edited off: its codes go, unknown and attendance codes stay", aa, referral.Attributes{},
			[]string{"O", "TC", "W", "XYZ", "ONL", "G", "LGBTQ"}, []string{"TC", "XYZ", "ONL"}},
		{"openness changed", aa, referral.Attributes{Openness: referral.Closed}, []string{"O", "D"}, []string{"C"}},
		{"both kept", aa, referral.Attributes{Openness: referral.OpenAndClosed, Audience: referral.WomenAndMen},
			[]string{"C", "M"}, []string{"C", "M", "O", "W"}},
		{"NA keys", na, referral.Attributes{Newcomer: true, Formats: []referral.Format{referral.FormatSpeaker}},
			[]string{"B", "RF"}, []string{"B", "RF", "So"}},
		// SD says speaker and discussion: with discussion off it goes, and
		// speaker gets its own key.
		{"NA two-meaning key", na, referral.Attributes{Formats: []referral.Format{referral.FormatSpeaker}},
			[]string{"SD"}, []string{"So"}},
		{"NA has no code for seniors", na, referral.Attributes{Seniors: true, Languages: []string{"en"}}, nil, []string{}},
		{"no repeats", aa, referral.Attributes{Openness: referral.Open}, []string{"O", "O"}, []string{"O"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := referral.TypeCodes(tc.prog, tc.attrs, tc.raw)
			if !slices.Equal(got, tc.want) {
				t.Errorf("TypeCodes = %q, want %q", got, tc.want)
			}
			if again := referral.TypeCodes(tc.prog, tc.attrs, got); !slices.Equal(again, got) {
				t.Errorf("not settled: again %q", again)
			}
		})
	}
}
