package pdf

import (
	"referraldesk/assets"
	"referraldesk/referral"
)

// typeName returns the Meeting Guide name of a type code in the sheet's
// language, from the code4recovery spec's translations, so the words match
// what the person will see in meeting apps. A code the spec lacks prints as
// itself (a test keeps every code used here in the spec).
func typeName(code string, l referral.Lang) string {
	if n := assets.MeetingGuideTypes()[code][string(l)]; n != "" {
		return n
	}
	return code
}

// attributeCodes returns the Meeting Guide codes of a group's attributes,
// through referral.Vocabulary, in the order of Attributes.Words; an
// attribute without a Meeting Guide code (a language the spec lacks) is not
// printed. The group's raw Types are not used: they can hold codes that say
// more about a person than a sheet should (such as "DD", dual diagnosis).
// A pair the listing contradicts itself on (open and closed, women and men)
// is left out: the sheet goes home with the person, and "Open · Closed"
// tells them nothing; the counselor sees the caution.
func attributeCodes(a referral.Attributes) []string {
	var c []string
	for _, x := range a.Attrs() {
		t, _ := referral.TermOf(x)
		switch {
		case t.Kind == referral.KindOpenness && a.Openness == referral.OpenAndClosed,
			t.Kind == referral.KindAudience && a.Audience == referral.WomenAndMen:
			continue
		}
		if code, ok := referral.Code(referral.MeetingGuideCodes, x); ok {
			c = append(c, code)
		}
	}
	return c
}
