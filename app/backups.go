package app

import (
	"context"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

const (
	// backupRows is how many backups show before the list scrolls.
	backupRows = 4
)

// backupsSection is Settings → Backups: the copies of the database, newest
// first, with Back up now, Restore… for the chosen copy and Restore from
// file… for a copy kept elsewhere. It is the way on from a damaged
// database, so it reads and restores even when nothing can be written.
// Every restore keeps the database as it was as one more backup first (the
// store does), and the confirmation says so.
type backupsSection struct {
	win      fyne.Window
	svc      referral.BackupService
	bg       background
	restored func() // every screen shows the restored database
	loc      *time.Location

	backups  []referral.Backup // newest first, as the store lists them
	selected string            // the chosen backup's path; "" for none
	busy     bool              // a backup or a restore is running

	list        *widget.List
	listBox     fyne.CanvasObject // the list at its fixed height
	none        *widget.Label     // instead of the list while there is no backup
	backUp      *widget.Button
	restore     *widget.Button
	restoreFile *widget.Button
	status      *widget.Label
	content     fyne.CanvasObject

	progress *progressDialog // while a backup or restore runs, kept so tests can see it
	seq      int             // numbers the listings so a stale one is dropped
}

func newBackupsSection(win fyne.Window, svc referral.BackupService, bg background, restored func()) *backupsSection {
	b := &backupsSection{win: win, svc: svc, bg: bg, restored: restored, loc: time.Local}
	b.buildUI()
	b.refresh()
	return b
}

func (b *backupsSection) buildUI() {
	b.list = widget.NewList(func() int { return len(b.backups) }, newBackupRow, b.updateBackupRow)
	b.list.OnSelected = b.onBackupSelected
	b.list.OnUnselected = func(widget.ListItemID) { b.selected = ""; b.update() }
	// The list's own height is one row: a fixed box gives it room for a
	// few inside the scrolling settings.
	rowHeight := newBackupRow().MinSize().Height + theme.Padding()
	room := canvas.NewRectangle(nil)
	room.SetMinSize(fyne.NewSize(0, rowHeight*backupRows))
	b.listBox = container.NewStack(room, b.list)
	b.none = wrapped(lang.L("No backups yet."), widget.LowImportance)
	b.none.Hide()

	b.backUp = widget.NewButtonWithIcon(lang.L("Back up now"), theme.DocumentSaveIcon(), b.onBackUp)
	b.restore = widget.NewButtonWithIcon(lang.L("Restore…"), theme.HistoryIcon(), b.onRestore)
	b.restore.Importance = widget.DangerImportance
	b.restoreFile = widget.NewButtonWithIcon(lang.L("Restore from file…"), theme.FolderOpenIcon(), b.onRestoreFile)
	b.status = wrapped("", widget.SuccessImportance)
	b.status.Hide()
	b.update()

	b.content = container.NewVBox(widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("Backups"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		wrapped(lang.L("Copies of the whole database: the directory, the clinic's notes, the referral log and these settings. "+
			"One is made automatically before every import, refresh or upgrade, and only the newest few of those are kept; "+
			"a copy made with Back up now stays until you delete its file. Only you can read them. "+
			"These buttons act at once; Save below is for the settings above."), widget.LowImportance),
		b.listBox, b.none,
		container.NewHBox(b.backUp, layout.NewSpacer(), b.restoreFile, b.restore),
		b.status)
}

// newBackupRow is one list row: when, over why, how big and what kind.
func newBackupRow() fyne.CanvasObject {
	when := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	about := widget.NewLabel("")
	about.Truncation = fyne.TextTruncateEllipsis
	return container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), when, about)
}

func (b *backupsSection) updateBackupRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(b.backups) {
		return
	}
	bk := b.backups[id]
	row := o.(*fyne.Container).Objects
	row[0].(*widget.Label).SetText(momentText(bk.Taken.In(b.loc), true))
	row[1].(*widget.Label).SetText(backupAbout(bk))
}

// backupAbout says what a backup was made before, its size and whether
// the store removes it in time.
func backupAbout(bk referral.Backup) string {
	why, kind := bk.Why, lang.L("made on request, kept")
	if bk.Automatic {
		kind = lang.L("automatic, only the newest few are kept")
	}
	if why == "" {
		why = lang.L("Made with Back up now")
		if bk.Automatic {
			why = lang.L("Made automatically")
		}
	}
	return capitalized(why) + " · " + byteSize(bk.Size) + " · " + kind
}

// refresh lists the backups off the UI goroutine, keeping the one chosen.
func (b *backupsSection) refresh() {
	b.seq++
	seq := b.seq
	b.bg.run(func() {
		list, err := b.svc.Backups(context.Background())
		fyne.Do(func() { b.showBackups(seq, list, err) })
	})
}

func (b *backupsSection) showBackups(seq int, list []referral.Backup, err error) {
	if seq != b.seq {
		return
	}
	if err != nil {
		// The section stays as it was; a list that cannot be read now
		// may be read at the next refresh.
		if !noticeDamage(b.win, err) {
			fyne.LogError("backups: list", err)
		}
		return
	}
	b.backups = list
	b.list.Refresh()
	chosen := -1
	for i, bk := range list {
		if bk.Path == b.selected {
			chosen = i
		}
	}
	if chosen >= 0 {
		b.list.Select(chosen)
	} else {
		b.selected = ""
		b.list.UnselectAll()
	}
	setShown(b.listBox, len(list) > 0)
	setShown(b.none, len(list) == 0)
	b.update()
	b.content.Refresh()
}

func (b *backupsSection) onBackupSelected(id widget.ListItemID) {
	if id < len(b.backups) {
		b.selected = b.backups[id].Path
	}
	b.update()
}

// chosen returns the backup chosen in the list.
func (b *backupsSection) chosen() (referral.Backup, bool) {
	for _, bk := range b.backups {
		if bk.Path == b.selected && b.selected != "" {
			return bk, true
		}
	}
	return referral.Backup{}, false
}

// update turns the buttons on and off: nothing while a backup or restore
// runs, and Restore… only with a backup chosen.
func (b *backupsSection) update() {
	_, chosen := b.chosen()
	enable(b.backUp, !b.busy)
	enable(b.restoreFile, !b.busy)
	enable(b.restore, !b.busy && chosen)
}

func (b *backupsSection) setBusy(busy bool) {
	b.busy = busy
	b.update()
}

func (b *backupsSection) say(text string) {
	b.status.SetText(text)
	setShown(b.status, text != "")
	b.content.Refresh()
}

// onBackUp copies the database into the backups folder off the UI
// goroutine, then says where.
func (b *backupsSection) onBackUp() {
	b.setBusy(true)
	b.say("")
	ctx, cancel := context.WithCancel(context.Background())
	b.progress = newProgressDialog(b.win, lang.L("Back up now"), lang.L("Copying the database…"), cancel)
	b.progress.show()
	b.bg.run(func() {
		bk, err := b.svc.BackUp(ctx, "")
		cancelled := err != nil && ctx.Err() != nil
		cancel()
		fyne.Do(func() { b.backedUp(bk, err, cancelled) })
	})
}

func (b *backupsSection) backedUp(bk referral.Backup, err error, cancelled bool) {
	b.progress.hide()
	b.progress = nil
	b.setBusy(false)
	switch {
	case cancelled:
		b.say(lang.L("Backup cancelled; no copy was made."))
	case err != nil:
		showFailure(b.win, "backups: back up", err, lang.L("No copy was made. Try again."))
	default:
		b.selected = bk.Path
		b.say(lang.L("Backed up to {{.Path}} ({{.Size}}).", map[string]any{"Path": bk.Path, "Size": byteSize(bk.Size)}))
	}
	b.refresh()
}

// onRestore restores the backup chosen in the list, once confirmed.
func (b *backupsSection) onRestore() {
	bk, ok := b.chosen()
	if !ok {
		return
	}
	b.confirmRestore(bk.Path, lang.L("the backup of {{.When}}", map[string]any{"When": momentText(bk.Taken.In(b.loc), true)}))
}

// onRestoreFile restores a copy chosen with the file dialog, once
// confirmed: a backup kept on a USB stick, or another desk's.
func (b *backupsSection) onRestoreFile() {
	d := dialog.NewFileOpen(func(file fyne.URIReadCloser, err error) {
		switch {
		case err != nil:
			showFailure(b.win, "backups: open file", err, "")
		case file == nil:
		default:
			file.Close() // the store opens the file itself, by its path
			b.onFileChosen(file.URI())
		}
	}, b.win)
	d.Show()
	d.Resize(b.win.Canvas().Size()) // only once shown: before, FileDialog.Resize panics
}

func (b *backupsSection) onFileChosen(u fyne.URI) {
	if u.Scheme() != "file" {
		showFailure(b.win, "backups: restore",
			referral.Errorf(referral.EINVALID, "%s", lang.L("Choose a backup file on this computer: {{.Name}} is not one.", map[string]any{"Name": u.Name()})), "")
		return
	}
	b.confirmRestore(u.Path(), u.Name())
}

// confirmRestore says what a restore replaces and that the database as it
// is now is kept first, before it restores path.
func (b *backupsSection) confirmRestore(path, what string) {
	msg := lang.L("Replace the database with {{.What}}? The directory, the clinic's notes, the referral log and the settings all become what they are in it.",
		map[string]any{"What": what}) + "\n\n" +
		lang.L("The database as it is now is kept as a backup first, so you can go back to it.")
	askDestructive(b.win, lang.L("Restore this backup?"), msg, lang.L("Restore"), func() { b.runRestore(path) })
}

// runRestore restores path off the UI goroutine. It cannot be cancelled:
// the store replaces the database in one step, and stopping it half way
// would only leave the counselor unsure which one they have.
func (b *backupsSection) runRestore(path string) {
	b.setBusy(true)
	b.say("")
	b.progress = newProgressDialog(b.win, lang.L("Restoring"),
		lang.L("Keeping the database as it is now, then restoring…"), nil)
	b.progress.show()
	b.bg.run(func() {
		report, err := b.svc.Restore(context.Background(), path)
		fyne.Do(func() { b.restoreDone(report, err) })
	})
}

func (b *backupsSection) restoreDone(report referral.RestoreReport, err error) {
	b.progress.hide()
	b.progress = nil
	b.setBusy(false)
	b.refresh()
	if err != nil {
		hint := ""
		if referral.ErrorCode(err) == referral.EINVALID {
			hint = lang.L("Nothing was changed: the database is as it was.")
		}
		showFailure(b.win, "backups: restore", err, hint)
		return
	}
	b.restored()
	dialog.ShowInformation(lang.L("Backup restored"), restoredText(report, b.loc), b.win)
}

// restoredText sums up a restore: what the database holds now and where
// the one it replaced was kept.
func restoredText(r referral.RestoreReport, loc *time.Location) string {
	return lang.L("The database is now the one in {{.File}}, with {{.Groups}} in the directory.",
		map[string]any{"File": filepath.Base(r.From), "Groups": groupsText(r.Groups)}) + "\n\n" +
		lang.L("The database as it was before is kept as the backup of {{.When}}, at the top of the list: restore that one to go back.",
			map[string]any{"When": momentText(r.Previous.Taken.In(loc), true)})
}
