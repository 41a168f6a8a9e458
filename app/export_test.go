package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
)

// exportFile opens a file for the exporter to write, as the save dialog would.
func exportFile(t *testing.T, name string) (fyne.URIWriteCloser, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	return w, path
}

func TestExportFormOffersFormatsAndSources(t *testing.T) {
	h := newSourcesHarness(t)
	h.exp.onExport()
	f := h.exp.form
	if f == nil {
		t.Fatal("Export… should ask what to export")
	}
	if got := strings.Join(f.format.Options, ", "); got != "Meeting Guide JSON, CSV (12 Step Meeting List)" {
		t.Errorf("formats offered: %s", got)
	}
	if got := strings.Join(f.source.Options, ", "); got != "All groups, aa-sepia, na-philly" {
		t.Errorf("sources offered: %s", got)
	}
	if j := f.job(); j.format != "meeting-guide" || j.source != "" || j.fileName() != "referral-desk-directory.json" {
		t.Errorf("by default the form asks for %+v", j)
	}
	f.format.SetSelectedIndex(1)
	f.source.SetSelected("aa-sepia")
	if j := f.job(); j.format != "csv" || j.source != "aa-sepia" || j.groups != 2 || j.fileName() != "aa-sepia.csv" {
		t.Errorf("CSV of aa-sepia asks for %+v", j)
	}
	capture(t, h.win, "/tmp/export-form.png")
	h.tapDialogButton("Choose file…")
	if h.exp.form != nil || h.win.Canvas().Overlays().Top() == nil {
		t.Fatal("the form should give way to a save dialog")
	}
}

func TestExportWritesWhatTheServiceProduces(t *testing.T) {
	h := newSourcesHarness(t)
	w, path := exportFile(t, "aa-sepia.csv")
	h.exp.onFileChosen(w, exportJob{format: "csv", ext: ".csv", source: "aa-sepia", groups: 2})

	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "format=csv source=aa-sepia\nMorning Light\nTuesday Hope\n"; string(got) != want {
		t.Fatalf("the file holds %q, want %q", got, want)
	}
	if said := h.said(); !strings.Contains(said, "Saved 2 groups of aa-sepia as CSV (12 Step Meeting List) to aa-sepia.csv.") {
		t.Fatalf("after exporting the window says %q", said)
	}
}

func TestFailedExportLeavesNoFile(t *testing.T) {
	h := newSourcesHarness(t)
	h.dirs.exportErr = errors.New("sqlite: interrupted")
	w, path := exportFile(t, "directory.json")
	h.exp.onFileChosen(w, exportJob{format: "meeting-guide", ext: ".json"})

	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a failed export left %s behind (%v)", path, err)
	}
	said := h.said()
	if !strings.Contains(said, "Internal error") || !strings.Contains(said, "No file was saved") || strings.Contains(said, "sqlite") {
		t.Fatalf("the error dialog says %q", said)
	}
}

func TestExportCancelledSavesNothing(t *testing.T) {
	h := newSourcesHarness(t)
	w, path := exportFile(t, "directory.json")
	h.exp.bg.run = func(f func()) {
		h.exp.progress.onCancel()
		f()
	}
	h.exp.onFileChosen(w, exportJob{format: "meeting-guide", ext: ".json"})
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a cancelled export left %s behind", path)
	}
	if said := h.said(); !strings.Contains(said, "Export cancelled; no file was saved.") {
		t.Fatalf("after Cancel the window says %q", said)
	}
}
