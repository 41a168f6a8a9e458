package referral

import (
	"testing"
	"time"
)

func TestCurationMerge(t *testing.T) {
	day1 := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	day2 := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	pub := Curation{MedicationFriendly: MedicationYes, VerifiedOn: day1, Notes: "Ask for Dana", Hidden: true, From: "central"}
	tests := []struct {
		name       string
		shown      Curation // what the desk wants the group to show
		set        CurationFields
		shownFrom  CurationFields // PublishedShown of the merged group
		overridden CurationFields
		from       string
	}{
		{"all the publisher's", pub, 0, AllCurated, 0, "central"},
		{"this desk's no over the publisher's yes", Curation{MedicationFriendly: MedicationNo, VerifiedOn: day1, Notes: "Ask for Dana", Hidden: true},
			CuratedMedication, CuratedVerifiedOn | CuratedNotes | CuratedHidden, CuratedMedication, "central"},
		{"everything this desk's own", Curation{MedicationFriendly: MedicationNo, VerifiedOn: day2, Notes: "ours"},
			AllCurated, 0, AllCurated, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set := tc.shown.Differs(pub)
			if set != tc.set {
				t.Fatalf("Differs = %04b, want %04b", set, tc.set)
			}
			g := Group{Published: pub, Curation: MergeCuration(tc.shown, set, pub)}
			want := tc.shown
			want.From = tc.from
			if g.Curation != want {
				t.Errorf("merged %+v, want %+v", g.Curation, want)
			}
			if got := g.PublishedShown(); got != tc.shownFrom {
				t.Errorf("PublishedShown = %04b, want %04b", got, tc.shownFrom)
			}
			if got := g.Overridden(); got != tc.overridden {
				t.Errorf("Overridden = %04b, want %04b", got, tc.overridden)
			}
		})
	}
	// With no publisher, a field is set when it says anything; "unknown"
	// says nothing.
	if got := (Curation{MedicationFriendly: MedicationUnknown, Notes: "x"}).Differs(Curation{}); got != CuratedNotes {
		t.Errorf("Differs from nothing = %04b, want notes only", got)
	}
	if g := (Group{Curation: Curation{Notes: "x"}}); g.PublishedShown() != 0 || g.Overridden() != 0 {
		t.Errorf("a group with no publisher reports publisher fields")
	}
}
