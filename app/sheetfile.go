package app

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"fyne.io/fyne/v2/lang"

	"referraldesk/referral"
)

const (
	// printDirPattern names the private folders Print leaves for the PDF
	// viewer; the next Print (or the next start) removes them.
	printDirPattern = "referraldesk-print-*"
	// printFileName is what the viewer's title bar shows. It names no client.
	printFileName = "referral-sheet.pdf"
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
// private folder under root (os.TempDir() when ""), after removing the
// folders earlier prints left there. The viewer needs the file after this
// returns, so it stays until the next print or start.
func writePrintFile(root string, render func(io.Writer) error) (string, error) {
	if root == "" {
		root = os.TempDir()
	}
	removePrintFiles(root)
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

// removePrintFiles removes the folders earlier prints left under root
// (os.TempDir() when ""). Only folders this user owns match: MkdirTemp made
// them, and another user's cannot be removed anyway.
func removePrintFiles(root string) {
	if root == "" {
		root = os.TempDir()
	}
	dirs, _ := filepath.Glob(filepath.Join(root, printDirPattern))
	for _, d := range dirs {
		if fi, err := os.Lstat(d); err == nil && fi.IsDir() {
			os.RemoveAll(d)
		}
	}
}
