package sqlite_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/referraltest"
	"referraldesk/referral/sqlite"
)

// The child process of TestTwoAtOnceAtAnySize imports a big directory into
// the database named by importerDB, as the command line beside the window
// would, and says on stdout when its transaction has begun and when it has
// committed.
const (
	importerDB    = "REFERRALDESK_TEST_IMPORT_INTO"
	importerCount = "REFERRALDESK_TEST_IMPORT_COUNT"
	bigSource     = "replicated"
)

// TestImportHelperProcess is the child's work, not a test of its own.
func TestImportHelperProcess(t *testing.T) {
	path := os.Getenv(importerDB)
	if path == "" {
		t.Skip("run as the importing child of TestTwoAtOnceAtAnySize")
	}
	n, err := strconv.Atoi(os.Getenv(importerCount))
	if err != nil {
		t.Fatal(err)
	}
	groups := referraltest.Replicate(sepiaFeed.groups(t), n, referraltest.Centroids(), 3)
	for _, g := range groups {
		g.Source, g.ID = bigSource, 0
	}
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	// The parent's clock: closing, this process enters what the parent
	// kept meanwhile, and purges the log by its clock as LogReferral does.
	db.SetClock(func() time.Time { return fixedNow })
	defer db.Close()
	// The check is asked inside the write transaction, with the write
	// lock held: the moment to tell the parent.
	_, err = sqlite.NewGroupService(db).ReplaceSourceChecked(context.Background(), referral.Source{Name: bigSource}, groups,
		func(active, removing int) error {
			fmt.Println("begun")
			return nil
		})
	if err != nil {
		fmt.Println("failed:", err)
		t.Fatal(err)
	}
	fmt.Println("committed")
}

// importer runs the child and reports each line it prints, with when it
// was read.
type importer struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	lines  chan line
}

type line struct {
	text string
	at   time.Time
}

func startImporter(t testing.TB, path string, n int) *importer {
	t.Helper()
	im := &importer{lines: make(chan line, 8)}
	im.cmd = exec.Command(os.Args[0], "-test.run=^TestImportHelperProcess$", "-test.count=1")
	im.cmd.Env = append(os.Environ(), importerDB+"="+path, importerCount+"="+strconv.Itoa(n))
	im.cmd.Stderr = &im.stderr
	out, err := im.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := im.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(im.lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			im.lines <- line{sc.Text(), time.Now()}
		}
	}()
	t.Cleanup(func() {
		im.cmd.Process.Kill()
		im.cmd.Wait()
	})
	return im
}

// await returns when the child printed text, failing the test if it
// printed "failed" or ended first.
func (im *importer) await(t testing.TB, text string) time.Time {
	t.Helper()
	timeout := time.After(5 * time.Minute)
	for {
		select {
		case l, ok := <-im.lines:
			switch {
			case !ok:
				t.Fatalf("the importer ended before %q: %s", text, im.stderr.String())
			case l.text == text:
				return l.at
			case strings.HasPrefix(l.text, "failed"):
				t.Fatalf("the importer %s", l.text)
			}
		case <-timeout:
			t.Fatalf("the importer did not say %q in 5 minutes: %s", text, im.stderr.String())
		}
	}
}

// waitLog records what OnWait is told.
type waitLog struct {
	mu    sync.Mutex
	heard []bool
}

func (w *waitLog) onWait(waiting bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.heard = append(w.heard, waiting)
}

func (w *waitLog) told() []bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.heard)
}

// TestTwoAtOnceAtAnySize: while another process imports a big directory
// (holding the write lock for seconds), the window opens the database and
// reads at once, seeing the directory as it was. A referral logged for a
// sheet does not wait: it is kept beside the database and entered once the
// import has committed. The settings saved wait, say so through OnWait, and
// succeed then. Nothing says "locked".
func TestTwoAtOnceAtAnySize(t *testing.T) {
	ctx := context.Background()
	path, groups := sepiaStore(t)
	n := importListings
	im := startImporter(t, path, n)
	begun := im.await(t, "begun")

	db := reopen(t, path)
	opened := time.Now()
	var waits waitLog
	db.OnWait = waits.onWait
	s, h, st := sqlite.NewGroupService(db), sqlite.NewHistoryService(db), sqlite.NewSettingsService(db)
	listed, total, err := s.FindGroups(ctx, everything())
	if err != nil || total != len(groups) || len(listed) != len(groups) {
		t.Errorf("during the import the directory lists %d of %d (%v); want the %d stored before it", len(listed), total, err, len(groups))
	}
	if _, err := st.Settings(ctx); err != nil {
		t.Errorf("Settings during the import: %v", err)
	}
	if list, _, err := h.FindReferrals(ctx, referral.ReferralFilter{}); err != nil || len(list) != 1 {
		t.Errorf("history during the import: %d entries, %v", len(list), err)
	}
	if _, err := s.Match(ctx, tuesdayEvening(), matchNow); err != nil {
		t.Errorf("Match during the import: %v", err)
	}
	read := time.Now()

	type result struct {
		what string
		err  error
		took time.Duration
	}
	results := make(chan result, 2)
	logged := fullReferral()
	for what, write := range map[string]func() error{
		"LogReferral":  func() error { return h.LogReferral(ctx, logged) },
		"SaveSettings": func() error { return st.SaveSettings(ctx, referral.DefaultSettings()) },
	} {
		go func() {
			start := time.Now()
			err := write()
			results <- result{what, err, time.Since(start)}
		}()
	}
	committed := im.await(t, "committed")
	if committed.Before(read) {
		t.Fatalf("the import committed %v after it began, before the reads were done; it must run longer to test anything", committed.Sub(begun))
	}
	for range 2 {
		r := <-results
		if r.err != nil {
			t.Errorf("%s during the import: %v (%q)", r.what, r.err, referral.ErrorMessage(r.err))
			wantPlain(t, r.what, r.err)
		}
		if r.what == "LogReferral" && (r.took > committed.Sub(begun)/2 || logged.ID != 0) {
			t.Errorf("LogReferral took %v of the import's %v (entry %d); it must not wait for the import",
				r.took, committed.Sub(begun), logged.ID)
		}
		t.Logf("%s took %v during the import", r.what, r.took.Round(time.Millisecond))
	}
	if got := waits.told(); !slices.Equal(got, []bool{true, false}) {
		t.Errorf("OnWait was told %v; want [true false]: waiting, then done", got)
	}
	t.Logf("import held the lock %v; Open took %v and the reads %v, all before it committed",
		committed.Sub(begun).Round(time.Millisecond), opened.Sub(begun).Round(time.Millisecond), read.Sub(opened).Round(time.Millisecond))

	if _, total, err := s.FindGroups(ctx, everything()); err != nil || total != len(groups)+n {
		t.Errorf("after the import the directory holds %d (%v), want %d", total, err, len(groups)+n)
	}
	// The first and the one logged during the import.
	awaitLogged(t, h, 2)
	if err := im.cmd.Wait(); err != nil {
		t.Errorf("importer: %v: %s", err, im.stderr.String())
	}
}

// TestWriteWaitEndsWithItsContext: a write waiting for another writer stops
// when its context ends, with the context's error (a window closed, a
// command interrupted), and OnWait hears that it no longer waits; once the
// other writer is done, the same write goes through.
func TestWriteWaitEndsWithItsContext(t *testing.T) {
	db, path := openTestDB(t)
	var waits waitLog
	// The person gives up as soon as they are told the write waits.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db.OnWait = func(waiting bool) {
		waits.onWait(waiting)
		if waiting {
			cancel()
		}
	}
	holder, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	tx, err := holder.Begin()
	if err != nil {
		t.Fatal(err)
	}

	settings := sqlite.NewSettingsService(db)
	err = settings.SaveSettings(ctx, referral.DefaultSettings())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("a write whose context ended while waiting = %v; want the context's error", err)
	}
	if got := waits.told(); !slices.Equal(got, []bool{true, false}) {
		t.Errorf("OnWait was told %v; want [true false]", got)
	}

	tx.Rollback()
	if err := settings.SaveSettings(context.Background(), referral.DefaultSettings()); err != nil {
		t.Errorf("SaveSettings once the other writer is done: %v", err)
	}
}
