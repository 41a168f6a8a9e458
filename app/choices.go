package app

import (
	"time"

	"fyne.io/fyne/v2/lang"

	"referraldesk/referral"
)

// choice pairs domain values with the words a select or radio shows for them.
// The words are looked up when a widget is built, so translations registered
// at start-up apply.
type choice[T comparable] struct {
	values []T
	labels []string
}

func newChoice[T comparable](pairs ...pair[T]) choice[T] {
	var c choice[T]
	for _, p := range pairs {
		c.values = append(c.values, p.v)
		c.labels = append(c.labels, lang.L(p.l))
	}
	return c
}

// label returns the words for v, or "" if v is not a choice.
func (c choice[T]) label(v T) string {
	for i, x := range c.values {
		if x == v {
			return c.labels[i]
		}
	}
	return ""
}

// value returns the value shown as label, or the zero value.
func (c choice[T]) value(label string) T {
	for i, l := range c.labels {
		if l == label {
			return c.values[i]
		}
	}
	var zero T
	return zero
}

// pair is one value and the English words for it (the translation key).
type pair[T comparable] struct {
	v T
	l string
}

func attendanceChoice() choice[referral.Attendance] {
	return newChoice(
		pair[referral.Attendance]{referral.InPerson, "In person"},
		pair[referral.Attendance]{referral.Online, "Online"},
		pair[referral.Attendance]{referral.Hybrid, "In person and online"},
		pair[referral.Attendance]{referral.Inactive, "Inactive (not meeting now)"},
	)
}

func opennessChoice() choice[referral.Openness] {
	return newChoice(
		pair[referral.Openness]{referral.OpennessUnknown, "Not stated"},
		pair[referral.Openness]{referral.Open, "Open: anyone may attend"},
		pair[referral.Openness]{referral.Closed, "Closed: only for people the group is for"},
		// What a feed that lists both says, kept until someone has called.
		pair[referral.Openness]{referral.OpenAndClosed, "Listed as both open and closed: call to check"},
	)
}

func audienceChoice() choice[referral.Audience] {
	return newChoice(
		pair[referral.Audience]{referral.Everyone, "Everyone"},
		pair[referral.Audience]{referral.WomenOnly, "Women only"},
		pair[referral.Audience]{referral.MenOnly, "Men only"},
		pair[referral.Audience]{referral.WomenAndMen, "Listed as both women only and men only: call to check"},
	)
}

func medicationChoice() choice[referral.MedicationFriendly] {
	return newChoice(
		pair[referral.MedicationFriendly]{referral.MedicationYes, "Yes"},
		pair[referral.MedicationFriendly]{referral.MedicationNo, "No"},
		pair[referral.MedicationFriendly]{referral.MedicationUnknown, "Don't know"},
	)
}

func weekdayChoice() choice[time.Weekday] {
	return newChoice(
		pair[time.Weekday]{time.Sunday, "Sunday"},
		pair[time.Weekday]{time.Monday, "Monday"},
		pair[time.Weekday]{time.Tuesday, "Tuesday"},
		pair[time.Weekday]{time.Wednesday, "Wednesday"},
		pair[time.Weekday]{time.Thursday, "Thursday"},
		pair[time.Weekday]{time.Friday, "Friday"},
		pair[time.Weekday]{time.Saturday, "Saturday"},
	)
}

var weekdayShort = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

// usTimeZones are offered in the time zone box; any IANA name may be typed.
var usTimeZones = []string{
	"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
	"America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico",
}

// programTitles names the programs in menu order for a list to choose
// from, as the sheet in the window's language names them.
func programTitles() []string {
	var titles []string
	for _, p := range referral.Programs {
		titles = append(titles, programTitle(p.Program))
	}
	return titles
}

// programNames lists the programs in menu order, plus current if a feed gave
// a program the domain does not know, so loading such a group loses nothing.
func programNames(current referral.Program) []string {
	var names []string
	for _, p := range referral.Programs {
		names = append(names, string(p.Program))
	}
	if current != "" && !current.Known() {
		names = append(names, string(current))
	}
	return names
}
