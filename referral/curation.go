package referral

// One curated directory for a clinic network.
//
// One desk curates the directory and exports it with its curation (a
// Meeting Guide feed whose meetings carry the clinic's fields as extension
// fields); every other desk imports or subscribes to that file as a source.
// What the file says of a group is the source's published curation
// (Group.Published), replaced by each import of it. A desk that curates a
// group itself overrides the publisher field by field: its medication
// mark, verified date, notes or hidden flag win where it set them, and the
// publisher's show where it did not, so a desk that only adds a note still
// gets the publisher's later corrections of the rest.
//
// A desk "sets" a field by saying something other than the publisher does
// (see Curation.Differs): saying the same follows the publisher again, so a
// counselor who picks the publisher's value back undoes the override. Where
// there is no publisher, the fields set are those that say anything.

// CurationFields is a set of the fields of a Curation.
type CurationFields uint8

const (
	CuratedMedication CurationFields = 1 << iota // MedicationFriendly
	CuratedVerifiedOn
	CuratedNotes
	CuratedHidden

	AllCurated = CuratedMedication | CuratedVerifiedOn | CuratedNotes | CuratedHidden
)

// Has reports whether the set holds every field of f.
func (s CurationFields) Has(f CurationFields) bool { return s&f == f }

// Said returns the fields of c that say anything: a medication mark of yes
// or no, a verified date, notes, hidden.
func (c Curation) Said() CurationFields {
	var s CurationFields
	if c.Medication() != MedicationUnknown {
		s |= CuratedMedication
	}
	if !c.VerifiedOn.IsZero() {
		s |= CuratedVerifiedOn
	}
	if c.Notes != "" {
		s |= CuratedNotes
	}
	if c.Hidden {
		s |= CuratedHidden
	}
	return s
}

// Differs returns the fields in which c says something other than p. A
// desk whose group's source published p and that wants its group to show c
// sets exactly these fields itself. Medication-friendly "" and "unknown"
// say the same.
func (c Curation) Differs(p Curation) CurationFields {
	var s CurationFields
	if c.Medication() != p.Medication() {
		s |= CuratedMedication
	}
	if !c.VerifiedOn.Equal(p.VerifiedOn) {
		s |= CuratedVerifiedOn
	}
	if c.Notes != p.Notes {
		s |= CuratedNotes
	}
	if c.Hidden != p.Hidden {
		s |= CuratedHidden
	}
	return s
}

// MergeCuration is the curation a group shows: own's value of each field
// in set (the fields this desk set), published's of the others. From names
// the publisher (published.From) when a field shown is one the publisher
// said anything in, and is "" when everything shown is this desk's.
func MergeCuration(own Curation, set CurationFields, published Curation) Curation {
	c := published
	c.From = ""
	if set.Has(CuratedMedication) {
		c.MedicationFriendly = own.MedicationFriendly
	}
	if set.Has(CuratedVerifiedOn) {
		c.VerifiedOn = own.VerifiedOn
	}
	if set.Has(CuratedNotes) {
		c.Notes = own.Notes
	}
	if set.Has(CuratedHidden) {
		c.Hidden = own.Hidden
	}
	if published.Said()&^set != 0 {
		c.From = published.From
	}
	return c
}

// PublishedShown returns the fields of the group's curation that show what
// its source's publisher said (Published), not this desk's own value.
func (g *Group) PublishedShown() CurationFields {
	if g.Published.From == "" {
		return 0
	}
	return g.Published.Said() &^ g.Curation.Differs(g.Published)
}

// Overridden returns the fields in which this desk's own curation of the
// group says something other than what its source's publisher said.
func (g *Group) Overridden() CurationFields {
	if g.Published.From == "" {
		return 0
	}
	return g.Published.Said() & g.Curation.Differs(g.Published)
}
