package pdf

import (
	"strings"

	"referraldesk/assets"
	"referraldesk/referral"
)

// langCodes maps the domain's ISO 639-1 language codes to Meeting Guide codes.
// Languages without a Meeting Guide code are not printed.
var langCodes = map[string]string{
	"en": "EN", "es": "S", "fr": "FR", "de": "DE", "it": "ITA", "pt": "POR",
	"pl": "POL", "ru": "RUS", "uk": "UK", "ko": "KOR", "ja": "JA", "ar": "AR",
	"he": "HE", "fa": "FA", "hi": "HI", "tl": "TL", "tr": "TUR", "el": "EL",
	"nl": "NL", "th": "TH",
}

var formatCodes = map[referral.Format]string{
	referral.FormatSpeaker:    "SP",
	referral.FormatDiscussion: "D",
	referral.FormatStep:       "ST",
	referral.FormatLiterature: "LIT",
	referral.FormatMeditation: "MED",
}

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

// attributeCodes returns the Meeting Guide codes for a group's attributes in
// the same order as Attributes.Words. The group's raw Types are not used: they
// can hold codes that say more about a person than a sheet should (such as
// "DD", dual diagnosis).
func attributeCodes(a referral.Attributes) []string {
	var c []string
	add := func(ok bool, code string) {
		if ok {
			c = append(c, code)
		}
	}
	add(a.Openness == referral.Open, "O")
	add(a.Openness == referral.Closed, "C")
	add(a.Audience == referral.WomenOnly, "W")
	add(a.Audience == referral.MenOnly, "M")
	add(a.LGBTQ, "LGBTQ")
	add(a.YoungPeople, "Y")
	add(a.Seniors, "SEN")
	add(a.Secular, "A")
	add(a.Newcomer, "BE")
	for _, l := range a.Languages {
		if code, ok := langCodes[strings.ToLower(l)]; ok {
			c = append(c, code)
		}
	}
	add(a.Wheelchair, "X")
	add(a.ASL, "ASL")
	add(a.Childcare, "CF")
	for _, f := range a.Formats {
		if code, ok := formatCodes[f]; ok {
			c = append(c, code)
		}
	}
	return c
}
