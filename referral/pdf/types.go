package pdf

import (
	"strings"

	"referraldesk/referral"
)

// typeNames are the Meeting Guide names (code4recovery spec,
// assets/meeting-guide-types.json) of the type codes a sheet can show, in
// English and Spanish. The sheet speaks the fellowships' own vocabulary so
// the words match what the person will see in meeting apps. A test keeps this
// table equal to the spec file.
var typeNames = map[string][2]string{
	"O":     {"Open", "Abierta"},
	"C":     {"Closed", "Cerrada"},
	"W":     {"Women", "Mujeres"},
	"M":     {"Men", "Hombres"},
	"LGBTQ": {"LGBTQ", "LGBTQ"},
	"Y":     {"Young People", "Gente joven"},
	"SEN":   {"Seniors", "Personas mayores"},
	"A":     {"Secular", "Secular"},
	"BE":    {"Newcomer", "Principiantes"},
	"X":     {"Wheelchair Access", "Acceso en silla de ruedas"},
	"ASL":   {"American Sign Language", "Lenguaje por señas"},
	"CF":    {"Child-Friendly", "Niño amigable"},
	"SP":    {"Speaker", "Orador"},
	"D":     {"Discussion", "Discusión"},
	"ST":    {"Step Study", "Estudio de pasos"},
	"LIT":   {"Literature", "Literatura"},
	"MED":   {"Meditation", "Meditación"},
	// Languages, by the ISO 639-1 code the domain keeps (see langCodes).
	"EN":  {"English", "Inglés"},
	"S":   {"Spanish", "Español"},
	"FR":  {"French", "Francés"},
	"DE":  {"German", "Alemán"},
	"ITA": {"Italian", "Italiano"},
	"POR": {"Portuguese", "Portugués"},
	"POL": {"Polish", "Polaco"},
	"RUS": {"Russian", "Ruso"},
	"UK":  {"Ukrainian", "Ucraniano"},
	"KOR": {"Korean", "Coreano"},
	"JA":  {"Japanese", "Japonés"},
	"AR":  {"Arabic", "Árabe"},
	"HE":  {"Hebrew", "Hebreo"},
	"FA":  {"Persian", "Persa"},
	"HI":  {"Hindi", "Hindi"},
	"TL":  {"Tagalog", "Tagalo"},
	"TUR": {"Turkish", "Turco"},
	"EL":  {"Greek", "Griego"},
	"NL":  {"Dutch", "Holandés"},
	"TH":  {"Thai", "Tailandés"},
}

// langCodes maps the domain's ISO 639-1 language codes to Meeting Guide codes.
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

// typeName returns the spec's name of code in the sheet's language.
func typeName(code string, l referral.Lang) string {
	n, ok := typeNames[code]
	if !ok {
		return code
	}
	if l == referral.Spanish {
		return n[1]
	}
	return n[0]
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
