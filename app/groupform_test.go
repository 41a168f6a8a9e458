package app

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// attrCheck finds the form's check box of an attribute.
func (f *groupForm) attrCheck(x referral.Attr) *widget.Check {
	for _, c := range f.attrChecks {
		if c.attr == x {
			return c.check
		}
	}
	return nil
}

// TestAttributeBoxesFromVocabulary: the form has one box per attribute of
// the vocabulary it can tick, labelled with the vocabulary's words.
func TestAttributeBoxesFromVocabulary(t *testing.T) {
	h := newHarness(t)
	f := h.dir.form
	var want, got []string
	for _, term := range referral.Vocabulary {
		switch term.Kind {
		case referral.KindWelcomes, referral.KindAccess, referral.KindFormat:
			want = append(want, term.Label)
			if c := f.attrCheck(term.Attr); c != nil {
				got = append(got, c.Text)
			}
		}
	}
	if !slices.Equal(got, want) || len(f.attrChecks) != len(want) {
		t.Errorf("boxes %q, want %q", got, want)
	}
}

// TestEditedAttributesChangeTheCodes: what is ticked or unticked in the form
// is what the saved listing's codes say, so an export carries the edit; a
// code with no box (TC, an unknown one) stays; a listing that says both open
// and closed keeps saying so until someone chooses.
func TestEditedAttributesChangeTheCodes(t *testing.T) {
	g := referral.Group{
		Name: "Ladies Step", Program: referral.ProgramAA, Attendance: referral.Inactive,
		Source: "aasepia", SourceID: "ls-1", Types: []string{"O", "C", "W", "XYZ", "TC", "ST"},
		Attributes: referral.Attributes{Openness: referral.OpenAndClosed, Audience: referral.WomenOnly,
			Formats: []referral.Format{referral.FormatStep}},
		Sessions: []referral.Session{{Day: time.Monday, Start: 19 * 60, End: 20 * 60}},
	}
	h := newHarness(t, g)
	test.Tap(h.dir.showAll) // the listing is inactive (TC), which the list leaves out at first
	h.dir.list.Select(0)
	f := h.dir.form
	if f.dirty() {
		t.Fatal("a freshly loaded group reads back different from itself")
	}
	if want := opennessChoice().label(referral.OpenAndClosed); f.openness.Selected != want || want == "" {
		t.Fatalf("openness shows %q, want %q", f.openness.Selected, want)
	}
	f.audience.SetSelected(audienceChoice().label(referral.Everyone))
	test.Tap(f.attrCheck(referral.AttrWheelchair))
	test.Tap(f.attrCheck(referral.FormatAttr(referral.FormatStep)))
	test.Tap(f.attrCheck(referral.FormatAttr(referral.FormatSpeaker)))
	f.languages.SetText("es, en")
	test.Tap(f.save)
	got := h.fake.byName("Ladies Step")
	if got == nil {
		t.Fatal("not saved")
	}
	a := got.Attributes
	if a.Openness != referral.OpenAndClosed || a.Audience != referral.Everyone || !a.Wheelchair ||
		!slices.Equal(a.Formats, []referral.Format{referral.FormatSpeaker}) || !slices.Equal(a.Languages, []string{"en", "es"}) {
		t.Errorf("saved attributes %+v", a)
	}
	if want := []string{"O", "C", "XYZ", "TC", "EN", "S", "X", "SP"}; !slices.Equal(got.Types, want) {
		t.Errorf("saved codes %q, want %q", got.Types, want)
	}
}
