package feed

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"referraldesk/referral"
)

// bmltRecord is one meeting of a BMLT GetSearchResults answer. Every value is
// a string in the live API; jtext takes numbers too.
type bmltRecord struct {
	ID              jtext `json:"id_bigint"`
	Name            jtext `json:"meeting_name"`
	Weekday         jtext `json:"weekday_tinyint"`
	StartTime       jtext `json:"start_time"`
	Duration        jtext `json:"duration_time"`
	TimeZone        jtext `json:"time_zone"`
	Formats         jtext `json:"formats"`
	Lang            jtext `json:"lang_enum"`
	Longitude       jtext `json:"longitude"`
	Latitude        jtext `json:"latitude"`
	LocationText    jtext `json:"location_text"`
	LocationInfo    jtext `json:"location_info"`
	Street          jtext `json:"location_street"`
	CitySubsection  jtext `json:"location_city_subsection"`
	Neighborhood    jtext `json:"location_neighborhood"`
	Municipality    jtext `json:"location_municipality"`
	SubProvince     jtext `json:"location_sub_province"`
	Province        jtext `json:"location_province"`
	PostalCode      jtext `json:"location_postal_code_1"`
	Nation          jtext `json:"location_nation"`
	Comments        jtext `json:"comments"`
	BusLines        jtext `json:"bus_lines"`
	TrainLines      jtext `json:"train_lines"`
	ServiceBody     jtext `json:"service_body_bigint"`
	VenueType       jtext `json:"venue_type"`
	VirtualLink     jtext `json:"virtual_meeting_link"`
	VirtualInfo     jtext `json:"virtual_meeting_additional_info"`
	PhoneNumber     jtext `json:"phone_meeting_number"`
	ContactEmail    jtext `json:"email_contact"`
	PublishedStatus jtext `json:"published"`
}

type bmltFormatRecord struct {
	Key     jtext `json:"key_string"`
	Name    jtext `json:"name_string"`
	WorldID jtext `json:"world_id"`
}

type bmltServiceBody struct {
	ID   jtext `json:"id"`
	Name jtext `json:"name"`
}

// venueTypes are BMLT's venue_type values (servers since 2022).
var venueTypes = map[string]referral.Attendance{"1": referral.InPerson, "2": referral.Online, "3": referral.Hybrid}

// readBMLT reads either a bare array of meetings or the get_used_formats
// object {meetings, formats, service_bodies}, whose keys may come in any
// order. Meetings are turned into groups only at the end, once the formats
// that explain their codes have been read; the drafts held meanwhile are the
// one copy of the data in memory.
func (p *parser) readBMLT(r io.Reader) error {
	const what = "BMLT"
	dec := json.NewDecoder(r)
	dec.UseNumber() // Token would fail on a number too large for float64
	tok, err := dec.Token()
	if err != nil {
		return jsonError(dec, what, err)
	}
	var drafts []*draft
	var bodies map[string]string
	var formats map[string]bmltFormat
	readMeetings := func() error {
		return decodeRecords(p, dec, what, (*bmltRecord).draft, func(d *draft) error {
			drafts = append(drafts, d)
			return nil
		})
	}
	switch tok {
	case json.Delim('['):
		if err := readMeetings(); err != nil {
			return err
		}
	case json.Delim('{'):
		sawMeetings := false
		var keys []string // for the refusal of an object without meetings
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return jsonError(dec, what, err)
			}
			switch k, _ := key.(string); {
			case len(keys) < 5:
				keys = append(keys, strconv.Quote(referral.Truncate(k, 30)))
			case len(keys) == 5:
				keys = append(keys, "…")
			}
			switch key {
			case "meetings":
				if err := expectDelim(dec, '[', what, `a list under "meetings"`); err != nil {
					return err
				}
				sawMeetings = true
				if err := readMeetings(); err != nil {
					return err
				}
			case "formats":
				var fs []bmltFormatRecord
				if err := dec.Decode(&fs); err != nil {
					return bmltShapeError(dec, "formats", err)
				}
				formats = map[string]bmltFormat{}
				for _, f := range fs {
					if k := plain(f.Key.s); k != "" {
						formats[k] = bmltFormat{worldID: strings.ToUpper(plain(f.WorldID.s)), name: referral.PlainText(f.Name.s)}
					}
				}
			case "service_bodies":
				var bs []bmltServiceBody
				if err := dec.Decode(&bs); err != nil {
					return bmltShapeError(dec, "service_bodies", err)
				}
				bodies = map[string]string{}
				for _, b := range bs {
					bodies[plain(b.ID.s)] = referral.PlainText(b.Name.s)
				}
			default:
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return jsonError(dec, what, err)
				}
			}
		}
		if _, err := dec.Token(); err != nil { // the closing }
			return jsonError(dec, what, err)
		}
		switch {
		case !sawMeetings && len(keys) == 0:
			return referral.NoMeeting("it holds an empty object ({})")
		case !sawMeetings:
			// A server's error answer ({"error": "…"}) shows in its keys.
			return referral.Errorf(referral.EINVALID, `the BMLT file is JSON of the wrong shape: it has no "meetings" list, only %s — check the address or download it again; nothing was changed`,
				strings.Join(keys, ", "))
		}
	default:
		return referral.Errorf(referral.EINVALID, "the BMLT file is JSON of the wrong shape: expected a list of meetings or an object with \"meetings\", found %s", describeToken(tok))
	}
	if err := expectEnd(dec, what); err != nil {
		return err
	}
	vocab := standardNAVocabulary()
	if formats != nil {
		vocab = bmltVocabulary(formats)
	}
	for _, d := range drafts {
		d.vocab = vocab
		if id := plain(d.contact.Entity); id != "" {
			d.contact.Entity = bodies[id] // a service body's id says nothing to a person
		}
		if err := p.add(d); err != nil {
			return err
		}
	}
	return nil
}

func bmltShapeError(dec *json.Decoder, key string, err error) error {
	if _, ok := err.(*json.UnmarshalTypeError); ok {
		return referral.Errorf(referral.EINVALID, "the BMLT file is JSON of the wrong shape: %q must be a list of objects", key)
	}
	return jsonError(dec, "BMLT", err)
}

func (m *bmltRecord) draft(i int) *draft {
	d := &draft{index: i, idField: "id_bigint", nameField: "meeting_name"}
	d.id = d.text("id_bigint", m.ID)
	d.name = d.text("meeting_name", m.Name)
	// A day or time of the wrong kind: see mgRecord.draft.
	if m.Weekday.bad != "" {
		d.fail("weekday_tinyint", "expected a weekday (1 for Sunday to 7 for Saturday), found %s", m.Weekday.bad)
	} else if wd := plain(d.text("weekday_tinyint", m.Weekday)); wd != "" {
		// BMLT counts 1 = Sunday … 7 = Saturday; Meeting Guide 0 … 6.
		n, err := strconv.Atoi(wd)
		if err != nil || n < 1 || n > 7 {
			d.fail("weekday_tinyint", "weekday %q is out of range; BMLT uses 1 (Sunday) to 7 (Saturday)", wd)
		} else {
			d.days = []string{strconv.Itoa(n - 1)}
		}
	}
	if m.StartTime.bad != "" {
		d.fail("start_time", "expected a time such as 19:30:00, found %s", m.StartTime.bad)
	} else {
		d.start = d.text("start_time", m.StartTime)
	}
	d.duration = d.text("duration_time", m.Duration)
	d.tz = d.text("time_zone", m.TimeZone)
	if f := d.text("formats", m.Formats); f != "" {
		d.codes = strings.Split(f, ",")
	}
	if l := d.text("lang_enum", m.Lang); l != "" {
		// The server's language, not necessarily the meeting's: a format such
		// as ES says more, so lang_enum only counts when no format names one.
		d.languages, d.langIsHint = []string{l}, true
	}
	d.lat = d.text("latitude", m.Latitude)
	d.lon = d.text("longitude", m.Longitude)
	d.place.Location = d.text("location_text", m.LocationText)
	d.place.Address = d.text("location_street", m.Street)
	d.place.City = d.text("location_municipality", m.Municipality)
	sub := d.text("location_city_subsection", m.CitySubsection)
	if d.place.City == "" {
		d.place.City = sub
	}
	d.place.State = d.text("location_province", m.Province)
	d.place.PostalCode = d.text("location_postal_code_1", m.PostalCode)
	d.place.Country = d.text("location_nation", m.Nation)
	var notes []string
	for _, n := range []struct{ label, field string }{
		{"", d.text("location_info", m.LocationInfo)},
		{"Bus: ", d.text("bus_lines", m.BusLines)},
		{"Train: ", d.text("train_lines", m.TrainLines)},
	} {
		if s := plain(n.field); s != "" {
			notes = append(notes, n.label+s)
		}
	}
	d.place.Notes = strings.Join(notes, "\n")
	for _, reg := range []string{d.text("location_sub_province", m.SubProvince), sub, d.text("location_neighborhood", m.Neighborhood)} {
		reg = plain(reg)
		if reg != "" && (len(d.place.Regions) == 0 || !strings.EqualFold(d.place.Regions[len(d.place.Regions)-1], reg)) {
			d.place.Regions = append(d.place.Regions, reg)
		}
	}
	d.notes = d.text("comments", m.Comments)
	d.contact.Entity = d.text("service_body_bigint", m.ServiceBody)
	d.contact.Email = d.text("email_contact", m.ContactEmail)
	d.online.URL = d.text("virtual_meeting_link", m.VirtualLink)
	d.online.URLNotes = d.text("virtual_meeting_additional_info", m.VirtualInfo)
	d.online.Phone = d.text("phone_meeting_number", m.PhoneNumber)
	if vt := plain(d.text("venue_type", m.VenueType)); vt != "" {
		if a, ok := venueTypes[vt]; ok {
			d.attendance = string(a)
		} else {
			d.note("venue_type", "venue type %q is unknown; attendance worked out from the listing", vt)
		}
	}
	if s := plain(d.text("published", m.PublishedStatus)); s == "0" {
		d.fail("published", "the meeting is not published")
	}
	return d
}
