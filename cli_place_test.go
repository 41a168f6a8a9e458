package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// placeFeed has listings without coordinates, as many feeds outside the US
// (and some inside) send them: one in Winnipeg with its address on one line,
// and one in Philadelphia with only a ZIP to place it by.
const placeFeed = `[
 {"name":"Winnipeg Hope","slug":"wh","day":2,"time":"19:00","timezone":"America/Winnipeg",
  "formatted_address":"200 Main Street, Winnipeg, Manitoba, R3C 1A1, Canada"},
 {"name":"Old City","slug":"oc","day":2,"time":"19:00",
  "formatted_address":"1 Market St, Philadelphia, PA 19107, USA"}
]`

func placeDirectory(t *testing.T) (string, importJSON) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "towns.json")
	if err := os.WriteFile(file, []byte(placeFeed), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "desk.db")
	r := importJSONOf(t, "--db", db, "import", "--program", "NA", "--timezone", "America/New_York", file)
	return db, r
}

func TestImportPlacesListingsWithoutCoordinates(t *testing.T) {
	_, r := placeDirectory(t)
	if r.Added != 2 || r.Unplaced != 1 {
		t.Errorf("added %d, unplaced %d; want both added and the Winnipeg one unplaced (no coordinates, no US ZIP)", r.Added, r.Unplaced)
	}
	if !slices.ContainsFunc(r.Repaired, func(p repairJSON) bool { return strings.Contains(p.What, "ZIP 19107") }) {
		t.Errorf("repairs %v do not say the Philadelphia listing was placed at its ZIP", r.Repaired)
	}
}

func TestMatchByPlaceInsteadOfZIP(t *testing.T) {
	db, _ := placeDirectory(t)
	code, out, errOut := runCLI(t, "--db", db, "match", "--json", "--place", "winnipeg", "--attend", "in-person",
		"--now", "2026-12-01T15:00:00Z")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []candidateJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "Winnipeg Hope" || got[0].InPlace != "winnipeg" || got[0].DistanceMiles != nil ||
		!slices.Contains(got[0].Reasons, "in winnipeg") || got[0].City != "Winnipeg" {
		t.Fatalf("match --place winnipeg = %s", out)
	}
	code, out, _ = runCLI(t, "--db", db, "match", "--place", "Winnipeg", "--attend", "in-person")
	if code != exitOK || !strings.Contains(out, "in Winnipeg") {
		t.Errorf("the text list does not say where: %s", out)
	}
}

func TestMatchFindsAListingPlacedByItsZIP(t *testing.T) {
	db, _ := placeDirectory(t)
	code, out, errOut := runCLI(t, "--db", db, "match", "--json", "--zip", "19107", "--miles", "2", "--attend", "in-person",
		"--now", "2026-12-01T15:00:00Z")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []candidateJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "Old City" || !slices.Contains(got[0].Cautions, "placed by its ZIP code — distance is approximate") {
		t.Fatalf("match near 19107 = %s", out)
	}
}
