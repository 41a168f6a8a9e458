package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/fetch"
	"referraldesk/referral/sqlite"
)

// runCLIFetching runs the command line as runCLI does, downloading feeds
// with client (a short timeout, a small size cap).
func runCLIFetching(t *testing.T, client fetch.Client, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	c := &cli{stdout: &out, stderr: &errOut, fetch: client}
	code := c.run(args, func(*sqlite.DB) error { t.Fatal("the window was opened"); return nil })
	return code, out.String(), errOut.String()
}

// feedServer serves feeds on 127.0.0.1, each path as the test says, and
// counts the requests.
type feedServer struct {
	*httptest.Server
	mu       sync.Mutex
	paths    map[string]http.HandlerFunc
	requests []*http.Request
}

func newFeedServer(t *testing.T) *feedServer {
	s := &feedServer{paths: map[string]http.HandlerFunc{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		h := s.paths[r.URL.Path]
		s.requests = append(s.requests, r.Clone(context.Background()))
		s.mu.Unlock()
		if h == nil {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *feedServer) handle(path string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paths[path] = h
}

func (s *feedServer) served() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.requests...)
}

// body serves b with the given validators, answering a request that
// carries them with 304 as http.ServeContent does.
func body(b []byte, etag string, modified time.Time) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if etag != "" {
			w.Header().Set("ETag", etag)
		}
		w.Header().Set("Content-Type", "application/json")
		http.ServeContent(w, r, "", modified, bytes.NewReader(b))
	}
}

func feedBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// firstMeetings is a Meeting Guide feed cut to its first n meetings: the
// same feed as it was before n+1… were added.
func firstMeetings(t *testing.T, feed []byte, n int) []byte {
	t.Helper()
	var all []json.RawMessage
	if err := json.Unmarshal(feed, &all); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(all[:n])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// directoryState is what a refresh must leave alone when it fails: every
// listing as exported, and each source's count. (When a source was last known
// current is sourceImported: a 304 moves it without changing a listing.)
func directoryState(t *testing.T, db string) string {
	t.Helper()
	code, out, errOut := runCLI(t, "--db", db, "export", "--format", "meeting-guide")
	if code != exitOK {
		t.Fatalf("export exit %d: %s", code, errOut)
	}
	var sources []sourceJSON
	_, list, _ := runCLI(t, "--db", db, "sources", "--json")
	if err := json.Unmarshal([]byte(list), &sources); err != nil {
		t.Fatalf("sources --json: %v\n%s", err, list)
	}
	for _, s := range sources {
		out += "\n" + s.Name + " " + strconv.Itoa(s.Listings)
	}
	return out
}

// sourceImported is when the source was last known current (sources --json).
func sourceImported(t *testing.T, db, source string) string {
	t.Helper()
	var sources []sourceJSON
	_, list, _ := runCLI(t, "--db", db, "sources", "--json")
	if err := json.Unmarshal([]byte(list), &sources); err != nil {
		t.Fatalf("sources --json: %v\n%s", err, list)
	}
	for _, s := range sources {
		if s.Name == source {
			return s.LastImport
		}
	}
	t.Fatalf("no source %q in %s", source, list)
	return ""
}

func subscriptionIn(t *testing.T, db, source string) sourceJSON {
	t.Helper()
	code, out, errOut := runCLI(t, "--db", db, "sources", "--json")
	if code != exitOK {
		t.Fatalf("sources exit %d: %s", code, errOut)
	}
	var sources []sourceJSON
	if err := json.Unmarshal([]byte(out), &sources); err != nil {
		t.Fatalf("sources --json: %v\n%s", err, out)
	}
	for _, s := range sources {
		if s.Name == source {
			return s
		}
	}
	t.Fatalf("no source %q in %s", source, out)
	return sourceJSON{}
}

// TestRefreshAgainstALocalServer is every answer a feed's server can give a
// refresh: after each, the exit status, what the person is told, whether the
// directory changed, and the attempt recorded for the Sources list.
func TestRefreshAgainstALocalServer(t *testing.T) {
	full := feedBytes(t, alanonFeed) // 360 meetings, 451 KB
	before := firstMeetings(t, full, 300)
	modified := time.Date(2023, 8, 22, 10, 0, 0, 0, time.UTC)
	srv := newFeedServer(t)
	srv.handle("/alanon.json", body(before, `"v1"`, modified))

	base := filepath.Join(t.TempDir(), "base.db")
	code, out, errOut := runCLIFetching(t, fetch.Client{}, "--db", base, "import", "--program", "Al-Anon", "--source", "alanon", srv.URL+"/alanon.json")
	if code != exitOK || !strings.Contains(out, "300 added") || !strings.Contains(out, "subscribed: `referraldesk refresh --source alanon`") {
		t.Fatalf("import URL: exit %d\n%s\n%s", code, out, errOut)
	}
	sub := subscriptionIn(t, base, "alanon")
	if sub.URL != srv.URL+"/alanon.json" || sub.Program != "Al-Anon" || sub.Status != "updated" || sub.LastSuccess == "" ||
		sub.Result != "300 added, 0 updated, 0 removed, 0 unchanged" {
		t.Fatalf("the subscription after import URL: %+v", sub)
	}

	notModified := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) }
	tests := []struct {
		name    string
		handler http.HandlerFunc
		client  fetch.Client
		exit    int
		says    string // in stdout for a success, in stderr for a failure
		changed bool
		status  string
		result  string // the recorded result says this
	}{
		{name: "200 with a longer feed", handler: body(full, `"v2"`, modified.Add(time.Hour)),
			exit: exitOK, says: "60 added, 0 updated, 0 removed, 300 unchanged", changed: true, status: "updated",
			result: "60 added, 0 updated, 0 removed, 300 unchanged"},
		{name: "304 after ETag", handler: func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("If-None-Match") != `"v1"` {
				t.Errorf("If-None-Match = %q, want the ETag of the import", r.Header.Get("If-None-Match"))
				w.Write(full)
				return
			}
			notModified(w, r)
		}, exit: exitOK, says: "unchanged", status: "unchanged", result: "unchanged"},
		{name: "304 after Last-Modified", handler: func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("If-Modified-Since") != modified.Format(http.TimeFormat) {
				t.Errorf("If-Modified-Since = %q, want the Last-Modified of the import", r.Header.Get("If-Modified-Since"))
				w.Write(full)
				return
			}
			notModified(w, r)
		}, exit: exitOK, says: "unchanged", status: "unchanged", result: "unchanged"},
		{name: "301 then 200", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/moved/alanon.json", http.StatusMovedPermanently)
		}, exit: exitOK, says: "60 added", changed: true, status: "updated", result: "60 added"},
		{name: "redirect loop", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/alanon.json", http.StatusFound)
		}, exit: exitFail, says: "alanon: the feed's address redirects more than 3 times (a redirect loop?)", status: "failed", result: "redirect loop"},
		{name: "404", handler: http.NotFound,
			exit: exitFail, says: "alanon: the feed is not at that address any more (404)", status: "failed", result: "(404)"},
		{name: "500", handler: func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", 500) },
			exit: exitFail, says: "alanon: the feed's server failed (500); try again later", status: "failed", result: "failed (500)"},
		{name: "slow server past the timeout", handler: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, client: fetch.Client{Timeout: 300 * time.Millisecond},
			exit: exitFail, says: "did not answer within 300ms; try again later", status: "failed", result: "did not answer"},
		{name: "body cut in the middle", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(full)))
			w.Write(full[:len(full)/2])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}, exit: exitFail, says: "was cut off after 225.5 KB of 450.9 KB; try again later", status: "failed", result: "cut off"},
		{name: "body over the size cap", handler: body(full, `"v2"`, modified), client: fetch.Client{MaxBytes: 400 << 10},
			exit: exitFail, says: "the feed is larger than 400 KB", status: "failed", result: "larger than 400 KB"},
		{name: "over the cap, size not announced", handler: func(w http.ResponseWriter, r *http.Request) {
			for rest := full; len(rest) > 0; {
				n := min(len(rest), 32<<10)
				w.Write(rest[:n])
				w.(http.Flusher).Flush()
				rest = rest[n:]
			}
		}, client: fetch.Client{MaxBytes: 400 << 10},
			exit: exitFail, says: "the feed is larger than 400 KB", status: "failed", result: "larger than 400 KB"},
		{name: "HTML error page with status 200", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<!DOCTYPE html>\n<html><head><title>Site under maintenance</title></head><body><h1>Back soon</h1></body></html>\n")
		}, exit: exitFail, says: "alanon: the file has no meeting in it: it holds HTML", status: "failed", result: "it holds HTML"},
		{name: "empty list []", handler: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "[]") },
			exit: exitFail, says: "alanon: the file has no meeting in it: it holds no record", status: "failed", result: "no record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "desk.db")
			copyFile(t, base, db)
			srv.handle("/alanon.json", tt.handler)
			srv.handle("/moved/alanon.json", body(full, `"v2"`, modified.Add(time.Hour)))
			was := directoryState(t, db)
			imported := sourceImported(t, db, "alanon")
			attempted := subscriptionIn(t, db, "alanon").LastAttempt

			code, out, errOut := runCLIFetching(t, tt.client, "--db", db, "refresh", "--source", "alanon")
			t.Logf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut) // what the person sees, under -v
			if code != tt.exit {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.exit, out, errOut)
			}
			told := out
			if tt.exit != exitOK {
				told = errOut
				if !strings.Contains(errOut, "kept as they were") && !strings.Contains(errOut, "nothing was changed") {
					t.Errorf("stderr does not say the listings were kept:\n%s", errOut)
				}
				if strings.Contains(errOut, "Internal error") {
					t.Errorf("a failed refresh is told as an internal error:\n%s", errOut)
				}
			}
			if !strings.Contains(told, tt.says) {
				t.Errorf("output does not say %q\nstdout: %s\nstderr: %s", tt.says, out, errOut)
			}
			if now := directoryState(t, db); (now != was) != tt.changed {
				t.Errorf("directory changed = %v, want %v", now != was, tt.changed)
			}
			got := subscriptionIn(t, db, "alanon")
			if got.Status != tt.status || !strings.Contains(got.Result, tt.result) || got.LastAttempt < attempted {
				t.Errorf("recorded attempt: status %q, result %q, at %s (before %s); want %q saying %q",
					got.Status, got.Result, got.LastAttempt, attempted, tt.status, tt.result)
			}
			if tt.status == "failed" && got.LastSuccess != sub.LastSuccess {
				t.Errorf("a failed refresh moved the last success from %s to %s", sub.LastSuccess, got.LastSuccess)
			}
			// A failure leaves when the source was last known current. (That
			// a success, a 304 included, moves it is
			// TestNotModifiedRefreshKeepsTheSourceCurrent's, on a fixed clock:
			// this list is in whole seconds.)
			if now := sourceImported(t, db, "alanon"); tt.status == "failed" && now != imported {
				t.Errorf("last import %s → %s after a failed refresh", imported, now)
			}
		})
	}

	// Last, as it takes the server away.
	t.Run("server gone", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "desk.db")
		copyFile(t, base, db)
		was := directoryState(t, db)
		host := srv.Listener.Addr().String()
		srv.Close()
		code, _, errOut := runCLIFetching(t, fetch.Client{}, "--db", db, "refresh", "--source", "alanon")
		if code != exitFail || !strings.Contains(errOut, "alanon: could not reach "+host+" (the connection was refused): check the internet connection or the address") {
			t.Errorf("exit %d\n%s", code, errOut)
		}
		if directoryState(t, db) != was {
			t.Error("the directory changed")
		}
		if got := subscriptionIn(t, db, "alanon"); got.Status != "failed" || !strings.Contains(got.Result, "could not reach") {
			t.Errorf("recorded %+v", got)
		}
	})
}

// TestRefreshSeveralSourcesEachOnItsOwn: one source's failure stops no other,
// and the exit status and the summary say which failed.
func TestRefreshSeveralSourcesEachOnItsOwn(t *testing.T) {
	alanon, sepia := feedBytes(t, alanonFeed), feedBytes(t, sepiaFeed)
	srv := newFeedServer(t)
	srv.handle("/alanon.json", body(firstMeetings(t, alanon, 300), `"a1"`, time.Time{}))
	srv.handle("/sepia.json", body(firstMeetings(t, sepia, 2000), `"s1"`, time.Time{}))
	db := filepath.Join(t.TempDir(), "desk.db")
	for _, args := range [][]string{
		{"--program", "Al-Anon", "--source", "alanon", srv.URL + "/alanon.json"},
		{"--program", "AA", "--source", "sepia", srv.URL + "/sepia.json"},
	} {
		if code, out, errOut := runCLIFetching(t, fetch.Client{}, append([]string{"--db", db, "import"}, args...)...); code != exitOK {
			t.Fatalf("import %v: exit %d\n%s\n%s", args, code, out, errOut)
		}
	}
	// The first source's server fails; the second has 38 new meetings.
	srv.handle("/alanon.json", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusBadGateway) })
	srv.handle("/sepia.json", body(sepia, `"s2"`, time.Time{}))

	code, out, errOut := runCLIFetching(t, fetch.Client{}, "--db", db, "refresh", "--json")
	if code != exitFail {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitFail, out, errOut)
	}
	var reports []refreshJSON
	if err := json.Unmarshal([]byte(out), &reports); err != nil {
		t.Fatalf("refresh --json: %v\n%s", err, out)
	}
	if len(reports) != 2 || reports[0].Source != "alanon" || reports[0].Status != "failed" ||
		reports[0].Error != "the feed's server failed (502); try again later" || reports[0].Import != nil ||
		reports[1].Source != "sepia" || reports[1].Status != "updated" || reports[1].Import == nil || reports[1].Import.Added != 38 {
		t.Errorf("reports:\n%s", out)
	}
	if !strings.Contains(errOut, "1 of 2 sources could not be refreshed and kept their listings as they were: alanon") {
		t.Errorf("stderr does not say which failed:\n%s", errOut)
	}

	// Without --json the last line sums it up.
	code, out, _ = runCLIFetching(t, fetch.Client{}, "--db", db, "refresh")
	if code != exitFail || !strings.Contains(out, "refreshed 2 sources: 0 updated, 1 unchanged, 1 failed (alanon)") {
		t.Errorf("exit %d, summary:\n%s", code, out)
	}
}

func TestRefreshUsage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	if code, _, errOut := runCLI(t, "--db", db, "refresh", "feed.json"); code != exitUsage || !strings.Contains(errOut, "refresh takes no FILE") {
		t.Errorf("refresh FILE: exit %d %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "--db", db, "refresh", "--json")
	if code != exitOK || strings.TrimSpace(out) != "[]" || !strings.Contains(errOut, "no source is subscribed") {
		t.Errorf("refresh with no subscription: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "--db", db, "refresh", "--source", "nowhere"); code != exitFail || !strings.Contains(errOut, `"nowhere" is not subscribed`) {
		t.Errorf("refresh --source unknown: exit %d %s", code, errOut)
	}
}

// A file imported into a subscribed source since its last refresh makes the
// next refresh fetch the whole feed: "not modified" would keep the file's
// listings as if they were the feed's.
func TestRefreshAfterAFileImportIsUnconditional(t *testing.T) {
	full := feedBytes(t, alanonFeed)
	srv := newFeedServer(t)
	srv.handle("/alanon.json", body(full, `"v1"`, time.Time{}))
	db := filepath.Join(t.TempDir(), "desk.db")
	if code, _, errOut := runCLI(t, "--db", db, "import", "--program", "Al-Anon", "--source", "alanon", srv.URL+"/alanon.json"); code != exitOK {
		t.Fatal(errOut)
	}
	cut := filepath.Join(t.TempDir(), "cut.json")
	if err := os.WriteFile(cut, firstMeetings(t, full, 300), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "--db", db, "import", "--program", "Al-Anon", "--source", "alanon", cut); code != exitOK {
		t.Fatal(errOut)
	}
	code, out, errOut := runCLI(t, "--db", db, "refresh")
	if code != exitOK || !strings.Contains(out, "60 added") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	reqs := srv.served()
	if last := reqs[len(reqs)-1]; last.Header.Get("If-None-Match") != "" {
		t.Errorf("the refresh after a file import sent If-None-Match %q", last.Header.Get("If-None-Match"))
	}
}

func TestImportURLFailureSubscribesNothing(t *testing.T) {
	srv := newFeedServer(t) // every path is 404
	db := filepath.Join(t.TempDir(), "desk.db")
	code, _, errOut := runCLI(t, "--db", db, "import", "--program", "AA", srv.URL+"/typo.json")
	if code != exitFail || !strings.Contains(errOut, "the feed is not at that address any more (404)") {
		t.Errorf("exit %d %s", code, errOut)
	}
	if _, out, _ := runCLI(t, "--db", db, "sources", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("sources after a failed import URL: %s", out)
	}
}

func TestSourcesListsFilesAndSubscriptions(t *testing.T) {
	srv := newFeedServer(t)
	srv.handle("/alanon.json", body(feedBytes(t, alanonFeed), `"v1"`, time.Time{}))
	db := filepath.Join(t.TempDir(), "desk.db")
	if code, _, errOut := runCLI(t, "--db", db, "import", "--program", "Al-Anon", "--timezone", "America/New_York", srv.URL+"/alanon.json"); code != exitOK {
		t.Fatal(errOut)
	}
	if code, _, errOut := runCLI(t, "--db", db, "import", "--source", "na", naFeed); code != exitOK {
		t.Fatal(errOut)
	}
	code, out, errOut := runCLI(t, "--db", db, "sources", "--json")
	if code != exitOK {
		t.Fatal(errOut)
	}
	var got []sourceJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("sources: %s", out)
	}
	web, file := got[0], got[1] // by name: "127.0.0.1" (the address's server) before "na"
	if web.Name != "127.0.0.1" || web.URL != srv.URL+"/alanon.json" || web.Format != "meeting-guide" || web.Listings != 360 ||
		web.Program != "Al-Anon" || web.TimeZone != "America/New_York" || web.Status != "updated" || web.LastSuccess == "" ||
		web.LastAttempt != web.LastSuccess || web.Result != "360 added, 0 updated, 0 removed, 0 unchanged" {
		t.Errorf("the subscribed source: %+v", web)
	}
	if file.Name != "na" || file.URL != "" || file.LastAttempt != "" || file.Format != "bmlt" || file.Listings != 1513 {
		t.Errorf("the source from a file: %+v", file)
	}
	code, out, _ = runCLI(t, "--db", db, "sources")
	if code != exitOK || !strings.Contains(out, srv.URL+"/alanon.json") || !strings.Contains(out, "a file") || !strings.Contains(out, "360 added") {
		t.Errorf("sources:\n%s", out)
	}
}

// TestImportBMLTArea subscribes to a BMLT root server's meetings around a
// ZIP: the query is BMLT's GetSearchResults for the ZIP's Census point.
func TestImportBMLTArea(t *testing.T) {
	srv := newFeedServer(t)
	srv.handle("/main_server/client_interface/json/", body(feedBytes(t, naFeed), `"n1"`, time.Time{}))
	db := filepath.Join(t.TempDir(), "desk.db")
	code, out, errOut := runCLI(t, "--db", db, "import", "--bmlt-root", srv.URL+"/main_server/", "--near", "10001", "--miles", "10", "--json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var r importJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Source != "na-near-10001" || r.Format != "bmlt" || r.Added != 1513 {
		t.Errorf("import = source %q format %q added %d", r.Source, r.Format, r.Added)
	}
	reqs := srv.served()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	q := reqs[0].URL.Query()
	lat, _ := strconv.ParseFloat(q.Get("lat_val"), 64)
	lon, _ := strconv.ParseFloat(q.Get("long_val"), 64)
	if q.Get("switcher") != "GetSearchResults" || q.Get("get_used_formats") != "1" || q.Get("geo_width") != "10" ||
		referral.Miles(referral.Point{Lat: lat, Lon: lon}, referral.Point{Lat: 40.7506, Lon: -73.9973}) > 0.01 {
		t.Errorf("query %s; want GetSearchResults with formats, 10 miles around 10001 (40.7506,-73.9973)", reqs[0].URL)
	}
	sub := subscriptionIn(t, db, "na-near-10001")
	if sub.URL != srv.URL+"/main_server/client_interface/json/?"+reqs[0].URL.RawQuery || sub.Status != "updated" {
		t.Errorf("subscription %+v", sub)
	}
	// Refreshing asks the same query again, conditionally.
	if code, out, errOut := runCLI(t, "--db", db, "refresh"); code != exitOK || !strings.Contains(out, "unchanged") {
		t.Errorf("refresh: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestImportBMLTAreaUsage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	for _, tt := range []struct {
		args []string
		says string
	}{
		{[]string{"--bmlt-root", "https://bmlt.example.org/main_server/", "--miles", "10"}, "needs --near ZIP"},
		{[]string{"--bmlt-root", "https://bmlt.example.org/main_server/", "--near", "10001"}, "needs --miles N"},
		{[]string{"--bmlt-root", "https://bmlt.example.org/main_server/", "--near", "10001", "--miles", "-5"}, "more than 0"},
		{[]string{"--bmlt-root", "https://bmlt.example.org/main_server/", "--near", "1000", "--miles", "5"}, "--near: ZIP"},
		{[]string{"--bmlt-root", "bmlt.example.org", "--near", "10001", "--miles", "5"}, "--bmlt-root: "},
		{[]string{"--near", "10001", "--miles", "5"}, "go with --bmlt-root"},
		{[]string{"--bmlt-root", "https://bmlt.example.org/", "--near", "10001", "--miles", "5", naFeed}, "give no FILE"},
	} {
		code, _, errOut := runCLI(t, append([]string{"--db", db, "import"}, tt.args...)...)
		if code != exitUsage || !strings.Contains(errOut, tt.says) {
			t.Errorf("import %v: exit %d %s; want usage saying %q", tt.args, code, errOut, tt.says)
		}
	}
}

// TestBackgroundRefresh: at start the window refreshes only subscriptions
// whose last success is older than feed.refresh_days, and with the setting 0
// makes no connection at all.
func TestBackgroundRefresh(t *testing.T) {
	ctx := context.Background()
	srv := newFeedServer(t)
	srv.handle("/alanon.json", body(feedBytes(t, alanonFeed), `"v1"`, time.Time{}))
	path := filepath.Join(t.TempDir(), "desk.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	subscribed := time.Now().Add(-50 * time.Hour)
	db.SetClock(func() time.Time { return subscribed })
	subs := newSubscriptions(db, newFeedStore(db, sqlite.NewGroupService(db)), nil)
	if _, err := subs.Subscribe(ctx, referral.Subscription{Source: "alanon", URL: srv.URL + "/alanon.json", Program: "Al-Anon"}, referral.RefreshOptions{}); err != nil {
		t.Fatal(err)
	}
	db.SetClock(time.Now)
	settings := sqlite.NewSettingsService(db)
	setDays := func(days int) {
		st, _ := settings.Settings(ctx)
		st.RefreshDays = days
		if err := settings.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	requests := func() int { return len(srv.served()) }
	asked := requests()

	for _, days := range []int{0, 3} {
		setDays(days)
		reports, err := refreshStale(ctx, settings, subs, time.Now())
		if err != nil || len(reports) != 0 || requests() != asked {
			t.Errorf("feed.refresh_days=%d, refreshed 50 hours ago: %v %v and %d requests; want none", days, reports, err, requests()-asked)
		}
	}

	setDays(2)
	// The window hears what the background refresh did. Stopping it at
	// once could cancel it after it refreshed but before it told, so the
	// test waits for its report, as the window does.
	reported := make(chan []referral.RefreshReport, 1)
	stop := startBackgroundRefresh(settings, subs, time.Now(), func(r []referral.RefreshReport) { reported <- r })
	var got []referral.RefreshReport
	select {
	case got = <-reported:
	case <-time.After(30 * time.Second):
		t.Error("the background refresh did not report in 30 s")
	}
	stop()
	if len(got) != 1 || got[0].Source != "alanon" || got[0].Status != referral.RefreshUnchanged {
		t.Errorf("feed.refresh_days=2, refreshed 50 hours ago: %+v; want alanon refreshed (unchanged)", got)
	}
	// Now refreshed, it is not stale any more.
	asked = requests()
	if reports, _ := refreshStale(ctx, settings, subs, time.Now()); len(reports) != 0 || requests() != asked {
		t.Errorf("just refreshed, yet refreshed again: %+v", reports)
	}
}

// TestRefreshForce: a feed that would remove most of a source's listings is
// refused by the import, as for a file, and --force lets it through.
func TestRefreshForce(t *testing.T) {
	full := feedBytes(t, alanonFeed)
	srv := newFeedServer(t)
	srv.handle("/alanon.json", body(full, `"v1"`, time.Time{}))
	db := filepath.Join(t.TempDir(), "desk.db")
	if code, _, errOut := runCLI(t, "--db", db, "import", "--program", "Al-Anon", "--source", "alanon", srv.URL+"/alanon.json"); code != exitOK {
		t.Fatal(errOut)
	}
	srv.handle("/alanon.json", body(firstMeetings(t, full, 100), `"v2"`, time.Time{}))
	was := directoryState(t, db)
	code, _, errOut := runCLI(t, "--db", db, "refresh")
	if code != exitFail || !strings.Contains(errOut, "more than half") || directoryState(t, db) != was {
		t.Errorf("a feed cut to 100 of 360: exit %d\n%s", code, errOut)
	}
	if got := subscriptionIn(t, db, "alanon"); got.Status != "failed" || !strings.Contains(got.Result, "more than half") {
		t.Errorf("recorded %+v", got)
	}
	code, out, errOut := runCLI(t, "--db", db, "refresh", "--force")
	if code != exitOK || !strings.Contains(out, "0 added, 0 updated, 260 removed, 100 unchanged") {
		t.Errorf("refresh --force: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestNotModifiedRefreshKeepsTheSourceCurrent: through the real service and
// store, a refresh the server answers 304 imports nothing yet moves the
// source's last import (what the Referral screen's "not refreshed for over
// 30 days" reads) to the refresh, and the next refresh is still
// conditional.
func TestNotModifiedRefreshKeepsTheSourceCurrent(t *testing.T) {
	ctx := context.Background()
	srv := newFeedServer(t)
	srv.handle("/alanon.json", body(feedBytes(t, alanonFeed), `"v1"`, time.Time{}))
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	clock := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return clock })
	subs := newSubscriptions(db, newFeedStore(db, sqlite.NewGroupService(db)), nil)
	if _, err := subs.Subscribe(ctx, referral.Subscription{Source: "alanon", URL: srv.URL + "/alanon.json", Program: "Al-Anon"}, referral.RefreshOptions{}); err != nil {
		t.Fatal(err)
	}
	lastImport := func() time.Time {
		t.Helper()
		sources, err := newFeedStore(db, sqlite.NewGroupService(db)).Sources(ctx)
		if err != nil || len(sources) != 1 {
			t.Fatalf("Sources() = %+v, %v", sources, err)
		}
		return sources[0].LastImport
	}
	if got := lastImport(); !got.Equal(clock) {
		t.Fatalf("last import %v after subscribing at %v", got, clock)
	}

	for range 2 {
		clock = clock.AddDate(0, 0, 40)
		reports, err := subs.Refresh(ctx, nil, referral.RefreshOptions{})
		if err != nil || len(reports) != 1 || reports[0].Status != referral.RefreshUnchanged {
			t.Fatalf("refresh 40 days on: %+v, %v; want alanon unchanged (304)", reports, err)
		}
		if got := lastImport(); !got.Equal(clock) {
			t.Errorf("after a 304 at %v the last import is %v; the Referral screen would call alanon stale", clock, got)
		}
	}
	reqs := srv.served()
	if last := reqs[len(reqs)-1]; last.Header.Get("If-None-Match") != `"v1"` {
		t.Errorf("the refresh after a 304 was not conditional: %v", last.Header)
	}
}
