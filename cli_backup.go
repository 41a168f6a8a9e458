package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// backup writes a copy of the database: to FILE, or into the backups folder
// beside the database; --list shows the copies in that folder.
//
// An existing FILE is refused unless --force: a mistyped name must not
// replace another backup (or anything else) without being asked to. With
// --force the old file is replaced in one step, only once the new copy is
// whole.
func (c *cli) backup(args []string) error {
	fs := c.flags("backup")
	list := fs.Bool("list", false, "list the backups in the backups folder")
	force := fs.Bool("force", false, "replace FILE if it exists")
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 1:
		return usagef("backup takes at most one FILE (got %d)", len(rest))
	case *list && len(rest) > 0:
		return usagef("backup --list takes no FILE")
	case *list && *force:
		return usagef("--force goes with backup FILE")
	case *force && len(rest) == 0:
		return usagef("--force replaces a FILE; give one, or leave --force out to write into the backups folder")
	}
	var file string
	if len(rest) == 1 {
		file = rest[0]
		if err := refuseExisting(file, *force); err != nil {
			return err
		}
	}
	if err := c.open(); err != nil {
		return err
	}
	backups := sqlite.NewBackupService(c.db)
	ctx := context.Background()
	if *list {
		all, err := backups.Backups(ctx)
		if err != nil {
			return err
		}
		return c.printBackups(all, *asJSON)
	}
	made, err := backups.BackUp(ctx, file)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(c.stdout, toBackupJSON(made))
	}
	fmt.Fprintf(c.stdout, "backed up to %s (%d bytes)\n", made.Path, made.Size)
	return nil
}

// refuseExisting stops a backup that would replace a file not asked to be.
// A folder or a place that cannot be looked at is BackUp's to explain.
func refuseExisting(file string, force bool) error {
	if info, err := os.Stat(file); err != nil || info.IsDir() || force {
		return nil
	}
	return referral.Errorf(referral.EINVALID, "%s already exists; choose another name, or add --force to replace it.", file)
}

// backupJSON is one backup: automatic copies are made before imports,
// refreshes, source removals, restores and upgrades, why says before what.
type backupJSON struct {
	Path      string `json:"path"`
	Taken     string `json:"taken"`
	Size      int64  `json:"size"`
	Automatic bool   `json:"automatic"`
	Why       string `json:"why"`
}

func toBackupJSON(b referral.Backup) backupJSON {
	return backupJSON{Path: b.Path, Taken: timeText(b.Taken), Size: b.Size, Automatic: b.Automatic, Why: b.Why}
}

func (c *cli) printBackups(all []referral.Backup, asJSON bool) error {
	if asJSON {
		out := make([]backupJSON, len(all))
		for i, b := range all {
			out[i] = toBackupJSON(b)
		}
		return writeJSON(c.stdout, out)
	}
	if len(all) == 0 {
		fmt.Fprintln(c.stderr, "referraldesk: no backups yet; make one with `referraldesk backup`")
		return nil
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TAKEN\tSIZE\tKIND\tWHY\tPATH")
	for _, b := range all {
		kind := "on request"
		if b.Automatic {
			kind = "automatic"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", localText(b.Taken), b.Size, kind, b.Why, b.Path)
	}
	return tw.Flush()
}

// restore replaces the database's content with a backup's, after keeping
// the database as it was as an automatic backup.
func (c *cli) restore(args []string) error {
	fs := c.flags("restore")
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("restore takes one backup FILE (see them with `referraldesk backup --list`)")
	}
	if err := c.open(); err != nil {
		return err
	}
	upgradedBefore := len(c.db.Upgraded)
	report, err := sqlite.NewBackupService(c.db).Restore(context.Background(), rest[0])
	if err != nil {
		return err
	}
	for _, note := range c.db.Upgraded[upgradedBefore:] {
		fmt.Fprintf(c.stderr, "referraldesk: %s\n", note)
	}
	if *asJSON {
		out := struct {
			From     string      `json:"from"`
			Groups   int         `json:"groups"`
			Previous *backupJSON `json:"previous"` // null: the database held nothing to keep
		}{From: report.From, Groups: report.Groups}
		if report.Previous.Path != "" {
			prev := toBackupJSON(report.Previous)
			out.Previous = &prev
		}
		return writeJSON(c.stdout, out)
	}
	fmt.Fprintf(c.stdout, "restored %s: %d listings\n", report.From, report.Groups)
	if report.Previous.Path == "" {
		fmt.Fprintln(c.stdout, "the database held nothing before, so no copy of it was kept")
	} else {
		fmt.Fprintf(c.stdout, "the database as it was is kept in %s\n", report.Previous.Path)
	}
	return nil
}
