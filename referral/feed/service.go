package feed

import "referraldesk/referral"

// Service meetings (referral.Group.Service) are known by a type code where
// the vocabulary has one, else by name (referral.ServiceName).
//
// Meeting Guide feeds mark one with BUS, "Business" in the 12 Step Meeting
// List's vocabularies; the spec's own list has no such code. NA's world ids
// have none either, so a BMLT server's format for one is known by its name
// ("Business Meeting", "Area Service Committee").
var meetingGuideServiceCodes = map[string]bool{"BUS": true}

// marksService reports whether code, in v, marks a service meeting.
func (v *vocabulary) marksService(code string) bool {
	if v.keys == nil {
		return meetingGuideServiceCodes[code]
	}
	f, ok := v.lookupKey(code)
	return ok && referral.ServiceName(f.name)
}

// serviceKey is a code in a vocabulary, for parser.serviceCodes.
type serviceKey struct {
	v    *vocabulary
	code string
}

// isService reports whether a listing with these codes (in v) and name is a
// service meeting. What each code says is remembered: a feed repeats a few
// codes over every record.
func (p *parser) isService(v *vocabulary, codes []string, name string) bool {
	for _, c := range codes {
		k := serviceKey{v, c}
		is, ok := p.serviceCodes[k]
		if !ok {
			is = v.marksService(c)
			p.serviceCodes[k] = is
		}
		if is {
			return true
		}
	}
	return referral.ServiceName(name)
}
