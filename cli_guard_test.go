package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// guardBase is a database holding the real SEPIA feed as source aasepia, a
// curated group and a logged referral, which the imports below must not
// destroy.
type guardBase struct {
	db       string
	feed     []feedListing
	referred []string // source ids of the groups on the logged sheet
	curated  string   // source id of a referred listing the clinic curated
	active   int      // aasepia's listings that are not inactive
	inactive map[string]bool
}

func newGuardBase(t *testing.T) guardBase {
	t.Helper()
	b := guardBase{db: filepath.Join(t.TempDir(), "desk.db"), feed: readFeed(t, sepiaFeed), inactive: map[string]bool{}}
	importJSONOf(t, "--db", b.db, "import", "--source", "aasepia", "--program", "AA", sepiaFeed)
	if code, _, errOut := runCLI(t, "--db", b.db, "settings", "clinic.timezone=America/New_York"); code != exitOK {
		t.Fatalf("settings: exit %d %s", code, errOut)
	}
	code, _, errOut := runCLI(t, append([]string{"--db", b.db, "sheet", "--limit", "8", "--out", filepath.Join(t.TempDir(), "sheet.pdf")}, giftNeeds...)...)
	if code != exitOK {
		t.Fatalf("sheet exit %d: %s", code, errOut)
	}
	_, hist, _ := runCLI(t, "--db", b.db, "history", "--json")
	var log []referralJSON
	if err := json.Unmarshal([]byte(hist), &log); err != nil || len(log) != 1 || len(log[0].Groups) < 2 {
		t.Fatalf("history --json: %v\n%s", err, hist)
	}
	for _, g := range log[0].Groups {
		b.referred = append(b.referred, g.SourceID)
	}
	b.curated = log[0].Groups[0].SourceID
	code, _, errOut = runCLI(t, "--db", b.db, "curate", fmt.Sprint(log[0].Groups[0].GroupID), "--moud", "yes", "--note", "Ask for Rosa at the door")
	if code != exitOK {
		t.Fatalf("curate exit %d: %s", code, errOut)
	}
	for _, g := range listedGroups(t, b.db) {
		if g.Attendance == string(referral.Inactive) {
			b.inactive[g.SourceID] = true
		} else {
			b.active++
		}
	}
	return b
}

func listedGroups(t *testing.T, db string) []groupJSON {
	t.Helper()
	var gs []groupJSON
	if err := json.Unmarshal([]byte(groupsJSON(t, db)), &gs); err != nil {
		t.Fatal(err)
	}
	return gs
}

// copyOf gives each case its own copy of the base database.
func (b guardBase) copyOf(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "desk.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		data, err := os.ReadFile(b.db + suffix)
		if errors.Is(err, os.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(db+suffix, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// shrunk is the feed without the records drop names, and how many listings
// that removes: all of them, and those of them that are active.
func (b guardBase) shrunk(t *testing.T, drop func(i int, slug string) bool) (content []byte, dropped, active int) {
	t.Helper()
	var kept []feedListing
	for i, l := range b.feed {
		slug, _ := l["slug"].(string)
		if drop(i, slug) {
			dropped++
			if !b.inactive[slug] {
				active++
			}
			continue
		}
		kept = append(kept, l)
	}
	content, err := json.Marshal(kept)
	if err != nil {
		t.Fatal(err)
	}
	return content, dropped, active
}

// state is everything a refused import must leave as it was: the directory
// with its curation, the referral log and the record of each source.
func state(t *testing.T, db string) string {
	t.Helper()
	_, hist, _ := runCLI(t, "--db", db, "history", "--json")
	d, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sources, err := sqlite.NewGroupService(d).Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return groupsJSON(t, db) + "\n" + hist + "\n" + fmt.Sprintf("%+v", sources)
}

type guardCase struct {
	name    string
	file    string // the file's name, as saved
	content []byte
	args    []string // more import flags
	opts    referral.ImportOptions
	// refused is the message of a refusal, with its code; "" for an
	// import that goes ahead and removes removed listings.
	refused, code string
	removed       int
}

const errorPageHTML = "\uFEFF\r\n  <!DOCTYPE html>\n<html lang=\"en\"><head><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
	"<title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"

func guardCases(t *testing.T, b guardBase) []guardCase {
	const (
		noMeeting = "the file has no meeting in it: "
		again     = " — check the address or download it again; nothing was changed"
		html      = noMeeting + "it holds HTML (a web page, perhaps an error page or a login page)" + again
	)
	referred := func(slug string) bool { return slices.Contains(b.referred, slug) }
	// 60%: only the first 40% of the records, and none of the referred groups.
	sixty, sixtyDropped, sixtyGone := b.shrunk(t, func(i int, slug string) bool { return i >= len(b.feed)*4/10 || referred(slug) })
	forty, fortyDropped, fortyGone := b.shrunk(t, func(i int, slug string) bool { return i >= len(b.feed)*6/10 })
	if sixtyGone*2 <= b.active || fortyGone*2 > b.active {
		t.Fatalf("the shrunk feeds remove %d and %d of %d active listings; the test needs more and less than half", sixtyGone, fortyGone, b.active)
	}
	shrinkMsg := fmt.Sprintf("this import would remove %s of the %s active listings of aasepia (more than half); "+
		"if the feed really shrank, import again with --force (or Replace anyway in the window); nothing was changed",
		referral.Thousands(sixtyGone), referral.Thousands(b.active))
	force := referral.ImportOptions{Force: true}
	csv := referral.ImportOptions{Format: "csv"}
	alanon, err := os.ReadFile(alanonFeed)
	if err != nil {
		t.Fatal(err)
	}
	return []guardCase{
		{name: "an empty list", file: "aa-sepia-meeting-guide.json", content: []byte("[]\n"),
			refused: noMeeting + "it holds no record (an empty list such as [])" + again, code: referral.EINVALID},
		{name: "an empty list, forced", file: "aa-sepia-meeting-guide.json", content: []byte("[]"), args: []string{"--force"}, opts: force,
			refused: noMeeting + "it holds no record (an empty list such as [])" + again, code: referral.EINVALID},
		{name: "nulls", file: "aa-sepia-meeting-guide.json", content: []byte("[null,null]"),
			refused: noMeeting + "it holds only empty records (2 records, each null)" + again, code: referral.EINVALID},
		{name: "an empty object", file: "aa-sepia-meeting-guide.json", content: []byte("{}"),
			refused: noMeeting + "it holds an empty object ({})" + again, code: referral.EINVALID},
		{name: "an empty file", file: "aa-sepia-meeting-guide.json", content: nil,
			refused: noMeeting + "it is empty" + again, code: referral.EINVALID},
		{name: "an error page saved as the feed", file: "aa-sepia-meeting-guide.json", content: []byte(errorPageHTML),
			refused: html, code: referral.EINVALID},
		{name: "an error page, forced", file: "aa-sepia-meeting-guide.json", content: []byte(errorPageHTML), args: []string{"--force"}, opts: force,
			refused: html, code: referral.EINVALID},
		{name: "a CSV that is a web page", file: "meetings.csv", content: []byte(errorPageHTML), args: []string{"--format", "csv"}, opts: csv,
			refused: html, code: referral.EINVALID},
		{name: "60% gone", file: "aa-sepia-meeting-guide.json", content: sixty, refused: shrinkMsg, code: referral.ECONFLICT},
		{name: "60% gone, forced", file: "aa-sepia-meeting-guide.json", content: sixty, args: []string{"--force"}, opts: force,
			removed: sixtyDropped},
		{name: "40% gone", file: "aa-sepia-meeting-guide.json", content: forty, removed: fortyDropped},
		{name: "a first import", file: "al-anon.json", content: alanon, args: []string{"--source", "alanon", "--program", "Al-Anon"},
			opts: referral.ImportOptions{Source: "alanon", Program: referral.ProgramAlAnon}},
	}
}

// TestImportNeverDestroys runs each file through the command line.
func TestImportNeverDestroys(t *testing.T) {
	b := newGuardBase(t)
	for _, tc := range guardCases(t, b) {
		t.Run(tc.name, func(t *testing.T) {
			db := b.copyOf(t)
			file := filepath.Join(t.TempDir(), tc.file)
			if err := os.WriteFile(file, tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			before := state(t, db)
			args := append([]string{"--db", db, "import", "--program", "AA", "--source", "aasepia", "--json"}, tc.args...)
			code, out, errOut := runCLI(t, append(args, file)...)
			if tc.refused != "" {
				want := "referraldesk: " + file + ": " + tc.refused + "\n"
				if code != exitFail || out != "" || !strings.HasPrefix(errOut, want) {
					t.Fatalf("exit %d, stdout %q, stderr\n%s\nwant exit 1 and stderr starting\n%s", code, out, errOut, want)
				}
				if after := state(t, db); after != before {
					t.Error("a refused import changed the directory, its curation, the referral log or the sources")
				}
				return
			}
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var r importJSON
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatal(err)
			}
			if r.Removed != tc.removed {
				t.Errorf("removed %d, want %d", r.Removed, tc.removed)
			}
			if tc.name == "60% gone, forced" {
				checkRemovedKeepTheirPlace(t, b, db)
			}
		})
	}
}

// checkRemovedKeepTheirPlace: after a forced import removed the referred
// groups, the logged referral still prints every one of them, and the
// curation of a removed group is back when the feed lists it again.
func checkRemovedKeepTheirPlace(t *testing.T, b guardBase, db string) {
	t.Helper()
	for _, g := range listedGroups(t, db) {
		if slices.Contains(b.referred, g.SourceID) {
			t.Fatalf("%s (%s) is still listed; the test needs the referred groups removed", g.Name, g.SourceID)
		}
	}
	pdf := filepath.Join(t.TempDir(), "again.pdf")
	code, stdout, errOut := runCLI(t, "--db", db, "history", "--reprint", "1", "--out", pdf)
	if want := fmt.Sprintf("referral 1, %d groups", len(b.referred)); code != exitOK || !strings.Contains(stdout, want) {
		t.Fatalf("reprint after the forced import: exit %d, stdout %q (want %q), stderr %s", code, stdout, want, errOut)
	}
	if n := strings.Count(pdfText(t, pdf), "Listing removed since — call ahead."); n != len(b.referred) {
		t.Errorf("the reprint marks %d groups removed, want all %d", n, len(b.referred))
	}
	importJSONOf(t, "--db", db, "import", "--source", "aasepia", "--program", "AA", sepiaFeed)
	for _, g := range listedGroups(t, db) {
		if g.SourceID == b.curated && (g.MedicationFriendly != "yes" || g.CounselorNotes != "Ask for Rosa at the door") {
			t.Errorf("%s came back with medication-friendly %q, notes %q; want the clinic's curation", g.Name, g.MedicationFriendly, g.CounselorNotes)
		}
	}
}

// TestFeedStoreImportNeverDestroys runs the same files through the service
// the window uses, which must refuse with the code the window acts on.
func TestFeedStoreImportNeverDestroys(t *testing.T) {
	b := newGuardBase(t)
	for _, tc := range guardCases(t, b) {
		t.Run(tc.name, func(t *testing.T) {
			db := b.copyOf(t)
			before := state(t, db)
			opts := tc.opts
			if opts.Source == "" {
				opts.Source, opts.Program = "aasepia", referral.ProgramAA
			}
			d, err := sqlite.Open(db)
			if err != nil {
				t.Fatal(err)
			}
			report, err := newFeedStore(d, sqlite.NewGroupService(d)).Import(context.Background(), bytes.NewReader(tc.content), opts)
			if cerr := d.Close(); cerr != nil {
				t.Fatal(cerr)
			}
			if tc.refused == "" {
				if err != nil || report.Removed != tc.removed {
					t.Fatalf("Import = %+v, %v; want %d removed", report, err, tc.removed)
				}
				return
			}
			if report != nil || referral.ErrorCode(err) != tc.code || referral.ErrorMessage(err) != tc.refused {
				t.Fatalf("Import = %v, %v (code %q)\nwant a %s refusal saying\n%s", report, err, referral.ErrorCode(err), tc.code, tc.refused)
			}
			var shrink *referral.ShrinkError
			if errors.As(err, &shrink) != (tc.code == referral.ECONFLICT) {
				t.Errorf("the refusal %v is a *ShrinkError: %v", err, shrink != nil)
			} else if shrink != nil && (shrink.Source != "aasepia" || shrink.Active != b.active) {
				t.Errorf("the refusal carries %+v, want aasepia's %d active listings", shrink, b.active)
			}
			if after := state(t, db); after != before {
				t.Error("a refused import changed the directory, its curation, the referral log or the sources")
			}
		})
	}
}
