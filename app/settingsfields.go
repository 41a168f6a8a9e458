package app

import (
	"bytes"
	"image"
	"strconv"

	"fyne.io/fyne/v2/lang"

	"referraldesk/referral"
)

// settingField is one setting as the Settings form shows it. The form
// saves only the fields the counselor changed, over the settings as stored
// at that moment, so a change another program made meanwhile (the command
// line, a second window) is not put back; the table says, per field, how
// to tell two values apart, move one from settings to settings, name it and
// put it in the form.
type settingField struct {
	label string                                              // names it in a question; translated when shown
	same  func(a, b referral.Settings) bool                   // a and b hold the same value
	take  func(dst *referral.Settings, src referral.Settings) // copies src's value into dst
	text  func(referral.Settings) string                      // the value in words
	// show puts st's value in the form; logo is the decoded picture of
	// st's logo, used only by the logo's field.
	show func(s *settingsScreen, st referral.Settings, logo image.Image)
}

// settingOf is the field at reaches in a Settings, shown by show.
func settingOf[T comparable](label string, at func(*referral.Settings) *T, text func(T) string,
	show func(*settingsScreen, T)) settingField {
	return settingField{
		label: label,
		same:  func(a, b referral.Settings) bool { return *at(&a) == *at(&b) },
		take:  func(dst *referral.Settings, src referral.Settings) { *at(dst) = *at(&src) },
		text:  func(st referral.Settings) string { return text(*at(&st)) },
		show:  func(s *settingsScreen, st referral.Settings, _ image.Image) { show(s, *at(&st)) },
	}
}

// settingFields are every setting the form shows, top to bottom.
var settingFields = []settingField{
	settingOf("Clinic name", func(st *referral.Settings) *string { return &st.Clinic.Name }, quotedText,
		func(s *settingsScreen, v string) { s.name.SetText(v) }),
	settingOf("Clinic address", func(st *referral.Settings) *string { return &st.Clinic.Address }, quotedText,
		func(s *settingsScreen, v string) { s.address.SetText(v) }),
	settingOf("Clinic time zone", func(st *referral.Settings) *string { return &st.ClinicTimeZone }, quotedText,
		func(s *settingsScreen, v string) { s.clinicZone.SetText(v) }),
	settingOf("Clinic phone", func(st *referral.Settings) *string { return &st.Clinic.Phone }, quotedText,
		func(s *settingsScreen, v string) { s.phone.SetText(v) }),
	settingOf("Clinic website", func(st *referral.Settings) *string { return &st.Clinic.Website }, quotedText,
		func(s *settingsScreen, v string) { s.website.SetText(v) }),
	{
		label: "Logo",
		same:  func(a, b referral.Settings) bool { return bytes.Equal(a.Clinic.Logo, b.Clinic.Logo) },
		take:  func(dst *referral.Settings, src referral.Settings) { dst.Clinic.Logo = src.Clinic.Logo },
		text: func(st referral.Settings) string {
			if len(st.Clinic.Logo) == 0 {
				return lang.L("No logo")
			}
			return logoText(st.Clinic.Logo)
		},
		show: func(s *settingsScreen, st referral.Settings, logo image.Image) { s.showLogo(st.Clinic.Logo, logo) },
	},
	settingOf("Counselor", func(st *referral.Settings) *string { return &st.Counselor }, quotedText,
		func(s *settingsScreen, v string) { s.counselor.SetText(v) }),
	settingOf("Default distance", func(st *referral.Settings) *float64 { return &st.DefaultMiles },
		func(v float64) string {
			return lang.L("{{.Miles}} miles", map[string]any{"Miles": strconv.FormatFloat(v, 'f', -1, 64)})
		},
		func(s *settingsScreen, v float64) { s.miles.SetText(strconv.FormatFloat(v, 'f', -1, 64)) }),
	settingOf("Sheet language", func(st *referral.Settings) *referral.Lang { return &st.SheetLang },
		func(v referral.Lang) string { return langChoice().labelOr(v) },
		func(s *settingsScreen, v referral.Lang) { s.language.SetSelected(langChoice().label(v)) }),
	settingOf("Paper", func(st *referral.Settings) *referral.Paper { return &st.SheetPaper },
		func(v referral.Paper) string { return paperChoice().labelOr(v) },
		func(s *settingsScreen, v referral.Paper) { s.paper.SetSelected(paperChoice().label(v)) }),
	settingOf("Keep referral log entries for", func(st *referral.Settings) *int { return &st.RetentionDays }, daysText,
		func(s *settingsScreen, v int) { s.retention.SetText(strconv.Itoa(v)) }),
	settingOf("Fallback time zone", func(st *referral.Settings) *string { return &st.FeedTimeZone }, quotedText,
		func(s *settingsScreen, v string) { s.feedZone.SetText(v) }),
	settingOf("Refresh feeds every", func(st *referral.Settings) *int { return &st.RefreshDays }, daysText,
		func(s *settingsScreen, v int) { s.refreshDays.SetText(strconv.Itoa(v)) }),
}

// quotedText shows a text setting in quotes, so an empty one reads as such.
func quotedText(v string) string {
	if v == "" {
		return emptyText(v)
	}
	return "“" + v + "”"
}

func daysText(n int) string {
	if n == 1 {
		return lang.L("1 day")
	}
	return lang.L("{{.N}} days", map[string]any{"N": n})
}

// changedFields are the fields whose values differ between a and b.
func changedFields(a, b referral.Settings) []settingField {
	var out []settingField
	for _, f := range settingFields {
		if !f.same(a, b) {
			out = append(out, f)
		}
	}
	return out
}

// settingsMerge is what Save does with the form's values (mine) when the
// settings were loaded as base and are stored as theirs now: the fields
// the counselor changed go over theirs; a field both changed, to different
// values, is a conflict for the counselor to settle.
type settingsMerge struct {
	mine, theirs referral.Settings
	out          referral.Settings // theirs with the counselor's changes
	conflicts    []settingField    // changed on both sides, still to settle
}

func mergeSettings(base, mine, theirs referral.Settings) *settingsMerge {
	m := &settingsMerge{mine: mine, theirs: theirs, out: theirs}
	for _, f := range changedFields(mine, base) {
		switch {
		case f.same(theirs, base), f.same(theirs, mine):
			f.take(&m.out, mine)
		default:
			m.conflicts = append(m.conflicts, f)
		}
	}
	return m
}

// settle takes mine or theirs for the first conflict.
func (m *settingsMerge) settle(keepMine bool) {
	if keepMine {
		m.conflicts[0].take(&m.out, m.mine)
	}
	m.conflicts = m.conflicts[1:]
}
