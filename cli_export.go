package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/feed"
	"referraldesk/referral/sqlite"
)

func (c *cli) export(args []string) error {
	fs := c.flags("export")
	format := fs.String("format", "", "meeting-guide or csv")
	source := fs.String("source", "", "only this source (default: the whole directory)")
	out := fs.String("out", "", "file to write (default: standard output)")
	withCuration := fs.Bool("with-curation", false, "write the clinic's curation, counselor notes too, for other desks to subscribe to (meeting-guide only)")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("export takes no arguments, only flags (got %q)", rest[0])
	}
	f, err := feed.ParseFormat(*format)
	if err != nil || (f != feed.MeetingGuide && f != feed.CSV) {
		return usagef("export needs --format meeting-guide or --format csv")
	}
	if *withCuration && f != feed.MeetingGuide {
		return usagef("--with-curation writes Meeting Guide extension fields; use it with --format meeting-guide")
	}
	if err := c.open(); err != nil {
		return err
	}
	dir := newFeedStore(c.db, sqlite.NewGroupService(c.db))
	opts := referral.ExportOptions{Format: string(f), Source: *source, WithCuration: *withCuration}
	if *out == "" {
		return dir.Export(context.Background(), c.stdout, opts)
	}
	return writeFileAtomic(*out, func(w io.Writer) error {
		return dir.Export(context.Background(), w, opts)
	})
}

// writeFileAtomic writes a file readable by the user only through a
// temporary file beside it, so a failure (a full disk, a bad source) never
// leaves a half-written file behind, and never the temporary file either.
//
// A run killed while writing cannot clean up after itself, so each write
// first removes what killed runs left beside the same file (see
// removeStaleTemps).
func writeFileAtomic(path string, write func(io.Writer) error) error {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return referral.Errorf(referral.EINVALID, "%s is a folder; give the name of a file to write in it", path)
	}
	dir, base := filepath.Dir(path), filepath.Base(path)
	removeStaleTemps(dir, base, time.Now())
	tmp, err := os.CreateTemp(dir, tempPrefix(base)+"*")
	if err != nil {
		return referral.Errorf(referral.EINVALID, "cannot write %s (%s); choose a folder you can write to", path, reason(err))
	}
	// On every way out, a panic in write too; a no-op after the rename.
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return referral.Errorf(referral.EINVALID, "cannot write %s (%s); check the free disk space", path, reason(err))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return referral.Errorf(referral.EINVALID, "cannot write %s (%s); choose a folder you can write to", path, reason(err))
	}
	return nil
}

// tempPrefix begins the name of writeFileAtomic's temporary file for a file
// named base: hidden, and named after it. os.CreateTemp ends it with decimal
// digits.
func tempPrefix(base string) string { return "." + base + "." }

// staleTemp is how long a temporary file of writeFileAtomic must have been
// left alone before a later run takes it for a leftover of a killed one.
// Another process may be writing the same file right now, but every write
// touches its temporary file, and no export or sheet takes minutes.
const staleTemp = 10 * time.Minute

// removeStaleTemps removes from dir the temporary files writeFileAtomic made
// for base and a killed run left there: regular files named exactly
// tempPrefix(base) and digits, untouched for staleTemp. Nothing else is
// touched. It is best effort: a folder that cannot be listed is the write's
// to report.
func removeStaleTemps(dir, base string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		digits, ok := strings.CutPrefix(e.Name(), tempPrefix(base))
		if !ok || digits == "" || strings.Trim(digits, "0123456789") != "" || !e.Type().IsRegular() {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) >= staleTemp {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
