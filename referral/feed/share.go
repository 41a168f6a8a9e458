package feed

import "referraldesk/referral"

// texts keeps one copy of each text the kept listings say. A feed repeats
// itself: Meeting Guide has one record per weekly meeting, so a group that
// meets five times a week sends its name, venue, address, notes and links
// five times, and a town, a state, a time zone or a feedback link is the
// same for thousands of listings. Every import holds all its groups at once
// (a source is replaced in one transaction), so a copy per listing made the
// groups of a 200 MB feed take more memory than the file.
type texts map[string]string

// of returns the kept copy of s, keeping s if it is the first.
func (t texts) of(s string) string {
	if s == "" {
		return ""
	}
	if kept, ok := t[s]; ok {
		return kept
	}
	t[s] = s
	return s
}

// all shares each text of ss in place.
func (t texts) all(ss []string) {
	for i, s := range ss {
		ss[i] = t.of(s)
	}
}

// share makes g's texts the kept copies. The id is left as it is: no two
// kept listings have one id.
func (t texts) share(g *referral.Group) {
	g.Name = t.of(g.Name)
	g.TimeZone = t.of(g.TimeZone)
	g.Notes = t.of(g.Notes)
	t.all(g.Types)
	t.all(g.Attributes.Languages)
	pl := &g.Place
	pl.Location, pl.Address, pl.Notes = t.of(pl.Location), t.of(pl.Address), t.of(pl.Notes)
	pl.City, pl.State, pl.PostalCode, pl.Country = t.of(pl.City), t.of(pl.State), t.of(pl.PostalCode), t.of(pl.Country)
	t.all(pl.Regions)
	o := &g.Online
	o.URL, o.URLNotes, o.Phone, o.PhoneNotes = t.of(o.URL), t.of(o.URLNotes), t.of(o.Phone), t.of(o.PhoneNotes)
	c := &g.Contact
	c.Entity, c.Phone, c.Email = t.of(c.Entity), t.of(c.Phone), t.of(c.Email)
	c.Website, c.FeedbackURL = t.of(c.Website), t.of(c.FeedbackURL)
	g.Published.Notes = t.of(g.Published.Notes)
}
