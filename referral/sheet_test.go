package referral_test

import (
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
)

// sheetGroup is a group that validates, kept apart from other tests' helpers
// so this file stands on its own.
func sheetGroup() *referral.Group {
	return &referral.Group{
		Name:       "Hope on Broad Street",
		Program:    referral.ProgramNA,
		Sessions:   []referral.Session{{Day: time.Tuesday, Start: 19 * 60, End: 20 * 60}},
		TimeZone:   "America/New_York",
		Attendance: referral.InPerson,
	}
}

func validSheet() referral.Sheet {
	return referral.Sheet{
		Clinic: referral.Clinic{Name: "Broad Street Clinic"},
		Date:   time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC),
		Groups: []*referral.Group{sheetGroup()},
	}
}

func TestSheetValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *referral.Sheet)
		field  string // "" = valid
		says   string
	}{
		{"valid", func(s *referral.Sheet) {}, "", ""},
		{"spanish a4 large", func(s *referral.Sheet) { s.Lang, s.Paper, s.Large = referral.Spanish, referral.A4, true }, "", ""},
		{"png logo", func(s *referral.Sheet) { s.Clinic.Logo = []byte("\x89PNG\r\n\x1a\nrest") }, "", ""},
		{"jpeg logo", func(s *referral.Sheet) { s.Clinic.Logo = []byte{0xFF, 0xD8, 0xFF, 0xE0} }, "", ""},
		{"no groups", func(s *referral.Sheet) { s.Groups = nil }, "Groups", "at least one group"},
		{"nine groups", func(s *referral.Sheet) {
			for len(s.Groups) < 9 {
				s.Groups = append(s.Groups, sheetGroup())
			}
		}, "Groups", "at most 8 groups; 9 were chosen"},
		{"nil group", func(s *referral.Sheet) { s.Groups = append(s.Groups, nil) }, "Groups[1]", "group 2 is missing"},
		{"no date", func(s *referral.Sheet) { s.Date = time.Time{} }, "Date", "needs a date"},
		{"french", func(s *referral.Sheet) { s.Lang = "fr" }, "Lang", `"fr" is not available`},
		{"legal paper", func(s *referral.Sheet) { s.Paper = "legal" }, "Paper", `"legal" is unknown`},
		{"long first name", func(s *referral.Sheet) { s.FirstName = strings.Repeat("a", 41) }, "FirstName", "too long"},
		{"long counselor", func(s *referral.Sheet) { s.Counselor = strings.Repeat("é", 61) }, "Counselor", "too long"},
		{"logo not an image", func(s *referral.Sheet) { s.Clinic.Logo = []byte("<html>logo</html>") }, "Clinic.Logo", "PNG or JPEG"},
		{"removed group", func(s *referral.Sheet) { s.Removed = []int{0} }, "", ""},
		{"removed group not on the sheet", func(s *referral.Sheet) { s.Removed = []int{1} }, "Removed", "group 2 is marked removed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSheet()
			tt.change(&s)
			err := s.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if referral.ErrorCode(err) != referral.EINVALID {
				t.Fatalf("Validate() = %v, want an EINVALID error", err)
			}
			ps := referral.ErrorProblems(err)
			if len(ps) != 1 || ps[0].Field != tt.field {
				t.Fatalf("problems = %+v, want one for %s", ps, tt.field)
			}
			if !strings.Contains(ps[0].Message, tt.says) {
				t.Errorf("message %q does not say %q", ps[0].Message, tt.says)
			}
		})
	}
}

func TestSheetDefaults(t *testing.T) {
	var s referral.Sheet
	if s.Language() != referral.English || s.PaperSize() != referral.Letter {
		t.Errorf("zero sheet = %s on %s, want en on letter", s.Language(), s.PaperSize())
	}
}

func FuzzSheetValidate(f *testing.F) {
	f.Add("Ana", "María", "es", "a4", []byte("\x89PNG"))
	f.Fuzz(func(t *testing.T, first, counselor, lang, paper string, logo []byte) {
		s := validSheet()
		s.FirstName, s.Counselor, s.Lang, s.Paper, s.Clinic.Logo = first, counselor, referral.Lang(lang), referral.Paper(paper), logo
		if err := s.Validate(); err != nil && referral.ErrorCode(err) != referral.EINVALID {
			t.Fatalf("Validate() = %v, want nil or EINVALID", err)
		}
	})
}
