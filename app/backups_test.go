package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"referraldesk/referral"
)

var damaged = referral.Errorf(referral.EDAMAGED,
	"The database file is damaged, so nothing more is saved to it. Restore the newest backup in Settings → Backups.")

// twoBackups are an automatic copy from before an import, newest, and one
// made on request.
func twoBackups() *fakeBackups {
	return newFakeBackups(
		referral.Backup{Path: "/home/dana/.config/referraldesk/backups/auto-2.db", Taken: testNow.Add(-2 * time.Hour),
			Size: 2_400_000, Automatic: true, Why: "before importing sepia"},
		referral.Backup{Path: "/home/dana/.config/referraldesk/backups/kept-1.db", Taken: testNow.Add(-48 * time.Hour), Size: 830_000},
	)
}

func newBackupsHarness(t *testing.T, backups *fakeBackups) (*storeHarness, *backupsSection) {
	t.Helper()
	h := newStoreHarness(t, clinicSettings(), backups, sampleGroups()...)
	b := h.main.settings.backups
	b.loc = time.UTC
	b.refresh()
	h.open(h.main.settings.content)
	return h, b
}

func TestBackupsListedNewestFirst(t *testing.T) {
	_, b := newBackupsHarness(t, twoBackups())
	got := strings.Join(rowTexts(b), "\n")
	want := "Sat 14 Mar 2026 08:00\nBefore importing sepia · 2.4 MB · automatic, only the newest few are kept\n" +
		"Thu 12 Mar 2026 10:00\nMade with Back up now · 830 KB · made on request, kept"
	if got != want {
		t.Errorf("the backups read\n%s\nwant\n%s", got, want)
	}
	if !b.restore.Disabled() || b.backUp.Disabled() || b.restoreFile.Disabled() {
		t.Error("with no backup chosen only Restore… should be off")
	}
	b.list.Select(1)
	if b.restore.Disabled() {
		t.Error("Restore… stays off with a backup chosen")
	}
}

// rowTexts is what each backup row says, a line per label.
func rowTexts(b *backupsSection) []string {
	var out []string
	for i := range b.backups {
		row := newBackupRow()
		b.updateBackupRow(i, row)
		for _, o := range row.(*fyne.Container).Objects {
			out = append(out, strings.Join(texts(o), ""))
		}
	}
	return out
}

func TestNoBackupsYet(t *testing.T) {
	_, b := newBackupsHarness(t, newFakeBackups())
	if !b.none.Visible() || b.listBox.Visible() || !b.restore.Disabled() {
		t.Error("with no backups the section should say so, with Restore… off")
	}
}

func TestBackUpNowSaysWhere(t *testing.T) {
	h, b := newBackupsHarness(t, twoBackups())
	test.Tap(b.backUp)
	if h.backups.made != 1 {
		t.Fatalf("Back up now made %d copies", h.backups.made)
	}
	if got := b.status.Text; !b.status.Visible() || !strings.Contains(got, "Backed up to /home/dana/.config/referraldesk/backups/copy-1.db") {
		t.Errorf("after Back up now the section says %q", got)
	}
	if len(b.backups) != 3 || b.backups[0].Path != b.selected || b.restore.Disabled() {
		t.Errorf("the new copy should head the list, chosen: %d listed, chosen %q", len(b.backups), b.selected)
	}
	if b.progress != nil || b.backUp.Disabled() {
		t.Error("the progress stays, or Back up now stays off")
	}
}

// Restore… asks first, saying the current database is kept; then every
// screen shows the restored database and a summary says what it holds.
func TestRestoreChosenBackup(t *testing.T) {
	backups := twoBackups()
	backups.damage = damaged
	h, b := newBackupsHarness(t, backups)
	if h.main.damage.text() == "" {
		t.Fatal("the damaged database shows no banner")
	}
	backups.groups = 1
	backups.restore = func() {
		// The copy holds one group and other settings.
		for _, name := range []string{"Serenity Seekers", "Grupo Niños de Dios"} {
			h.fake.remove(h.fake.byName(name).ID)
		}
		h.settings.behind(func(st *referral.Settings) { st.Clinic.Name = "Riverside (restored)" })
	}
	b.list.Select(1)
	test.Tap(b.restore)
	said := strings.Join(texts(h.dialogOnTop()), " ")
	if !strings.Contains(said, "the backup of Thu 12 Mar 2026 10:00") || !strings.Contains(said, "kept as a backup first") {
		t.Errorf("the confirmation says %q", said)
	}
	if len(backups.restored) != 0 {
		t.Fatal("restored before the counselor confirmed")
	}
	h.tapDialogButton("Restore")
	if len(backups.restored) != 1 || backups.restored[0] != "/home/dana/.config/referraldesk/backups/kept-1.db" {
		t.Fatalf("restored %q", backups.restored)
	}
	said = strings.Join(texts(h.dialogOnTop()), " ")
	for _, want := range []string{"kept-1.db, with 1 group in the directory", "before", "restore that one to go back"} {
		if !strings.Contains(said, want) {
			t.Errorf("the summary says %q, without %q", said, want)
		}
	}
	if h.main.settings.name.Text != "Riverside (restored)" {
		t.Errorf("Settings shows %q after the restore", h.main.settings.name.Text)
	}
	h.open(h.dir.content)
	if got := h.listNames(); len(got) != 1 || got[0] != "Family Hope" {
		t.Errorf("the Directory shows %q after the restore", got)
	}
	if h.main.damage.text() != "" {
		t.Error("the damage banner stays after a restore made the database sound")
	}
	if len(b.backups) != 3 || !b.backups[0].Automatic {
		t.Errorf("the list should show the copy kept before the restore first: %+v", b.backups)
	}
}

// A file the store refuses shows its reason and changes nothing.
func TestRestoreRefusedFileChangesNothing(t *testing.T) {
	h, b := newBackupsHarness(t, twoBackups())
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.backups.refuse[path] = referral.Errorf(referral.EINVALID, "notes.txt is not a SQLite database file; choose a Referral Desk backup.")
	b.onFileChosen(storage.NewFileURI(path))
	if said := strings.Join(texts(h.dialogOnTop()), " "); !strings.Contains(said, "notes.txt") || !strings.Contains(said, "kept as a backup first") {
		t.Errorf("the confirmation says %q", said)
	}
	finds := h.fake.finds
	h.tapDialogButton("Restore")
	said := strings.Join(texts(h.dialogOnTop()), " ")
	if !strings.Contains(said, "is not a SQLite database file") || !strings.Contains(said, "Nothing was changed") {
		t.Errorf("the refusal says %q", said)
	}
	if len(h.backups.restored) != 0 || h.fake.finds != finds || len(b.backups) != 2 {
		t.Errorf("a refused file changed something: restored %q, %d finds, %d backups", h.backups.restored, h.fake.finds-finds, len(b.backups))
	}
	if b.backUp.Disabled() || b.restoreFile.Disabled() {
		t.Error("the buttons stay off after the refusal")
	}
}

func TestRestoreFromFileOpensTheFileDialog(t *testing.T) {
	h, b := newBackupsHarness(t, twoBackups())
	test.Tap(b.restoreFile)
	if h.win.Canvas().Overlays().Top() == nil {
		t.Error("Restore from file… showed no file dialog")
	}
}

// The window looks the database over once it is up; damage shows a red
// banner whose Backups… opens Settings at its backups.
func TestDamagedDatabaseShowsTheBanner(t *testing.T) {
	backups := twoBackups()
	backups.damage = damaged
	h := newStoreHarness(t, clinicSettings(), backups, sampleGroups()...)
	if got := h.main.damage.text(); got != damaged.Message {
		t.Fatalf("the banner says %q", got)
	}
	test.Tap(h.main.damage.backups)
	if h.main.tabs.Selected().Content != h.main.settings.content {
		t.Error("Backups… did not open Settings")
	}
	s := h.main.settings
	if s.scroll.Offset.Y == 0 || s.scroll.Offset.Y+s.scroll.Size().Height < s.scroll.Content.MinSize().Height-1 {
		t.Errorf("Settings is scrolled to %v of %v, not to its backups", s.scroll.Offset.Y, s.scroll.Content.MinSize().Height)
	}
	capture(t, h.win, "/tmp/settings-backups.png")
}

func TestSoundDatabaseShowsNoBanner(t *testing.T) {
	h := newStoreHarness(t, clinicSettings(), twoBackups(), sampleGroups()...)
	if h.main.damage.text() != "" || h.main.damage.content.Visible() {
		t.Errorf("a sound database shows the banner: %q", h.main.damage.text())
	}
}
