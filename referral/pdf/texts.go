package pdf

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"referraldesk/assets"
	"referraldesk/referral"
)

// texts are the fixed words of the sheet in one language, read from
// assets/sheet/<lang>.json.
type texts struct {
	Title     string `json:"title"`
	For       string `json:"for"`
	Counselor string `json:"counselor"`
	Intro     string `json:"intro"`
	Labels    struct {
		When    string `json:"when"`
		Where   string `json:"where"`
		Online  string `json:"online"`
		Phone   string `json:"phone"`
		Contact string `json:"contact"`
		Notes   string `json:"notes"`
		About   string `json:"about"`
	} `json:"labels"`
	Attendance map[referral.Attendance]string   `json:"attendance"`
	Programs   map[referral.Program]programText `json:"programs"`
	// AnyProgram is for a fellowship Programs does not name: its For line,
	// and its Name when a listing names no fellowship (ProgramOther).
	AnyProgram struct {
		Name string `json:"name"`
		For  string `json:"for"`
	} `json:"anyProgram"`
	Weekdays           [7]string  `json:"weekdays"` // Sunday first, as time.Weekday
	Months             [12]string `json:"months"`
	DateFormat         string     `json:"dateFormat"` // {month} {day} {year}
	Clock              string     `json:"clock"`      // "12h" or "24h"
	And                string     `json:"and"`
	Through            string     `json:"through"` // "Monday to Friday"
	EveryDay           string     `json:"everyDay"`
	CallForTimes       string     `json:"callForTimes"`
	Updated            string     `json:"updated"` // {date}
	UpdatedUnknown     string     `json:"updatedUnknown"`
	Removed            string     `json:"removed"` // a reprinted group the directory no longer lists
	MedicationFriendly string     `json:"medicationFriendly"`
	ScanToJoin         string     `json:"scanToJoin"`
	OtherScript        string     `json:"otherScript"`
	Page               string     `json:"page"` // {page} {pages}
	HelpNow            struct {
		Title string `json:"title"`
		Lines []struct {
			Number string `json:"number"`
			Text   string `json:"text"`
		} `json:"lines"`
	} `json:"helpNow"`
	DialIn struct { // the parts of a dial-in, joined with " · "
		Call      string `json:"call"`      // {number}
		MeetingID string `json:"meetingID"` // {id}
		Passcode  string `json:"passcode"`  // {code}
	} `json:"dialIn"`
	Naloxone     section `json:"naloxone"`
	Why          section `json:"why"`
	FirstMeeting section `json:"firstMeeting"`
	Medication   section `json:"medication"`
	FindMore     section `json:"findMore"`
	Legend       struct {
		Title string            `json:"title"`
		Items map[string]string `json:"items"` // Meeting Guide type code → plain explanation
	} `json:"legend"`
}

// programText is a fellowship as the sheet names it, and who it is for in
// one plain line for the legend.
type programText struct {
	Name  string `json:"name"`  // on the card: "NA (Narcotics Anonymous)"
	Short string `json:"short"` // in the legend, when Name spells it out: "NA"
	For   string `json:"for"`
}

// section is a heading with a paragraph, a bullet list, or both.
type section struct {
	Title string   `json:"title"`
	Text  string   `json:"text"`
	Items []string `json:"items"`
}

var textsByLang = map[referral.Lang]func() (*texts, error){}

func init() {
	for _, l := range referral.Langs {
		textsByLang[l] = sync.OnceValues(func() (*texts, error) { return loadTexts(l) })
	}
}

// textsFor returns the parsed texts of language l (parsed once per process).
func textsFor(l referral.Lang) (*texts, error) {
	load, ok := textsByLang[l]
	if !ok {
		return nil, referral.Errorf(referral.EINVALID, "language %q is not available for the sheet", l)
	}
	return load()
}

func loadTexts(l referral.Lang) (*texts, error) {
	b, err := assets.SheetTexts(string(l))
	if err != nil {
		return nil, err
	}
	var t texts
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields() // a misspelled key in a translation would otherwise print nothing
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("sheet texts %s: %w", l, err)
	}
	return &t, nil
}

// date formats d the way people write it in the sheet's language.
func (t *texts) date(year int, month, day int) string {
	return strings.NewReplacer(
		"{month}", t.Months[month-1],
		"{day}", fmt.Sprint(day),
		"{year}", fmt.Sprint(year),
	).Replace(t.DateFormat)
}

// clock formats minutes after midnight as "7:00 PM" or "19:00", folding times
// past midnight back into the day.
func (t *texts) clock(c referral.Clock) string {
	m := int(c) % (24 * 60)
	h, min := m/60, m%60
	if t.Clock == "24h" {
		return fmt.Sprintf("%02d:%02d", h, min)
	}
	suffix := "AM"
	if h >= 12 {
		suffix = "PM"
	}
	h %= 12
	if h == 0 {
		h = 12
	}
	return fmt.Sprintf("%d:%02d %s", h, min, suffix)
}

// program returns the program's name for the sheet: the fellowship's own
// name, and "support group" only for a listing that names none.
func (t *texts) program(p referral.Program) string {
	if s, ok := t.Programs[p]; ok {
		return s.Name
	}
	if p == "" || p == referral.ProgramOther {
		return t.AnyProgram.Name
	}
	return string(p)
}

// legendProgram returns the program's name in the legend and who it is for.
func (t *texts) legendProgram(p referral.Program) (name, who string) {
	s, ok := t.Programs[p]
	switch {
	case !ok:
		return t.program(p), t.AnyProgram.For
	case s.Short != "":
		return s.Short, s.For
	}
	return s.Name, s.For
}
