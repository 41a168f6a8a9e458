package referral_test

import (
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
	if len(r.Groups) != 2 || r.Groups[0] != want[0] || r.Groups[1] != want[1] {
		t.Errorf("Groups = %+v, want %+v", r.Groups, want)
	}
	if r.Lang != referral.Spanish || r.Paper != referral.A4 || !r.Large || !r.Needs.MOUD {
		t.Errorf("referral = %+v, want the sheet's layout and the needs", r)
	}
	if err := r.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
}

func TestReferralReprint(t *testing.T) {
	r := validReferral()
	s := referral.DefaultSettings()
	s.Clinic.Name, s.Counselor = "Broad Street Clinic", "Dana Ortiz"
	date := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	groups := []*referral.Group{historyGroup(11, "Hope renamed")}
	sh := r.Reprint(s, date, groups)
	if sh.Clinic.Name != "Broad Street Clinic" || sh.Counselor != "Dana Ortiz" || !sh.Date.Equal(date) ||
		sh.Lang != referral.Spanish || sh.Paper != referral.A4 || !sh.Large || len(sh.Groups) != 1 || sh.FirstName != "" {
		t.Errorf("Reprint = %+v", sh)
	}
	if err := sh.Validate(); err != nil {
		t.Errorf("reprinted sheet: %v", err)
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
