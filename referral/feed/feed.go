// Package feed reads and writes the directory formats support groups are
// published in — Meeting Guide JSON (AA intergroups, the 12 Step Meeting List
// plugin), BMLT JSON (NA) and the 12 Step Meeting List CSV — and turns each
// record into a referral.Group.
//
// Real feeds are messy, so Parse repairs what it safely can ("7:30 PM",
// coordinates as text, the retired ONL type, HTML in notes) and skips what it
// cannot (no name, a time that cannot be read, a duplicate id), and says so in
// the Result: the import screen shows that report to the person importing.
// A file that cannot be read at all is refused with a referral.EINVALID error
// and no groups, so a bad file never changes the directory.
//
// What a careless export or a hostile feed holds gets the same treatment,
// in every format alike:
//   - text is plain text (referral.PlainText): tags and scripts are never
//     interpreted, bytes that are not UTF-8 become U+FFFD and invisible
//     direction overrides are removed, each with a repair note;
//   - a link is an http(s) link or nothing: javascript:, data: and other
//     links are dropped with a note, never kept, not even as text;
//   - coordinates off the globe (or NaN) are left out and the listing kept
//     without a place; a day that cannot be read drops that day's session,
//     and a listing left with no day it can meet on is skipped (a listing
//     that gives no day at all is by appointment, as before);
//   - a day or time of the wrong JSON kind (an object, a list) skips the
//     listing: read as none it would turn a weekly meeting into one by
//     appointment;
//   - a value far longer than any listing's (a name of a megabyte) is
//     shortened, with a note, or for an id, link or number not used;
//   - of two records with one id, the first is kept and the second skipped
//     with a note naming both: an id is what the next import updates by.
//
// Type codes become plain attributes through a vocabulary chosen by the
// group's program, because fellowships do not share codes: Meeting Guide codes
// for AA and most others, NAWS world ids (through each BMLT file's format
// table) for NA, both read from the one table referral.Vocabulary. Unknown
// codes are kept in Group.Types and listed once each.
//
// WriteMeetingGuide and WriteCSV export groups so that parsing the export gives
// back equal groups: besides the standard fields they write the few the
// formats lack (program, timezone, attendance_option, coordinates, languages),
// and the types say the group's Attributes (referral.TypeCodes), so an
// attribute edited in the Directory is exported. The clinic's curation is
// written only when asked (WriteMeetingGuideWith), as referraldesk_
// extension fields, and read back as the source's Group.Published.
//
// The package is pure: no database, no GUI, no network.
package feed

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"referraldesk/referral"
)

// Format is a directory file format.
type Format string

const (
	MeetingGuide Format = "meeting-guide" // Meeting Guide JSON: an array of meetings
	BMLT         Format = "bmlt"          // BMLT GetSearchResults JSON (NA)
	CSV          Format = "csv"           // 12 Step Meeting List CSV export/import
)

// Formats lists the formats Parse reads, for flags and menus.
var Formats = []Format{MeetingGuide, BMLT, CSV}

// ParseFormat reads a format name as a person types it ("mg", "BMLT", "csv").
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "meeting-guide", "meetingguide", "meeting guide", "mg", "json", "tsml":
		return MeetingGuide, nil
	case "bmlt":
		return BMLT, nil
	case "csv":
		return CSV, nil
	}
	return "", referral.Errorf(referral.EINVALID, "format %q is unknown; use meeting-guide, bmlt or csv", s)
}

// Options control Parse. The zero value detects the format and leaves the
// program to the feed, which only BMLT (NA) and this package's own exports name.
type Options struct {
	Format  Format           // "" detects the format from the content
	Source  string           // set as every group's Source, e.g. "aasepia"
	Program referral.Program // the fellowship of records that do not name one; any name
	// Time zones: a record's own zone, else the zone at its meeting place
	// (ZoneAt; nil finds none), else the source's: most of its meeting places'
	// zone, else TimeZone, SettingsZone, ClinicZone in that order (see
	// referral.SourceZones). Result.Zone says which it was.
	TimeZone     string // the zone this import was given; "" for none
	SettingsZone string // Settings' feed.timezone
	ClinicZone   string // the clinic's zone
	ZoneAt       func(referral.Point) string
	// PlaceZIP, when set, gives the Census point of a 5-digit US ZIP. A US
	// listing with a ZIP and no coordinates is placed there (marked
	// Place.CoordsFromZIP), so a distance can still be given for it.
	PlaceZIP func(zip string) (referral.Point, bool)
	// Progress, when set, is called from Parse's goroutine with the number of
	// records read so far, every few hundred records and once at the end.
	Progress func(done int)
}

// Result is what Parse read: the groups, and a report of every record it
// skipped or repaired, for the person importing.
type Result struct {
	Format       Format
	Groups       []*referral.Group
	Records      int // records read, including skipped ones
	Skipped      []Skip
	Repaired     []Repair
	UnknownTypes []UnknownType // each code once, sorted by code
	Zone         referral.ZoneReport
	// Unplaced counts the in-person and hybrid listings kept with no
	// coordinates, even after PlaceZIP: no distance can be given for them.
	// Service meetings are not counted: a match never looks for them.
	Unplaced int
	// Service counts the service meetings kept (referral.Group.Service).
	Service int
	// Contradictions are the kept records that say two things that exclude
	// each other — open and closed, women only and men only, temporarily
	// closed yet attended in person — and the safer reading each was given
	// (see referral.OpenAndClosed, referral.WomenAndMen).
	Contradictions []Repair
	// Empty counts the records that held nothing (JSON null), each also
	// skipped: a file of only these has no meeting in it.
	Empty int
}

// Skip is a record Parse left out and why.
type Skip struct {
	Index    int    // 0-based position of the record in the file (for CSV: data row, header excluded)
	SourceID string // the record's slug or id, if it had one
	Name     string // the record's name, if it had one
	Field    string // the feed's field that was wrong, e.g. "time"
	Reason   string
}

func (s Skip) String() string {
	return fmt.Sprintf("%s skipped: %s: %s", recordLabel(s.Index, s.SourceID, s.Name), s.Field, s.Reason)
}

// Repair is a change Parse made to a record so it could be kept.
type Repair struct {
	Index    int
	SourceID string
	Name     string
	Field    string
	What     string
}

func (r Repair) String() string {
	return fmt.Sprintf("%s repaired: %s: %s", recordLabel(r.Index, r.SourceID, r.Name), r.Field, r.What)
}

// UnknownType is a type code no vocabulary explains. It stays in Group.Types.
type UnknownType struct {
	Code    string
	Program referral.Program
	Count   int // records using it
	First   int // index of the first record using it
}

func recordLabel(index int, id, name string) string {
	s := fmt.Sprintf("record %d", index+1)
	if id != "" {
		s += fmt.Sprintf(" (id %q)", id)
	}
	if name != "" {
		s += fmt.Sprintf(" %q", name)
	}
	return s
}

// detectSize is how much of a file Detect needs to see: enough for the first
// record of any format.
const detectSize = 64 << 10

// Detect tells the format from the first bytes of a file. Content that is no
// feed is refused with an EINVALID error that says what it is: nothing, HTML
// (a web page), XML, UTF-16 or binary data, a single JSON value, a table not
// separated by commas, or other plain text.
func Detect(head []byte) (Format, error) {
	if err := notFeed(head); err != nil {
		return "", err
	}
	head = bytes.TrimPrefix(head, utf8BOM)
	trimmed := bytes.TrimLeft(head, " \t\r\n\f")
	switch trimmed[0] {
	case '{':
		// Only BMLT's get_used_formats answer is an object.
		return BMLT, nil
	case '[':
		for _, key := range bmltMarkers {
			if bytes.Contains(trimmed, []byte(key)) {
				return BMLT, nil
			}
		}
		return MeetingGuide, nil
	}
	line := trimmed
	if i := bytes.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	if bytes.Contains(line, []byte(",")) && bytes.Contains(bytes.ToLower(line), []byte("name")) {
		return CSV, nil
	}
	return "", plainTextError(trimmed)
}

// bmltMarkers are field names only BMLT meetings have.
var bmltMarkers = []string{`"id_bigint"`, `"weekday_tinyint"`, `"meeting_name"`}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Parse reads a directory file. It streams: a file far larger than memory's
// comfort is read record by record, never held whole. A file that cannot be
// read returns a referral.EINVALID error (or ctx's error) and no Result.
func Parse(ctx context.Context, r io.Reader, opts Options) (*Result, error) {
	for _, z := range []string{opts.TimeZone, opts.SettingsZone, opts.ClinicZone} {
		if _, err := time.LoadLocation(z); err != nil || z == "Local" {
			return nil, referral.Errorf(referral.EINVALID, "time zone %q is unknown; use an IANA name such as America/New_York", z)
		}
	}
	if opts.Program != "" {
		p, err := referral.ParseProgram(string(opts.Program))
		if err != nil {
			return nil, err
		}
		opts.Program = p
	}
	br := bufio.NewReaderSize(r, detectSize)
	// Skip a byte-order mark so neither JSON nor CSV readers see it.
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, utf8BOM) {
		br.Discard(3)
	}
	head, err := br.Peek(detectSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("read feed: %w", err)
	}
	// A web page or a workbook is refused as what it is even when the
	// format is given, rather than as broken JSON or a CSV without columns.
	if err := notFeed(head); err != nil {
		return nil, err
	}
	format := opts.Format
	if format == "" {
		if format, err = Detect(head); err != nil {
			return nil, err
		}
	}
	p := newParser(ctx, opts, format)
	switch format {
	case MeetingGuide:
		err = p.readMeetingGuide(br)
	case BMLT:
		err = p.readBMLT(br)
	case CSV:
		err = p.readCSV(br)
	default: // a forced format with a name this package does not know
		_, err = ParseFormat(string(format))
	}
	if err != nil {
		return nil, err
	}
	return p.result(), nil
}
