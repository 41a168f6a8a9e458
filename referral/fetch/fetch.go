// Package fetch downloads directory feeds over HTTP for subscriptions
// (referral.Subscription): a conditional GET (ETag / Last-Modified, so an
// unchanged feed is a 304 and costs nothing), at most a few redirects, a
// timeout on every wait, and a size cap enforced while the body streams: the
// body is handed to the caller as a reader, never held whole.
//
// Every failure is a referral.Error whose message tells a counselor what
// happened and what to do, in the words the Sources screen and the command
// line show: no network or a name not found ("could not reach HOST: check
// the internet connection or the address"), a secure connection refused, the
// feed gone (404), the server failing (5xx), a server too slow, a download
// cut short, a feed too large. Codes: ENOTFOUND for a feed that is not at
// the address, EINVALID for an address or feed that will not work as it
// is, EUNAVAILABLE for what may work later.
//
// The package speaks net/http and the domain's errors only; it knows
// nothing of feed formats or the store.
package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"referraldesk/referral"
)

// Defaults for a Client's zero fields.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBytes     = 100 << 20 // 100 MB: the largest real feeds are a few MB
	DefaultMaxRedirects = 3
)

// userAgent names the program to feed servers, as polite clients do.
const userAgent = "ReferralDesk (support-group directory for clinics)"

// Client downloads feeds. The zero value uses the defaults; tests shorten
// Timeout and MaxBytes to try a slow server or a large feed quickly.
type Client struct {
	// Timeout is the longest the server may keep the client waiting: for
	// the connection and its answer, and then between any two pieces of
	// the body. A large feed on a slow line is fine as long as it keeps
	// coming. Default DefaultTimeout.
	Timeout time.Duration
	// MaxBytes is the largest body taken, counted as it streams; the read
	// past it fails. Default DefaultMaxBytes.
	MaxBytes int64
	// MaxRedirects is how many redirects are followed. Default
	// DefaultMaxRedirects.
	MaxRedirects int
	// Transport makes the requests; nil is a copy of
	// http.DefaultTransport (which honours the HTTPS_PROXY environment).
	Transport http.RoundTripper
}

// Request is one feed to fetch.
type Request struct {
	URL string
	// ETag and LastModified, when set, make the request conditional: a
	// server whose feed has not changed since answers 304, and Get returns
	// a Response with NotModified.
	ETag         string
	LastModified string
	// Progress, when set, is called from the goroutine reading the body
	// with the bytes read so far and the announced size (-1 when the
	// server gave none).
	Progress func(read, total int64)
}

// Response is a feed on its way. Unless NotModified, the caller reads Body
// and must close it.
type Response struct {
	NotModified bool
	// Body streams the feed. A read fails with a referral.Error once the
	// body passes MaxBytes, when the server stalls longer than Timeout, or
	// when the connection breaks before the announced end.
	Body io.ReadCloser
	// ETag and LastModified are the validators to send next time ("" when
	// the server gave none).
	ETag         string
	LastModified string
	URL          string // where the feed was found, after redirects
	Size         int64  // the announced size; -1 when unknown
}

var defaultTransport = sync.OnceValue(func() http.RoundTripper {
	return http.DefaultTransport.(*http.Transport).Clone()
})

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Client) maxBytes() int64 {
	if c.MaxBytes > 0 {
		return c.MaxBytes
	}
	return DefaultMaxBytes
}

func (c *Client) maxRedirects() int {
	if c.MaxRedirects > 0 {
		return c.MaxRedirects
	}
	return DefaultMaxRedirects
}

// errStalled is the cause of a request cancelled because the server kept
// it waiting longer than Timeout.
var errStalled = errors.New("the server stopped answering")

// errTooManyRedirects stops the redirect chain.
var errTooManyRedirects = errors.New("too many redirects")

// Get fetches req.URL. It returns once the server's answer has started: a
// Response with a Body to stream, a Response with NotModified, or a
// referral.Error for an answer that is not the feed (a redirect loop, 404,
// 5xx, …) or no answer at all. Cancelling ctx stops the download at once
// and returns ctx's error.
func (c *Client) Get(ctx context.Context, req Request) (*Response, error) {
	raw, err := referral.ParseFeedURL(req.URL)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(raw)
	host := u.Host

	rctx, cancel := context.WithCancelCause(ctx)
	stall := time.AfterFunc(c.timeout(), func() { cancel(errStalled) })
	fail := func(err error) (*Response, error) {
		stall.Stop()
		cancel(nil)
		return nil, err
	}

	hr, err := http.NewRequestWithContext(rctx, http.MethodGet, raw, nil)
	if err != nil {
		return fail(referral.Errorf(referral.EINVALID, "the address %q cannot be fetched: %v", referral.Truncate(raw, 80), err))
	}
	hr.Header.Set("User-Agent", userAgent)
	hr.Header.Set("Accept", "application/json, text/csv;q=0.9, */*;q=0.5")
	if req.ETag != "" {
		hr.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hr.Header.Set("If-Modified-Since", req.LastModified)
	}

	transport := c.Transport
	if transport == nil {
		transport = defaultTransport()
	}
	hc := &http.Client{
		Transport: transport,
		CheckRedirect: func(_ *http.Request, via []*http.Request) error {
			if len(via) > c.maxRedirects() {
				return errTooManyRedirects
			}
			return nil
		},
	}
	resp, err := hc.Do(hr)
	if err != nil {
		return fail(c.requestError(ctx, rctx, host, err))
	}
	final := resp.Request.URL.String()

	switch {
	case resp.StatusCode == http.StatusNotModified:
		resp.Body.Close()
		if req.ETag == "" && req.LastModified == "" {
			return fail(referral.Errorf(referral.EINVALID,
				"the feed's server (%s) answered \"not modified\" (304) to a plain request; check the address", host))
		}
		stall.Stop()
		cancel(nil)
		return &Response{NotModified: true, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), URL: final, Size: -1}, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		resp.Body.Close()
		return fail(statusError(host, resp.StatusCode))
	case resp.ContentLength > c.maxBytes():
		resp.Body.Close()
		return fail(tooLarge(c.maxBytes()))
	}
	stall.Stop() // the body's reads time themselves
	return &Response{
		Body: &body{r: resp.Body, host: host, max: c.maxBytes(), size: resp.ContentLength, timeout: c.timeout(),
			stall: stall, cancel: cancel, ctx: rctx, parent: ctx, progress: req.Progress},
		ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), URL: final, Size: resp.ContentLength,
	}, nil
}

// statusError says what an HTTP status that is not the feed means.
func statusError(host string, code int) error {
	switch {
	case code == http.StatusNotFound || code == http.StatusGone:
		return referral.Errorf(referral.ENOTFOUND,
			"the feed is not at that address any more (%d); check the address with whoever publishes the feed", code)
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return referral.Errorf(referral.EINVALID,
			"the feed's server (%s) refused access (%d); the feed may be private, or the address wrong: check it with whoever publishes the feed", host, code)
	case code == http.StatusTooManyRequests:
		return referral.Errorf(referral.EUNAVAILABLE, "the feed's server (%s) is busy (%d); try again later", host, code)
	case code >= 500:
		return referral.Errorf(referral.EUNAVAILABLE, "the feed's server failed (%d); try again later", code)
	case code >= 400:
		return referral.Errorf(referral.EINVALID, "the feed's server (%s) refused the request (%d); check the address", host, code)
	}
	return referral.Errorf(referral.EINVALID,
		"the feed's server (%s) answered %d instead of sending the feed; check the address", host, code)
}

func tooLarge(max int64) error {
	return referral.Errorf(referral.EINVALID,
		"the feed is larger than %s, more than Referral Desk takes; ask whoever publishes it for a feed of your area only", sizeText(max))
}

// requestError says why a request got no answer.
func (c *Client) requestError(parent, rctx context.Context, host string, err error) error {
	if errors.Is(context.Cause(rctx), errStalled) {
		return referral.Errorf(referral.EUNAVAILABLE, "%s did not answer within %s; try again later", host, c.timeout())
	}
	if parent.Err() != nil {
		return fmt.Errorf("fetch %s: %w", host, parent.Err())
	}
	if errors.Is(err, errTooManyRedirects) {
		return referral.Errorf(referral.EINVALID,
			"the feed's address redirects more than %d times (a redirect loop?); check the address with whoever publishes the feed", c.maxRedirects())
	}
	if why, ok := tlsReason(err); ok {
		return referral.Errorf(referral.EUNAVAILABLE,
			"could not make a secure connection to %s (%s): check the address, and that this computer's date and time are right", host, why)
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		what := "its name could not be looked up"
		if dns.IsNotFound {
			what = "no server has that name"
		}
		return referral.Errorf(referral.EUNAVAILABLE, "could not reach %s (%s): check the internet connection or the address", host, what)
	}
	var op *net.OpError
	if errors.As(err, &op) {
		what := "no connection"
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			what = "the connection was refused"
		case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
			what = "no network"
		case errors.Is(err, syscall.ECONNRESET):
			what = "the connection was broken"
		}
		return referral.Errorf(referral.EUNAVAILABLE, "could not reach %s (%s): check the internet connection or the address", host, what)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return referral.Errorf(referral.EUNAVAILABLE, "could not fetch the feed from %s (%v): check the internet connection or the address", host, err)
}

// tlsReason tells a failed TLS handshake from other failures, in words.
func tlsReason(err error) (string, bool) {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
		alert    tls.AlertError
	)
	switch {
	case errors.As(err, &unknown):
		return "its certificate is not from an authority this computer trusts", true
	case errors.As(err, &hostname):
		return "its certificate is for another name", true
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired {
			return "its certificate has expired, or this computer's clock is wrong", true
		}
		return "its certificate is not valid", true
	case errors.As(err, &verify):
		return "its certificate could not be verified", true
	case errors.As(err, &record):
		return "it does not speak https at that address", true
	case errors.As(err, &alert):
		return "the server refused the secure connection", true
	case strings.Contains(err.Error(), "tls: "):
		return "the secure connection failed", true
	}
	return "", false
}

// body streams a feed: it counts bytes against the cap, times every wait
// for the server, and turns a broken download into a referral.Error.
type body struct {
	r        io.ReadCloser
	host     string
	max      int64
	size     int64 // announced; -1 unknown
	read     int64
	timeout  time.Duration
	stall    *time.Timer
	cancel   context.CancelCauseFunc
	ctx      context.Context // the request's: its cause tells a stall from the caller's cancellation
	parent   context.Context
	progress func(read, total int64)
	err      error // sticky: a failed body keeps failing
}

func (b *body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	// Only the wait for the server is timed, not the reader's own work
	// between reads (parsing, looking up time zones).
	b.stall.Reset(b.timeout)
	n, err := b.r.Read(p)
	b.stall.Stop()
	b.read += int64(n)
	if b.read > b.max {
		b.err = tooLarge(b.max)
		return 0, b.err
	}
	if n > 0 && b.progress != nil {
		b.progress(b.read, b.size)
	}
	switch {
	case err == nil || err == io.EOF:
		return n, err
	case errors.Is(context.Cause(b.ctx), errStalled):
		b.err = referral.Errorf(referral.EUNAVAILABLE,
			"%s stopped sending the feed for more than %s (after %s); try again later", b.host, b.timeout, sizeText(b.read))
	case b.parent.Err() != nil:
		b.err = fmt.Errorf("fetch %s: %w", b.host, b.parent.Err())
	default:
		b.err = referral.Errorf(referral.EUNAVAILABLE, "the download from %s was cut off after %s%s; try again later",
			b.host, sizeText(b.read), b.ofSize())
	}
	return n, b.err
}

func (b *body) ofSize() string {
	if b.size < 0 {
		return ""
	}
	return " of " + sizeText(b.size)
}

func (b *body) Close() error {
	b.stall.Stop()
	err := b.r.Close()
	b.cancel(nil)
	return err
}

// sizeText is a size as people read it: "100 MB", "64 KB", "512 bytes".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return trimZero(float64(n)/(1<<20)) + " MB"
	case n >= 1<<10:
		return trimZero(float64(n)/(1<<10)) + " KB"
	}
	return fmt.Sprintf("%d bytes", n)
}

func trimZero(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	return strings.TrimSuffix(s, ".0")
}
