package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pdfText reads a PDF back the way a person would see its words.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed; bash run.sh installs it")
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestSheetOfTheTopMatchesIsLoggedWithoutTheName(t *testing.T) {
	dir := t.TempDir()
	db := naDirectory(t)
	for _, kv := range []string{"clinic.name=Riverside Recovery Clinic", "clinic.phone=215-555-0100", "counselor=Dana Ortiz"} {
		if code, _, errOut := runCLI(t, "--db", db, "settings", kv); code != exitOK {
			t.Fatalf("settings %s: exit %d %s", kv, code, errOut)
		}
	}
	out := filepath.Join(dir, "sheet.pdf")
	code, stdout, errOut := runCLI(t, "--db", db, "sheet", "--zip", "10001", "--miles", "2", "--days", "tue",
		"--attend", "in-person", "--limit", "4", "--name", "Xiomara", "--label", "R. intake", "--lang", "es",
		"--now", "2026-10-27T12:00:00-04:00", "--out", out)
	if code != exitOK {
		t.Fatalf("sheet exit %d: %s", code, errOut)
	}
	if !strings.Contains(stdout, "4 groups") {
		t.Errorf("stdout %q", stdout)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("sheet file: %v; want mode 0600", err)
	}
	text := pdfText(t, out)
	for _, want := range []string{"Riverside Recovery Clinic", "Dana Ortiz", "Xiomara", "988", "1-800-662-4357", "911", "martes"} {
		if !strings.Contains(text, want) {
			t.Errorf("the sheet does not say %q", want)
		}
	}

	_, hist, _ := runCLI(t, "--db", db, "history", "--json")
	var log []referralJSON
	if err := json.Unmarshal([]byte(hist), &log); err != nil {
		t.Fatalf("%v:\n%s", err, hist)
	}
	if len(log) != 1 || log[0].ClientLabel != "R. intake" || len(log[0].Groups) != 4 || log[0].Lang != "es" ||
		log[0].Needs.ZIP != "10001" || log[0].FollowUp != nil {
		t.Fatalf("log = %+v", log)
	}
	for _, g := range log[0].Groups {
		if !strings.Contains(text, g.Name) {
			t.Errorf("logged group %q is not on the sheet", g.Name)
		}
	}
	for _, f := range []string{db, db + "-wal"} {
		if raw, _ := os.ReadFile(f); bytes.Contains(raw, []byte("Xiomara")) {
			t.Errorf("the first name was stored in %s", filepath.Base(f))
		}
	}
}

func TestSheetOfPickedGroups(t *testing.T) {
	db := naDirectory(t)
	out := filepath.Join(t.TempDir(), "picked.pdf")
	code, _, errOut := runCLI(t, "--db", db, "sheet", "--pick", "3,7", "--paper", "a4", "--large", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	_, g3, _ := runCLI(t, "--db", db, "groups", "--json")
	var groups []groupJSON
	if err := json.Unmarshal([]byte(g3), &groups); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, out)
	for _, g := range groups {
		if (g.ID == 3 || g.ID == 7) && !strings.Contains(strings.Join(strings.Fields(text), " "), strings.Join(strings.Fields(g.Name), " ")) {
			t.Errorf("picked group %d %q is not on the sheet", g.ID, g.Name)
		}
	}
}

func TestSheetBadInput(t *testing.T) {
	db := naDirectory(t)
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"no --out", []string{"--pick", "1"}, exitUsage, "--out"},
		{"nine groups", []string{"--pick", "1,2,3,4,5,6,7,8,9", "--out", filepath.Join(dir, "a.pdf")}, exitUsage, "at most 8"},
		{"not an id", []string{"--pick", "one", "--out", filepath.Join(dir, "a.pdf")}, exitUsage, "one"},
		{"unknown id", []string{"--pick", "999999", "--out", filepath.Join(dir, "a.pdf")}, exitFail, "999999"},
		{"unknown language", []string{"--pick", "1", "--lang", "fr", "--out", filepath.Join(dir, "a.pdf")}, exitUsage, "fr"},
		{"folder that does not exist", []string{"--pick", "1", "--out", filepath.Join(dir, "no", "such", "a.pdf")}, exitFail, "choose a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, append([]string{"--db", db, "sheet"}, tt.args...)...)
			if code != tt.code || !strings.Contains(errOut, tt.says) {
				t.Errorf("exit %d, stderr %q; want %d saying %q", code, errOut, tt.code, tt.says)
			}
		})
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("failed sheets left files behind: %v", left)
	}
	if _, hist, _ := runCLI(t, "--db", db, "history", "--json"); strings.TrimSpace(hist) != "[]" {
		t.Errorf("failed sheets were logged: %s", hist)
	}
}

func TestSettingsKeyValue(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "desk.db")
	logo := filepath.Join(dir, "logo.txt")
	if err := os.WriteFile(logo, []byte("not a picture"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "--db", db, "settings", "clinic.name=Hope Clinic", "retention.days=30", "sheet.lang=es"); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	_, out, _ := runCLI(t, "--db", db, "settings", "--json")
	var m map[string]string
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	if m["clinic.name"] != "Hope Clinic" || m["retention.days"] != "30" || m["sheet.lang"] != "es" || m["default.miles"] != "10" {
		t.Errorf("settings = %v", m)
	}
	for name, args := range map[string][]string{
		"unknown key":      {"colour=blue"},
		"not a pair":       {"clinic.name"},
		"retention 0":      {"retention.days=0"},
		"logo not a image": {"clinic.logo=" + logo},
		"bad website":      {"clinic.website=ftp://x"},
	} {
		t.Run(name, func(t *testing.T) {
			if code, _, errOut := runCLI(t, append([]string{"--db", db, "settings"}, args...)...); code != exitUsage || strings.Count(errOut, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want a one-line usage error", code, errOut)
			}
		})
	}
	if _, again, _ := runCLI(t, "--db", db, "settings", "--json"); again != out {
		t.Error("refused settings changed what was saved")
	}
}
