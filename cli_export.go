package main

import (
	"context"
	"io"
	"os"
	"path/filepath"

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
// leaves a half-written file behind.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return referral.Errorf(referral.EINVALID, "cannot write %s (%s); choose a folder you can write to", path, reason(err))
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
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
