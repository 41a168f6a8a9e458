package feed

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"referraldesk/referral"
)

// parser holds what one Parse call has read so far.
type parser struct {
	ctx            context.Context
	opts           Options
	format         Format
	defaultProgram referral.Program // what a format implies (BMLT: NA)
	res            Result
	seen           map[string]int // SourceID → index of the record that has it
	unknown        map[[2]string]int
	zones          map[string]*time.Location
	programs       map[string]referral.Program // program names read so far
	serviceCodes   map[serviceKey]bool         // whether a code marks a service meeting
	dated          []dated                     // listings whose last-changed time is still to read
	texts          texts                       // one copy of each text the kept listings say
}

func newParser(ctx context.Context, opts Options, f Format) *parser {
	p := &parser{ctx: ctx, opts: opts, format: f, seen: map[string]int{},
		unknown: map[[2]string]int{}, zones: map[string]*time.Location{}, programs: map[string]referral.Program{},
		serviceCodes: map[serviceKey]bool{}, texts: texts{}}
	p.res.Format = f
	if f == BMLT {
		p.defaultProgram = referral.ProgramNA
	}
	return p
}

// progressEvery is how often (in records) Parse reports progress and checks
// for cancellation: often enough for a smooth bar, rarely enough to cost nothing.
const progressEvery = 256

// tick counts a record read, reports progress and notices cancellation.
func (p *parser) tick() error {
	p.res.Records++
	if p.res.Records%progressEvery != 0 {
		return nil
	}
	if p.opts.Progress != nil {
		p.opts.Progress(p.res.Records)
	}
	if err := p.ctx.Err(); err != nil {
		return fmt.Errorf("read feed: %w", err)
	}
	return nil
}

func (p *parser) result() *Result {
	p.zoneAndDate()
	if p.opts.Progress != nil {
		p.opts.Progress(p.res.Records)
	}
	slices.SortFunc(p.res.UnknownTypes, func(a, b UnknownType) int {
		return strings.Compare(a.Code+"\x00"+string(a.Program), b.Code+"\x00"+string(b.Program))
	})
	// A copy, so that the parser's maps (every id, every text) are freed
	// while the caller stores the groups.
	res := p.res
	return &res
}

// draft is one record as a reader found it, in strings, before the rules
// every format shares (repairs, defaults, validation) make it a Group.
type draft struct {
	index     int
	idField   string // the feed's names for its id and name fields, for messages
	nameField string
	id        string
	altID     string // a second id (TSML's numeric id) used when id is missing
	name      string
	program   string

	days       []string // as written; nil when the record gives no day
	daysNamed  bool     // the format writes day names (CSV); not a repair there
	start, end string
	duration   string // BMLT: "HH:MM:SS" instead of an end time
	tz         string
	codes      []string
	vocab      *vocabulary // set when the file defines its own codes (BMLT)
	languages  []string    // stated outside the codes (BMLT lang_enum, exports)
	langIsHint bool        // languages only apply when the codes name none
	attendance string
	approx     string
	lat, lon   string
	coordsText bool   // JSON gave coordinates as strings
	updated    string // last changed, as written
	formatted  string // one-line address, used when place has no parts
	place      referral.Place
	online     referral.OnlineAccess
	contact    referral.Contact
	notes      string
	// A clinic's curation, in a file a desk exported with it (see
	// WriteOptions): medication-friendly, verified on, counselor notes and
	// hidden, as written.
	medication, verified, counselorNotes, hidden string

	problems []problem // fields the reader could not take, reported as repairs
	skip     *problem  // set when the reader already knows the record is unusable
}

type problem struct{ field, msg string }

func (d *draft) fail(field, format string, args ...any) {
	if d.skip == nil {
		d.skip = &problem{field, fmt.Sprintf(format, args...)}
	}
}

func (d *draft) note(field, format string, args ...any) {
	d.problems = append(d.problems, problem{field, fmt.Sprintf(format, args...)})
}

// checkText notes what referral.Tidy will repair in a field's text: bytes
// that are not UTF-8 (invalid: a JSON decoder has already replaced them, so
// the reader says) and control characters.
func (d *draft) checkText(field, s string, invalid bool) {
	bidi, other := referral.Controls(s)
	d.noteCharacters(field, invalid, bidi, other)
}

func (d *draft) noteCharacters(field string, invalid, bidi, other bool) {
	if invalid {
		d.note(field, "the text had invalid characters (bytes that are not UTF-8), repaired: replaced with \uFFFD")
	}
	if bidi {
		d.note(field, "invisible characters that reverse the direction of text (U+202A–U+202E, U+2066–U+2069) removed")
	}
	if other {
		d.note(field, "control characters replaced with spaces, and those that stand for Windows-1252 punctuation read as it (U+0092 as ’)")
	}
}

// recordCtx names the record in the report while it is being built.
type recordCtx struct {
	p              *parser
	index          int
	id, name       string
	contradictions []Repair
}

func (r *recordCtx) repair(field, format string, args ...any) {
	// A repair is mostly the same sentence for thousands of records.
	r.p.res.Repaired = append(r.p.res.Repaired, Repair{Index: r.index, SourceID: r.id, Name: r.name,
		Field: field, What: r.p.texts.of(message(format, args...))})
}

// maxMessage bounds a report's sentence, in characters. Most quote a value
// from the feed, and a value can be a whole pasted page.
const maxMessage = 400

func message(format string, args ...any) string {
	return referral.Truncate(fmt.Sprintf(format, args...), maxMessage)
}

// Lengths in characters beyond which a value is no listing's: a pasted page,
// or a file read wrongly into one field. Text longer is shortened, with a
// note, so the listing is kept and the screen and sheet stay readable; a
// longer id, link or number cannot be shortened and is not used.
const (
	maxName  = 200    // the longest real meeting names have about 100
	maxLine  = 500    // a place's parts, a region, a group's name
	maxProse = 10_000 // notes: a few paragraphs of directions
	maxID    = 500    // slugs made of a name and an address run to about 150
	maxLink  = 2_000  // the longest address browsers and QR codes take in practice
	maxCodes = 60     // type codes on one listing; real ones carry under 20
	maxCode  = 60     // one code or type name ("Location Temporarily Closed")
)

// prose is a feed's text as a listing shows it (referral.PlainText), no
// longer than max characters.
func (r *recordCtx) prose(field, s string, max int) string {
	return r.short(field, referral.PlainText(s), max)
}

// short shortens s to max characters, with a note.
func (r *recordCtx) short(field, s string, max int) string {
	if len(s) <= max { // no text has more characters than bytes
		return s
	}
	n := utf8.RuneCountInString(s)
	if n <= max {
		return s
	}
	r.repair(field, "the text is %s characters long, more than %s; shortened to at most %s",
		referral.Thousands(n), referral.Thousands(max), referral.Thousands(max))
	return referral.Truncate(s, max)
}

// contradiction notes that the record says two things that exclude each
// other, and the safer reading it was given. It is reported only if the
// record is kept.
func (r *recordCtx) contradiction(field, format string, args ...any) {
	r.contradictions = append(r.contradictions, Repair{Index: r.index, SourceID: r.id, Name: r.name,
		Field: field, What: fmt.Sprintf(format, args...)})
}

// attendanceField is each format's name for how people attend.
var attendanceField = map[Format]string{MeetingGuide: "attendance_option", BMLT: "venue_type", CSV: "Attendance Option"}

func (r *recordCtx) skip(field, format string, args ...any) {
	r.p.res.Skipped = append(r.p.res.Skipped, Skip{Index: r.index, SourceID: r.id, Name: r.name,
		Field: field, Reason: message(format, args...)})
}

// add turns a draft into a Group, or skips it with a reason. Its error is for
// the whole file (no program to give the groups, cancellation).
func (p *parser) add(d *draft) error {
	r := &recordCtx{p: p, index: d.index, id: plain(d.id)}
	if r.id == "" && plain(d.altID) != "" {
		r.id = plain(d.altID)
	}
	long := utf8.RuneCountInString(r.id) > maxID
	if long {
		r.id = referral.Truncate(r.id, 60) // for the report only: the record is skipped
	}
	r.name = p.texts.of(r.prose(d.nameField, d.name, maxName))
	for _, pr := range d.problems {
		r.repair(pr.field, "%s", pr.msg)
	}
	switch {
	case d.skip != nil:
		r.skip(d.skip.field, "%s", d.skip.msg)
		return nil
	case long:
		// A shortened id could be another record's: the record could never
		// be updated by the next import, nor told from that one.
		r.skip(d.idField, "the id is longer than %d characters; no feed's id is", maxID)
		return nil
	}
	if r.name == "" {
		reason := "the record has no name"
		for _, pr := range d.problems {
			if pr.field == d.nameField {
				reason += ": " + pr.msg
			}
		}
		r.skip(d.nameField, "%s", reason)
		return nil
	}
	g := &referral.Group{Source: p.opts.Source, SourceID: r.id, Name: r.name}
	var err error
	if g.Program, err = p.program(r, d); err != nil {
		return err
	}
	p.timeZone(r, d, g)
	if !p.sessions(r, d, g) {
		return nil
	}
	if g.SourceID == "" {
		g.SourceID = madeID(d, g)
		r.id = g.SourceID
		r.repair(d.idField, "the record has no id; made %q from its name, schedule and address", g.SourceID)
	}
	p.place(r, d, g)
	p.onlineAccess(r, d, g)
	p.contact(r, d, g)
	g.Notes = r.prose("notes", d.notes, maxProse)
	dec := p.types(r, d, g)
	p.attendance(r, d, g, dec)
	p.placeAtZIP(r, g)
	p.published(r, d, g)

	if err := g.Validate(); err != nil {
		field := "record"
		if ps := referral.ErrorProblems(err); len(ps) > 0 {
			field = ps[0].Field
		}
		r.skip(field, "%s", referral.ErrorMessage(err))
		return nil
	}
	if first, dup := p.seen[g.SourceID]; dup {
		r.skip(d.idField, "duplicate id %q: record %d already has it", g.SourceID, first+1)
		return nil
	}
	p.seen[g.SourceID] = d.index
	p.texts.share(g)
	p.res.Groups = append(p.res.Groups, g)
	p.res.Contradictions = append(p.res.Contradictions, r.contradictions...)
	switch {
	case g.Service:
		p.res.Service++
	case g.Attendance.MeetsInPerson() && g.Place.Coords == nil:
		p.res.Unplaced++ // a service meeting is never looked for
	}
	if d.updated = plain(d.updated); d.updated != "" {
		// Read once every listing has its zone: the time is the group's wall clock.
		p.dated = append(p.dated, dated{r: *r, raw: d.updated, g: g})
	}
	return nil
}

// dated is a listing's last-changed time as written, read when its zone is known.
type dated struct {
	r   recordCtx
	raw string
	g   *referral.Group
}

// zoneAndDate gives every listing its zone (see referral.SourceZones) and
// then reads the last-changed times in them.
func (p *parser) zoneAndDate() {
	p.res.Zone = referral.SourceZones(p.res.Groups, p.opts.ZoneAt, referral.ZoneChoices{
		Import: p.opts.TimeZone, Settings: p.opts.SettingsZone, Clinic: p.opts.ClinicZone})
	for _, dt := range p.dated {
		loc, err := p.zone(dt.g.TimeZone)
		if err != nil {
			loc = time.UTC // not expected: SourceZones gives only zones LoadLocation knows
		}
		t, standard, err := readUpdated(dt.raw, loc)
		switch {
		case err != nil:
			dt.r.repair("updated", "%v; left out", err)
		case !standard && p.format != CSV:
			dt.r.repair("updated", "read %q as %s", dt.raw, t.In(loc).Format(updatedLayout))
		}
		dt.g.Updated = t
	}
	p.dated = nil
	// The dates' repairs came last; put each back with its record.
	slices.SortStableFunc(p.res.Repaired, func(a, b Repair) int { return cmp.Compare(a.Index, b.Index) })
}

// program is the record's own program (any fellowship's name; known ones
// under the table's name), else the option, else what the format implies.
// None at all refuses the file: every record would lack it.
func (p *parser) program(r *recordCtx, d *draft) (referral.Program, error) {
	if s := plain(d.program); s != "" {
		prog, ok := p.programs[s] // a feed names a handful of programs, 250,000 times
		if !ok {
			var err error
			if prog, err = referral.ParseProgram(s); err == nil {
				p.programs[s] = prog
			}
		}
		if prog != "" {
			return prog, nil
		}
		r.repair("program", "the program's name is %d characters long, more than %d; used the import's program",
			utf8.RuneCountInString(s), referral.MaxProgram)
	}
	if p.opts.Program != "" {
		return p.opts.Program, nil
	}
	if p.defaultProgram != "" {
		return p.defaultProgram, nil
	}
	return "", referral.Errorf(referral.EINVALID,
		"%s: a %s file does not say which fellowship its groups belong to; choose the program (for example AA or Al-Anon) and import again",
		recordLabel(r.index, r.id, r.name), p.format)
}

// timeZone sets the zone the record itself names. A record without one gets
// its zone when the whole source has been read (see referral.SourceZones).
func (p *parser) timeZone(r *recordCtx, d *draft, g *referral.Group) {
	tz := plain(d.tz)
	if tz == "" {
		return
	}
	if _, err := p.zone(tz); err != nil {
		r.repair("timezone", "time zone %q is unknown; the zone is found from the meeting place or the source instead", tz)
		return
	}
	g.TimeZone = tz
}

func (p *parser) zone(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	if loc, ok := p.zones[name]; ok {
		return loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		// "Local" names the machine's zone, which differs between machines.
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	p.zones[name] = loc
	return loc, nil
}

// sessions reads day(s) and times. By-appointment groups have none. It
// reports false when the record must be skipped.
func (p *parser) sessions(r *recordCtx, d *draft, g *referral.Group) bool {
	var days []time.Weekday
	var badDays []error
	for _, s := range d.days {
		if s = plain(s); s == "" {
			continue
		}
		day, named, err := readDay(s)
		if err != nil {
			badDays = append(badDays, err)
			continue
		}
		if !slices.Contains(days, day) {
			if named && !d.daysNamed {
				r.repair("day", "read day %s as %d", referral.Quote(s), int(day))
			}
			days = append(days, day)
		}
	}
	slices.Sort(days)
	if len(badDays) > 0 && len(days) == 0 {
		// A day was given and none can be read: the group meets on a day
		// the feed does not say. Listed "by appointment" it would be offered
		// to someone who can only come on another.
		r.skip("day", "%v", badDays[0])
		return false
	}
	if n := len(badDays); n > 0 {
		// The listing's other days still say when it meets.
		more := ""
		if n > 1 {
			more = fmt.Sprintf(" (and %d more days that cannot be read)", n-1)
		}
		r.repair("day", "%v%s; left out, the listing keeps its other days", badDays[0], more)
	}
	start := plain(d.start)
	switch {
	case len(days) == 0 && start == "":
		return true // by appointment
	case len(days) == 0:
		r.repair("day", "a time but no day: listed as by appointment")
		return true
	case start == "":
		r.repair("time", "a day but no time: listed as by appointment")
		return true
	}
	c, twelve, err := readClock(start)
	if err != nil {
		r.skip("time", "%v", err)
		return false
	}
	if c >= 24*60 {
		r.skip("time", "start time %q is not a time of day", start)
		return false
	}
	if twelve && p.format != CSV {
		r.repair("time", "read %q as %s", start, c)
	}
	end := p.endTime(r, d, c)
	for _, day := range days {
		g.Sessions = append(g.Sessions, referral.Session{Day: day, Start: c, End: end})
	}
	return true
}

func (p *parser) endTime(r *recordCtx, d *draft, start referral.Clock) referral.Clock {
	if dur := plain(d.duration); dur != "" {
		c, _, err := readClock(dur)
		switch {
		case err != nil:
			r.repair("duration_time", "%v; end time left out", err)
		case c == 0:
		case c > maxSession:
			r.repair("duration_time", "duration %s would make a meeting of %s; end time left out", dur, hours(c))
		default:
			return start + c
		}
		return referral.NoTime
	}
	s := plain(d.end)
	if s == "" {
		return referral.NoTime
	}
	c, twelve, err := readClock(s)
	if err != nil {
		r.repair("end_time", "%v; left out", err)
		return referral.NoTime
	}
	if twelve && p.format != CSV {
		r.repair("end_time", "read %q as %s", s, c)
	}
	end, how := sessionEnd(start, c)
	switch how {
	case endIsStart:
		r.repair("end_time", "the end time %s is the start time; left out", c)
	case endTwelveLater:
		r.repair("end_time", "end time %s is before the start %s; read as %s", c, start, end)
	case endBefore:
		r.repair("end_time", "end time %s is before the start %s; left out", c, start)
	case endTooLong:
		r.repair("end_time", "end time %s would make the meeting from %s last %s; left out",
			c, start, hours(endAfter(start, c)-start))
	}
	return end
}

// madeID gives a record without an id a stable one, so importing the same file
// again updates the group instead of adding a copy.
func madeID(d *draft, g *referral.Group) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%v\x00%s\x00%s", g.Name, g.Sessions, plain(d.formatted), plain(d.place.Address))
	return fmt.Sprintf("made-%016x", h.Sum64())
}

func (p *parser) place(r *recordCtx, d *draft, g *referral.Group) {
	pl := d.place
	g.Place = referral.Place{
		Location: r.prose("location", pl.Location, maxLine), Address: r.prose("address", pl.Address, maxLine),
		City: r.prose("city", pl.City, maxLine), State: r.prose("state", pl.State, maxLine),
		PostalCode: r.short("postal_code", plain(pl.PostalCode), maxLine), Country: r.prose("country", pl.Country, maxLine),
		Notes: r.prose("location_notes", pl.Notes, maxProse),
	}
	if g.Place.Address == "" && g.Place.City == "" && g.Place.State == "" && g.Place.PostalCode == "" && g.Place.Country == "" {
		if f := r.prose("formatted_address", d.formatted, maxLine); f != "" {
			splitAddress(f, &g.Place)
		}
	}
	for _, reg := range pl.Regions {
		// Regions are labels: one line each, so every format can list them.
		if reg = strings.Join(strings.Fields(r.prose("regions", reg, maxLine)), " "); reg != "" {
			g.Place.Regions = append(g.Place.Regions, reg)
		}
	}
	g.Place.Coords = p.coords(r, d)
	switch a := strings.ToLower(plain(d.approx)); a {
	case "yes", "true", "1":
		g.Place.Approximate = true
	case "no", "false", "0":
	case "":
		// Meeting Guide coordinates come from geocoding the address, so a
		// listing with a town but no street is a town centre, not a door to
		// knock on (the plugin marks these approximate; plain feeds do not).
		// BMLT places are pinned by hand and keep their pin.
		pl := g.Place
		if p.format != BMLT && pl.Address == "" && (pl.City != "" || pl.PostalCode != "") {
			g.Place.Approximate = true
			r.repair("formatted_address", "only a town, no street address: marked approximate")
		}
	default:
		r.repair("approximate", "%q is neither yes nor no; read as no", a)
	}
}

// placeAtZIP gives a US listing people go to, with a ZIP but no usable
// coordinates, its ZIP's Census point, so that it is matched by distance
// rather than left out of every search near the client. Online listings need
// no point.
func (p *parser) placeAtZIP(r *recordCtx, g *referral.Group) {
	if p.opts.PlaceZIP == nil || g.Place.Coords != nil || !g.Attendance.MeetsInPerson() {
		return
	}
	zip, ok := usZIP(g.Place)
	if !ok {
		return
	}
	if pt, ok := p.opts.PlaceZIP(zip); ok {
		g.Place.Coords, g.Place.CoordsFromZIP = &pt, true
		r.repair("latitude", "no coordinates: placed at ZIP %s's Census point; distance is approximate", zip)
	}
}

func (p *parser) coords(r *recordCtx, d *draft) *referral.Point {
	lat, lon := plain(d.lat), plain(d.lon)
	if lat == "" && lon == "" {
		return nil
	}
	y, errY := strconv.ParseFloat(lat, 64)
	x, errX := strconv.ParseFloat(lon, 64)
	switch {
	case lat == "" || lon == "":
		r.repair("latitude", "only one of latitude and longitude is given; coordinates left out")
	case errY != nil || errX != nil:
		r.repair("latitude", "coordinates %q, %q are not numbers; left out", lat, lon)
	case !(y >= -90 && y <= 90 && x >= -180 && x <= 180):
		r.repair("latitude", "coordinates %s, %s are not on Earth; left out", lat, lon)
	case y == 0 && x == 0:
		r.repair("latitude", "coordinates 0, 0 are a placeholder, not a place; left out")
	default:
		if d.coordsText {
			r.repair("latitude", "coordinates given as text; read as numbers")
		}
		return &referral.Point{Lat: y, Lon: x}
	}
	return nil
}

func (p *parser) onlineAccess(r *recordCtx, d *draft, g *referral.Group) {
	o := referral.OnlineAccess{URLNotes: referral.PlainText(d.online.URLNotes), PhoneNotes: referral.PlainText(d.online.PhoneNotes)}
	link, text := webLink(r, "conference_url", d.online.URL, "kept as text in the link's notes, never as a link")
	o.URL = link
	// Keep what the feed said where a person can still read it.
	o.URLNotes = r.short("conference_url_notes", joinLines(text, o.URLNotes), maxProse)
	// Commas, "#" and "*" are how one-tap dial strings pause and answer the
	// conference's prompts, so dialable keeps them whole. Anything else is
	// kept where a person can still read it, and the report says so: the
	// sheet prints it as text, not as a number to call.
	raw := plain(d.online.Phone)
	if t := strings.TrimPrefix(strings.TrimPrefix(raw, "tel:"), "TEL:"); raw == "" || dialable(t) {
		o.Phone, _ = phone(r, "conference_phone", raw)
	} else {
		r.repair("conference_phone", "%s is not a phone number to dial; kept as text in the dial-in notes, and the sheet will not print it as a number to call", referral.Quote(raw))
		o.PhoneNotes = joinLines(raw, o.PhoneNotes)
	}
	o.PhoneNotes = r.short("conference_phone_notes", o.PhoneNotes, maxProse)
	g.Online = o
}

func (p *parser) contact(r *recordCtx, d *draft, g *referral.Group) {
	c := referral.Contact{Entity: r.prose("group", d.contact.Entity, maxLine)}
	c.Website, _ = webLink(r, "website", d.contact.Website, "left out")
	c.FeedbackURL, _ = webLink(r, "feedback_url", d.contact.FeedbackURL, "left out")
	if ph, ok := phone(r, "phone", d.contact.Phone); ok {
		c.Phone = ph
	}
	if e := plain(d.contact.Email); e != "" {
		if len(e) <= maxEmail && strings.Contains(e, "@") && !strings.ContainsAny(e, " \t\n<>") {
			c.Email = strings.TrimPrefix(e, "mailto:")
		} else {
			r.repair("email", "%s is not an email address; left out", referral.Quote(e))
		}
	}
	g.Contact = c
}

// maxEmail is the longest address mail systems deliver to (RFC 5321).
const maxEmail = 254

// webLink reads a link field. An http(s) link is the link; "www.example.org"
// gets its https://. Other text is reported and returned as text, for a
// field whose text a person may still read (kept says where it went).
//
// A link of any other kind — javascript:, data:, vbscript:, file:,
// zoommtg:// — is neither: it is no page a person can open from a sheet,
// and some would run code in whatever program one day follows it. It is
// dropped whole, with a note.
func webLink(r *recordCtx, field, s, kept string) (link, text string) {
	s = plain(s)
	switch {
	case s == "":
		return "", ""
	case len(s) > maxLink:
		r.repair(field, "the link is %s characters long, more than %s; left out", referral.Thousands(utf8.RuneCountInString(s)), referral.Thousands(maxLink))
		return "", ""
	case isWebLink(s):
		return s, ""
	}
	if scheme := otherScheme(s); scheme != "" {
		r.repair(field, "%s is a %s: link, not a web address (http or https); left out", referral.Quote(s), scheme)
		return "", ""
	}
	if !strings.Contains(s, "://") && !strings.ContainsAny(s, " \n") && isDomainLink("https://"+s) {
		r.repair(field, "link %s has no https://; added it", referral.Quote(s))
		return "https://" + s, ""
	}
	r.repair(field, "%s is not a web link; %s", referral.Quote(s), kept)
	return "", s
}

func isWebLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		!strings.ContainsAny(s, " \t\n")
}

// isDomainLink is isWebLink for a link whose host is a domain name with a
// dot ("zoom.us"), the way people write a site without its https://:
// "Passcode:42" would otherwise become a link to a host named Passcode.
func isDomainLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && isWebLink(s) && strings.Contains(strings.Trim(u.Hostname(), "."), ".")
}

// alwaysCode are the schemes whose links run code or carry a document of
// their own: dropped even when they look like text ("javascript: void(0)").
var alwaysCode = map[string]bool{"javascript": true, "vbscript": true, "data": true, "file": true, "blob": true}

// otherScheme returns the scheme of a link that is not a web link, as a
// browser would read it, or "" for text. A browser ignores leading spaces
// and controls and every tab and line break in an address, so
// "java\tscript:" is javascript: too. Text that merely has a colon
// ("Meeting ID: 123", "Passcode:42") is text, unless its scheme is one that
// runs code or it goes on with "//" as only links do.
func otherScheme(s string) string {
	t := strings.Map(func(c rune) rune {
		if c == '\t' || c == '\n' || c == '\r' {
			return -1
		}
		return c
	}, s)
	t = strings.TrimLeftFunc(t, func(c rune) bool { return c <= ' ' })
	i := strings.IndexByte(t, ':')
	if i < 1 {
		return ""
	}
	scheme := strings.ToLower(t[:i])
	for j, c := range scheme {
		letter := 'a' <= c && c <= 'z'
		if !letter && (j == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return ""
		}
	}
	if scheme == "http" || scheme == "https" {
		return "" // a web link that is broken, which the caller reports as text
	}
	if alwaysCode[scheme] || strings.HasPrefix(t[i+1:], "//") {
		return scheme
	}
	return ""
}

// maxPhone is longer than any number with its extension and the pauses and
// codes a one-tap dial string adds.
const maxPhone = 100

// dialable reports whether s is a phone number as referral.Group.Validate
// allows it: at least three digits among + ( ) - . , # * and spaces.
func dialable(s string) bool {
	if len(s) > maxPhone {
		return false
	}
	digits := 0
	for _, c := range s {
		switch {
		case '0' <= c && c <= '9':
			digits++
		case strings.ContainsRune(" +()-.,#*", c):
		default:
			return false
		}
	}
	return digits >= 3
}

// phone accepts dialable numbers, repairs a "tel:" prefix and reports anything
// else (returning it with ok false).
func phone(r *recordCtx, field, s string) (string, bool) {
	s = plain(s)
	if s == "" {
		return "", false
	}
	if t := strings.TrimPrefix(strings.TrimPrefix(s, "tel:"), "TEL:"); t != s && dialable(t) {
		r.repair(field, "dropped \"tel:\" from %s", referral.Quote(s))
		return t, true
	}
	if dialable(s) {
		return s, true
	}
	r.repair(field, "%s is not a phone number to dial; left out of the number", referral.Quote(s))
	return s, false
}

func joinLines(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n" + b
}

// types reads the codes through the program's vocabulary.
func (p *parser) types(r *recordCtx, d *draft, g *referral.Group) decoded {
	v := d.vocab
	if v == nil {
		v = vocabularyFor(g.Program)
	}
	codes, dec, notes, unknown := v.decode(rawCodes(r, d.codes))
	for _, n := range notes {
		r.repair("types", "%s", n)
	}
	if v.keys == nil && slices.Contains(codes, "ONL") {
		r.repair("types", "type ONL (retired from the spec in 2022) read as: meets online")
	}
	for _, c := range unknown {
		p.noteUnknown(c, g.Program, d.index)
	}
	g.Types = codes
	g.Service = p.isService(v, codes, g.Name)
	langs := d.languages
	if d.langIsHint && len(dec.attrs.Languages) > 0 {
		langs = nil
	}
	if len(langs) > maxCodes {
		r.repair("languages", "%d languages listed; only the first %d read", len(langs), maxCodes)
		langs = langs[:maxCodes]
	}
	for _, l := range langs {
		l = strings.ToLower(plain(l))
		if !isLanguageCode(l) {
			if l != "" {
				r.repair("language", "%q is not a language code such as en or es; left out", l)
			}
			continue
		}
		addLanguage(&dec.attrs, l)
	}
	slices.Sort(dec.attrs.Languages)
	g.Attributes = dec.attrs
	// The codes now say what the attributes say, in the program's codes, so
	// an export reads back as this group: a code is added only for what the
	// file said outside its codes (a languages column, BMLT's lang_enum), and
	// a BMLT server's key that the standard keys read otherwise is replaced.
	g.Types = referral.TypeCodes(g.Program, g.Attributes, codes)
	if g.Attributes.Openness == referral.OpenAndClosed {
		r.contradiction("types", "listed as both open and closed: kept as both, read as closed for family members, with a caution to call ahead")
	}
	if g.Attributes.Audience == referral.WomenAndMen {
		r.contradiction("types", "listed as both women only and men only: neither is trusted, with a caution to call ahead")
	}
	return dec
}

// rawCodes are a listing's type codes as written, at most maxCodes of them,
// each at most maxCode characters long: more is no listing's, and each code
// is looked up against every one before it.
func rawCodes(r *recordCtx, written []string) []string {
	var raw []string
	long, more := 0, 0
	for _, c := range written {
		// Some feeds send "O,D" as one code; every format splits on commas.
		for _, part := range strings.Split(c, ",") {
			switch part = plain(part); {
			case part == "":
			case utf8.RuneCountInString(part) > maxCode:
				long++
			case len(raw) == maxCodes:
				more++
			default:
				raw = append(raw, part)
			}
		}
	}
	if long > 0 {
		r.repair("types", "%d type codes are longer than %d characters, which no code or type name is; left out", long, maxCode)
	}
	if more > 0 {
		r.repair("types", "%d type codes listed; only the first %d read", len(raw)+more, maxCodes)
	}
	return raw
}

func isLanguageCode(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for _, c := range s {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func (p *parser) noteUnknown(code string, prog referral.Program, index int) {
	k := [2]string{code, string(prog)}
	if i, ok := p.unknown[k]; ok {
		p.res.UnknownTypes[i].Count++
		return
	}
	p.unknown[k] = len(p.res.UnknownTypes)
	p.res.UnknownTypes = append(p.res.UnknownTypes, UnknownType{Code: code, Program: prog, Count: 1, First: index})
}

// attendance takes the feed's attendance_option, else derives it as the
// Meeting Guide ecosystem does. A group with no place and no way to join
// online cannot be attended, so it is inactive rather than "in person".
func (p *parser) attendance(r *recordCtx, d *draft, g *referral.Group, dec decoded) {
	if a := referral.Attendance(strings.ToLower(plain(d.attendance))); a != "" {
		if slices.Contains(referral.Attendances, a) {
			g.Attendance = a
			if dec.closed && a.MeetsInPerson() {
				// TC says the place is closed for now: nobody should be sent
				// to its door, as when attendance is worked out from TC.
				g.Attendance = referral.DeriveAttendance(a == referral.Hybrid || g.Online.Has() || dec.online, true, false)
				r.contradiction(attendanceField[p.format], "%q but temporarily closed (TC): read as %s", a, g.Attendance)
			}
			return
		}
		r.repair("attendance_option", "%q is not in_person, online, hybrid or inactive; worked out from the listing", a)
	}
	pl := g.Place
	noPlace := pl.Address == "" && pl.City == "" && pl.PostalCode == "" && pl.Coords == nil
	hasOnline := g.Online.Has() || dec.online
	g.Attendance = referral.DeriveAttendance(hasOnline, dec.closed, pl.Approximate || noPlace)
	if noPlace && !hasOnline {
		r.repair("formatted_address", "no address and no way to join online: listed as inactive")
	}
}

// published reads the curation a desk's export carries into g.Published,
// from this source. A value that cannot be read is left out and reported;
// the rest is kept.
func (p *parser) published(r *recordCtx, d *draft, g *referral.Group) {
	var c referral.Curation
	switch m := referral.MedicationFriendly(strings.ToLower(plain(d.medication))); m {
	case "", referral.MedicationUnknown, referral.MedicationYes, referral.MedicationNo:
		c.MedicationFriendly = m
	default:
		r.repair(fieldMedication, "%q is not yes, no or unknown; left out", d.medication)
	}
	if v := plain(d.verified); v != "" {
		day, err := time.Parse(time.DateOnly, v)
		if err != nil {
			r.repair(fieldVerifiedOn, "%q is not a date like 2026-03-14; left out", v)
		}
		c.VerifiedOn = day
	}
	c.Notes = referral.PlainText(d.counselorNotes)
	switch h := strings.ToLower(plain(d.hidden)); h {
	case "yes", "true", "1":
		c.Hidden = true
	case "", "no", "false", "0":
	default:
		r.repair(fieldHidden, "%q is neither yes nor no; read as no", h)
	}
	if c.Said() != 0 {
		c.From = p.opts.Source
		g.Published = c
	}
}
