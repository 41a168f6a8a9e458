package referral_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
)

func TestParseFeedURL(t *testing.T) {
	tests := []struct {
		in, want, says string
	}{
		{"https://aasepia.org/wp-admin/admin-ajax.php?action=meetings", "https://aasepia.org/wp-admin/admin-ajax.php?action=meetings", ""},
		{"  HTTP://Example.org/feed.json#top ", "http://Example.org/feed.json", ""},
		{"http://127.0.0.1:8080/feed.json", "http://127.0.0.1:8080/feed.json", ""},
		{"ftp://example.org/feed.json", "", "starts with https:// or http://"},
		{"example.org/feed.json", "", "not a web address"},
		{"https://", "", "names no server"},
		{"https:///feed.json", "", "names no server"},
		{"", "", "not a web address"},
	}
	for _, tt := range tests {
		got, err := referral.ParseFeedURL(tt.in)
		if tt.says == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseFeedURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		if referral.ErrorCode(err) != referral.EINVALID || !strings.Contains(referral.ErrorMessage(err), tt.says) {
			t.Errorf("ParseFeedURL(%q) = %q, %v; want EINVALID saying %q", tt.in, got, err, tt.says)
		}
	}
	if referral.IsFeedURL("testdata/feeds/na.json") || !referral.IsFeedURL("HTTPS://x.org") {
		t.Error("IsFeedURL tells files from addresses by the scheme")
	}
}

func TestBMLTAreaURL(t *testing.T) {
	at := referral.Point{Lat: 40.7506, Lon: -73.9973}
	const want = "https://bmlt.example.org/main_server/client_interface/json/?switcher=GetSearchResults&get_used_formats=1" +
		"&lat_val=40.750600&long_val=-73.997300&geo_width=10"
	for _, root := range []string{
		"https://bmlt.example.org/main_server/",
		"https://bmlt.example.org/main_server",
		"https://bmlt.example.org/main_server/client_interface/json/?switcher=GetServerInfo",
	} {
		got, err := referral.BMLTAreaURL(root, at, 10)
		if err != nil || got != want {
			t.Errorf("BMLTAreaURL(%q) = %q, %v\nwant %q", root, got, err, want)
		}
	}
	got, err := referral.BMLTAreaURL("https://bmlt.example.org", at, 2.5)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(got)
	if u.Path != "/client_interface/json/" || u.Query().Get("geo_width") != "2.5" {
		t.Errorf("a root at the server's top: %s", got)
	}
	for _, miles := range []float64{0, -10, referral.MaxMiles + 1} {
		if _, err := referral.BMLTAreaURL("https://bmlt.example.org/main_server/", at, miles); referral.ErrorCode(err) != referral.EINVALID {
			t.Errorf("%v miles: %v; want EINVALID (a negative geo_width would mean a count of meetings)", miles, err)
		}
	}
	if _, err := referral.BMLTAreaURL("bmlt.example.org", at, 10); referral.ErrorCode(err) != referral.EINVALID {
		t.Errorf("a root with no scheme: %v; want EINVALID", err)
	}
}

func TestSubscriptionStale(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name    string
		success time.Time
		days    int
		want    bool
	}{
		{"only when asked", now.Add(-400 * day), 0, false},
		{"never refreshed", time.Time{}, 7, true},
		{"refreshed yesterday", now.Add(-day), 7, false},
		{"refreshed a week ago", now.Add(-7 * day), 7, true},
		{"just under a day", now.Add(-day + time.Minute), 1, false},
	}
	for _, tt := range tests {
		if got := (referral.Subscription{LastSuccess: tt.success}).Stale(now, tt.days); got != tt.want {
			t.Errorf("%s: Stale = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSubscriptionValidate(t *testing.T) {
	ok := referral.Subscription{Source: "sepia", URL: "https://aasepia.org/meetings.json"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		sub   referral.Subscription
		field string
	}{
		{referral.Subscription{URL: ok.URL}, "Source"},
		{referral.Subscription{Source: referral.SourceManual, URL: ok.URL}, "Source"},
		{referral.Subscription{Source: "sepia", URL: "meetings.json"}, "URL"},
	} {
		ps := referral.ErrorProblems(tt.sub.Validate())
		if len(ps) != 1 || ps[0].Field != tt.field {
			t.Errorf("%+v: problems %v, want one for %s", tt.sub, ps, tt.field)
		}
	}
}

func TestRefreshReportResult(t *testing.T) {
	for _, tt := range []struct {
		r    referral.RefreshReport
		want string
	}{
		{referral.RefreshReport{Status: referral.RefreshUnchanged}, "unchanged"},
		{referral.RefreshReport{Status: referral.RefreshUpdated, Import: &referral.ImportReport{Added: 60, Unchanged: 300}},
			"60 added, 0 updated, 0 removed, 300 unchanged"},
		{referral.RefreshReport{Status: referral.RefreshFailed, Err: referral.Errorf(referral.EUNAVAILABLE, "the feed's server failed (500); try again later")},
			"the feed's server failed (500); try again later"},
		{referral.RefreshReport{Status: referral.RefreshFailed, Err: errors.New("disk I/O error")}, "Internal error"},
	} {
		if got := tt.r.Result(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("Result() = %q, want %q", got, tt.want)
		}
	}
}

func TestSettingsRefreshDays(t *testing.T) {
	s := referral.DefaultSettings()
	if s.RefreshDays != 0 {
		t.Errorf("default feed.refresh_days = %d; want 0, only when asked", s.RefreshDays)
	}
	for _, tt := range []struct {
		value string
		want  int
		says  string
	}{
		{"7", 7, ""},
		{"0", 0, ""},
		{"365", 365, ""},
		{"366", 0, "1 to 365 days, or 0"},
		{"-1", 0, "1 to 365 days, or 0"},
		{"weekly", 0, "whole number of days"},
	} {
		s := referral.DefaultSettings()
		err := s.Set("feed.refresh_days", tt.value)
		if tt.says == "" {
			if err != nil || s.RefreshDays != tt.want {
				t.Errorf("feed.refresh_days=%s: %d, %v", tt.value, s.RefreshDays, err)
			}
			continue
		}
		ps := referral.ErrorProblems(err)
		if len(ps) != 1 || ps[0].Field != "RefreshDays" || !strings.Contains(ps[0].Message, tt.says) || s.RefreshDays != 0 {
			t.Errorf("feed.refresh_days=%s: %v (value %d); want a RefreshDays problem saying %q", tt.value, err, s.RefreshDays, tt.says)
		}
	}
	var shown string
	for _, kv := range (referral.Settings{RefreshDays: 3}).Values() {
		if kv.Key == "feed.refresh_days" {
			shown = kv.Value
		}
	}
	if shown != "3" {
		t.Errorf("Values shows feed.refresh_days=%q, want 3", shown)
	}
}

// zipAt is a Locator that knows one ZIP.
type zipAt struct {
	zip string
	at  referral.Point
}

func (z zipAt) LocateZIP(zip string) (referral.ZIPLocation, error) {
	if len(strings.TrimSpace(zip)) < 5 {
		return referral.ZIPLocation{}, referral.Errorf(referral.EINVALID, "ZIP %q must be 5 digits, like 19107", zip)
	}
	if strings.TrimSpace(zip)[:5] != z.zip {
		return referral.ZIPLocation{}, referral.Errorf(referral.ENOTFOUND, "ZIP %s is not a US ZIP code we know", zip)
	}
	return referral.ZIPLocation{Point: z.at, ZCTA: z.zip}, nil
}

func TestBMLTAreaQuery(t *testing.T) {
	loc := zipAt{"10001", referral.Point{Lat: 40.7506, Lon: -73.9973}}
	query, source, err := referral.BMLTArea{Root: "https://bmlt.example.org/main_server/", ZIP: " 10001-2345 ", Miles: 10}.Query(loc)
	want := "https://bmlt.example.org/main_server/client_interface/json/?switcher=GetSearchResults&get_used_formats=1&lat_val=40.750600&long_val=-73.997300&geo_width=10"
	if err != nil || query != want || source != "na-near-10001" {
		t.Errorf("Query() = %q, %q, %v; want %q, na-near-10001", query, source, err, want)
	}
	_, _, err = referral.BMLTArea{Root: "bmlt.example.org", ZIP: "100", Miles: 0}.Query(loc)
	var fields []string
	for _, p := range referral.ErrorProblems(err) {
		fields = append(fields, p.Field)
	}
	if referral.ErrorCode(err) != referral.EINVALID || strings.Join(fields, ",") != "Root,Miles,ZIP" {
		t.Errorf("a bad area: %v with problems on %v; want EINVALID on Root, Miles and ZIP", err, fields)
	}
	if _, _, err := (referral.BMLTArea{Root: "https://bmlt.example.org/", ZIP: "99999", Miles: 5}).Query(loc); referral.ErrorCode(err) != referral.ENOTFOUND {
		t.Errorf("a ZIP not known: %v; want the locator's ENOTFOUND", err)
	}
}
