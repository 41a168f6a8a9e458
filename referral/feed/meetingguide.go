package feed

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"referraldesk/referral"
)

// mgRecord is one Meeting Guide meeting, with the 12 Step Meeting List
// plugin's additions and the few fields this package adds for round trips
// (program, languages).
type mgRecord struct {
	Name                 jtext `json:"name"`
	Slug                 jtext `json:"slug"`
	ID                   jtext `json:"id"`
	Program              jtext `json:"program"`
	Day                  jlist `json:"day"`
	Time                 jtext `json:"time"`
	EndTime              jtext `json:"end_time"`
	Timezone             jtext `json:"timezone"`
	Types                jlist `json:"types"`
	Languages            jlist `json:"languages"`
	Notes                jtext `json:"notes"`
	Location             jtext `json:"location"`
	LocationNotes        jtext `json:"location_notes"`
	FormattedAddress     jtext `json:"formatted_address"`
	Address              jtext `json:"address"`
	City                 jtext `json:"city"`
	State                jtext `json:"state"`
	PostalCode           jtext `json:"postal_code"`
	Country              jtext `json:"country"`
	Latitude             jtext `json:"latitude"`
	Longitude            jtext `json:"longitude"`
	Approximate          jtext `json:"approximate"`
	Regions              jlist `json:"regions"`
	Region               jtext `json:"region"`
	SubRegion            jtext `json:"sub_region"`
	Group                jtext `json:"group"`
	ConferenceURL        jtext `json:"conference_url"`
	ConferenceURLNotes   jtext `json:"conference_url_notes"`
	ConferencePhone      jtext `json:"conference_phone"`
	ConferencePhoneNotes jtext `json:"conference_phone_notes"`
	AttendanceOption     jtext `json:"attendance_option"`
	URL                  jtext `json:"url"`
	Website              jtext `json:"website"`
	Email                jtext `json:"email"`
	Phone                jtext `json:"phone"`
	FeedbackURL          jtext `json:"feedback_url"`
	Updated              jtext `json:"updated"`

	Medication     jtext `json:"referraldesk_medication_friendly"`
	VerifiedOn     jtext `json:"referraldesk_verified_on"`
	CounselorNotes jtext `json:"referraldesk_counselor_notes"`
	Hidden         jtext `json:"referraldesk_hidden"`
}

// The extension fields that carry a clinic's curation of a meeting (see
// WriteOptions). Their prefix keeps them clear of any field the Meeting
// Guide spec may add; apps that do not know them ignore them.
const (
	fieldMedication     = "referraldesk_medication_friendly" // "yes", "no" or "unknown"
	fieldVerifiedOn     = "referraldesk_verified_on"         // "YYYY-MM-DD"
	fieldCounselorNotes = "referraldesk_counselor_notes"     // text
	fieldHidden         = "referraldesk_hidden"              // true: never suggest
)

func (p *parser) readMeetingGuide(r io.Reader) error {
	const what = "Meeting Guide"
	dec := json.NewDecoder(r)
	dec.UseNumber() // Token would fail on a number too large for float64
	if err := expectDelim(dec, '[', what, "a list of meetings"); err != nil {
		return err
	}
	err := decodeRecords(p, dec, what, (*mgRecord).draft, p.add)
	if err != nil {
		return err
	}
	return expectEnd(dec, what)
}

func (m *mgRecord) draft(i int) *draft {
	d := &draft{index: i, idField: "slug", nameField: "name"}
	d.id = d.text("slug", m.Slug)
	d.altID = d.text("id", m.ID)
	d.name = d.text("name", m.Name)
	d.program = d.text("program", m.Program)
	// A day or time of the wrong kind leaves the record without the
	// schedule it gives: read as none it would list a weekly meeting as by
	// appointment, so the record is skipped.
	if m.Day.bad != "" && len(m.Day.items) == 0 {
		d.fail("day", "expected a weekday (0 for Sunday to 6 for Saturday) or a list of them, found %s", m.Day.bad)
	} else {
		d.days = d.list("day", m.Day)
	}
	if m.Time.bad != "" {
		d.fail("time", "expected a time such as 19:30, found %s", m.Time.bad)
	} else {
		d.start = d.text("time", m.Time)
	}
	d.end = d.text("end_time", m.EndTime)
	d.tz = d.text("timezone", m.Timezone)
	d.codes = d.list("types", m.Types)
	d.languages = d.list("languages", m.Languages)
	d.notes = d.text("notes", m.Notes)
	d.place.Location = d.text("location", m.Location)
	d.place.Notes = d.text("location_notes", m.LocationNotes)
	d.formatted = d.text("formatted_address", m.FormattedAddress)
	d.place.Address = d.text("address", m.Address)
	d.place.City = d.text("city", m.City)
	d.place.State = d.text("state", m.State)
	d.place.PostalCode = d.text("postal_code", m.PostalCode)
	d.place.Country = d.text("country", m.Country)
	d.lat = d.text("latitude", m.Latitude)
	d.lon = d.text("longitude", m.Longitude)
	d.coordsText = m.Latitude.quoted || m.Longitude.quoted
	d.approx = d.text("approximate", m.Approximate)
	if m.Regions.given {
		d.place.Regions = d.list("regions", m.Regions)
	} else {
		// The plugin's own fields, when a feed has no regions list.
		for _, reg := range []string{d.text("region", m.Region), d.text("sub_region", m.SubRegion)} {
			if reg != "" {
				d.place.Regions = append(d.place.Regions, reg)
			}
		}
	}
	d.contact.Entity = d.text("group", m.Group)
	d.online.URL = d.text("conference_url", m.ConferenceURL)
	d.online.URLNotes = d.text("conference_url_notes", m.ConferenceURLNotes)
	d.online.Phone = d.text("conference_phone", m.ConferencePhone)
	d.online.PhoneNotes = d.text("conference_phone_notes", m.ConferencePhoneNotes)
	d.attendance = d.text("attendance_option", m.AttendanceOption)
	// "url" is the listing's page; a group's own "website" is better when given.
	d.contact.Website = d.text("url", m.URL)
	if w := d.text("website", m.Website); w != "" {
		d.contact.Website = w
	}
	d.contact.Email = d.text("email", m.Email)
	d.contact.Phone = d.text("phone", m.Phone)
	d.contact.FeedbackURL = d.text("feedback_url", m.FeedbackURL)
	d.updated = d.text("updated", m.Updated)
	d.medication = d.text(fieldMedication, m.Medication)
	d.verified = d.text(fieldVerifiedOn, m.VerifiedOn)
	d.counselorNotes = d.text(fieldCounselorNotes, m.CounselorNotes)
	d.hidden = d.text(fieldHidden, m.Hidden)
	return d
}

// mgOut is one meeting as WriteMeetingGuide writes it. Besides the spec's
// fields it writes program, languages and the address in parts, which the
// spec lacks and a round trip needs.
type mgOut struct {
	Name                 string   `json:"name"`
	Slug                 string   `json:"slug"`
	Program              string   `json:"program,omitempty"`
	Day                  any      `json:"day,omitempty"`
	Time                 string   `json:"time,omitempty"`
	EndTime              string   `json:"end_time,omitempty"`
	Timezone             string   `json:"timezone,omitempty"`
	Types                []string `json:"types"`
	Languages            []string `json:"languages,omitempty"`
	Notes                string   `json:"notes,omitempty"`
	Location             string   `json:"location,omitempty"`
	LocationNotes        string   `json:"location_notes,omitempty"`
	FormattedAddress     string   `json:"formatted_address,omitempty"`
	Address              string   `json:"address,omitempty"`
	City                 string   `json:"city,omitempty"`
	State                string   `json:"state,omitempty"`
	PostalCode           string   `json:"postal_code,omitempty"`
	Country              string   `json:"country,omitempty"`
	Latitude             *float64 `json:"latitude,omitempty"`
	Longitude            *float64 `json:"longitude,omitempty"`
	Approximate          string   `json:"approximate"`
	Region               string   `json:"region,omitempty"`
	Regions              []string `json:"regions,omitempty"`
	Group                string   `json:"group,omitempty"`
	ConferenceURL        string   `json:"conference_url,omitempty"`
	ConferenceURLNotes   string   `json:"conference_url_notes,omitempty"`
	ConferencePhone      string   `json:"conference_phone,omitempty"`
	ConferencePhoneNotes string   `json:"conference_phone_notes,omitempty"`
	AttendanceOption     string   `json:"attendance_option"`
	URL                  string   `json:"url,omitempty"`
	Email                string   `json:"email,omitempty"`
	Phone                string   `json:"phone,omitempty"`
	FeedbackURL          string   `json:"feedback_url,omitempty"`
	Updated              string   `json:"updated,omitempty"`

	// Written only with WriteOptions.Curation.
	Medication     string `json:"referraldesk_medication_friendly,omitempty"`
	VerifiedOn     string `json:"referraldesk_verified_on,omitempty"`
	CounselorNotes string `json:"referraldesk_counselor_notes,omitempty"`
	Hidden         bool   `json:"referraldesk_hidden,omitempty"`
}

// WriteOptions control WriteMeetingGuideWith.
type WriteOptions struct {
	// Curation writes each group's curation (Group.Curation: medication-
	// friendly, verified on, counselor notes, hidden) as the referraldesk_
	// extension fields, so that one desk of a clinic network can publish its
	// curated directory and the others import it as that source's curation
	// (Group.Published). Counselor notes leave the clinic with the file, so
	// it is never the default.
	Curation bool
}

// WriteMeetingGuide writes groups as a Meeting Guide JSON array, one meeting
// per line. A group meeting on several days at one time is one meeting with
// a day list; sessions at different times become one meeting per time, the
// later ones with "-2", "-3" … added to the slug (Meeting Guide has one time
// per meeting). Curation is the clinic's and is not written: counselor notes
// leave the clinic only when asked to (WriteMeetingGuideWith).
func WriteMeetingGuide(w io.Writer, groups []*referral.Group) error {
	return WriteMeetingGuideWith(w, groups, WriteOptions{})
}

// WriteMeetingGuideWith is WriteMeetingGuide with options: with
// opts.Curation, every meeting of a curated group carries its curation.
func WriteMeetingGuideWith(w io.Writer, groups []*referral.Group, opts WriteOptions) error {
	if _, err := io.WriteString(w, "[\n"); err != nil {
		return fmt.Errorf("write meeting guide: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	first := true
	for _, g := range groups {
		base := mgOutFor(g)
		if opts.Curation {
			base.withCuration(g.Curation)
		}
		for _, run := range runsOf(g) {
			m := base
			m.Slug = run.slug(g.SourceID)
			if len(run.days) > 0 {
				m.Time, m.EndTime = run.start.String(), run.end.String()
				if len(run.days) == 1 {
					m.Day = int(run.days[0])
				} else {
					days := make([]int, len(run.days))
					for i, d := range run.days {
						days[i] = int(d)
					}
					m.Day = days
				}
			}
			if !first {
				if _, err := io.WriteString(w, ","); err != nil {
					return fmt.Errorf("write meeting guide: %w", err)
				}
			}
			first = false
			if err := enc.Encode(m); err != nil {
				return fmt.Errorf("write meeting guide %q: %w", g.Name, err)
			}
		}
	}
	if _, err := io.WriteString(w, "]\n"); err != nil {
		return fmt.Errorf("write meeting guide: %w", err)
	}
	return nil
}

func mgOutFor(g *referral.Group) mgOut {
	pl := g.Place
	m := mgOut{
		Name: feedText(g.Name), Program: string(g.Program), Timezone: g.TimeZone,
		Types: referral.TypeCodes(g.Program, g.Attributes, g.Types), Languages: g.Attributes.Languages, Notes: feedText(g.Notes),
		Location: feedText(pl.Location), LocationNotes: feedText(pl.Notes),
		FormattedAddress: joinAddress(pl),
		Address:          feedText(pl.Address), City: feedText(pl.City), State: feedText(pl.State),
		PostalCode: pl.PostalCode, Country: feedText(pl.Country),
		Approximate: yesNo(pl.Approximate), Regions: feedTexts(pl.Regions),
		Group:         feedText(g.Contact.Entity),
		ConferenceURL: g.Online.URL, ConferenceURLNotes: feedText(g.Online.URLNotes),
		ConferencePhone: g.Online.Phone, ConferencePhoneNotes: feedText(g.Online.PhoneNotes),
		AttendanceOption: string(g.Attendance),
		URL:              g.Contact.Website, Email: g.Contact.Email, Phone: g.Contact.Phone,
		FeedbackURL: g.Contact.FeedbackURL, Updated: formatUpdated(g),
	}
	if m.Types == nil {
		m.Types = []string{}
	}
	if n := len(m.Regions); n > 0 {
		m.Region = m.Regions[n-1]
	}
	// A ZIP's Census point is not the listing's: written out it would pass
	// for the door's. Left out, the next import places it at the ZIP again.
	if c := pl.Coords; c != nil && !pl.CoordsFromZIP {
		lat, lon := c.Lat, c.Lon
		m.Latitude, m.Longitude = &lat, &lon
	}
	return m
}

// withCuration sets the extension fields of what c says; a field c says
// nothing in is left out.
func (m *mgOut) withCuration(c referral.Curation) {
	if c.Medication() != referral.MedicationUnknown {
		m.Medication = string(c.MedicationFriendly)
	}
	if !c.VerifiedOn.IsZero() {
		m.VerifiedOn = c.VerifiedOn.UTC().Format(time.DateOnly)
	}
	m.CounselorNotes = feedText(c.Notes)
	m.Hidden = c.Hidden
}

func feedTexts(ss []string) []string {
	var out []string
	for _, s := range ss {
		out = append(out, feedText(s))
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func formatUpdated(g *referral.Group) string {
	if g.Updated.IsZero() {
		return ""
	}
	loc := time.UTC
	if g.TimeZone != "" {
		if l, err := referral.LoadZone(g.TimeZone); err == nil {
			loc = l
		}
	}
	return g.Updated.In(loc).Format(updatedLayout)
}

// run is the sessions of a group that share one time: one feed record.
type run struct {
	n          int // 0 for the first run of the group
	days       []time.Weekday
	start, end referral.Clock
}

func (r run) slug(id string) string {
	if r.n == 0 {
		return id
	}
	return fmt.Sprintf("%s-%d", id, r.n+1)
}

// runsOf groups sessions by time, in order of first appearance. A group with
// no sessions (by appointment) is one run with no days.
func runsOf(g *referral.Group) []run {
	if len(g.Sessions) == 0 {
		return []run{{}}
	}
	var runs []run
next:
	for _, s := range g.Sessions {
		for i := range runs {
			if runs[i].start == s.Start && runs[i].end == s.End {
				runs[i].days = append(runs[i].days, s.Day)
				continue next
			}
		}
		runs = append(runs, run{n: len(runs), days: []time.Weekday{s.Day}, start: s.Start, end: s.End})
	}
	return runs
}
