package sqlite

import (
	"encoding/json"
	"fmt"
	"time"

	"referraldesk/referral"
)

// The types below fix the JSON stored in groups.data. They mirror the domain
// types field for field so a plain Go conversion (placeRecord(g.Place)) moves
// the data: adding, removing or retyping a field in referral breaks the build
// here, which forces a decision about storage instead of silently dropping it.
// The tags, not Go field names, are the file format, so renaming a domain field
// cannot orphan data already on disk. omitzero keeps 250,000 rows small.
type (
	groupRecord struct {
		Sessions   []sessionRecord  `json:"sessions,omitzero"`
		Place      placeRecord      `json:"place,omitzero"`
		Online     onlineRecord     `json:"online,omitzero"`
		Attributes attributesRecord `json:"attributes,omitzero"`
		Types      []string         `json:"types,omitzero"`
		Notes      string           `json:"notes,omitzero"`
		Contact    contactRecord    `json:"contact,omitzero"`
		Service    bool             `json:"service,omitzero"`
	}
	sessionRecord struct {
		Day   time.Weekday   `json:"day,omitzero"`
		Start referral.Clock `json:"start,omitzero"`
		End   referral.Clock `json:"end,omitzero"`
	}
	placeRecord struct {
		Location    string          `json:"location,omitzero"`
		Address     string          `json:"address,omitzero"`
		City        string          `json:"city,omitzero"`
		State       string          `json:"state,omitzero"`
		PostalCode  string          `json:"postal_code,omitzero"`
		Country     string          `json:"country,omitzero"`
		Coords      *referral.Point `json:"-"` // the lat and lon columns
		Approximate bool            `json:"approximate,omitzero"`
		// The coords_from_zip column: it says what the lat and lon columns are.
		CoordsFromZIP bool     `json:"-"`
		Notes         string   `json:"notes,omitzero"`
		Regions       []string `json:"regions,omitzero"`
	}
	onlineRecord struct {
		URL        string `json:"url,omitzero"`
		URLNotes   string `json:"url_notes,omitzero"`
		Phone      string `json:"phone,omitzero"`
		PhoneNotes string `json:"phone_notes,omitzero"`
	}
	attributesRecord struct {
		Openness    referral.Openness `json:"openness,omitzero"`
		Audience    referral.Audience `json:"audience,omitzero"`
		LGBTQ       bool              `json:"lgbtq,omitzero"`
		YoungPeople bool              `json:"young_people,omitzero"`
		Seniors     bool              `json:"seniors,omitzero"`
		Secular     bool              `json:"secular,omitzero"`
		Newcomer    bool              `json:"newcomer,omitzero"`
		Languages   []string          `json:"languages,omitzero"`
		Wheelchair  bool              `json:"wheelchair,omitzero"`
		ASL         bool              `json:"asl,omitzero"`
		Childcare   bool              `json:"childcare,omitzero"`
		Formats     []referral.Format `json:"formats,omitzero"`
	}
	contactRecord struct {
		Entity      string `json:"entity,omitzero"`
		Phone       string `json:"phone,omitzero"`
		Email       string `json:"email,omitzero"`
		Website     string `json:"website,omitzero"`
		FeedbackURL string `json:"feedback_url,omitzero"`
	}
)

// encodeData returns the JSON for groups.data.
func encodeData(g *referral.Group) ([]byte, error) {
	r := groupRecord{
		Place:      placeRecord(g.Place),
		Online:     onlineRecord(g.Online),
		Attributes: attributesRecord(g.Attributes),
		Types:      g.Types,
		Notes:      g.Notes,
		Contact:    contactRecord(g.Contact),
		Service:    g.Service,
	}
	r.Place.Coords = nil
	if g.Sessions != nil {
		r.Sessions = make([]sessionRecord, len(g.Sessions))
		for i, s := range g.Sessions {
			r.Sessions[i] = sessionRecord(s)
		}
	}
	data, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode group %d: %w", g.ID, err)
	}
	return data, nil
}

// decodeData fills g's JSON-stored fields from groups.data; the caller sets the
// column-stored ones (including Place.Coords) afterwards.
func decodeData(data []byte, g *referral.Group) error {
	var r groupRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("decode group %d: %w", g.ID, err)
	}
	g.Place = referral.Place(r.Place)
	g.Online = referral.OnlineAccess(r.Online)
	g.Attributes = referral.Attributes(r.Attributes)
	g.Types = r.Types
	g.Notes = r.Notes
	g.Contact = referral.Contact(r.Contact)
	g.Service = r.Service
	g.Sessions = nil
	if r.Sessions != nil {
		g.Sessions = make([]referral.Session, len(r.Sessions))
		for i, s := range r.Sessions {
			g.Sessions[i] = referral.Session(s)
		}
	}
	return nil
}

// weekdays is the days column: bit 1<<d for every weekday d with a session.
func weekdays(sessions []referral.Session) int {
	var days int
	for _, s := range sessions {
		days |= 1 << s.Day
	}
	return days
}
