package fetch_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/fetch"
)

// feed is a real feed, served as the body in these tests.
func feed(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../testdata/feeds/al-anon-ma-meeting-guide.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// get fetches url and reads the whole body, as an import would.
func get(t *testing.T, c *fetch.Client, req fetch.Request) (*fetch.Response, []byte, error) {
	t.Helper()
	resp, err := c.Get(context.Background(), req)
	if err != nil {
		return nil, nil, err
	}
	if resp.NotModified {
		return resp, nil, nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// wantError checks that err is a coded error whose message says want.
func wantError(t *testing.T, err error, code, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s %q", code, want)
	}
	if got := referral.ErrorCode(err); got != code {
		t.Errorf("code %q (%v); want %q", got, err, code)
	}
	if msg := referral.ErrorMessage(err); !strings.Contains(msg, want) {
		t.Errorf("message %q; want it to say %q", msg, want)
	}
}

func TestGetStreamsTheFeedWithItsValidators(t *testing.T) {
	body := feed(t)
	var progress []int64
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if ua := r.Header.Get("User-Agent"); !strings.Contains(ua, "ReferralDesk") {
			t.Errorf("User-Agent %q does not name Referral Desk", ua)
		}
		if r.Header.Get("If-None-Match")+r.Header.Get("If-Modified-Since") != "" {
			t.Errorf("a plain request sent validators: %v", r.Header)
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Tue, 22 Aug 2023 10:00:00 GMT")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
	resp, got, err := get(t, &fetch.Client{}, fetch.Request{URL: srv.URL + "/feed.json",
		Progress: func(read, total int64) { progress = append(progress, read, total) }})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, body) {
		t.Errorf("body is %d bytes, want the feed's %d", len(got), len(body))
	}
	if resp.ETag != `"v1"` || resp.LastModified != "Tue, 22 Aug 2023 10:00:00 GMT" || resp.Size != int64(len(body)) {
		t.Errorf("response = %+v", resp)
	}
	if n := len(progress); n < 2 || progress[n-2] != int64(len(body)) || progress[n-1] != int64(len(body)) {
		t.Errorf("progress ended at %v, want read = total = %d", progress[max(0, n-2):], len(body))
	}
}

func TestGetConditional(t *testing.T) {
	const etag, modified = `"v7"`, "Tue, 22 Aug 2023 10:00:00 GMT"
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", modified)
		if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") == modified {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write([]byte("[]"))
	})
	for _, req := range []fetch.Request{
		{URL: srv.URL, ETag: etag},
		{URL: srv.URL, LastModified: modified},
	} {
		resp, _, err := get(t, &fetch.Client{}, req)
		if err != nil {
			t.Fatal(err)
		}
		if !resp.NotModified || resp.Body != nil || resp.ETag != etag {
			t.Errorf("%+v: response %+v, want NotModified with the ETag and no body", req, resp)
		}
	}
	resp, b, err := get(t, &fetch.Client{}, fetch.Request{URL: srv.URL, ETag: `"v6"`})
	if err != nil || resp.NotModified || string(b) != "[]" {
		t.Errorf("an old ETag: %+v %q %v; want the feed again", resp, b, err)
	}
}

func TestGetRedirects(t *testing.T) {
	body := feed(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusMovedPermanently) })
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	hops := 0
	mux.HandleFunc("/hop/", func(w http.ResponseWriter, r *http.Request) {
		hops++
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
		if n == 0 {
			w.Write(body)
			return
		}
		http.Redirect(w, r, "/hop/"+strconv.Itoa(n-1), http.StatusTemporaryRedirect)
	})
	srv := serve(t, mux.ServeHTTP)

	resp, got, err := get(t, &fetch.Client{}, fetch.Request{URL: srv.URL + "/old"})
	if err != nil || !bytes.Equal(got, body) || resp.URL != srv.URL+"/new" {
		t.Errorf("301 → 200: %v, %d bytes, URL %v", err, len(got), resp)
	}
	if _, _, err := get(t, &fetch.Client{}, fetch.Request{URL: srv.URL + "/hop/3"}); err != nil {
		t.Errorf("3 redirects: %v; want them followed", err)
	}
	hops = 0
	_, _, err = get(t, &fetch.Client{}, fetch.Request{URL: srv.URL + "/hop/4"})
	wantError(t, err, referral.EINVALID, "redirects more than 3 times")
	if hops != 4 {
		t.Errorf("the server saw %d requests for 4 redirects; want 4 (the 4th redirect not followed)", hops)
	}
	_, _, err = get(t, &fetch.Client{}, fetch.Request{URL: srv.URL + "/loop"})
	wantError(t, err, referral.EINVALID, "a redirect loop?")
}

func TestGetStatusErrors(t *testing.T) {
	tests := []struct {
		status int
		code   string
		says   string
	}{
		{404, referral.ENOTFOUND, "the feed is not at that address any more (404)"},
		{410, referral.ENOTFOUND, "not at that address any more (410)"},
		{403, referral.EINVALID, "refused access (403)"},
		{400, referral.EINVALID, "refused the request (400)"},
		{429, referral.EUNAVAILABLE, "busy (429); try again later"},
		{500, referral.EUNAVAILABLE, "the feed's server failed (500); try again later"},
		{503, referral.EUNAVAILABLE, "the feed's server failed (503); try again later"},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "<html>nope</html>", tt.status)
			})
			_, _, err := get(t, &fetch.Client{}, fetch.Request{URL: srv.URL})
			wantError(t, err, tt.code, tt.says)
		})
	}
}

// slow waits until the client gives up (or 5 s, so a broken test ends).
func slow(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

func TestGetTimesOutASlowServer(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { slow(r) })
	start := time.Now()
	_, _, err := get(t, &fetch.Client{Timeout: 200 * time.Millisecond}, fetch.Request{URL: srv.URL})
	wantError(t, err, referral.EUNAVAILABLE, "did not answer within 200ms; try again later")
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("gave up after %v; the timeout is 200ms", d)
	}
}

func TestGetTimesOutAServerThatStallsMidFeed(t *testing.T) {
	body := feed(t)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		slow(r)
	})
	_, _, err := get(t, &fetch.Client{Timeout: 200 * time.Millisecond}, fetch.Request{URL: srv.URL})
	wantError(t, err, referral.EUNAVAILABLE, "stopped sending the feed for more than 200ms")
}

// A reader slower than the timeout is not a slow server: only the waits
// for the server count.
func TestGetDoesNotTimeTheReader(t *testing.T) {
	body := feed(t)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	resp, err := (&fetch.Client{Timeout: 100 * time.Millisecond}).Get(context.Background(), fetch.Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 64<<10)
	n := 0
	for {
		time.Sleep(150 * time.Millisecond) // parsing, or loading the time-zone map
		k, err := resp.Body.Read(buf)
		n += k
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d bytes: %v", n, err)
		}
	}
	if n != len(body) {
		t.Errorf("read %d bytes, want %d", n, len(body))
	}
}

func TestGetBodyCutInTheMiddle(t *testing.T) {
	body := feed(t)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // the connection drops
	})
	_, got, err := get(t, &fetch.Client{}, fetch.Request{URL: srv.URL})
	wantError(t, err, referral.EUNAVAILABLE, "was cut off after")
	if !strings.Contains(referral.ErrorMessage(err), "after 225.5 KB of 450.9 KB") {
		t.Errorf("message %q does not give the announced size", referral.ErrorMessage(err))
	}
	if len(got) >= len(body) {
		t.Errorf("read %d bytes of a cut body of %d", len(got), len(body))
	}
}

func TestGetSizeCap(t *testing.T) {
	body := feed(t) // 451 KB
	announced := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	streamed := serve(t, func(w http.ResponseWriter, r *http.Request) {
		// No Content-Length: the cap is found only while reading.
		for rest := body; len(rest) > 0; {
			n := min(len(rest), 8<<10)
			w.Write(rest[:n])
			w.(http.Flusher).Flush()
			rest = rest[n:]
		}
	})
	c := &fetch.Client{MaxBytes: 100 << 10}
	_, _, err := get(t, c, fetch.Request{URL: announced.URL})
	wantError(t, err, referral.EINVALID, "the feed is larger than 100 KB")

	resp, err := c.Get(context.Background(), fetch.Request{URL: streamed.URL})
	if err != nil {
		t.Fatalf("a feed of unknown size: %v", err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	wantError(t, err, referral.EINVALID, "the feed is larger than 100 KB")
	if n > 100<<10 {
		t.Errorf("%d bytes were handed over past a cap of 100 KB", n)
	}

	if _, got, err := get(t, &fetch.Client{MaxBytes: int64(len(body))}, fetch.Request{URL: streamed.URL}); err != nil || len(got) != len(body) {
		t.Errorf("a feed exactly at the cap: %d bytes, %v", len(got), err)
	}
}

func TestGetServerGone(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url, host := srv.URL, srv.Listener.Addr().String()
	srv.Close()
	_, _, err := get(t, &fetch.Client{}, fetch.Request{URL: url})
	wantError(t, err, referral.EUNAVAILABLE, "could not reach "+host+" (the connection was refused): check the internet connection or the address")
}

func TestGetUntrustedCertificate(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake the client refuses
	srv.StartTLS()
	defer srv.Close()
	_, _, err := get(t, &fetch.Client{}, fetch.Request{URL: srv.URL})
	wantError(t, err, referral.EUNAVAILABLE, "could not make a secure connection to "+srv.Listener.Addr().String()+
		" (its certificate is not from an authority this computer trusts)")
}

// failing is a network that fails every request with err, so errors that a
// test cannot make on this machine (no network, a name not found) are
// classified too, without looking any name up.
type failing struct{ err error }

func (f failing) RoundTrip(*http.Request) (*http.Response, error) { return nil, f.err }

func TestGetNetworkFailures(t *testing.T) {
	tests := []struct {
		name string
		err  error
		says string
	}{
		{"DNS", &net.DNSError{Err: "no such host", Name: "feeds.example.org", IsNotFound: true},
			"could not reach feeds.example.org (no server has that name): check the internet connection or the address"},
		{"DNS server down", &net.DNSError{Err: "server misbehaving", Name: "feeds.example.org", IsTemporary: true},
			"could not reach feeds.example.org (its name could not be looked up): check the internet connection or the address"},
		{"offline", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ENETUNREACH)},
			"could not reach feeds.example.org (no network): check the internet connection or the address"},
		{"other", errors.New("something odd"),
			"could not fetch the feed from feeds.example.org (something odd)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := get(t, &fetch.Client{Transport: failing{tt.err}}, fetch.Request{URL: "https://feeds.example.org/meetings.json"})
			wantError(t, err, referral.EUNAVAILABLE, tt.says)
		})
	}
}

func TestGetCancelled(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { slow(r) })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := (&fetch.Client{}).Get(ctx, fetch.Request{URL: srv.URL})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled fetch: %v; want context.Canceled", err)
	}
}

func TestGetRefusesWhatIsNoWebAddress(t *testing.T) {
	for _, u := range []string{"ftp://example.org/feed.json", "meetings.json", "https://"} {
		_, err := (&fetch.Client{}).Get(context.Background(), fetch.Request{URL: u})
		if referral.ErrorCode(err) != referral.EINVALID {
			t.Errorf("Get(%q) = %v; want EINVALID", u, err)
		}
	}
}
