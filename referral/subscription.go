package referral

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Subscription keeps one source current from an address on the web: a feed's
// URL, or a BMLT root server's query for the clinic's area (BMLTAreaURL).
// Importing by URL subscribes the source; a refresh fetches the address again
// and imports what it serves as that import did, with the same program,
// format and zone. A source has at most one subscription, and removing the
// source forgets it.
type Subscription struct {
	Source   string  // the source it keeps current (Source.Name)
	URL      string  // http:// or https:// (see ParseFeedURL)
	Program  Program // as ImportOptions.Program
	Format   string  // as ImportOptions.Format; "" detects it each time
	TimeZone string  // as ImportOptions.TimeZone
	// ETag and LastModified are the validators the server sent with the last
	// feed imported from it; a refresh sends them back, so a feed that has
	// not changed costs the server a "304 Not Modified" and changes nothing.
	ETag         string
	LastModified string
	// LastSuccess is when a refresh last left the source current: a feed
	// imported, or the server saying it had not changed. Zero: never.
	LastSuccess time.Time
	// LastAttempt is when the address was last fetched, whatever came of
	// it; LastStatus and LastResult say what did.
	LastAttempt time.Time
	LastStatus  RefreshStatus
	// LastResult is one sentence for a person: the import's counts
	// ("60 added, 0 updated, 0 removed, 300 unchanged"), "unchanged", or why
	// the attempt failed.
	LastResult string
}

// RefreshStatus is what came of fetching a subscription once.
type RefreshStatus string

const (
	RefreshUpdated   RefreshStatus = "updated"   // a feed was fetched and imported (even when every listing was unchanged)
	RefreshUnchanged RefreshStatus = "unchanged" // the server said the feed had not changed since the last import (304)
	RefreshFailed    RefreshStatus = "failed"    // nothing was imported: see LastResult or RefreshReport.Err
)

// ImportOptions are the options the subscription's feed is imported with.
func (s Subscription) ImportOptions(force bool) ImportOptions {
	return ImportOptions{Source: s.Source, Format: s.Format, Program: s.Program, TimeZone: s.TimeZone, Force: force}
}

// Stale reports whether the subscription is due for a refresh at now when
// the clinic refreshes every days days (Settings.RefreshDays): its last
// success is that old or older, or it never succeeded. With days 0 nothing
// is ever stale: feeds are then refreshed only when someone asks.
func (s Subscription) Stale(now time.Time, days int) bool {
	if days <= 0 {
		return false
	}
	return s.LastSuccess.IsZero() || now.Sub(s.LastSuccess) >= time.Duration(days)*24*time.Hour
}

// Validate checks what a subscription needs before anything is fetched: a
// source name that an import may use and a web address.
func (s Subscription) Validate() error {
	var ps []Problem
	switch name := strings.TrimSpace(s.Source); {
	case name == "":
		ps = append(ps, Problem{Field: "Source", Message: "give the subscription a source name, such as the intergroup it comes from"})
	case name == SourceManual:
		ps = append(ps, Problem{Field: "Source", Message: fmt.Sprintf("the source name %q is kept for groups added by hand; choose another", name)})
	}
	if _, err := ParseFeedURL(s.URL); err != nil {
		ps = append(ps, Problem{Field: "URL", Message: ErrorMessage(err)})
	}
	return invalid("The subscription", ps)
}

// IsFeedURL reports whether an argument given in place of a file is a web
// address (it starts with http:// or https://) rather than a file's name.
func IsFeedURL(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// ParseFeedURL checks a feed's address as a person types or pastes it and
// returns it trimmed, without any #fragment: an http:// or https:// URL with
// a host. Anything else is an EINVALID error that says what is wrong.
func ParseFeedURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || !IsFeedURL(s) {
		return "", Errorf(EINVALID, "%q is not a web address; a feed's address starts with https:// or http://", Truncate(s, 80))
	}
	if u.Hostname() == "" {
		return "", Errorf(EINVALID, "the address %q names no server; copy the whole address, such as https://example.org/meetings.json", Truncate(s, 80))
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String(), nil
}

// FeedSourceName proposes the name of a source subscribed to a feed's
// address: its server's, without "www." ("https://www.aasepia.org/…" →
// "aasepia.org"); "" when the address names no server.
func FeedSourceName(feedURL string) string {
	u, err := url.Parse(strings.TrimSpace(feedURL))
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// bmltQueryPath is where a BMLT root server answers JSON queries.
const bmltQueryPath = "client_interface/json/"

// BMLTAreaURL is the query of a BMLT root server (root, such as
// https://bmlt.example.org/main_server/) for every meeting within miles of
// at, with the formats the meetings use:
//
//	ROOT/client_interface/json/?switcher=GetSearchResults&get_used_formats=1&lat_val=…&long_val=…&geo_width=MILES
//
// BMLT's geo_width is the search radius in miles (geo_width_km would be
// kilometres; a negative one asks for the nearest that many meetings), so
// miles must be more than 0 and at most MaxMiles. A root given with its
// client_interface path or a query is cut back to the root.
func BMLTAreaURL(root string, at Point, miles float64) (string, error) {
	r, err := ParseFeedURL(root)
	if err != nil {
		return "", err
	}
	if !(miles > 0 && miles <= MaxMiles) {
		return "", Errorf(EINVALID, "the area must reach more than 0 and at most %d miles (got %v)", MaxMiles, miles)
	}
	if !(at.Lat >= -90 && at.Lat <= 90 && at.Lon >= -180 && at.Lon <= 180) {
		return "", Errorf(EINVALID, "the area's centre %v is not a place on Earth", at)
	}
	u, _ := url.Parse(r) // ParseFeedURL parsed it
	path := u.Path
	if i := strings.Index(path, "client_interface"); i >= 0 {
		path = path[:i]
	}
	u.Path = strings.TrimSuffix(path, "/") + "/" + bmltQueryPath
	u.RawPath = ""
	// The parameters in the order BMLT's own documentation and clients
	// write them (url.Values would sort them).
	u.RawQuery = "switcher=GetSearchResults&get_used_formats=1" +
		"&lat_val=" + strconv.FormatFloat(at.Lat, 'f', 6, 64) +
		"&long_val=" + strconv.FormatFloat(at.Lon, 'f', 6, 64) +
		"&geo_width=" + strconv.FormatFloat(miles, 'f', -1, 64)
	return u.String(), nil
}

// BMLTArea is a BMLT root server's NA meetings around a ZIP code: what
// `import --bmlt-root URL --near ZIP --miles N` and the window's Add feed…
// (BMLT by area) subscribe to. Both build the query here, so a desk set up
// from the window refreshes exactly what one set up from a shell would.
type BMLTArea struct {
	Root  string  // the root server, such as https://bmlt.example.org/main_server/
	ZIP   string  // the centre of the area; a ZIP+4 is read as its ZIP
	Miles float64 // how far around it, more than 0 and at most MaxMiles
}

// Query places the area's ZIP with loc and returns the query to subscribe
// to (BMLTAreaURL) and the source name proposed for it, "na-near-ZIP". A
// root that is not a web address, a ZIP loc calls ill-formed or miles out of
// range are one EINVALID error with a Problem for each of the fields Root,
// ZIP and Miles; any other error of loc (a ZIP it does not know) is
// returned as it is.
func (a BMLTArea) Query(loc Locator) (query, source string, err error) {
	var ps []Problem
	if _, err := ParseFeedURL(a.Root); err != nil {
		ps = append(ps, Problem{Field: "Root", Message: ErrorMessage(err)})
	}
	if !(a.Miles > 0 && a.Miles <= MaxMiles) {
		ps = append(ps, Problem{Field: "Miles", Message: fmt.Sprintf("the area must reach more than 0 and at most %d miles (got %v)", MaxMiles, a.Miles)})
	}
	at, err := loc.LocateZIP(a.ZIP)
	switch ErrorCode(err) {
	case "":
	case EINVALID:
		ps = append(ps, Problem{Field: "ZIP", Message: ErrorMessage(err)})
	default:
		if len(ps) == 0 {
			return "", "", err
		}
	}
	if err := invalid("The BMLT area", ps); err != nil {
		return "", "", err
	}
	query, err = BMLTAreaURL(a.Root, at.Point, a.Miles)
	if err != nil {
		return "", "", err
	}
	// The locator took the ZIP, so it is five digits, perhaps with a +4.
	zip := strings.TrimSpace(a.ZIP)
	return query, "na-near-" + zip[:min(5, len(zip))], nil
}

// RefreshOptions say how to fetch and import subscriptions.
type RefreshOptions struct {
	// Force is passed to each import (ImportOptions.Force), after the
	// person saw how many listings would go.
	Force bool
	// Progress, when set, is called from the refreshing goroutine as each
	// feed downloads and is read.
	Progress func(RefreshProgress)
}

// RefreshProgress is how far the refresh of one source has got.
type RefreshProgress struct {
	Source  string
	Bytes   int64 // downloaded so far
	Total   int64 // the feed's size as the server announced it; -1 when it did not
	Records int   // records read so far
}

// RefreshReport is what one fetch of one subscription did.
type RefreshReport struct {
	Source string
	URL    string
	Status RefreshStatus
	// Import is the import's report when Status is RefreshUpdated.
	Import *ImportReport
	// Err is why nothing was imported when Status is RefreshFailed: a
	// coded error whose message says what to do (ErrorMessage).
	Err error
}

// Result is the report as one sentence, as Subscription.LastResult keeps it.
func (r RefreshReport) Result() string {
	switch {
	case r.Status == RefreshFailed:
		return ErrorMessage(r.Err)
	case r.Status == RefreshUnchanged:
		return "unchanged"
	case r.Import != nil:
		return r.Import.Counts()
	}
	return string(r.Status)
}

// Counts says what an import did to the source's listings, in one line.
func (r *ImportReport) Counts() string {
	return fmt.Sprintf("%d added, %d updated, %d removed, %d unchanged", r.Added, r.Updated, r.Removed, r.Unchanged)
}

// SubscriptionService keeps sources current from the web. It is the only
// part of Referral Desk that makes network connections, and it makes them
// only when called: the window calls Refresh at start only for stale
// subscriptions (Subscription.Stale), and only when Settings.RefreshDays is
// set.
//
// A fetch follows at most a few redirects, gives up on a server that keeps
// it waiting, refuses a feed past a size cap while it streams (a feed is
// never held whole), and says in plain words what went wrong: no network,
// a name not found, a secure connection refused, the feed gone (404), the
// server failing (5xx). What it fetches is imported through
// DirectoryService.Import with the subscription's options, so an import's
// refusals apply to refreshes too. A failed fetch or import changes nothing
// in the directory; the attempt and its result are recorded all the same.
type SubscriptionService interface {
	// Subscribe fetches sub.URL (unconditionally, whatever was fetched
	// before), imports it as sub.Source and, when the import succeeds,
	// keeps sub as the source's subscription in place of any it had, with
	// the server's validators. When the fetch or the import fails it
	// returns the report and the error and changes nothing, except that a
	// source already subscribed to that URL gets the attempt recorded.
	// A sub that fails Validate is EINVALID and nothing is fetched.
	Subscribe(ctx context.Context, sub Subscription, opts RefreshOptions) (*RefreshReport, error)
	// Refresh fetches the named subscriptions again (every one when
	// sources is empty), one after the other, each on its own: one that
	// fails does not stop the others. A feed the server says has not
	// changed since it was imported (conditional GET) changes nothing and
	// is reported unchanged. It returns one report per source, in the order
	// asked (by name for all); the error is only for a name with no
	// subscription (ENOTFOUND, before anything is fetched), a store that
	// cannot be read, or ctx cancelled (the sources not reached then have
	// no report).
	Refresh(ctx context.Context, sources []string, opts RefreshOptions) ([]RefreshReport, error)
	// Subscriptions lists the subscribed sources by name, with their last
	// attempt and success. Sources imported from files have none: join with
	// DirectoryService.Sources by Source for the whole list.
	Subscriptions(ctx context.Context) ([]Subscription, error)
	// Unsubscribe forgets a source's address; its listings stay as they
	// are. ENOTFOUND when the source has no subscription.
	Unsubscribe(ctx context.Context, source string) error
}
