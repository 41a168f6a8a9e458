package referral_test

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
)

var (
	pngLogo  = []byte("\x89PNG\r\n\x1a\nrest")
	jpegLogo = []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10}
)

func TestDefaultSettingsAreValid(t *testing.T) {
	s := referral.DefaultSettings()
	if err := s.Validate(); err != nil {
		t.Fatalf("DefaultSettings().Validate() = %v", err)
	}
	want := referral.Settings{DefaultMiles: 10, SheetLang: referral.English, SheetPaper: referral.Letter, RetentionDays: 90}
	if !settingsEqual(s, want) {
		t.Errorf("DefaultSettings() = %+v, want %+v", s, want)
	}
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *referral.Settings)
		field  string // "" = valid
		says   string
	}{
		{"defaults", func(s *referral.Settings) {}, "", ""},
		{"everything set", func(s *referral.Settings) {
			s.Clinic = referral.Clinic{Name: "Broad Street Clinic", Address: "1 Broad St", Phone: "(215) 555-0100",
				Website: "https://clinic.example", Logo: pngLogo}
			s.Counselor, s.DefaultMiles, s.SheetLang, s.SheetPaper = "Dana Ortiz", 25.5, referral.Spanish, referral.A4
			s.RetentionDays, s.FeedTimeZone = 3650, "America/Chicago"
		}, "", ""},
		{"jpeg logo", func(s *referral.Settings) { s.Clinic.Logo = jpegLogo }, "", ""},
		{"one day", func(s *referral.Settings) { s.RetentionDays = 1 }, "", ""},
		{"max miles", func(s *referral.Settings) { s.DefaultMiles = referral.MaxMiles }, "", ""},
		{"retention zero", func(s *referral.Settings) { s.RetentionDays = 0 }, "RetentionDays", "between 1 and 3650 days (got 0)"},
		{"retention too long", func(s *referral.Settings) { s.RetentionDays = 3651 }, "RetentionDays", "between 1 and 3650"},
		{"miles zero", func(s *referral.Settings) { s.DefaultMiles = 0 }, "DefaultMiles", "more than 0 and at most 500"},
		{"miles too far", func(s *referral.Settings) { s.DefaultMiles = 501 }, "DefaultMiles", "at most 500"},
		{"french", func(s *referral.Settings) { s.SheetLang = "fr" }, "SheetLang", `"fr" is not available`},
		{"no lang", func(s *referral.Settings) { s.SheetLang = "" }, "SheetLang", "not available"},
		{"legal paper", func(s *referral.Settings) { s.SheetPaper = "legal" }, "SheetPaper", `"legal" is unknown`},
		{"unknown zone", func(s *referral.Settings) { s.FeedTimeZone = "Mars/Olympus" }, "FeedTimeZone", "IANA"},
		{"Local is not a zone", func(s *referral.Settings) { s.FeedTimeZone = "Local" }, "FeedTimeZone", "IANA"},
		{"logo not a picture", func(s *referral.Settings) { s.Clinic.Logo = []byte("GIF89a") }, "Clinic.Logo", "PNG or JPEG"},
		{"logo too big", func(s *referral.Settings) {
			s.Clinic.Logo = append(bytes.Clone(pngLogo), make([]byte, referral.MaxLogoBytes)...)
		}, "Clinic.Logo", "at most 2 MB"},
		{"website without scheme", func(s *referral.Settings) { s.Clinic.Website = "clinic.example" }, "Clinic.Website", "http://"},
		{"website ftp", func(s *referral.Settings) { s.Clinic.Website = "ftp://clinic.example" }, "Clinic.Website", "https://"},
		{"phone letters", func(s *referral.Settings) { s.Clinic.Phone = "call us" }, "Clinic.Phone", "digits"},
		{"long counselor", func(s *referral.Settings) { s.Counselor = strings.Repeat("é", 61) }, "Counselor", "too long"},
		{"clinic name of 100 letters", func(s *referral.Settings) { s.Clinic.Name = strings.Repeat("é", 100) }, "", ""},
		{"clinic name of a megabyte", func(s *referral.Settings) { s.Clinic.Name = strings.Repeat("x", 1<<20) }, "Clinic.Name",
			"the clinic's name is too long (1048576 letters; at most 100)"},
		{"clinic address too long", func(s *referral.Settings) { s.Clinic.Address = strings.Repeat("1 Main St ", 21) }, "Clinic.Address", "at most 200"},
		{"clinic phone of a megabyte of digits", func(s *referral.Settings) { s.Clinic.Phone = strings.Repeat("5", 1<<20) }, "Clinic.Phone", "too long"},
		{"clinic website too long", func(s *referral.Settings) {
			s.Clinic.Website = "https://clinic.example/" + strings.Repeat("a", 2000)
		}, "Clinic.Website", "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := referral.DefaultSettings()
			tt.change(&s)
			err := s.Validate()
			assertProblem(t, err, tt.field, tt.says)
			if n := len(referral.ErrorMessage(err)); n > 500 {
				t.Errorf("a message of %d bytes", n)
			}
		})
	}
}

// TestSettingsMessagesQuoteShort: a value pasted whole into a setting is
// quoted shortened, so the message still says what to do.
func TestSettingsMessagesQuoteShort(t *testing.T) {
	long := strings.Repeat("Mars/", 200_000)
	for _, key := range []string{"clinic.timezone", "feed.timezone", "sheet.lang", "sheet.paper", "clinic.website", "clinic.phone", long} {
		s := referral.DefaultSettings()
		err := s.Set(key, long)
		if referral.ErrorCode(err) != referral.EINVALID {
			t.Errorf("Set(%.20s…) = %v, want EINVALID", key, err)
			continue
		}
		if msg := referral.ErrorMessage(err); len(msg) > 500 || !(strings.Contains(strings.ToLower(msg), "mars/mars/mars…") || strings.Contains(msg, "too long")) {
			t.Errorf("Set(%.20s…) says %d bytes: %.200s", key, len(msg), msg)
		}
	}
}

// assertProblem checks that err is nil when field is "", and otherwise an
// EINVALID error naming field with a message containing says.
func assertProblem(t *testing.T, err error, field, says string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("error = %v, want none", err)
		}
		return
	}
	if referral.ErrorCode(err) != referral.EINVALID {
		t.Fatalf("error = %v (code %q), want EINVALID", err, referral.ErrorCode(err))
	}
	for _, p := range referral.ErrorProblems(err) {
		if p.Field == field && strings.Contains(p.Message, says) {
			return
		}
	}
	t.Errorf("problems = %+v, want field %s saying %q", referral.ErrorProblems(err), field, says)
}

func TestSettingsSet(t *testing.T) {
	tests := []struct {
		key, value string
		check      func(s referral.Settings) bool
		field      string // "" = accepted
		says       string
	}{
		{"clinic.name", " Broad Street Clinic ", func(s referral.Settings) bool { return s.Clinic.Name == "Broad Street Clinic" }, "", ""},
		{"clinic.address", "1 Broad St, Philadelphia", func(s referral.Settings) bool { return s.Clinic.Address == "1 Broad St, Philadelphia" }, "", ""},
		{"clinic.phone", "215-555-0100", func(s referral.Settings) bool { return s.Clinic.Phone == "215-555-0100" }, "", ""},
		{"clinic.website", "https://clinic.example", func(s referral.Settings) bool { return s.Clinic.Website == "https://clinic.example" }, "", ""},
		{"CLINIC.WEBSITE", "", func(s referral.Settings) bool { return s.Clinic.Website == "" }, "", ""},
		{"clinic.logo", "", func(s referral.Settings) bool { return s.Clinic.Logo == nil }, "", ""},
		{"counselor", "Dana Ortiz", func(s referral.Settings) bool { return s.Counselor == "Dana Ortiz" }, "", ""},
		{"default.miles", "7.5", func(s referral.Settings) bool { return s.DefaultMiles == 7.5 }, "", ""},
		{"sheet.lang", "ES", func(s referral.Settings) bool { return s.SheetLang == referral.Spanish }, "", ""},
		{"sheet.paper", "A4", func(s referral.Settings) bool { return s.SheetPaper == referral.A4 }, "", ""},
		{"retention.days", "30", func(s referral.Settings) bool { return s.RetentionDays == 30 }, "", ""},
		{"feed.timezone", "America/Denver", func(s referral.Settings) bool { return s.FeedTimeZone == "America/Denver" }, "", ""},
		{"feed.timezone", "", func(s referral.Settings) bool { return s.FeedTimeZone == "" }, "", ""},

		{"clinic.website", "clinic.example", nil, "Clinic.Website", "http"},
		{"clinic.logo", "/tmp/logo.png", nil, "Clinic.Logo", "give its path to the settings command"},
		{"default.miles", "ten", nil, "DefaultMiles", "number of miles"},
		{"default.miles", "0", nil, "DefaultMiles", "more than 0"},
		{"retention.days", "90.5", nil, "RetentionDays", "whole number"},
		{"retention.days", "0", nil, "RetentionDays", "between 1 and 3650"},
		{"sheet.lang", "fr", nil, "SheetLang", "not available"},
		{"sheet.paper", "legal", nil, "SheetPaper", "unknown"},
		{"feed.timezone", "EST5EDT-nope", nil, "FeedTimeZone", "IANA"},
		{"retention", "30", nil, "Key", "unknown setting"},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			s := referral.DefaultSettings()
			s.Clinic.Website, s.Clinic.Logo = "https://old.example", pngLogo
			before := s
			err := s.Set(tt.key, tt.value)
			assertProblem(t, err, tt.field, tt.says)
			if tt.field != "" {
				if !settingsEqual(s, before) {
					t.Errorf("refused Set changed the settings: %+v", s)
				}
				return
			}
			if !tt.check(s) {
				t.Errorf("after Set(%q, %q): %+v", tt.key, tt.value, s)
			}
		})
	}
}

func TestSettingsSetOneKeyIgnoresOthers(t *testing.T) {
	// A command line sets keys one by one; an already-bad value of another
	// key must not block the key being set (SaveSettings catches it).
	s := referral.DefaultSettings()
	s.RetentionDays = 0
	if err := s.Set("clinic.name", "Broad Street Clinic"); err != nil {
		t.Fatalf("Set: %v", err)
	}
}

func TestSettingsUnknownKeyListsKeys(t *testing.T) {
	s := referral.DefaultSettings()
	msg := referral.ErrorMessage(s.Set("colour", "blue"))
	for _, k := range referral.SettingKeys() {
		if !strings.Contains(msg, k) {
			t.Errorf("message %q does not list %s", msg, k)
		}
	}
}

func TestSettingsValuesRoundTrip(t *testing.T) {
	s := referral.DefaultSettings()
	s.Clinic = referral.Clinic{Name: "Broad Street Clinic", Address: "1 Broad St", Phone: "215-555-0100",
		Website: "https://clinic.example", Logo: append(bytes.Clone(pngLogo), make([]byte, 3000)...)}
	s.Counselor, s.DefaultMiles, s.SheetLang, s.SheetPaper = "Dana Ortiz", 7.5, referral.Spanish, referral.A4
	s.RetentionDays, s.FeedTimeZone = 30, "America/Chicago"

	kvs := s.Values()
	var keys []string
	for _, kv := range kvs {
		keys = append(keys, kv.Key)
	}
	if !slices.Equal(keys, referral.SettingKeys()) {
		t.Fatalf("Values keys = %v, want %v", keys, referral.SettingKeys())
	}
	if kvs[4].Value != "PNG, 3 KB" {
		t.Errorf("clinic.logo = %q, want a description", kvs[4].Value)
	}

	// Every value but the logo reads back through Set.
	got := referral.DefaultSettings()
	got.Clinic.Logo = s.Clinic.Logo
	for _, kv := range kvs {
		if kv.Key == "clinic.logo" {
			continue
		}
		if err := got.Set(kv.Key, kv.Value); err != nil {
			t.Fatalf("Set(%q, %q): %v", kv.Key, kv.Value, err)
		}
	}
	if !settingsEqual(got, s) {
		t.Errorf("round trip = %+v, want %+v", got, s)
	}
}

func TestSettingsSetLogo(t *testing.T) {
	s := referral.DefaultSettings()
	if err := s.SetLogo(jpegLogo); err != nil || !bytes.Equal(s.Clinic.Logo, jpegLogo) {
		t.Fatalf("SetLogo(jpeg) = %v, logo %v", err, s.Clinic.Logo)
	}
	assertProblem(t, s.SetLogo([]byte("not an image")), "Clinic.Logo", "PNG or JPEG")
	if !bytes.Equal(s.Clinic.Logo, jpegLogo) {
		t.Error("refused SetLogo replaced the logo")
	}
	if err := s.SetLogo(nil); err != nil || s.Clinic.Logo != nil {
		t.Errorf("SetLogo(nil) = %v, logo %v", err, s.Clinic.Logo)
	}
}

func TestSettingsFeedZone(t *testing.T) {
	tests := []struct {
		saved, machine, want string
	}{
		{"America/Chicago", "Europe/Berlin", "America/Chicago"},
		{"", "Europe/Berlin", "Europe/Berlin"},
		{"", "Local", referral.FallbackTimeZone},
		{"", "", referral.FallbackTimeZone},
		{"", "not/a zone", referral.FallbackTimeZone},
		{"", "UTC", referral.FallbackTimeZone}, // a UTC machine says nothing about the clinic
	}
	for _, tt := range tests {
		s := referral.Settings{FeedTimeZone: tt.saved}
		if got := s.FeedZone(tt.machine); got != tt.want {
			t.Errorf("FeedZone(saved %q, machine %q) = %q, want %q", tt.saved, tt.machine, got, tt.want)
		}
	}
	if got := (referral.Settings{ClinicTimeZone: "America/Denver"}).FeedZone("UTC"); got != "America/Denver" {
		t.Errorf("FeedZone falls back to the clinic's zone, got %q", got)
	}
}

func TestSettingsClinicZone(t *testing.T) {
	for _, tt := range []struct{ saved, machine, want string }{
		{"America/Chicago", "Europe/Berlin", "America/Chicago"},
		{"", "America/Denver", "America/Denver"},
		{"", "Europe/London", "Europe/London"}, // offset 0 in winter, but a place
		{"", "UTC", ""},
		{"", "Etc/UTC", ""},
		{"", "Etc/GMT", ""},
		{"", "", ""},
		{"", "Local", ""},
	} {
		if got := (referral.Settings{ClinicTimeZone: tt.saved}).ClinicZone(tt.machine); got != tt.want {
			t.Errorf("ClinicZone(saved %q, machine %q) = %q, want %q", tt.saved, tt.machine, got, tt.want)
		}
	}
}

// zipZones is a map that knows two ZIPs and the zone of the west.
type zipZones struct{ asked int }

func (z *zipZones) LocateZIP(zip string) (referral.ZIPLocation, error) {
	switch zip {
	case "60601":
		return referral.ZIPLocation{Point: referral.Point{Lat: 41.88, Lon: -87.62}}, nil
	case "19107":
		return referral.ZIPLocation{Point: referral.Point{Lat: 39.95, Lon: -75.16}}, nil
	}
	return referral.ZIPLocation{}, referral.Errorf(referral.ENOTFOUND, "unknown ZIP")
}

func (z *zipZones) ZoneAt(p referral.Point) string {
	z.asked++
	switch {
	case p.Lon < -100:
		return "America/Denver"
	case p.Lon < -85:
		return "America/Chicago"
	case p.Lon < 0:
		return "America/New_York"
	}
	return ""
}

func TestSettingsMatchZone(t *testing.T) {
	west := &referral.Point{Lat: 39.7, Lon: -105}
	sea := &referral.Point{Lat: 0, Lon: 10}
	for _, tt := range []struct {
		name     string
		s        referral.Settings
		machine  string
		client   *referral.Point
		want     string
		guess    referral.ZoneGuess
		mapAsked bool
	}{
		{"saved", referral.Settings{ClinicTimeZone: "America/Phoenix"}, "UTC", west, "America/Phoenix", referral.ZoneKnown, false},
		{"the machine's", referral.Settings{}, "America/Chicago", west, "America/Chicago", referral.ZoneKnown, false},
		{"the clinic's ZIP", referral.Settings{Clinic: referral.Clinic{Address: "233 S Wacker Dr, Chicago, IL 60601"}}, "UTC", west,
			"America/Chicago", referral.ZoneFromClinicZIP, true},
		{"the client's ZIP", referral.Settings{Clinic: referral.Clinic{Address: "1 Main St"}}, "UTC", west,
			"America/Denver", referral.ZoneFromClientZIP, true},
		{"nothing to tell by", referral.Settings{}, "", sea, referral.FallbackTimeZone, referral.ZoneGuessFallback, true},
		{"no client", referral.Settings{}, "UTC", nil, referral.FallbackTimeZone, referral.ZoneGuessFallback, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := &zipZones{}
			got, guess := tt.s.MatchZone(tt.machine, m, m, tt.client)
			if got != tt.want || guess != tt.guess || (m.asked > 0) != tt.mapAsked {
				t.Errorf("MatchZone = %q, %q (map asked %d×); want %q, %q", got, guess, m.asked, tt.want, tt.guess)
			}
		})
	}
}

func TestSettingsClinicZIP(t *testing.T) {
	for addr, want := range map[string]string{
		"1500 Market St, Philadelphia, PA 19102":       "19102",
		"10001 Main St, Springfield, PA 19064-1234":    "19064",
		"200 Main Street, Winnipeg, Manitoba, R3C 1A1": "",
		"": "",
	} {
		if got := (referral.Settings{Clinic: referral.Clinic{Address: addr}}).ClinicZIP(); got != want {
			t.Errorf("ClinicZIP(%q) = %q, want %q", addr, got, want)
		}
	}
}

func TestSettingsRetentionCutoff(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		days int
		want time.Time
	}{
		{90, now.Add(-90 * 24 * time.Hour)},
		{1, now.Add(-24 * time.Hour)},
		{0, now.Add(-90 * 24 * time.Hour)},  // never "purge everything"
		{-5, now.Add(-90 * 24 * time.Hour)}, // nor a cutoff in the future
	}
	for _, tt := range tests {
		if got := (referral.Settings{RetentionDays: tt.days}).RetentionCutoff(now); !got.Equal(tt.want) {
			t.Errorf("RetentionCutoff(%d days) = %v, want %v", tt.days, got, tt.want)
		}
	}
}

func settingsEqual(a, b referral.Settings) bool {
	la, lb := a.Clinic.Logo, b.Clinic.Logo
	a.Clinic.Logo, b.Clinic.Logo = nil, nil
	return reflect.DeepEqual(a, b) && bytes.Equal(la, lb)
}

// FuzzSettingsValidate feeds arbitrary settings to Validate and then one
// arbitrary KEY=VALUE to Set: neither panics; every refusal is EINVALID,
// names a field and fits on a screen; a refused Set leaves the settings as
// they were, and an accepted value shows through Values as text that Set
// reads back as the same settings.
func FuzzSettingsValidate(f *testing.F) {
	f.Add("Riverside Recovery Clinic", "1500 Market St, Philadelphia, PA 19102", "(215) 555-0100", "https://clinic.example",
		"Dana Ortiz", 10.0, "en", "letter", 90, "America/New_York", "", 0, "retention.days", "120")
	f.Add("", "", "", "", "", 0.0, "", "", 0, "", "", 0, "retention.days", "-5")
	f.Add(strings.Repeat("x", 101), "", "call us", "clinic.example", strings.Repeat("é", 61), 501.0, "fr", "legal", 3651,
		"Mars/Olympus", "Local", 366, "clinic.timezone", "America/Atlantis")
	f.Add("\u202eClinic", "", "", "javascript:alert(1)", "", 5.0, "es", "a4", 1, "UTC", "Europe/London", 365, "clinic.name", strings.Repeat("Clinic ", 20))
	f.Add("A", "B", "1", "https://x", "", 1.0, "en", "letter", 1, "", "", 0, "default.miles", "NaN")
	f.Add("A", "B", "1", "https://x", "", 1.0, "en", "letter", 1, "", "", 0, " Sheet.Lang ", " ES ")
	f.Add("A", "B", "1", "https://x", "", 1.0, "en", "letter", 1, "", "", 0, "colour", "blue")
	f.Add("A", "B", "1", "https://x", "", 1.0, "en", "letter", 1, "", "", 0, "clinic.logo", "logo.png")
	f.Fuzz(func(t *testing.T, name, address, phone, website, counselor string, miles float64, lang, paper string,
		retention int, zone, feedZone string, refresh int, key, value string) {
		s := referral.Settings{
			Clinic:    referral.Clinic{Name: name, Address: address, Phone: phone, Website: website},
			Counselor: counselor, DefaultMiles: miles, SheetLang: referral.Lang(lang), SheetPaper: referral.Paper(paper),
			RetentionDays: retention, ClinicTimeZone: zone, FeedTimeZone: feedZone, RefreshDays: refresh,
		}
		if err := s.Validate(); err != nil {
			checkRefusal(t, err, "Validate")
		} else if s.RetentionDays < 1 || s.RetentionDays > referral.MaxRetentionDays || !(s.DefaultMiles > 0 && s.DefaultMiles <= referral.MaxMiles) {
			t.Fatalf("Validate accepted %+v", s)
		}
		before := s
		err := s.Set(key, value)
		if err != nil {
			checkRefusal(t, err, "Set")
			if !settingsEqual(s, before) {
				t.Fatalf("a refused Set(%q, %q) changed the settings", key, value)
			}
			return
		}
		shown := ""
		for _, kv := range s.Values() {
			if kv.Key == strings.ToLower(strings.TrimSpace(key)) {
				shown = kv.Value
			}
		}
		again := before
		if err := again.Set(key, shown); err != nil || !settingsEqual(again, s) {
			t.Fatalf("Set(%q, %q) shows as %q, which Set reads as %+v (%v), not %+v", key, value, shown, again, err, s)
		}
	})
}

func checkRefusal(t *testing.T, err error, what string) {
	t.Helper()
	if referral.ErrorCode(err) != referral.EINVALID || len(referral.ErrorProblems(err)) == 0 {
		t.Fatalf("%s: %v (code %q), want EINVALID naming fields", what, err, referral.ErrorCode(err))
	}
	if n := len(referral.ErrorMessage(err)); n > 3000 {
		t.Fatalf("%s: a message of %d bytes", what, n)
	}
}
