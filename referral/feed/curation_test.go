package feed

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
)

// curate gives copies of the first groups of res each a different
// curation: every field alone, all together, notes that look like HTML.
func curate(res *Result) []*referral.Group {
	day := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	curations := []referral.Curation{
		{MedicationFriendly: referral.MedicationYes},
		{MedicationFriendly: referral.MedicationNo, VerifiedOn: day},
		{VerifiedOn: day},
		{Notes: "Ask for Dana at the door.\nParking behind the church."},
		{Hidden: true},
		{MedicationFriendly: referral.MedicationYes, VerifiedOn: day, Notes: "Chair: <b>Sam</b> & Lee", Hidden: true},
	}
	var out []*referral.Group
	for i, g := range res.Groups {
		c := *g
		if i < len(curations) {
			c.Curation = curations[i]
		}
		out = append(out, &c)
	}
	return out
}

// TestPublishedCurationRoundTrip: a Meeting Guide export with curation
// reads back as the same groups, each carrying as Published, from the
// source it is read as, the curation it was exported with.
func TestPublishedCurationRoundTrip(t *testing.T) {
	tc := realFeeds[0]
	res := parseFile(t, tc.file, tc.opts)
	curated := curate(res)
	var buf bytes.Buffer
	if err := WriteMeetingGuideWith(&buf, curated, WriteOptions{Curation: true}); err != nil {
		t.Fatal(err)
	}
	again, err := Parse(context.Background(), &buf, Options{Source: "central", TimeZone: tc.opts.TimeZone})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Skipped) != 0 {
		t.Fatalf("reading the export skipped %v", again.Skipped[0])
	}
	for _, r := range again.Repaired {
		if strings.HasPrefix(r.Field, "referraldesk_") {
			t.Errorf("reading the curation repaired %v", r)
		}
	}
	if len(again.Groups) != len(res.Groups) {
		t.Fatalf("%d groups read back, want %d", len(again.Groups), len(res.Groups))
	}
	for i, g := range again.Groups {
		want := curated[i].Curation
		if want.Said() != 0 {
			want.From = "central"
		}
		if g.Published != want || g.Curation != (referral.Curation{}) {
			t.Errorf("group %d %q: published %+v, curation %+v; want published %+v and no curation of this desk's",
				i, g.Name, g.Published, g.Curation, want)
		}
		g.Published = referral.Curation{}
		g.Source = res.Groups[i].Source
	}
	if !reflect.DeepEqual(again.Groups, res.Groups) {
		t.Fatalf("the export reads back different:\n%s", firstDifference(res.Groups, again.Groups))
	}
}

// TestExportWithoutCurationWritesNone: counselor notes never leave by
// accident. Without the option neither format writes a curation field, nor
// the notes' words.
func TestExportWithoutCurationWritesNone(t *testing.T) {
	res := parseFile(t, realFeeds[1].file, realFeeds[1].opts)
	curated := curate(res)
	for _, w := range writers {
		var buf bytes.Buffer
		if err := w.write(&buf, curated); err != nil {
			t.Fatal(err)
		}
		for _, leak := range []string{"referraldesk_", "Ask for Dana", "Sam"} {
			if strings.Contains(buf.String(), leak) {
				t.Errorf("%s export without curation holds %q", w.name, leak)
			}
		}
		again, err := Parse(context.Background(), &buf, Options{Source: "alanonma", TimeZone: "America/New_York"})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range again.Groups {
			if g.Published != (referral.Curation{}) {
				t.Fatalf("%s: %q read back with published curation %+v", w.name, g.Name, g.Published)
			}
		}
	}
}

// TestPublishedCurationRepairs: a curation value that cannot be read is
// left out and reported; the meeting and the rest of its curation are kept.
func TestPublishedCurationRepairs(t *testing.T) {
	input := `[
{"name":"Mixed","slug":"m","day":2,"time":"19:00","conference_url":"https://zoom.us/j/1",
 "referraldesk_medication_friendly":"sometimes","referraldesk_verified_on":"03/14/2026",
 "referraldesk_counselor_notes":"kind chair","referraldesk_hidden":"maybe"},
{"name":"Plain","slug":"p","day":3,"time":"19:00","conference_url":"https://zoom.us/j/2",
 "referraldesk_medication_friendly":"YES","referraldesk_hidden":"true"},
{"name":"Unknown only","slug":"u","day":4,"time":"19:00","conference_url":"https://zoom.us/j/3",
 "referraldesk_medication_friendly":"unknown","referraldesk_hidden":false}
]`
	res, err := Parse(context.Background(), strings.NewReader(input), aa)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Groups) != 3 {
		t.Fatalf("%d groups, want 3 (skipped %v)", len(res.Groups), res.Skipped)
	}
	if got, want := res.Groups[0].Published, (referral.Curation{Notes: "kind chair", From: "t"}); got != want {
		t.Errorf("Mixed published %+v, want %+v", got, want)
	}
	var fields []string
	for _, r := range res.Repaired {
		if r.SourceID == "m" {
			fields = append(fields, r.Field)
		}
	}
	wantFields := []string{fieldMedication, fieldVerifiedOn, fieldHidden}
	if !reflect.DeepEqual(fields, wantFields) {
		t.Errorf("repairs of Mixed in %v, want %v", fields, wantFields)
	}
	if got, want := res.Groups[1].Published, (referral.Curation{MedicationFriendly: referral.MedicationYes, Hidden: true, From: "t"}); got != want {
		t.Errorf("Plain published %+v, want %+v", got, want)
	}
	if got := res.Groups[2].Published; got != (referral.Curation{}) {
		t.Errorf("a curation that says nothing was read as %+v", got)
	}
}
