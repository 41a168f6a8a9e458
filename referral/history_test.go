package referral_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
)

// historyGroup is a directory group for the referral log tests.
func historyGroup(id int64, name string) *referral.Group {
	g := sheetGroup()
	g.ID, g.Source, g.SourceID, g.Name = id, "sepa-na", "slug-"+name, name
	return g
}

func validReferral() *referral.Referral {
	sheet := validSheet()
	sheet.FirstName = "Sam" // must not reach the log
	sheet.Groups = []*referral.Group{historyGroup(11, "Hope"), historyGroup(12, "Serenity")}
	sheet.Lang, sheet.Paper, sheet.Large = referral.Spanish, referral.A4, true
	needs := referral.Needs{ZIP: "19107", Origin: &referral.Point{Lat: 39.95, Lon: -75.16}, MaxMiles: 5, MOUD: true}
	return referral.NewReferral(sheet, needs, "  Tue 3pm J.  ")
}

func TestNewReferral(t *testing.T) {
	r := validReferral()
	if r.ClientLabel != "Tue 3pm J." {
		t.Errorf("ClientLabel = %q, want it trimmed", r.ClientLabel)
	}
	want := []referral.ReferredGroup{
		{GroupID: 11, Source: "sepa-na", SourceID: "slug-Hope", Name: "Hope", Program: referral.ProgramNA},
		{GroupID: 12, Source: "sepa-na", SourceID: "slug-Serenity", Name: "Serenity", Program: referral.ProgramNA},
	}
	if len(r.Groups) != 2 {
		t.Fatalf("Groups = %+v, want %+v", r.Groups, want)
	}
	for i, g := range r.Groups {
		printed := g.Printed
		g.Printed = nil
		if g != want[i] {
			t.Errorf("Groups[%d] = %+v, want %+v", i, g, want[i])
		}
		if printed == nil || !reflect.DeepEqual(*printed, *historyGroup(want[i].GroupID, want[i].Name)) {
			t.Errorf("Groups[%d].Printed = %+v, want the group as the sheet printed it", i, printed)
		}
	}
	if r.Lang != referral.Spanish || r.Paper != referral.A4 || !r.Large || !r.Needs.MOUD {
		t.Errorf("referral = %+v, want the sheet's layout and the needs", r)
	}
	if err := r.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
}

// foldedGroup is a group the directory lists once per weekday, as the sheet
// prints it: Candidate.Listing folds the Thursday listing's session in.
func foldedGroup() *referral.Group {
	g := historyGroup(11, "Hope")
	g.Sessions = []referral.Session{{Day: time.Tuesday, Start: 19 * 60, End: 20 * 60}, {Day: time.Thursday, Start: 19 * 60, End: 20 * 60}}
	g.Place = referral.Place{Address: "1625 Locust St", City: "Philadelphia", Coords: &referral.Point{Lat: 39.9489, Lon: -75.1688},
		Regions: []string{"Center City"}}
	g.Attributes.Languages = []string{"es"}
	g.Types = []string{"O", "S"}
	g.Updated = time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC)
	g.Curation = referral.Curation{MedicationFriendly: referral.MedicationYes, VerifiedOn: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		Notes: "Ask for Rosa", Hidden: true}
	return g
}

func TestReferredGroupKeepsThePrintedCard(t *testing.T) {
	g := foldedGroup()
	rg := referral.ReferredGroupOf(g)
	want := *foldedGroup()
	// The card prints the medication note and the verified date; the
	// counselor's notes and "hidden" are not the sheet's.
	want.Curation.Notes, want.Curation.Hidden = "", false
	if !reflect.DeepEqual(*rg.Printed, want) {
		t.Fatalf("Printed = %+v\nwant %+v", *rg.Printed, want)
	}
	g.Sessions[1].Day, g.Place.Coords.Lat, g.Types[0], g.Attributes.Languages[0], g.Place.Regions[0] = time.Friday, 0, "C", "en", "x"
	if !reflect.DeepEqual(*rg.Printed, want) {
		t.Error("the snapshot shares memory with the sheet's group")
	}
}

func TestReferralReprint(t *testing.T) {
	sheet := validSheet()
	sheet.FirstName = "Sam"
	sheet.Groups = []*referral.Group{foldedGroup(), historyGroup(12, "Serenity"), historyGroup(13, "Clean Start")}
	sheet.Lang, sheet.Paper, sheet.Large = referral.Spanish, referral.A4, true
	r := referral.NewReferral(sheet, referral.Needs{}, "")
	// Two groups of an entry logged before the log kept the printed card.
	r.Groups = append(r.Groups, referral.ReferredGroup{GroupID: 14, Source: "sepa-na", SourceID: "slug-Old", Name: "Old Timers"},
		referral.ReferredGroup{GroupID: 15, Source: "sepa-na", SourceID: "slug-Gone", Name: "Gone Since"})

	// The directory since: Hope's Thursday listing moved to Friday and the
	// clinic learned it turns people on medication away; Serenity is gone;
	// Clean Start was renamed; Old Timers is listed; Gone Since is not.
	hopeNow := foldedGroup()
	hopeNow.Sessions = []referral.Session{{Day: time.Tuesday, Start: 19 * 60, End: 20 * 60}}
	hopeNow.Curation.MedicationFriendly = referral.MedicationNo
	cleanNow := historyGroup(13, "Clean Start renamed")
	oldNow := historyGroup(14, "Old Timers")
	listed := []*referral.Group{hopeNow, nil, cleanNow, oldNow, nil}

	s := referral.DefaultSettings()
	s.Clinic.Name, s.Counselor = "Broad Street Clinic", "Dana Ortiz"
	date := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	sh, left := r.Reprint(s, date, listed)
	if sh.Clinic.Name != "Broad Street Clinic" || sh.Counselor != "Dana Ortiz" || !sh.Date.Equal(date) ||
		sh.Lang != referral.Spanish || sh.Paper != referral.A4 || !sh.Large || sh.FirstName != "" {
		t.Errorf("Reprint is headed and laid out %+v", sh)
	}
	var names []string
	for _, g := range sh.Groups {
		names = append(names, g.Name)
	}
	if want := []string{"Hope", "Serenity", "Clean Start", "Old Timers"}; !slices.Equal(names, want) {
		t.Fatalf("Reprint prints %q, want %q", names, want)
	}
	if want := foldedGroup().Sessions; !reflect.DeepEqual(sh.Groups[0].Sessions, want) {
		t.Errorf("Hope meets %v, want the days printed: %v", sh.Groups[0].Sessions, want)
	}
	if sh.Groups[0].Curation.MedicationFriendly != referral.MedicationNo {
		t.Error("the card still says Hope welcomes people on medication; the clinic learned otherwise")
	}
	if sh.Groups[3] != oldNow {
		t.Errorf("an entry without the printed card prints %+v, want the group as listed now", sh.Groups[3])
	}
	if !slices.Equal(sh.Removed, []int{1}) || !sh.IsRemoved(1) || sh.IsRemoved(0) {
		t.Errorf("Removed = %v, want Serenity's card (1) marked", sh.Removed)
	}
	if len(left) != 1 || left[0].Name != "Gone Since" {
		t.Errorf("left out %+v, want Gone Since", left)
	}
	if err := sh.Validate(); err != nil {
		t.Errorf("reprinted sheet: %v", err)
	}
	sh.Groups[0].Sessions[0].Day = time.Monday
	if r.Groups[0].Printed.Sessions[0].Day != time.Tuesday {
		t.Error("changing the reprinted sheet changed the log entry")
	}
}

func TestReferralValidate(t *testing.T) {
	went := func(f *referral.FollowUp) { f.Went, f.GroupID = referral.AnswerYes, 12 }
	tests := []struct {
		name   string
		change func(r *referral.Referral)
		field  string // "" = valid
		says   string
	}{
		{"valid", func(r *referral.Referral) {}, "", ""},
		{"no label", func(r *referral.Referral) { r.ClientLabel = "" }, "", ""},
		{"40-letter label", func(r *referral.Referral) { r.ClientLabel = strings.Repeat("ñ", 40) }, "", ""},
		{"empty needs", func(r *referral.Referral) { r.Needs = referral.Needs{} }, "", ""},
		{"default layout", func(r *referral.Referral) { r.Lang, r.Paper = "", "" }, "", ""},
		{"group from a feed without local id", func(r *referral.Referral) { r.Groups[0].GroupID = 0 }, "", ""},
		{"long label", func(r *referral.Referral) { r.ClientLabel = strings.Repeat("a", 41) }, "ClientLabel", "at most 40"},
		{"two-line label", func(r *referral.Referral) { r.ClientLabel = "a\nb" }, "ClientLabel", "one line"},
		{"no groups", func(r *referral.Referral) { r.Groups = nil }, "Groups", "at least one"},
		{"nine groups", func(r *referral.Referral) {
			for len(r.Groups) < 9 {
				r.Groups = append(r.Groups, r.Groups[0])
			}
		}, "Groups", "at most 8"},
		{"group without id", func(r *referral.Referral) { r.Groups[1].GroupID, r.Groups[1].SourceID = 0, "" }, "Groups[1]", "no directory id"},
		{"group without name", func(r *referral.Referral) { r.Groups[0].Name = " " }, "Groups[0].Name", "no name"},
		{"french", func(r *referral.Referral) { r.Lang = "fr" }, "Lang", "not available"},
		{"legal", func(r *referral.Referral) { r.Paper = "legal" }, "Paper", "unknown"},

		{"follow-up: did not go", func(r *referral.Referral) { r.FollowUp = &referral.FollowUp{Went: referral.AnswerNo} }, "", ""},
		{"follow-up: nothing known", func(r *referral.Referral) { r.FollowUp = &referral.FollowUp{} }, "", ""},
		{"follow-up: went, group unknown", func(r *referral.Referral) {
			r.FollowUp = &referral.FollowUp{Went: referral.AnswerYes, FeltWelcome: referral.AnswerYes}
		}, "", ""},
		{"follow-up: not welcome on medication", func(r *referral.Referral) {
			f := referral.FollowUp{FeltWelcome: referral.AnswerNo, NotWelcomeOnMedication: true, Notes: "asked to leave"}
			went(&f)
			r.FollowUp = &f
		}, "", ""},
		{"follow-up: went maybe", func(r *referral.Referral) { r.FollowUp = &referral.FollowUp{Went: "maybe"} }, "FollowUp.Went", "yes, no or unknown"},
		{"follow-up: welcome maybe", func(r *referral.Referral) {
			f := referral.FollowUp{FeltWelcome: "sort of"}
			went(&f)
			r.FollowUp = &f
		}, "FollowUp.FeltWelcome", "yes, no or unknown"},
		{"follow-up: group not referred", func(r *referral.Referral) {
			r.FollowUp = &referral.FollowUp{Went: referral.AnswerYes, GroupID: 99}
		}, "FollowUp.GroupID", "one of the groups referred"},
		{"follow-up: group but did not go", func(r *referral.Referral) {
			r.FollowUp = &referral.FollowUp{Went: referral.AnswerNo, GroupID: 12}
		}, "FollowUp.GroupID", "only when they went"},
		{"follow-up: welcome but did not go", func(r *referral.Referral) {
			r.FollowUp = &referral.FollowUp{FeltWelcome: referral.AnswerYes}
		}, "FollowUp.FeltWelcome", "only when they went"},
		{"follow-up: medication but did not go", func(r *referral.Referral) {
			r.FollowUp = &referral.FollowUp{Went: referral.AnswerNo, NotWelcomeOnMedication: true}
		}, "FollowUp.NotWelcomeOnMedication", "only when the client went"},
		{"follow-up: welcome and not welcome", func(r *referral.Referral) {
			f := referral.FollowUp{FeltWelcome: referral.AnswerYes, NotWelcomeOnMedication: true}
			went(&f)
			r.FollowUp = &f
		}, "FollowUp.NotWelcomeOnMedication", "change one answer"},
		{"follow-up: long notes", func(r *referral.Referral) {
			r.FollowUp = &referral.FollowUp{Notes: strings.Repeat("x", 201)}
		}, "FollowUp.Notes", "at most 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validReferral()
			tt.change(r)
			assertProblem(t, r.Validate(), tt.field, tt.says)
		})
	}
}

func TestReferralErrorsKeepClientDataOut(t *testing.T) {
	const secret = "Jordan Q. Smithson-private"
	r := validReferral()
	r.ClientLabel = secret + strings.Repeat(" x", 20)
	r.FollowUp = &referral.FollowUp{Notes: secret + strings.Repeat(" y", 200)}
	err := r.Validate()
	if err == nil {
		t.Fatal("Validate() = nil, want errors for the long label and notes")
	}
	text := err.Error()
	for _, p := range referral.ErrorProblems(err) {
		text += p.Message
	}
	if strings.Contains(text, "Jordan") {
		t.Errorf("error quotes client data: %s", text)
	}
}

func TestProposedCuration(t *testing.T) {
	recorded := time.Date(2026, 3, 17, 15, 0, 0, 0, time.UTC)
	notWelcome := referral.FollowUp{Recorded: recorded, Went: referral.AnswerYes, GroupID: 12,
		FeltWelcome: referral.AnswerNo, NotWelcomeOnMedication: true}
	welcome := referral.FollowUp{Recorded: recorded, Went: referral.AnswerYes, GroupID: 12, FeltWelcome: referral.AnswerYes}
	verified := time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)

	tests := []struct {
		name     string
		followUp *referral.FollowUp
		moud     bool
		group    func(g *referral.Group)
		want     referral.MedicationFriendly // "" = no proposal
		notes    string
	}{
		{"not welcome, unknown → no", &notWelcome, true, nil, referral.MedicationNo,
			"Client follow-up 2026-03-17: reported not welcoming to people on medication."},
		{"not welcome overrides yes", &notWelcome, true,
			func(g *referral.Group) { g.Curation.MedicationFriendly = referral.MedicationYes }, referral.MedicationNo, ""},
		{"not welcome, already no", &notWelcome, true,
			func(g *referral.Group) { g.Curation.MedicationFriendly = referral.MedicationNo }, "", ""},
		{"not welcome, notes kept", &notWelcome, true, func(g *referral.Group) {
			g.Curation.Notes = "Ask for Pat.\n"
			g.Curation.VerifiedOn = verified
		}, referral.MedicationNo,
			"Ask for Pat.\nClient follow-up 2026-03-17: reported not welcoming to people on medication."},
		{"welcome on MOUD, unknown → yes", &welcome, true, nil, referral.MedicationYes,
			"Client follow-up 2026-03-17: reported welcoming to a client on medication."},
		{"welcome without MOUD", &welcome, false, nil, "", ""},
		{"welcome does not overturn no", &welcome, true,
			func(g *referral.Group) { g.Curation.MedicationFriendly = referral.MedicationNo }, "", ""},
		{"welcome, already yes", &welcome, true,
			func(g *referral.Group) { g.Curation.MedicationFriendly = referral.MedicationYes }, "", ""},
		{"no follow-up", nil, true, nil, "", ""},
		{"did not go", &referral.FollowUp{Went: referral.AnswerNo}, true, nil, "", ""},
		{"went, group unknown", &referral.FollowUp{Went: referral.AnswerYes, NotWelcomeOnMedication: true}, true, nil, "", ""},
		{"another group", &notWelcome, true, func(g *referral.Group) { g.ID, g.SourceID = 11, "slug-Hope" }, "", ""},
		{"same listing re-imported under a new id", &notWelcome, true,
			func(g *referral.Group) { g.ID = 4711 }, referral.MedicationNo, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validReferral()
			r.Needs.MOUD = tt.moud
			r.FollowUp = tt.followUp
			g := historyGroup(12, "Serenity")
			if tt.group != nil {
				tt.group(g)
			}
			before := g.Curation
			c, ok := r.ProposedCuration(g)
			if tt.want == "" {
				if ok {
					t.Fatalf("ProposedCuration = %+v, want none", c)
				}
				return
			}
			if !ok || c.MedicationFriendly != tt.want {
				t.Fatalf("ProposedCuration = %+v, %v; want medication-friendly %q", c, ok, tt.want)
			}
			if tt.notes != "" && c.Notes != tt.notes {
				t.Errorf("Notes = %q, want %q", c.Notes, tt.notes)
			}
			if c.VerifiedOn != before.VerifiedOn || c.Hidden != before.Hidden {
				t.Errorf("proposal changed more than medication and notes: %+v from %+v", c, before)
			}
			if g.Curation != before {
				t.Error("ProposedCuration changed the group; only the counselor's confirmation may")
			}
		})
	}
}

func TestReferralNilGroupSkipped(t *testing.T) {
	sheet := validSheet()
	sheet.Groups = append(sheet.Groups, nil)
	if r := referral.NewReferral(sheet, referral.Needs{}, ""); len(r.Groups) != 1 {
		t.Errorf("Groups = %+v, want the one real group", r.Groups)
	}
}
