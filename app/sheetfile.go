package app

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"referraldesk/referral"
)

const (
	// printDirPattern names the private folders Print makes for the PDF
	// viewer.
	printDirPattern = "referraldesk-print-*"
	// printFileName is what the viewer's title bar shows. It names no client.
	printFileName = "referral-sheet.pdf"
	// printKeep is the longest a print file stays for a viewer that is
	// still open: long enough to print from, and a viewer has read the
	// file long before.
	printKeep = 10 * time.Minute
	// printGrace is how long a print file stays once the opener has handed
	// it to a viewer and ended: the viewer starts and reads the file in
	// seconds, but it may be starting still.
	printGrace = time.Minute
	// viewerStart is how long Print waits for the opener to end at once,
	// which tells whether there is a viewer at all (see openInViewer).
	viewerStart = 1500 * time.Millisecond
)

// writeSheetFile writes a sheet to path so that no half-written file is ever
// left there: render writes a temporary file in the same folder (created
// 0600, readable by the user only) which then replaces path in one rename.
//
// On any failure the temporary file is removed, and so is an empty file at
// path: the save dialog creates the file it hands over, and an empty file
// named like a sheet would look like one. The error is a coded one that
// names the folder and what to do, never the file name, which the counselor
// may have made from the client's name.
func writeSheetFile(path string, render func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	defer func() {
		if err != nil {
			removeIfEmpty(path)
			err = saveError(dir, err)
		}
	}()
	tmp, err := os.CreateTemp(dir, ".referral-sheet-*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := &writeRecorder{w: tmp}
	if err = render(w); err != nil {
		if w.err != nil {
			err = w.err // the renderer may not wrap the file's own error
		}
		return err
	}
	// Sync first: a full disk may only say so when the data is flushed.
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

// writeRecorder keeps the first error of the writer it wraps.
type writeRecorder struct {
	w   io.Writer
	err error
}

func (r *writeRecorder) Write(p []byte) (int, error) {
	n, err := r.w.Write(p)
	if err != nil && r.err == nil {
		r.err = err
	}
	return n, err
}

func removeIfEmpty(path string) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
		os.Remove(path)
	}
}

// saveError says in a counselor's words why the sheet could not be saved.
// A coded error from the renderer (a sheet that cannot be drawn) keeps its
// own message; an uncoded one that is not about the disk stays internal, so
// its detail goes to the log, not on screen.
func saveError(dir string, err error) error {
	if referral.ErrorCode(err) != referral.EINTERNAL {
		return err
	}
	var why string
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		why = lang.L("the disk is full")
	case errors.Is(err, syscall.EROFS):
		why = lang.L("the disk is read-only")
	case errors.Is(err, fs.ErrPermission):
		why = lang.L("permission denied")
	case errors.Is(err, fs.ErrNotExist):
		why = lang.L("the folder does not exist")
	default:
		var pe *fs.PathError
		if !errors.As(err, &pe) {
			return err // not the file system's doing
		}
		why = lang.L("the file could not be written")
	}
	return referral.Errorf(referral.EINVALID, "%s", lang.L("Could not save the sheet to {{.Folder}}: {{.Why}}. Choose another folder.",
		map[string]any{"Folder": dir, "Why": why}))
}

// writePrintFile writes the sheet for the system's PDF viewer into a new
// private folder under root (os.TempDir() when ""). The viewer needs the
// file after this returns; printFiles removes it once the viewer has it.
func writePrintFile(root string, render func(io.Writer) error) (string, error) {
	if root == "" {
		root = os.TempDir()
	}
	dir, err := os.MkdirTemp(root, printDirPattern) // 0700
	if err != nil {
		return "", saveError(root, err)
	}
	path := filepath.Join(dir, printFileName)
	if err := writeSheetFile(path, render); err != nil {
		os.Remove(dir)
		return "", err
	}
	return path, nil
}

// removeStalePrintFiles removes the print folders under root (os.TempDir()
// when "") that are older than printKeep: a run that ended without
// removing its own (a crash, a power cut) left them. Younger ones may be
// another running window's, which removes its own in time. Only folders
// this user owns match: MkdirTemp made them, and another user's cannot be
// removed anyway.
func removeStalePrintFiles(root string, now time.Time) {
	if root == "" {
		root = os.TempDir()
	}
	dirs, _ := filepath.Glob(filepath.Join(root, printDirPattern))
	for _, d := range dirs {
		if fi, err := os.Lstat(d); err == nil && fi.IsDir() && now.Sub(fi.ModTime()) > printKeep {
			os.RemoveAll(d)
		}
	}
}

// printFiles are the folders this window's prints made, until each is
// removed: once the viewer has the file, and all of them when the window
// closes. A sheet carries the client's first name, so none may outlive
// the window. Safe for use from any goroutine.
type printFiles struct {
	mu   sync.Mutex
	dirs map[string]bool
}

func newPrintFiles() *printFiles { return &printFiles{dirs: map[string]bool{}} }

// add records the folder of a print file.
func (p *printFiles) add(file string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dirs[filepath.Dir(file)] = true
}

// remove removes the folder of a print file, if it is still there.
func (p *printFiles) remove(file string) {
	dir := filepath.Dir(file)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dirs[dir] {
		delete(p.dirs, dir)
		removePrintDir(dir)
	}
}

// removeAll removes every folder still there.
func (p *printFiles) removeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for dir := range p.dirs {
		delete(p.dirs, dir)
		removePrintDir(dir)
	}
}

func removePrintDir(dir string) {
	if err := os.RemoveAll(dir); err != nil {
		fyne.LogError("sheet: remove print file", err)
	}
}
