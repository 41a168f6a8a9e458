package feed

import (
	"regexp"
	"strings"

	"referraldesk/referral"
)

// postalPattern is a whole US ZIP (ZIP+4 too) or Canadian postal code.
const postalPattern = `\d{5}(?:-\d{4})?|[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d`

// postalPart matches a postal code written as a part of its own, as in
// "Winnipeg, Manitoba, R3C 1A1, Canada".
var postalPart = regexp.MustCompile(`^(?:` + postalPattern + `)$`)

// statePostal matches the "PA 19094" or "Manitoba R3C 1A1" part of a
// formatted address: a state or province, optionally followed by a postal
// code or a Canadian forward sortation area ("M4Y"). Whether the first group
// is a state at all is for isState to say.
var statePostal = regexp.MustCompile(`^(.+?)(?:\s+(` + postalPattern + `|[A-Za-z]\d[A-Za-z]))?$`)

// twoLetters is a state or province code. Any two letters are taken, as
// feeds from elsewhere use their own codes in the same place.
var twoLetters = regexp.MustCompile(`^[A-Za-z]{2}$`)

// stateNames are the US states and territories and the Canadian provinces
// and territories, by name, so "Winnipeg, Manitoba" reads like "Winnipeg, MB".
var stateNames = map[string]string{
	"alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
	"colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
	"florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
	"indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
	"maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI", "minnesota": "MN",
	"mississippi": "MS", "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
	"new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY",
	"north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK", "oregon": "OR",
	"pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC", "south dakota": "SD",
	"tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA",
	"washington": "WA", "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY",
	"american samoa": "AS", "guam": "GU", "northern mariana islands": "MP", "puerto rico": "PR",
	"u.s. virgin islands": "VI", "us virgin islands": "VI", "virgin islands": "VI",

	"alberta": "AB", "british columbia": "BC", "manitoba": "MB", "new brunswick": "NB",
	"newfoundland and labrador": "NL", "newfoundland": "NL", "northwest territories": "NT",
	"nova scotia": "NS", "nunavut": "NU", "ontario": "ON", "prince edward island": "PE",
	"quebec": "QC", "québec": "QC", "saskatchewan": "SK", "yukon": "YT",
}

// stateCodes are the codes of stateNames, to tell "PA" (a state) from a
// country's code at the end of an address.
var stateCodes = func() map[string]bool {
	m := map[string]bool{}
	for _, code := range stateNames {
		m[code] = true
	}
	return m
}()

// nameKey is how a state or country name is looked up: case and runs of
// spaces do not matter.
func nameKey(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// isState reports whether s can be a state or province: a code or a name.
func isState(s string) bool {
	if twoLetters.MatchString(s) {
		return true
	}
	_, ok := stateNames[nameKey(s)]
	return ok
}

// isKnownState is isState for the table only: any two letters could be a
// country's code too.
func isKnownState(s string) bool {
	if twoLetters.MatchString(s) {
		return stateCodes[strings.ToUpper(s)]
	}
	return isState(s)
}

// countries are the names of the two countries whose addresses splitAddress
// reads part by part, as nameKey writes them with dots dropped ("U.S.A.").
var countries = map[string]string{
	"us": "US", "usa": "US", "united states": "US", "united states of america": "US",
	"canada": "CA",
}

// countryCode returns "US" or "CA" for a country name, or "".
func countryCode(s string) string { return countries[nameKey(strings.ReplaceAll(s, ".", ""))] }

// splitAddress breaks "1937 West MacDade Boulevard, Woodlyn, PA 19094, USA"
// or "200 Main Street, Winnipeg, Manitoba, R3C 1A1, Canada" into street,
// city, state, postal code and country, reading from the end: a country, a
// postal code of its own, a state or province (code or name, maybe with the
// postal code), then the city. A postal code with no state before it is
// taken only before a known country ("Winnipeg, R3C 1A1, Canada"). An
// address it does not recognise is kept whole as the street, so nothing is
// lost. Names are kept as written: the sheet prints what the feed says.
func splitAddress(formatted string, p *referral.Place) {
	var parts []string
	for _, part := range strings.Split(formatted, ",") {
		if part = strings.TrimSpace(part); part != "" {
			parts = append(parts, part)
		}
	}
	var country, postal, state string
	if n := len(parts); n >= 2 && countryCode(parts[n-1]) != "" ||
		n >= 3 && !strings.ContainsAny(parts[n-1], "0123456789") && !isKnownState(parts[n-1]) {
		country, parts = parts[n-1], parts[:n-1]
	}
	if n := len(parts); n >= 2 && postalPart.MatchString(parts[n-1]) {
		postal, parts = parts[n-1], parts[:n-1]
	}
	if n := len(parts); n >= 2 {
		if m := statePostal.FindStringSubmatch(parts[n-1]); m != nil && isState(m[1]) {
			if postal != "" && m[2] != "" {
				p.Address = formatted // two postal codes: which is right?
				return
			}
			state, parts = m[1], parts[:n-1]
			if m[2] != "" {
				postal = m[2]
			}
		}
	}
	if state == "" && (postal == "" || countryCode(country) == "") {
		p.Address = formatted
		return
	}
	n := len(parts)
	p.State, p.PostalCode, p.Country = state, postal, country
	p.City = parts[n-1]
	p.Address = strings.Join(parts[:n-1], ", ")
}

// joinAddress writes a place as one Google-style line, the inverse of
// splitAddress for the addresses it recognises.
func joinAddress(p referral.Place) string {
	var parts []string
	add := func(s string) {
		if s != "" {
			parts = append(parts, s)
		}
	}
	add(p.Address)
	add(p.City)
	add(strings.TrimSpace(p.State + " " + p.PostalCode))
	add(p.Country)
	return strings.Join(parts, ", ")
}

// usZIP returns the five digits of a place's ZIP when the place is in the
// US: its country says so, or it names none and its postal code is a ZIP.
func usZIP(p referral.Place) (string, bool) {
	z := p.PostalCode
	if len(z) == 10 && z[5] == '-' && allDigits(z[6:]) {
		z = z[:5]
	}
	if len(z) != 5 || !allDigits(z) {
		return "", false
	}
	if p.Country != "" && countryCode(p.Country) != "US" {
		return "", false
	}
	return z, true
}

func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
