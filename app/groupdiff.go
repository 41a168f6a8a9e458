package app

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2/lang"

	"referraldesk/referral"
)

// listingField is one thing the Directory form shows of a group, in words,
// so that two versions of a listing can be compared the way a counselor
// reads them. Comparing words rather than the values themselves makes a
// difference the form does not show (the feed's raw type codes, the order
// the store keeps languages in) no reason to ask.
type listingField struct {
	label string // the form's words for it (a translation key)
	text  func(g *referral.Group) string
}

// listingFields are the form's fields, top to bottom: the listing, then the
// clinic's curation.
var listingFields = []listingField{
	{"Name", func(g *referral.Group) string { return g.Name }},
	{"Program", func(g *referral.Group) string { return string(g.Program) }},
	{"Service meeting", func(g *referral.Group) string { return yesNo(g.Service) }},
	{"Attendance", func(g *referral.Group) string { return attendanceChoice().labelOr(g.Attendance) }},
	{"Meeting times", func(g *referral.Group) string { return sessionsText(g.Sessions, len(g.Sessions)) }},
	{"Time zone", func(g *referral.Group) string { return g.TimeZone }},
	{"Location", func(g *referral.Group) string { return g.Place.Location }},
	{"Address", func(g *referral.Group) string { return g.Place.Address }},
	{"City", func(g *referral.Group) string { return g.Place.City }},
	{"State", func(g *referral.Group) string { return g.Place.State }},
	{"ZIP code", func(g *referral.Group) string { return g.Place.PostalCode }},
	{"Map point", func(g *referral.Group) string { return coordsText(g.Place.Coords) }},
	{"Directions", func(g *referral.Group) string { return g.Place.Notes }},
	{"Conference link", func(g *referral.Group) string { return g.Online.URL }},
	{"Link notes", func(g *referral.Group) string { return g.Online.URLNotes }},
	{"Dial-in phone", func(g *referral.Group) string { return g.Online.Phone }},
	{"Open or closed", func(g *referral.Group) string { return opennessChoice().labelOr(g.Attributes.Openness) }},
	{"Restricted to", func(g *referral.Group) string { return audienceChoice().labelOr(g.Attributes.Audience) }},
	{"Welcomes, access and format", func(g *referral.Group) string { return checkedText(g.Attributes) }},
	{"Languages", func(g *referral.Group) string { return strings.Join(g.Attributes.Languages, ", ") }},
	{"Listing notes", func(g *referral.Group) string { return g.Notes }},
	{"Contact name", func(g *referral.Group) string { return g.Contact.Entity }},
	{"Contact phone", func(g *referral.Group) string { return g.Contact.Phone }},
	{"Contact email", func(g *referral.Group) string { return g.Contact.Email }},
	{"Contact website", func(g *referral.Group) string { return g.Contact.Website }},
	{"Medication-friendly", func(g *referral.Group) string {
		return medicationChoice().labelOr(g.Curation.Medication())
	}},
	{"Verified on", func(g *referral.Group) string {
		if g.Curation.VerifiedOn.IsZero() {
			return ""
		}
		return g.Curation.VerifiedOn.Format(dateLayout)
	}},
	{"Counselor notes", func(g *referral.Group) string { return g.Curation.Notes }},
	{"Hidden", func(g *referral.Group) string { return yesNo(g.Curation.Hidden) }},
}

// listingChange is one field someone else changed, as stored now and as the
// form would save it.
type listingChange struct {
	label        string
	theirs, mine string
}

// listingChanges lists the fields that were changed in the store since the
// form loaded base (theirs differs from base) and that saving mine would
// set otherwise (mine differs from theirs): what the counselor must choose
// between. A field both changed alike is no question.
func listingChanges(base, theirs, mine *referral.Group) []listingChange {
	var out []listingChange
	for _, f := range listingFields {
		b, t, m := f.text(base), f.text(theirs), f.text(mine)
		if t != b && t != m {
			out = append(out, listingChange{label: lang.L(f.label), theirs: t, mine: m})
		}
	}
	return out
}

// sameListing reports whether a and b read the same in every field of the
// form.
func sameListing(a, b *referral.Group) bool {
	for _, f := range listingFields {
		if f.text(a) != f.text(b) {
			return false
		}
	}
	return true
}

// emptyText shows a value, or says it is empty.
func emptyText(v string) string {
	if v == "" {
		return lang.L("(empty)")
	}
	return v
}

func yesNo(b bool) string {
	if b {
		return lang.L("yes")
	}
	return lang.L("no")
}

func coordsText(p *referral.Point) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(p.Lat, 'f', -1, 64) + ", " + strconv.FormatFloat(p.Lon, 'f', -1, 64)
}

// checkedText names the form's ticked check boxes, in the vocabulary's
// order.
func checkedText(a referral.Attributes) string {
	var on []string
	for _, t := range referral.Vocabulary {
		if t.Label != "" && a.Has(t.Attr) {
			on = append(on, lang.L(t.Label))
		}
	}
	return strings.Join(on, ", ")
}
