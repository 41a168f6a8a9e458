package feed

import (
	"regexp"
	"strings"

	"referraldesk/referral"
)

// stateZIP matches the "PA 19094" part of a Google-style formatted address:
// a state or province code, optionally followed by a US ZIP or Canadian
// postal code.
var stateZIP = regexp.MustCompile(`^([A-Za-z]{2})(?:\s+(\d{5}(?:-\d{4})?|[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d|[A-Za-z]\d[A-Za-z]))?$`)

// splitAddress breaks "1937 West MacDade Boulevard, Woodlyn, PA 19094, USA"
// into street, city, state, postal code and country. An address it does not
// recognise is kept whole as the street, so nothing is lost.
func splitAddress(formatted string, p *referral.Place) {
	var parts []string
	for _, part := range strings.Split(formatted, ",") {
		if part = strings.TrimSpace(part); part != "" {
			parts = append(parts, part)
		}
	}
	var country string
	if n := len(parts); n >= 3 && !strings.ContainsAny(parts[n-1], "0123456789") {
		country, parts = parts[n-1], parts[:n-1]
	}
	n := len(parts)
	var m []string
	if n >= 2 {
		m = stateZIP.FindStringSubmatch(parts[n-1])
	}
	if m == nil {
		p.Address = formatted
		return
	}
	p.State, p.PostalCode, p.Country = m[1], m[2], country
	p.City = parts[n-2]
	p.Address = strings.Join(parts[:n-2], ", ")
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
