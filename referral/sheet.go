package referral

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Lang is the language a referral sheet is printed in.
type Lang string

const (
	English Lang = "en"
	Spanish Lang = "es"
)

// Langs lists the sheet languages in menu order.
var Langs = []Lang{English, Spanish}

// Paper is the paper size a referral sheet is laid out for.
type Paper string

const (
	Letter Paper = "letter"
	A4     Paper = "a4"
)

// Papers lists the paper sizes in menu order.
var Papers = []Paper{Letter, A4}

// MaxSheetGroups is how many groups one sheet lists. More would not fit on
// two pages in large print, and a long list overwhelms a person who is just
// starting out.
const MaxSheetGroups = 8

// Length limits for the names printed in the sheet's header. They keep the
// "For" and "Counselor" lines on one line each.
const (
	maxFirstName = 40
	maxCounselor = 60
)

// Clinic is who hands out the sheet: it heads every sheet.
type Clinic struct {
	Name    string
	Address string
	Phone   string
	Website string
	Logo    []byte // PNG or JPEG; nil for none
}

// Sheet is what a printed referral says. It carries no needs, substances or
// diagnosis on purpose: only what the person takes home.
type Sheet struct {
	Clinic    Clinic
	Date      time.Time // the day of the appointment, printed on the sheet
	FirstName string    // optional; the sheet shows a blank line without it
	Counselor string
	Groups    []*Group // in the order the counselor chose, at most MaxSheetGroups
	Lang      Lang     // "" means English
	Paper     Paper    // "" means Letter
	Large     bool     // large print
	// ClinicZone is the clinic's IANA zone (see Settings.MatchZone): an
	// online group from another zone prints its times in it, with the
	// group's own in brackets. "" prints every group on its own clock.
	ClinicZone string
	// Removed holds the indexes in Groups of groups a reprint prints from
	// the referral log that the directory no longer lists (see
	// Referral.Reprint); their cards tell the reader to call ahead.
	Removed []int
}

// IsRemoved reports whether Groups[i] is no longer in the directory.
func (s Sheet) IsRemoved(i int) bool { return slices.Contains(s.Removed, i) }

// Language returns the sheet's language, English when unset.
func (s Sheet) Language() Lang {
	if s.Lang == "" {
		return English
	}
	return s.Lang
}

// PaperSize returns the sheet's paper, Letter when unset.
func (s Sheet) PaperSize() Paper {
	if s.Paper == "" {
		return Letter
	}
	return s.Paper
}

// Validate reports every problem with the sheet in one EINVALID error, or nil.
//
// A logo that is neither PNG nor JPEG is an error rather than silently left
// out, so the counselor learns that the clinic's settings need a new file
// instead of wondering why the logo is missing.
func (s Sheet) Validate() error {
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	switch n := len(s.Groups); {
	case n == 0:
		add("Groups", "choose at least one group for the sheet")
	case n > MaxSheetGroups:
		add("Groups", "a sheet lists at most %d groups; %d were chosen", MaxSheetGroups, n)
	}
	for i, g := range s.Groups {
		if g == nil {
			add(fmt.Sprintf("Groups[%d]", i), "group %d is missing", i+1)
		}
	}
	for _, i := range s.Removed {
		if i < 0 || i >= len(s.Groups) {
			add("Removed", "group %d is marked removed but the sheet lists %d", i+1, len(s.Groups))
		}
	}
	if s.Date.IsZero() {
		add("Date", "the sheet needs a date")
	}
	switch s.Lang {
	case "", English, Spanish:
	default:
		add("Lang", "language %q is not available; use en (English) or es (Spanish)", s.Lang)
	}
	switch s.Paper {
	case "", Letter, A4:
	default:
		add("Paper", "paper %q is unknown; use letter or a4", s.Paper)
	}
	if s.ClinicZone != "" && !isIANAZone(s.ClinicZone) {
		add("ClinicZone", "time zone %q is unknown; set the clinic's time zone in Settings", s.ClinicZone)
	}
	if utf8.RuneCountInString(strings.TrimSpace(s.FirstName)) > maxFirstName {
		add("FirstName", "the first name is too long (at most %d letters)", maxFirstName)
	}
	if utf8.RuneCountInString(strings.TrimSpace(s.Counselor)) > maxCounselor {
		add("Counselor", "the counselor's name is too long (at most %d letters)", maxCounselor)
	}
	if len(s.Clinic.Logo) > 0 && !IsLogoImage(s.Clinic.Logo) {
		add("Clinic.Logo", "the clinic logo must be a PNG or JPEG picture; choose another file in Settings")
	}
	sortProblems(ps)
	return invalid("The referral sheet", ps)
}

// IsLogoImage reports whether b starts like a PNG or JPEG file. It looks at
// the signature only; a damaged file is caught when the sheet is drawn.
func IsLogoImage(b []byte) bool {
	return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF})
}
