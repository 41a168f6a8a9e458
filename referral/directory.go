package referral

import (
	"context"
	"image"
	"io"
	"time"
)

// ImportOptions say how to read one directory file.
type ImportOptions struct {
	Source  string  // the source's name; listings are replaced per source
	Format  string  // "meeting-guide", "bmlt", "csv"; "" detects it from the content
	Program Program // fellowship of records that do not name one; any name (see ParseProgram)
	// TimeZone is the zone for listings whose own data gives none, when the
	// source's meeting places do not agree on one (see SourceZones); ""
	// leaves it to Settings.
	TimeZone string
	// Progress, when set, is called off the caller's goroutine with the number
	// of records read so far.
	Progress func(done int)
	// Force replaces the source even when the import would remove most of
	// its listings (an ECONFLICT refusal otherwise), after the person saw
	// how many would go. Files with no usable record are refused anyway.
	Force bool
}

// RecordNote says what happened to one record of an imported file.
type RecordNote struct {
	Index    int    // 0-based position of the record in the file
	SourceID string // the record's slug or id, if it had one
	Name     string // the record's name, if it had one
	Field    string // the feed's field concerned
	Text     string // the reason it was skipped, or the repair made
}

// ImportReport is what an import did, for the person who ran it.
type ImportReport struct {
	File      string
	Source    string
	Format    string
	Added     int
	Updated   int
	Removed   int
	Unchanged int
	Skipped   []RecordNote
	Repaired  []RecordNote
	// UnknownTypes lists type codes no vocabulary explains, each once; they
	// stay on the groups as raw codes.
	UnknownTypes []string
	Zone         ZoneReport // the source's time zone and how listings got theirs
	// Unplaced counts listings people attend in person that have neither
	// coordinates nor a ZIP to place them by: distance cannot find them.
	Unplaced int
	// Service counts the service meetings (Group.Service) read: kept in the
	// directory, never offered to a client.
	Service int
	// Contradictions are listings that say two things that exclude each
	// other (open and closed, women only and men only, temporarily closed yet
	// in person), with the safer reading each was given.
	Contradictions []RecordNote
}

// ExportOptions say what Export writes.
type ExportOptions struct {
	Format string // "meeting-guide" or "csv"
	Source string // only this source's groups; "" for the whole directory
	// WithCuration writes each group's curation (medication-friendly,
	// verified on, counselor notes, hidden) as Meeting Guide extension
	// fields, for the other desks of a clinic network to import or
	// subscribe to as that source's curation (Group.Published). Counselor
	// notes leave the clinic with the file, so it is asked for each time.
	WithCuration bool
}

// Source is one directory that groups were imported from.
type Source struct {
	Name       string
	Format     string
	Groups     int
	LastImport time.Time
}

// DirectoryService brings whole directories in and out of the store.
type DirectoryService interface {
	// Import reads one file and, in one transaction, adds, updates and removes
	// the listings of opts.Source so they equal the file's, keeping curation.
	// A file that cannot be read changes nothing. Nor does one that breaks
	// the rule that an import never destroys (Replacement.Check): one with
	// no usable record, or HTML or other content that is no feed (EINVALID),
	// or one that would remove more than half of the source's active
	// listings without opts.Force (a *ShrinkError, ECONFLICT). Cancelling
	// ctx leaves the directory as it was.
	Import(ctx context.Context, r io.Reader, opts ImportOptions) (*ImportReport, error)
	// Export writes the directory, or one source, as opts says.
	Export(ctx context.Context, w io.Writer, opts ExportOptions) error
	// Sources lists the imported sources by name.
	Sources(ctx context.Context) ([]Source, error)
	// RemoveSource deletes every listing of a source; curation is kept in case
	// it is imported again.
	RemoveSource(ctx context.Context, name string) error
}

// MatchService matches a client's needs against the whole directory.
type MatchService interface {
	Match(ctx context.Context, needs Needs, now time.Time) (Result, error)
}

// PlaceFinder completes place names (Needs.Place) from the directory.
type PlaceFinder interface {
	// Places returns at most limit names of cities, towns and regions where
	// in-person groups meet that start with prefix, most groups first.
	Places(ctx context.Context, prefix string, limit int) ([]string, error)
}

// ZIPLocation is where a ZIP code is.
type ZIPLocation struct {
	Point       Point
	ZCTA        string // the Census area used; differs from the ZIP when Approximate
	Approximate bool   // the ZIP has no area of its own; the nearest one with its prefix was used
}

// Locator finds where a ZIP code is.
type Locator interface {
	LocateZIP(zip string) (ZIPLocation, error)
}

// SheetRenderer draws referral sheets.
type SheetRenderer interface {
	// RenderPDF writes the sheet as a PDF document.
	RenderPDF(ctx context.Context, w io.Writer, s Sheet) error
	// Preview draws the sheet's pages as images for the screen, at about
	// dpi dots per inch.
	Preview(ctx context.Context, s Sheet, dpi int) ([]image.Image, error)
}
