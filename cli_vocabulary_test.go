package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// TestEditedAttributesSurviveExport: a listing of the real SEPIA feed edited
// in the store as the Directory form edits it (attributes, then the codes
// that say them) is exported as Meeting Guide JSON and as CSV, imported into
// another database, and the directory reads the same.
func TestEditedAttributesSurviveExport(t *testing.T) {
	dir := t.TempDir()
	db1 := filepath.Join(dir, "one.db")
	importJSONOf(t, "--db", db1, "import", "--program", "AA", "--source", "sepia", sepiaFeed)

	db, err := sqlite.Open(db1)
	if err != nil {
		t.Fatal(err)
	}
	gs := sqlite.NewGroupService(db)
	ctx := context.Background()
	all, _, err := gs.FindGroups(ctx, referral.GroupFilter{Source: "sepia", IncludeHidden: true, IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	edited := 0
	for _, g := range all {
		if g.SourceID != "meeting-4021-walnut-st-philadelphia-pa-19104-usa-0-094500" && g.SourceID != "open-topic-meeting-online" {
			continue
		}
		before := strings.Join(g.Types, ",")
		for x, on := range map[referral.Attr]bool{referral.AttrOpen: false, referral.AttrClosed: true,
			referral.AttrWheelchair: true, referral.AttrSecular: true, referral.LanguageAttr("es"): true,
			referral.FormatAttr(referral.FormatDiscussion): false} {
			g.Attributes.Set(x, on)
		}
		g.Types = referral.TypeCodes(g.Program, g.Attributes, g.Types)
		if strings.Join(g.Types, ",") == before {
			t.Fatalf("editing %s changed no code", g.SourceID)
		}
		if err := gs.UpdateGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
		edited++
	}
	db.Close()
	if edited != 2 {
		t.Fatalf("edited %d groups, want 2", edited)
	}

	for _, format := range []string{"meeting-guide", "csv"} {
		t.Run(format, func(t *testing.T) {
			db2 := filepath.Join(t.TempDir(), "two.db")
			out := filepath.Join(t.TempDir(), "sepia."+format)
			if code, _, errOut := runCLI(t, "--db", db1, "export", "--format", format, "--source", "sepia", "--out", out); code != exitOK {
				t.Fatalf("export exit %d: %s", code, errOut)
			}
			importJSONOf(t, "--db", db2, "import", "--source", "sepia", out)
			a, b := idField.ReplaceAllString(groupsJSON(t, db1), ""), idField.ReplaceAllString(groupsJSON(t, db2), "")
			if a != b {
				t.Errorf("the edited directory read back from its %s export differs", format)
			}
			if !strings.Contains(b, `"secular"`) {
				t.Errorf("the edit (secular) is not in the directory read back")
			}
		})
	}
}

// TestImportCountsContradictions: the NA feed lists five meetings as both
// open and closed and one as both men's and women's; the report counts and
// lists them.
func TestImportCountsContradictions(t *testing.T) {
	dir := t.TempDir()
	r := importJSONOf(t, "--db", filepath.Join(dir, "a.db"), "import", "--source", "na", naFeed)
	if r.Contradictions != 6 {
		t.Errorf(`"contradictions": %d, want 6`, r.Contradictions)
	}
	code, out, errOut := runCLI(t, "--db", filepath.Join(dir, "b.db"), "import", "--source", "na", naFeed)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "6 contradictions") || strings.Count(out, "listed as both open and closed") != 5 ||
		strings.Count(out, "listed as both women only and men only") != 1 {
		t.Errorf("the summary does not list the contradictions:\n%s", out)
	}
}
