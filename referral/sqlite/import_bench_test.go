package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/feed"
	"referraldesk/referral/referraltest"
	"referraldesk/referral/sqlite"
)

// realFeed is one of the three real directory files in testdata/feeds.
type realFeed struct {
	file string
	opts feed.Options
}

var (
	sepiaFeed = realFeed{"aa-sepia-meeting-guide.json",
		feed.Options{Source: "aasepia", Program: referral.ProgramAA, TimeZone: "America/New_York"}}
	alanonFeed = realFeed{"al-anon-ma-meeting-guide.json",
		feed.Options{Source: "alanonma", Program: referral.ProgramAlAnon, TimeZone: "America/New_York"}}
	gnyrFeed = realFeed{"na-greater-ny-bmlt.json", feed.Options{Source: "gnyr", TimeZone: "America/New_York"}}
)

func (f realFeed) groups(tb testing.TB) []*referral.Group {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "feeds", f.file))
	if err != nil {
		tb.Fatal(err)
	}
	res, err := feed.Parse(context.Background(), bytes.NewReader(data), f.opts)
	if err != nil {
		tb.Fatalf("parse %s: %v", f.file, err)
	}
	return res.Groups
}

const bench250k = 250_000

// sepiaData is the SEPIA feed replicated to 250,000 groups and written as
// Meeting Guide JSON: the file both import benchmarks read, made once.
var (
	sepiaOnce sync.Once
	sepiaData []byte
)

func sepiaFile(b *testing.B) []byte {
	b.Helper()
	sepiaOnce.Do(func() {
		groups := referraltest.Replicate(sepiaFeed.groups(b), bench250k, referraltest.Centroids(), 250)
		var buf bytes.Buffer
		if err := feed.WriteMeetingGuide(&buf, groups); err != nil {
			b.Fatal(err)
		}
		sepiaData = buf.Bytes()
	})
	if sepiaData == nil {
		b.Fatal("the replicated SEPIA feed could not be made")
	}
	return sepiaData
}

// freshStore opens a new, empty database file in its own folder.
func freshStore(b *testing.B) (*sqlite.DB, string) {
	b.Helper()
	dir, err := os.MkdirTemp("", "referraldesk-import-")
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "referraldesk.db")
	db, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	return db, dir
}

// BenchmarkImport250k is a whole import as the app runs it: parse a
// 250,000-group Meeting Guide file and replace its source in a new store.
func BenchmarkImport250k(b *testing.B) {
	data := sepiaFile(b)
	b.ResetTimer() // the file is made once, on the first call
	ctx := context.Background()
	src := referral.Source{Name: sepiaFeed.opts.Source, Format: string(feed.MeetingGuide)}
	var groups int
	var parse, store time.Duration // the two halves, reported per op
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, dir := freshStore(b)
		b.StartTimer()
		start := time.Now()
		res, err := feed.Parse(ctx, bytes.NewReader(data), sepiaFeed.opts)
		if err != nil {
			b.Fatal(err)
		}
		parsed := time.Now()
		counts, err := sqlite.NewGroupService(db).ReplaceSource(ctx, src, res.Groups)
		if err != nil {
			b.Fatal(err)
		}
		parse += parsed.Sub(start)
		store += time.Since(parsed)
		b.StopTimer()
		groups = counts.Added
		db.Close()
		os.RemoveAll(dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(groups), "groups")
	b.ReportMetric(parse.Seconds()/float64(b.N), "parse-s/op")
	b.ReportMetric(store.Seconds()/float64(b.N), "store-s/op")
}

// floorRecord is a Meeting Guide meeting decoded as plainly as possible.
type floorRecord struct {
	Name             string          `json:"name"`
	Slug             string          `json:"slug"`
	Day              json.RawMessage `json:"day"`
	Time             string          `json:"time"`
	EndTime          string          `json:"end_time"`
	Types            []string        `json:"types"`
	Notes            string          `json:"notes"`
	Location         string          `json:"location"`
	LocationNotes    string          `json:"location_notes"`
	Address          string          `json:"address"`
	City             string          `json:"city"`
	State            string          `json:"state"`
	PostalCode       string          `json:"postal_code"`
	Country          string          `json:"country"`
	Latitude         *float64        `json:"latitude"`
	Longitude        *float64        `json:"longitude"`
	Regions          []string        `json:"regions"`
	ConferenceURL    string          `json:"conference_url"`
	ConferencePhone  string          `json:"conference_phone"`
	AttendanceOption string          `json:"attendance_option"`
	Timezone         string          `json:"timezone"`
	Program          string          `json:"program"`
	Updated          string          `json:"updated"`
}

// BenchmarkImportFloor250k is the least any import of the same file must do:
// decode it with encoding/json into plain structs and insert the same number
// of rows, one statement a row in one transaction, into the same groups
// table and its indexes. It is a lower bound: it checks and repairs nothing,
// derives no attributes and writes only the record's notes as the row's data.
func BenchmarkImportFloor250k(b *testing.B) {
	data := sepiaFile(b)
	b.ResetTimer() // the file is made once, on the first call
	ctx := context.Background()
	var rows int
	var decode, insert time.Duration // the two halves, reported per op
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, dir := freshStore(b) // the real schema: same columns, indexes, search table
		db.Close()
		raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "referraldesk.db")+
			"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_txlock=immediate")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		var records []floorRecord
		if err := json.Unmarshal(data, &records); err != nil {
			b.Fatal(err)
		}
		decoded := time.Now()
		if err := floorInsert(ctx, raw, records); err != nil {
			b.Fatal(err)
		}
		decode += decoded.Sub(start)
		insert += time.Since(decoded)
		b.StopTimer()
		rows = len(records)
		raw.Close()
		os.RemoveAll(dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(rows), "groups")
	b.ReportMetric(decode.Seconds()/float64(b.N), "decode-s/op")
	b.ReportMetric(insert.Seconds()/float64(b.N), "insert-s/op")
}

func floorInsert(ctx context.Context, db *sql.DB, records []floorRecord) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insert, err := tx.PrepareContext(ctx, `INSERT INTO groups
		(source, source_id, updated, name, program, attendance, timezone, days, lat, lon, data, created_at, modified_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insert.Close()
	const now = "2025-03-04T10:30:00.000000000Z"
	for _, r := range records {
		days := 0
		for _, c := range r.Day { // an int or a list of ints, 0–6
			if c >= '0' && c <= '6' {
				days |= 1 << (c - '0')
			}
		}
		var lat, lon any
		if r.Latitude != nil && r.Longitude != nil {
			lat, lon = *r.Latitude, *r.Longitude
		}
		res, err := insert.ExecContext(ctx, "aasepia", r.Slug, r.Updated, r.Name, r.Program, r.AttendanceOption,
			r.Timezone, days, lat, lon, r.Notes, now, now)
		if err != nil {
			return err
		}
		if _, err := res.LastInsertId(); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// BenchmarkImportBare250k is the floor with no index at all: decode the same
// file as BenchmarkImportFloor250k and insert the same rows into a table with
// the columns of groups and no index of any kind, batched
// many rows to a statement in one transaction. What BenchmarkImport250k costs
// beyond it is the indexes and the import's own checks and derivations.
func BenchmarkImportBare250k(b *testing.B) {
	data := sepiaFile(b)
	b.ResetTimer() // the file is made once, on the first call
	ctx := context.Background()
	var rows int
	var decode, insert time.Duration // the two halves, reported per op
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, dir := freshStore(b)
		db.Close()
		raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "referraldesk.db")+
			"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_txlock=immediate")
		if err != nil {
			b.Fatal(err)
		}
		// A table with the columns of groups and no index of any kind: the
		// least a store of these rows can be.
		if _, err := raw.ExecContext(ctx, `CREATE TABLE bare AS SELECT * FROM groups WHERE FALSE`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		var records []floorRecord
		if err := json.Unmarshal(data, &records); err != nil {
			b.Fatal(err)
		}
		decoded := time.Now()
		if err := bareInsert(ctx, raw, records); err != nil {
			b.Fatal(err)
		}
		decode += decoded.Sub(start)
		insert += time.Since(decoded)
		b.StopTimer()
		var n int
		if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM bare`).Scan(&n); err != nil || n != len(records) {
			b.Fatalf("%d rows stored of %d (%v)", n, len(records), err)
		}
		rows = n
		raw.Close()
		os.RemoveAll(dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(rows), "groups")
	b.ReportMetric(decode.Seconds()/float64(b.N), "decode-s/op")
	b.ReportMetric(insert.Seconds()/float64(b.N), "insert-s/op")
}

// bareInsert inserts records as floorInsert does, bareBatch rows to one
// INSERT statement, and writes no search rows.
func bareInsert(ctx context.Context, db *sql.DB, records []floorRecord) error {
	const bareBatch = 100 // 13 values a row: far below SQLite's limit of variables
	const cols = `(source, source_id, updated, name, program, attendance, timezone, days, lat, lon, data, created_at, modified_at)`
	values := func(n int) string {
		return strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), `, n), ", ")
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	full, err := tx.PrepareContext(ctx, `INSERT INTO bare `+cols+` VALUES `+values(bareBatch))
	if err != nil {
		return err
	}
	defer full.Close()
	const now = "2025-03-04T10:30:00.000000000Z"
	args := make([]any, 0, 13*bareBatch)
	for start := 0; start < len(records); start += bareBatch {
		batch := records[start:min(start+bareBatch, len(records))]
		args = args[:0]
		for _, r := range batch {
			days := 0
			for _, c := range r.Day { // an int or a list of ints, 0–6
				if c >= '0' && c <= '6' {
					days |= 1 << (c - '0')
				}
			}
			var lat, lon any
			if r.Latitude != nil && r.Longitude != nil {
				lat, lon = *r.Latitude, *r.Longitude
			}
			args = append(args, "aasepia", r.Slug, r.Updated, r.Name, r.Program, r.AttendanceOption,
				r.Timezone, days, lat, lon, r.Notes, now, now)
		}
		st := full
		if len(batch) < bareBatch { // the last, short batch
			if st, err = tx.PrepareContext(ctx, `INSERT INTO bare `+cols+` VALUES `+values(len(batch))); err != nil {
				return err
			}
			defer st.Close()
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}
