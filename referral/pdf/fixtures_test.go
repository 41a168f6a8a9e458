package pdf

import (
	"strings"
	"time"

	"referraldesk/referral"
)

// fixed is the clock of every test sheet, so golden files do not change.
var fixed = time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)

// testGroups are eight groups as feeds list them: in person, online and
// hybrid, several programs, Spanish, notes with landmarks.
func testGroups() []*referral.Group {
	upd := time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC)
	return []*referral.Group{
		{
			Name: "Hope on Broad Street", Program: referral.ProgramNA, TimeZone: "America/New_York",
			Sessions:   []referral.Session{{Day: time.Tuesday, Start: 19 * 60, End: 20 * 60}, {Day: time.Thursday, Start: 19 * 60, End: 20 * 60}},
			Attendance: referral.InPerson, Updated: upd,
			Place: referral.Place{Location: "St. Mark's Church", Address: "1625 Locust St", City: "Philadelphia", State: "PA", PostalCode: "19103",
				Notes: "Side door on 17th Street, down the stairs."},
			Attributes: referral.Attributes{Openness: referral.Open, Newcomer: true, Wheelchair: true, Formats: []referral.Format{referral.FormatDiscussion}},
			Curation:   referral.Curation{MedicationFriendly: referral.MedicationYes, Notes: "SECRET-COUNSELOR-NOTE"},
			Types:      []string{"O", "BE", "X", "D", "DD"},
		},
		{
			Name: "Morning Serenity Online", Program: referral.ProgramAA, TimeZone: "America/Chicago",
			Sessions:   []referral.Session{{Day: time.Monday, Start: 7 * 60, End: 8 * 60}, {Day: time.Tuesday, Start: 7 * 60, End: 8 * 60}, {Day: time.Wednesday, Start: 7 * 60, End: 8 * 60}, {Day: time.Thursday, Start: 7 * 60, End: 8 * 60}, {Day: time.Friday, Start: 7 * 60, End: 8 * 60}},
			Attendance: referral.Online, Updated: upd,
			Online:     referral.OnlineAccess{URL: "https://zoom.us/j/81234567890?pwd=SereNity2026", URLNotes: "Meeting ID 812 3456 7890, passcode 2026", Phone: "+1 312 626 6799", PhoneNotes: "ID 812 3456 7890#"},
			Attributes: referral.Attributes{Openness: referral.Open, Formats: []referral.Format{referral.FormatSpeaker}},
		},
		{
			Name: "Grupo Nueva Vida", Program: referral.ProgramNA, TimeZone: "America/New_York",
			Sessions:   []referral.Session{{Day: time.Saturday, Start: 18*60 + 30, End: 20 * 60}},
			Attendance: referral.Hybrid, Updated: upd,
			Place:      referral.Place{Location: "Centro Comunitario", Address: "2840 N 5th St", City: "Philadelphia", State: "PA", PostalCode: "19133"},
			Online:     referral.OnlineAccess{URL: "https://meet.jit.si/NuevaVidaNA"},
			Attributes: referral.Attributes{Openness: referral.Closed, Languages: []string{"es"}},
		},
		{
			Name: "SMART Recovery Center City", Program: referral.ProgramSMART, TimeZone: "America/New_York",
			Sessions:   []referral.Session{{Day: time.Wednesday, Start: 18 * 60, End: 19*60 + 30}},
			Attendance: referral.InPerson,
			Place:      referral.Place{Location: "Free Library, Room 2", Address: "1901 Vine St", City: "Philadelphia", State: "PA", PostalCode: "19103"},
			Attributes: referral.Attributes{Secular: true, Formats: []referral.Format{referral.FormatDiscussion}},
			Contact:    referral.Contact{Phone: "(215) 555-0147"},
		},
		{
			Name: "Families in Recovery", Program: referral.ProgramNarAnon, TimeZone: "America/New_York",
			Sessions:   []referral.Session{{Day: time.Sunday, Start: 14 * 60, End: referral.NoTime}},
			Attendance: referral.InPerson, Updated: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC),
			Place:      referral.Place{Address: "400 Walnut St", City: "Philadelphia", State: "PA", PostalCode: "19106"},
			Attributes: referral.Attributes{Openness: referral.Closed, Childcare: true, Formats: []referral.Format{referral.FormatLiterature}},
		},
		{
			Name: "Late Night Lifeline", Program: referral.ProgramNA, TimeZone: "America/Los_Angeles",
			Sessions:   []referral.Session{{Day: time.Friday, Start: 23 * 60, End: 24*60 + 30}},
			Attendance: referral.Online, Updated: upd,
			Online:     referral.OnlineAccess{URL: "https://us02web.zoom.us/j/5551234567"},
			Attributes: referral.Attributes{YoungPeople: true, LGBTQ: true},
		},
		{
			Name: "Women's Step Study", Program: referral.ProgramAA, TimeZone: "America/New_York",
			Sessions:   []referral.Session{{Day: time.Monday, Start: 12 * 60, End: 13 * 60}},
			Attendance: referral.InPerson, Updated: upd,
			Place:      referral.Place{Location: "YWCA", Address: "2027 Chestnut St", City: "Philadelphia", State: "PA", PostalCode: "19103"},
			Attributes: referral.Attributes{Openness: referral.Closed, Audience: referral.WomenOnly, Formats: []referral.Format{referral.FormatStep}},
		},
		{
			Name: "Medication-Assisted Recovery Anonymous", Program: referral.ProgramMAR, TimeZone: "America/New_York",
			Sessions:   []referral.Session{{Day: time.Thursday, Start: 17 * 60, End: 18 * 60}},
			Attendance: referral.Hybrid, Updated: upd,
			Place:      referral.Place{Location: "Prevention Point", Address: "2913 Kensington Ave", City: "Philadelphia", State: "PA", PostalCode: "19134"},
			Online:     referral.OnlineAccess{URL: "https://mara-international.org/meetings/philly", Phone: "+1 267 555 0190"},
			Attributes: referral.Attributes{Openness: referral.Open, Formats: []referral.Format{referral.FormatMeditation}},
			Curation:   referral.Curation{MedicationFriendly: referral.MedicationYes},
		},
	}
}

func testSheet(n int, lang referral.Lang, paper referral.Paper, large bool) referral.Sheet {
	return referral.Sheet{
		Clinic: referral.Clinic{
			Name: "Kensington Recovery Clinic", Address: "3001 Kensington Ave, Philadelphia, PA 19134",
			Phone: "(215) 555-0100", Website: "kensingtonrecovery.example.org",
		},
		Date:      fixed,
		Counselor: "Maria López",
		Groups:    testGroups()[:n],
		Lang:      lang, Paper: paper, Large: large,
	}
}

// hostileGroups are eight groups with what has broken sheets: 500-character
// names and notes, emoji, Arabic and Hebrew, HTML. With junk, every group
// also has a 170-character link, long link notes and every attribute.
func hostileGroups(junk bool) []*referral.Group {
	long := strings.Repeat("Serenity and courage ", 25)[:500]
	notes := strings.Repeat("<p>Enter by the <b>blue</b> door &amp; ring the bell 🔔.</p><script>alert(1)</script> ", 8)[:500]
	gs := testGroups()
	for i, g := range gs {
		g.Name = long
		g.Notes = notes
		g.Place.Notes = notes
		switch i % 4 {
		case 0:
			g.Name = "🙏 Grupo Esperanza 🌅 مجموعة الأمل " + long
		case 1:
			g.Name = "קבוצת תקווה — Hope ✡️ " + long
		case 2:
			g.Place.Address = "<b>123</b> Main St 🏠"
		}
		if junk {
			g.Attendance = referral.Hybrid
			g.Online.URL = "https://example.org/" + strings.Repeat("x", 150)
			g.Online.URLNotes = strings.Repeat("passcode ", 40)
			g.Attributes.Languages = []string{"en", "es", "ar", "he", "zz"}
			g.Attributes.Formats = referral.Formats
		}
	}
	return gs
}
