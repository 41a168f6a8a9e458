package sqlite

// Backups: copies of the database file, made on request and automatically
// before the store changes the directory or upgrades the schema, and the
// restore of one of them.
//
// Where. The copies live in a folder named backups beside the database
// file (created 0700, every copy 0600: they hold the same counselor notes
// and referral records as the database).
//
// How a copy is made. VACUUM INTO writes a consistent snapshot of the
// database as one self-contained file (rollback journal, no -wal beside it)
// from a read transaction, so it works while this or another process is
// writing, and never blocks them. It writes to a hidden temporary name in
// the destination folder, which is synced and then renamed: a copy killed
// halfway never sits under a backup's name. Hidden temporaries a kill left
// behind are removed once a day old.
//
// Names. A copy's name says everything Backups lists, so there is no
// sidecar file to lose, copy apart or disagree with the copy:
//
//	referraldesk-2026-12-01T10-54-24.123Z-auto-before_importing_alanon-ma.db
//	referraldesk-2026-12-01T11-02-09.500Z-copy.db
//
// The UTC time, to the millisecond, comes first so names sort by age; then
// "auto" for the copies the store makes itself or "copy" for those made on
// request; then what an automatic copy was made before, with spaces as
// "_" and anything but ASCII letters, digits, "." and "-" as %XX.
//
// What is kept. Only the newest autoKeep automatic copies: each new one
// removes older ones beyond that. Copies made on request are never removed.
// A database with nothing in it worth keeping (no groups, curation,
// settings, referrals or subscriptions) gets no automatic copy, and a change
// that turns out to change nothing (an import with every listing
// unchanged) removes its copy again.
//
// Restoring. The file is checked first: a SQLite file, intact (integrity
// check), carrying Referral Desk's application id, with no migration this
// build does not know. The database as it is is then kept as an automatic
// copy, and the file's content replaces the database's through SQLite's
// online backup API, writing into the live database in one write
// transaction: every connection, in this process or another (the command
// line beside the window), sees either the old database or the restored
// one, never a mix. Renaming the file over the database would not do: other
// processes would keep the replaced file open and write on into it unseen,
// while the -wal and -shm beside the name, which hold pages of the old
// database, would be applied to the new one and corrupt it.
// A file from an older Referral Desk is upgraded by the usual migrations
// right after it is restored. Restoring is also the way out of a damaged
// database, which VACUUM INTO cannot read: its copy is then its bytes as
// they are (with its -wal beside the copy), for whoever may yet recover
// something from it, and writes are allowed again once the checked file
// is in place.

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"modernc.org/sqlite"

	"referraldesk/referral"
)

var _ referral.BackupService = (*BackupService)(nil)

// autoKeep is how many automatic copies are kept.
const autoKeep = 5

const (
	backupPrefix = "referraldesk-"
	backupExt    = ".db"
	// backupTime is a copy's UTC time in its name: fixed width, so names
	// sort as times do, and without ":" (not allowed in Windows names).
	backupTime  = "2006-01-02T15-04-05.000Z"
	autoKind    = "auto"
	requestKind = "copy"
	tempPattern = ".referraldesk-backup-*.tmp"
	// staleTemp is the age after which a hidden temporary is taken for
	// the leftover of a killed copy rather than one being written.
	staleTemp = 24 * time.Hour
	// maxWhyName bounds the escaped reason in a name, well inside the
	// 255 bytes most file systems allow.
	maxWhyName = 150
)

// BackupService keeps and restores copies of a DB (see the comment at the
// top of this file).
type BackupService struct {
	db *DB
}

// NewBackupService returns the backups of db.
func NewBackupService(db *DB) *BackupService {
	return &BackupService{db: db}
}

// BackUp writes a copy of the database to path, or, when path is "", to a
// new file in the backups folder. A file already at path is replaced, in
// one step; the live database and its companion files are refused.
func (s *BackupService) BackUp(ctx context.Context, path string) (referral.Backup, error) {
	if path == "" {
		return s.db.backUpInFolder(ctx, requestKind, "", "", false)
	}
	dest, err := s.db.copyDestination(path)
	if err != nil {
		return referral.Backup{}, err
	}
	taken := s.db.Now().UTC()
	if err := s.db.writeCopy(ctx, dest); err != nil {
		return referral.Backup{}, s.db.cannotCopy(dest, err)
	}
	return describe(dest, referral.Backup{Taken: taken})
}

// Backups lists the copies in the backups folder, newest first. Files there
// that Referral Desk did not name are left out.
func (s *BackupService) Backups(ctx context.Context) ([]referral.Backup, error) {
	return s.db.backups()
}

// Restore checks the file at path and replaces the database's content with
// it (see the comment at the top of this file).
func (s *BackupService) Restore(ctx context.Context, path string) (referral.RestoreReport, error) {
	from, err := filepath.Abs(path)
	if err != nil {
		return referral.RestoreReport{}, fmt.Errorf("restore %s: %w", path, err)
	}
	if err := s.db.checkRestorable(ctx, from); err != nil {
		return referral.RestoreReport{}, err
	}
	why := restoreWhy(from)
	previous, err := s.db.autoBackup(ctx, why, from)
	if referral.ErrorCode(err) == referral.EDAMAGED {
		// Restoring is the way out of a damaged database, which VACUUM
		// cannot read: keep its bytes as they are instead.
		previous, err = s.db.keepDamaged(why, from)
	}
	if err != nil {
		return referral.RestoreReport{}, err
	}
	if err := s.db.restoreFrom(ctx, from); err != nil {
		return referral.RestoreReport{}, err
	}
	// Every page is now the checked file's: the damage is gone with the
	// pages that had it, and writes may go on.
	s.db.damaged.Store(false)
	if err := s.db.migrate(context.WithValue(ctx, restoringKey{}, from)); err != nil {
		return referral.RestoreReport{}, fmt.Errorf("restore %s: upgrade: %w", from, err)
	}
	report := referral.RestoreReport{From: from, Previous: previous}
	if err := s.db.db.QueryRowContext(ctx, `SELECT count(*) FROM groups`).Scan(&report.Groups); err != nil {
		return referral.RestoreReport{}, fmt.Errorf("restore %s: count listings: %w", from, err)
	}
	return report, nil
}

// restoringKey marks the context of the upgrade that follows a restore: the
// file restored is the copy of the old version, and needs no second one.
type restoringKey struct{}

// restoreWhy says what the copy kept before a restore was made before: the
// time of a backup of ours, else the file's name.
func restoreWhy(from string) string {
	if b, ok := parseBackupName(filepath.Base(from)); ok {
		return "before restoring the backup of " + b.Taken.Format("2006-01-02 15:04:05 UTC")
	}
	return "before restoring " + filepath.Base(from)
}

// Check looks the database over for damage (see DB.Check).
func (s *BackupService) Check(ctx context.Context) error {
	return s.db.Check(ctx)
}

// backupBefore keeps an automatic copy of the database before a change
// described by why ("before importing alanon-ma"). A copy that cannot be
// made is an error that must stop the change. done, never nil, is told
// whether the change changed anything: if it did, the older automatic
// copies beyond autoKeep are pruned; if not (nothing to write, refused,
// failed), the copy is removed again and the older ones stay, so that a
// change that came to nothing never costs the oldest copy its place.
func (db *DB) backupBefore(ctx context.Context, why string) (done func(changed bool), err error) {
	b, err := db.autoCopy(ctx, why, "", false)
	if err != nil || b.Path == "" {
		return func(bool) {}, err
	}
	return func(changed bool) {
		if changed {
			db.pruneBackups("")
		} else {
			removeBackup(b.Path)
		}
	}, nil
}

// removeBackup removes a copy, with the log a damaged one was kept with.
func removeBackup(path string) {
	os.Remove(path)
	os.Remove(path + "-wal")
}

// backupBeforeUpgrade keeps an automatic copy before migrate runs the
// pending migrations of a file that has recorded some (a new database has
// nothing to keep). A file that cannot be written gets none: its upgrade
// is refused with the reason. Nor does a file just restored: the file it
// was restored from is its copy.
func (db *DB) backupBeforeUpgrade(ctx context.Context, known, recorded []string) error {
	if len(recorded) == 0 || len(known) == 0 || db.writable() != nil || ctx.Value(restoringKey{}) != nil {
		return nil
	}
	pending := slices.ContainsFunc(known, func(name string) bool { return !slices.Contains(recorded, name) })
	if !pending {
		return nil
	}
	why := fmt.Sprintf("before upgrading schema %s to %s", schemaNumber(slices.Max(recorded)), schemaNumber(slices.Max(known)))
	_, err := db.autoBackup(ctx, why, "")
	return err
}

// schemaNumber is the number a migration's name starts with ("0003").
func schemaNumber(migration string) string {
	n, _, _ := strings.Cut(migration, "_")
	return n
}

// autoBackup makes an automatic copy in the backups folder and removes the
// automatic copies beyond the newest autoKeep, except keep (a file being
// restored). It makes none, returning a zero Backup, when the database
// holds nothing to lose.
func (db *DB) autoBackup(ctx context.Context, why, keep string) (referral.Backup, error) {
	return db.autoCopy(ctx, why, keep, true)
}

// autoCopy is autoBackup, pruning the older copies only when prune.
func (db *DB) autoCopy(ctx context.Context, why, keep string, prune bool) (referral.Backup, error) {
	empty, err := db.nothingToLose(ctx)
	if err != nil {
		return referral.Backup{}, db.cannotBackUp(why, err)
	}
	if empty {
		return referral.Backup{}, nil
	}
	return db.backUpInFolder(ctx, autoKind, why, keep, prune)
}

// backUpInFolder writes a new copy into the backups folder and, for an
// automatic one when prune, prunes the older automatic copies.
func (db *DB) backUpInFolder(ctx context.Context, kind, why, keep string, prune bool) (referral.Backup, error) {
	path, taken, err := db.newBackupPath(kind, why)
	if err == nil {
		err = db.writeCopy(ctx, path)
	}
	switch {
	case err != nil && kind == requestKind && path == "":
		return referral.Backup{}, db.cannotCopy(db.backupDir(), err)
	case err != nil && kind == requestKind:
		return referral.Backup{}, db.cannotCopy(path, err)
	case err != nil:
		return referral.Backup{}, db.cannotBackUp(why, err)
	}
	return db.keptBackup(path, referral.Backup{Taken: taken, Automatic: kind == autoKind, Why: why}, keep, prune)
}

// keepDamaged keeps an automatic copy of a damaged database as its bytes
// are, the file and its write-ahead log, for whoever may yet recover
// something from it.
func (db *DB) keepDamaged(why, keep string) (referral.Backup, error) {
	path, taken, err := db.newBackupPath(autoKind, why)
	if err == nil {
		// The log first: a copy under its final name is whole.
		if _, serr := os.Stat(db.path + "-wal"); serr == nil {
			err = copyFile(db.path+"-wal", path+"-wal")
		}
	}
	if err == nil {
		err = copyFile(db.path, path)
	}
	if err != nil {
		os.Remove(path + "-wal")
		return referral.Backup{}, db.cannotBackUp(why, err)
	}
	return db.keptBackup(path, referral.Backup{Taken: taken, Automatic: true, Why: why}, keep, true)
}

// newBackupPath makes the backups folder and names a new copy in it.
func (db *DB) newBackupPath(kind, why string) (string, time.Time, error) {
	dir := db.backupDir()
	if err := makeBackupDir(dir); err != nil {
		return "", time.Time{}, err
	}
	taken := db.Now().UTC().Truncate(time.Millisecond)
	for {
		path := filepath.Join(dir, backupName(taken, kind, why))
		if !exists(path) {
			return path, taken, nil
		}
		// Two copies within a millisecond (or under a fixed test clock):
		// the later one is named a millisecond later, keeping the order.
		taken = taken.Add(time.Millisecond)
	}
}

// keptBackup completes the description of a copy just written and, for an
// automatic one when prune, prunes the older automatic copies.
func (db *DB) keptBackup(path string, b referral.Backup, keep string, prune bool) (referral.Backup, error) {
	b, err := describe(path, b)
	if err != nil {
		return referral.Backup{}, err
	}
	if b.Automatic && prune {
		db.pruneBackups(keep)
	}
	return b, nil
}

// backupDir is the backups folder beside the database file.
func (db *DB) backupDir() string {
	return filepath.Join(filepath.Dir(db.path), "backups")
}

func makeBackupDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	// MkdirAll's mode passes through the umask and leaves an existing
	// folder as it was: say 0700 outright.
	return os.Chmod(dir, 0o700)
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// nothingToLose reports whether the database holds none of what a person
// would miss: groups, curation, settings, referrals or subscriptions. Each
// table is asked only if this file's schema has it (an old file may not).
func (db *DB) nothingToLose(ctx context.Context) (bool, error) {
	empty := true
	err := db.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN
			('groups', 'curation', 'listing_curation', 'published_curation', 'settings', 'referrals', 'subscriptions')`)
		if err != nil {
			return err
		}
		var tables []string
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return err
			}
			tables = append(tables, t)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for _, t := range tables {
			var found bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM "`+t+`")`).Scan(&found); err != nil {
				return err
			}
			if found {
				empty = false
				return nil
			}
		}
		return nil
	})
	return empty, err
}

// writeCopy writes a consistent copy of the database to dest.
func (db *DB) writeCopy(ctx context.Context, dest string) error {
	return writeAtomically(dest, func(tmp string) error {
		_, err := db.db.ExecContext(ctx, `VACUUM INTO ?`, tmp)
		if err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	})
}

// copyFile copies the bytes of src to dest.
func copyFile(src, dest string) error {
	return writeAtomically(dest, func(tmp string) error {
		in, err := os.Open(src)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(tmp, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, err = io.Copy(out, in)
		return errors.Join(err, out.Close())
	})
}

// writeAtomically has fill write an empty hidden temporary file in dest's
// folder, readable by the user only, then syncs it and renames it over dest:
// dest is never a half-written file.
func writeAtomically(dest string, fill func(tmp string) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(dest), tempPattern)
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	// CreateTemp makes the file 0600 before the umask, which can only take
	// bits away; the Chmods say it outright, before and after fill (VACUUM
	// INTO accepts an existing file only if it is empty, as this one is).
	if err := errors.Join(f.Close(), os.Chmod(tmp, 0o600)); err != nil {
		return err
	}
	if err := fill(tmp); err != nil {
		return err
	}
	if err := errors.Join(syncFile(tmp), os.Chmod(tmp, 0o600)); err != nil {
		return err
	}
	if err := os.Rename(tmp, dest); err != nil {
		return err
	}
	syncDir(filepath.Dir(dest))
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

// syncDir makes a rename in dir durable where the system allows it; some
// (Windows) cannot sync a folder, and the copy's own bytes are synced
// already, so a failure here is not worth stopping for.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// copyDestination checks a path given for a copy made on request: not a
// folder, in a folder that exists, and not the database itself or one of
// the files SQLite keeps beside it.
func (db *DB) copyDestination(path string) (string, error) {
	dest, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("back up to %s: %w", path, err)
	}
	if info, err := os.Stat(dest); err == nil && info.IsDir() {
		return "", referral.Errorf(referral.EINVALID, "%s is a folder; give the name of the backup file to write.", dest)
	}
	if info, err := os.Stat(filepath.Dir(dest)); err != nil || !info.IsDir() {
		return "", referral.Errorf(referral.EINVALID,
			"The folder %s does not exist; create it first or choose another place for the backup.", filepath.Dir(dest))
	}
	live, err := filepath.Abs(db.path)
	if err != nil {
		return "", fmt.Errorf("back up to %s: %w", path, err)
	}
	for _, companion := range companions(live) {
		if sameFile(dest, companion) {
			return "", referral.Errorf(referral.EINVALID,
				"%s is the database in use (or a file SQLite keeps beside it); choose another name for the backup.", dest)
		}
	}
	return dest, nil
}

// sameFile reports whether a and b name one file: the same path, or (for
// links and different spellings) the same file on disk.
func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ia, err := os.Stat(a)
	if err != nil {
		return false
	}
	ib, err := os.Stat(b)
	return err == nil && os.SameFile(ia, ib)
}

// describe completes b with the copy's path and size.
func describe(path string, b referral.Backup) (referral.Backup, error) {
	info, err := os.Stat(path)
	if err != nil {
		return referral.Backup{}, fmt.Errorf("back up: %w", err)
	}
	b.Path, b.Size = path, info.Size()
	return b, nil
}

// cannotBackUp is the error of an automatic copy that could not be made,
// which stops the change it was to come before. A damaged database says so
// as it is (only a restore helps), as does an error that is a sentence
// already; anything else is most likely about the backups folder.
func (db *DB) cannotBackUp(why string, err error) error {
	if f := db.fault(err); referral.ErrorCode(f) == referral.EDAMAGED {
		return f
	}
	var coded *referral.Error
	if errors.As(err, &coded) {
		return err
	}
	return referral.Errorf(referral.EUNAVAILABLE,
		"Could not keep a backup of the database %s (%s), so nothing was changed; check that there is room on the disk and that you may write to the backups folder %s, then try again.",
		why, reason(err), db.backupDir())
}

// cannotCopy is the error of a copy made on request that could not be made.
func (db *DB) cannotCopy(path string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	if f := db.fault(err); referral.ErrorCode(f) == referral.EDAMAGED {
		return f
	}
	return referral.Errorf(referral.EUNAVAILABLE,
		"Could not write the backup %s (%s); check that there is room on the disk and that you may write there.", path, reason(err))
}

// backups lists the copies in the backups folder, newest first.
func (db *DB) backups() ([]referral.Backup, error) {
	dir := db.backupDir()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return []referral.Backup{}, nil
	}
	if err != nil {
		return nil, referral.Errorf(referral.EUNAVAILABLE, "Cannot read the backups folder %s (%s).", dir, reason(err))
	}
	list := []referral.Backup{}
	for _, e := range entries {
		b, ok := parseBackupName(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed since the folder was read
		}
		b.Path, b.Size = filepath.Join(dir, e.Name()), info.Size()
		list = append(list, b)
	}
	slices.SortFunc(list, func(a, b referral.Backup) int {
		if c := b.Taken.Compare(a.Taken); c != 0 {
			return c
		}
		return strings.Compare(b.Path, a.Path)
	})
	return list, nil
}

// pruneBackups removes the automatic copies beyond the newest autoKeep
// (never keep) and hidden temporaries left by killed copies. It works on a
// best-effort basis: a copy that cannot be removed now is removed by a
// later backup, and nothing the person asked for depends on it.
func (db *DB) pruneBackups(keep string) {
	list, err := db.backups()
	if err != nil {
		return
	}
	kept := 0
	for _, b := range list {
		if !b.Automatic {
			continue
		}
		if kept++; kept > autoKeep && !sameFile(b.Path, keep) {
			removeBackup(b.Path)
		}
	}
	temps, _ := filepath.Glob(filepath.Join(db.backupDir(), tempPattern))
	for _, t := range temps {
		if info, err := os.Stat(t); err == nil && time.Since(info.ModTime()) > staleTemp {
			os.Remove(t)
		}
	}
}

// backupName names a copy (see the comment at the top of this file).
func backupName(taken time.Time, kind, why string) string {
	name := backupPrefix + taken.UTC().Format(backupTime) + "-" + kind
	if why != "" {
		name += "-" + escapeWhy(why)
	}
	return name + backupExt
}

// parseBackupName reads Taken, Automatic and Why back from a copy's name.
func parseBackupName(name string) (referral.Backup, bool) {
	rest, ok := strings.CutPrefix(name, backupPrefix)
	if !ok || len(rest) < len(backupTime) {
		return referral.Backup{}, false
	}
	rest, ok = strings.CutSuffix(rest, backupExt)
	if !ok || len(rest) < len(backupTime) {
		return referral.Backup{}, false
	}
	taken, err := time.Parse(backupTime, rest[:len(backupTime)])
	if err != nil {
		return referral.Backup{}, false
	}
	kind, why, _ := strings.Cut(strings.TrimPrefix(rest[len(backupTime):], "-"), "-")
	if kind != autoKind && kind != requestKind {
		return referral.Backup{}, false
	}
	return referral.Backup{Taken: taken, Automatic: kind == autoKind, Why: unescapeWhy(why)}, true
}

// escapeWhy makes a reason part of a file name that any system accepts and
// unescapeWhy can read back, cut (at a letter) to maxWhyName bytes.
func escapeWhy(why string) string {
	var b strings.Builder
	for _, r := range why {
		var part string
		switch {
		case r == ' ':
			part = "_"
		case r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-'):
			part = string(r)
		default:
			var enc strings.Builder
			for _, c := range []byte(string(r)) {
				fmt.Fprintf(&enc, "%%%02X", c)
			}
			part = enc.String()
		}
		if b.Len()+len(part) > maxWhyName {
			break
		}
		b.WriteString(part)
	}
	return b.String()
}

func unescapeWhy(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '_':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// knownMigrations are the names of the migrations this build carries, in
// order.
func knownMigrations() ([]string, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	for i := range names {
		names[i] = strings.TrimPrefix(names[i], "migrations/")
	}
	slices.Sort(names)
	return names, nil
}

// checkRestorable refuses, with an EINVALID error saying why and what to
// do, a file that must not replace the database. It only reads the file.
func (db *DB) checkRestorable(ctx context.Context, path string) error {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return referral.Errorf(referral.EINVALID, "%s does not exist; choose the backup file to restore (backups are kept in %s).", path, db.backupDir())
	case err != nil:
		return referral.Errorf(referral.EINVALID, "Cannot read %s (%s); choose a backup file you may read.", path, reason(err))
	case info.IsDir():
		return referral.Errorf(referral.EINVALID, "%s is a folder; choose a backup file in it to restore.", path)
	case !info.Mode().IsRegular():
		return referral.Errorf(referral.EINVALID, "%s is not a file; choose a backup file to restore.", path)
	case sameFile(path, db.path):
		return referral.Errorf(referral.EINVALID, "%s is the database in use; choose a backup of it to restore.", path)
	}
	if err := checkHeader(path); err != nil {
		return err
	}
	ro, err := sql.Open("sqlite", dsn(path, readOnlyAccess.query))
	if err != nil {
		return fmt.Errorf("restore %s: %w", path, err)
	}
	defer ro.Close()
	// One connection, one read transaction: every check sees the same file.
	tx, err := ro.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return unsound(path, err)
	}
	defer tx.Rollback()
	if err := checkIntegrity(ctx, tx, path); err != nil {
		return err
	}
	var appID int64
	if err := tx.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&appID); err != nil {
		return unsound(path, err)
	}
	if appID != applicationID {
		return notABackup(path)
	}
	return checkMigrations(ctx, tx, path)
}

// checkHeader refuses a file that is not SQLite at all before SQLite reads it.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return referral.Errorf(referral.EINVALID, "Cannot read %s (%s); choose a backup file you may read.", path, reason(err))
	}
	defer f.Close()
	header := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, header); err != nil || !bytes.Equal(header, []byte(sqliteHeader)) {
		return notABackup(path)
	}
	return nil
}

func checkIntegrity(ctx context.Context, tx *sql.Tx, path string) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA integrity_check(5)`)
	if err != nil {
		return unsound(path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return unsound(path, err)
		}
		problems = append(problems, p)
	}
	if err := rows.Err(); err != nil {
		return unsound(path, err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return unsound(path, errors.New(strings.Join(problems, "; ")))
	}
	return nil
}

// checkMigrations refuses a file whose schema this build does not know all
// of: it comes from a newer Referral Desk.
func checkMigrations(ctx context.Context, tx *sql.Tx, path string) error {
	known, err := knownMigrations()
	if err != nil {
		return err
	}
	var tables int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'migrations'`).Scan(&tables); err != nil {
		return unsound(path, err)
	}
	if tables == 0 {
		return notABackup(path)
	}
	rows, err := tx.QueryContext(ctx, `SELECT name FROM migrations`)
	if err != nil {
		return unsound(path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return unsound(path, err)
		}
		if !slices.Contains(known, name) {
			return referral.Errorf(referral.EINVALID,
				"%s comes from a newer version of Referral Desk than this one; update Referral Desk, then restore it.", path)
		}
	}
	if err := rows.Err(); err != nil {
		return unsound(path, err)
	}
	return nil
}

func notABackup(path string) error {
	return referral.Errorf(referral.EINVALID,
		"%s is not a Referral Desk database; choose a backup Referral Desk made (they are named referraldesk-….db).", path)
}

// unsound refuses a file to restore that SQLite finds damaged.
func unsound(path string, err error) error {
	return referral.Errorf(referral.EINVALID,
		"%s is damaged (%s) and cannot be restored; choose another backup.", path, reason(err))
}

// restorer is what the modernc driver's connection offers for SQLite's
// online backup API, in the direction of restoring into it.
type restorer interface {
	NewRestore(srcURI string) (*sqlite.Backup, error)
}

// restoreFrom copies every page of the file at path into the live database
// in one write transaction (see the comment at the top of this file).
func (db *DB) restoreFrom(ctx context.Context, path string) error {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("restore %s: %w", path, err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		r, ok := dc.(restorer)
		if !ok {
			return fmt.Errorf("the SQLite driver offers no online backup (%T)", dc)
		}
		b, err := r.NewRestore(dsn(path, readOnlyAccess.query))
		if err != nil {
			return err
		}
		// Like a write (beginWrite), the copy waits for another writer:
		// a busy step may be taken again, and copies nothing until it
		// has the lock.
		start := time.Now()
		_, stepErr := b.Step(-1)
		for isBusy(stepErr) && ctx.Err() == nil && time.Since(start) < lockPatience {
			_, stepErr = b.Step(-1)
		}
		return errors.Join(stepErr, b.Finish())
	})
	if err == nil {
		return nil
	}
	if f := fault(db.path, err); referral.ErrorCode(f) != referral.EINTERNAL {
		return referral.Errorf(referral.EUNAVAILABLE, "Could not restore %s; the database is as it was. %s", path, referral.ErrorMessage(f))
	}
	return referral.Errorf(referral.EUNAVAILABLE,
		"Could not restore %s (%s); the database is as it was. Close other Referral Desk windows and commands and try again.", path, reason(err))
}
