package pdf

import (
	"strings"
	"testing"

	"referraldesk/referral"
)

// TestFellowshipsReadBack: every card names its fellowship, never a generic
// "support group", and the legend says in one line who each is for.
func TestFellowshipsReadBack(t *testing.T) {
	tests := []struct {
		lang referral.Lang
		want []string
	}{
		{referral.English, []string{
			"HA (Heroin Anonymous) · In person", "EDA (Eating Disorders Anonymous) · Online",
			"Gamblers Anonymous · In person",
			"HA: For anyone who wants to stop using heroin or other opioids.",
			"EDA: For people with an eating disorder.",
			"Gamblers Anonymous: Ask the group who it is for.",
		}},
		{referral.Spanish, []string{
			"HA (Heroin Anonymous) · En persona", "EDA (Eating Disorders Anonymous) · En línea",
			"Gamblers Anonymous · En persona",
			"HA: Para quien quiere dejar la heroína u otros opioides.",
			"EDA: Para personas con un trastorno de la alimentación.",
			"Gamblers Anonymous: Pregunta al grupo para quién es.",
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang), func(t *testing.T) {
			s := testSheet(3, tt.lang, referral.Letter, false)
			s.Groups[0].Program = referral.ProgramHA
			s.Groups[1].Program = referral.ProgramEDA
			s.Groups[2].Program = "Gamblers Anonymous"
			s.Groups[2].Attendance = referral.InPerson
			pdf, _ := render(t, s)
			text := pdfText(t, pdf)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("sheet text lacks %q:\n%s", w, text)
				}
			}
			for _, generic := range []string{"Support group ", "Grupo de apoyo "} {
				if strings.Contains(text, generic) {
					t.Errorf("sheet says %q", generic)
				}
			}
		})
	}
}
