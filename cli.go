package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/fetch"
	"referraldesk/referral/sqlite"
)

// Exit codes: 0 success, 2 a usage error, 1 anything else (see the README).
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

const dbEnv = "REFERRALDESK_DB"

// usageError is a mistake in how the command was called: exit 2 and a hint.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// cli holds what every sub-command needs.
type cli struct {
	stdout, stderr io.Writer
	dbPath         string
	db             *sqlite.DB
	// fetch downloads subscribed feeds (import URL, refresh); the zero
	// value is fetch's defaults. Tests shorten its timeout and size cap.
	fetch fetch.Client
}

type command struct {
	name    string
	summary string
	run     func(c *cli, args []string) error
}

var commands = []command{
	{"groups", "groups [--json] [--all] [TEXT]   list or search the directory", (*cli).groups},
	{"import", "import [--source NAME] [--program P] [--format F] [--timezone TZ] [--force] [--json] FILE|URL...\n" +
		"  import --bmlt-root URL --near ZIP --miles N [--source NAME] [--force] [--json]\n" +
		"                                   a file, or a feed's address to subscribe to (refreshed by refresh)", (*cli).importFiles},
	{"refresh", "refresh [--source NAME] [--force] [--json]   fetch subscribed feeds again and import them", (*cli).refresh},
	{"sources", "sources [--json]                   the imported sources and their subscriptions", (*cli).sources},
	{"export", "export --format meeting-guide|csv [--source NAME] [--with-curation] [--out FILE]", (*cli).export},
	{"match", "match [--zip Z --miles M --days mon,tue --times morning,evening --attend in-person|online|any\n" +
		"        --for self|family --substance opioids,... --gender woman|man|other --women-only --men-only\n" +
		"        --lgbtq --young --lang-spoken es --wheelchair --asl --childcare --moud\n" +
		"        --approach 12-step|secular|faith --limit N --now RFC3339] [--json]", (*cli).match},
	{"sheet", "sheet [needs flags] [--name N] [--label L] [--lang en|es] [--paper letter|a4] [--large]\n" +
		"        [--pick ID,...] [--out FILE.pdf] [--ics FILE.ics]   the sheet (logged), its calendar, or both", (*cli).sheet},
	{"curate", "curate ID... [--moud yes|no|unknown] [--verified YYYY-MM-DD] [--note TEXT] [--hide|--show] [--json]\n" +
		"                                   the clinic's knowledge of the groups (all listings of each)", (*cli).curate},
	{"history", "history [--json] | history --reprint ID --out FILE.pdf   the referral log; print a sheet again", (*cli).history},
	{"settings", "settings [--json] [KEY=VALUE...] show or change settings", (*cli).settingsCmd},
	{"backup", "backup [--force] [--json] [FILE] | backup --list [--json]\n" +
		"                                   copy the database (to FILE, else into the backups folder beside it); list the copies", (*cli).backup},
	{"restore", "restore [--json] FILE             replace the database with a backup; the database as it was is kept as one", (*cli).restore},
}

// run is the whole program behind main: it parses args, opens the store and
// runs a sub-command or, with none, the window. It returns the exit code.
func run(args []string, stdout, stderr io.Writer, window func(*sqlite.DB) error) int {
	return (&cli{stdout: stdout, stderr: stderr}).run(args, window)
}

// run is the program behind main for a cli set up by the caller.
func (c *cli) run(args []string, window func(*sqlite.DB) error) int {
	stderr := c.stderr
	err := c.dispatch(args, window)
	if c.db != nil {
		if cerr := c.db.Close(); err == nil {
			err = cerr
		}
	}
	var u usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &u):
		fmt.Fprintf(stderr, "referraldesk: %s (try: referraldesk help)\n", u.msg)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "referraldesk: %s\n", oneLine(referral.ErrorMessage(err)))
		if referral.ErrorCode(err) == referral.EINTERNAL {
			fmt.Fprintf(stderr, "referraldesk: detail: %v\n", err)
		}
		return exitFail
	}
}

func (c *cli) dispatch(args []string, window func(*sqlite.DB) error) error {
	global := flag.NewFlagSet("referraldesk", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.StringVar(&c.dbPath, "db", "", "database file")
	if err := global.Parse(args); err != nil {
		return usagef("%v", err)
	}
	rest := global.Args()
	if len(rest) == 0 {
		if err := c.open(); err != nil {
			return err
		}
		return window(c.db)
	}
	name, rest := rest[0], rest[1:]
	if name == "help" || name == "-h" {
		c.help()
		return nil
	}
	for _, cmd := range commands {
		if cmd.name == name {
			return cmd.run(c, rest)
		}
	}
	return usagef("unknown command %q", name)
}

func (c *cli) help() {
	fmt.Fprintln(c.stdout, "usage: referraldesk [--db PATH] [COMMAND ...]")
	fmt.Fprintln(c.stdout, "  (no command)   open the window")
	for _, cmd := range commands {
		fmt.Fprintln(c.stdout, "  "+cmd.summary)
	}
	fmt.Fprintf(c.stdout, "The database is --db PATH, else $%s, else %s.\n", dbEnv, defaultDBPath())
}

// flags returns a flag set for a sub-command that also accepts --db.
func (c *cli) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.dbPath, "db", c.dbPath, "database file")
	return fs
}

// parse parses a sub-command's flags, turning flag errors into usage errors.
// Flags may come after positional arguments, as people type them.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usagef("%s takes: %s", fs.Name(), flagNames(fs))
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func flagNames(fs *flag.FlagSet) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, "--"+f.Name) })
	return strings.Join(names, " ")
}

// open opens the store the flags, the environment or the default name.
func (c *cli) open() error {
	path := c.dbPath
	if path == "" {
		path = os.Getenv(dbEnv)
	}
	if path == "" {
		path = defaultDBPath()
	}
	db, err := sqlite.Open(path)
	if err != nil {
		return err
	}
	c.db = db
	for _, note := range db.Upgraded {
		fmt.Fprintf(c.stderr, "referraldesk: %s\n", note)
	}
	return nil
}

// settings are the clinic's saved settings, or the defaults when they cannot
// be read (a command that needs them exactly reads them itself).
func (c *cli) settings() referral.Settings {
	s, err := sqlite.NewSettingsService(c.db).Settings(context.Background())
	if err != nil {
		return referral.DefaultSettings()
	}
	return s
}

// defaultDBPath is in the user's config directory, which Open creates 0700.
func defaultDBPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "referraldesk", "referraldesk.db")
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// oneLine keeps a message or a cell on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
