package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPublishAndSubscribe: one desk curates Early Night Out and hides Old
// City, exports with --with-curation; another desk imports the file and
// shows that curation as the source's; its own change wins, through a
// re-import too. Without --with-curation nothing of the curation leaves.
func TestPublishAndSubscribe(t *testing.T) {
	central, ids := enoDirectory(t)
	for _, args := range [][]string{
		{"curate", "--moud", "yes", "--verified", "2026-11-02", "--note", "Ask for Dana", itoa(ids["eno-sun"])},
		{"curate", "--hide", itoa(ids["oc"])},
	} {
		if code, _, errOut := runCLI(t, append([]string{"--db", central}, args...)...); code != exitOK {
			t.Fatalf("%s: %s", args, errOut)
		}
	}
	dir := t.TempDir()
	plain, published := filepath.Join(dir, "directory.json"), filepath.Join(dir, "curated.json")
	if code, _, errOut := runCLI(t, "--db", central, "export", "--format", "meeting-guide", "--out", plain); code != exitOK {
		t.Fatal(errOut)
	}
	if data, err := os.ReadFile(plain); err != nil || strings.Contains(string(data), "referraldesk_") || strings.Contains(string(data), "Dana") {
		t.Errorf("an export without --with-curation holds curation (%v):\n%s", err, data)
	}
	if code, _, errOut := runCLI(t, "--db", central, "export", "--format", "meeting-guide", "--with-curation", "--out", published); code != exitOK {
		t.Fatal(errOut)
	}
	if code, _, errOut := runCLI(t, "--db", central, "export", "--format", "csv", "--with-curation"); code != exitUsage || !strings.Contains(errOut, "meeting-guide") {
		t.Errorf("--with-curation with CSV: exit %d, %q; want a usage error naming meeting-guide", code, errOut)
	}

	desk := filepath.Join(dir, "desk.db")
	importJSONOf(t, "--db", desk, "import", "--source", "central", published)
	byID := func() map[string]groupJSON {
		out := map[string]groupJSON{}
		for _, g := range listed(t, desk) {
			out[g.SourceID] = g
		}
		return out
	}
	for id, g := range byID() {
		eno := strings.HasPrefix(id, "eno-")
		if got := g.MedicationFriendly == "yes" && g.VerifiedOn == "2026-11-02" && g.CounselorNotes == "Ask for Dana" && !g.Hidden; got != eno {
			t.Errorf("%s: medication %s verified %s notes %q hidden %v", id, g.MedicationFriendly, g.VerifiedOn, g.CounselorNotes, g.Hidden)
		}
		if id == "oc" && !g.Hidden {
			t.Errorf("Old City, hidden by the publisher, is shown")
		}
		if g.CurationFrom != "central" {
			t.Errorf("%s: curation from %q, want central", id, g.CurationFrom)
		}
	}

	tue := byID()["eno-tue"]
	if code, _, errOut := runCLI(t, "--db", desk, "curate", "--moud", "no", itoa(tue.ID)); code != exitOK {
		t.Fatal(errOut)
	}
	importJSONOf(t, "--db", desk, "import", "--source", "central", published)
	for _, id := range []string{"eno-sun", "eno-tue", "eno-thu"} {
		if g := byID()[id]; g.MedicationFriendly != "no" || g.CounselorNotes != "Ask for Dana" || g.CurationFrom != "central" {
			t.Errorf("%s after this desk's change and a re-import: medication %s notes %q from %q; want no, the publisher's notes, from central",
				id, g.MedicationFriendly, g.CounselorNotes, g.CurationFrom)
		}
	}
}
