package referral

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Settings are the clinic's choices, kept in the database so the window and
// the command line print the same sheets and keep the log equally long.
type Settings struct {
	Clinic        Clinic  // heads every sheet
	Counselor     string  // printed on the sheet; at most 60 letters
	DefaultMiles  float64 // the distance a new referral starts with
	SheetLang     Lang
	SheetPaper    Paper
	RetentionDays int // referral log entries older than this are purged
	// ClinicTimeZone is the IANA zone the clinic works in: online groups'
	// times are read and printed in it. "" means not saved: see ClinicZone.
	ClinicTimeZone string
	// FeedTimeZone is the IANA zone given to a source whose listings give no
	// zone and no meeting place to find one by. "" means the clinic's zone:
	// see FeedZone.
	FeedTimeZone string
	// RefreshDays is how old, in days, a subscription's last successful
	// refresh may grow before the window refreshes it in the background at
	// start (Subscription.Stale). 0, the default, refreshes only when asked:
	// no network connection is made otherwise.
	RefreshDays int
}

// Settings bounds and defaults.
const (
	DefaultRetentionDays = 90
	// MaxRetentionDays is ten years: long enough for any clinic policy,
	// short enough that a typo cannot mean "keep forever".
	MaxRetentionDays = 3650
	// MaxLogoBytes keeps the logo a header picture; it is stored in the
	// database and embedded in every sheet.
	MaxLogoBytes = 2 << 20
	// FallbackTimeZone is the zone used when neither the settings nor the
	// machine name one. Eastern is where most people in the US live; a
	// report or the window says when it was used.
	FallbackTimeZone = "America/New_York"
	// MaxRefreshDays is a year: a feed left longer than that is not being
	// kept current, and a typo cannot mean "never".
	MaxRefreshDays = 365
)

// Lengths of the clinic's details, in letters. They head every sheet, on
// one or two lines each; a longer value is a paste gone wrong, and stored it
// would be printed on every sheet.
const (
	maxClinicName    = 100
	maxClinicAddress = 200
	maxClinicWebsite = 2000 // the longest address browsers take in practice
	maxClinicPhone   = 40   // a number with its extension
)

// DefaultSettings are what a clinic starts with before saving any.
// FeedTimeZone is left "" (the machine's zone) so the defaults stay the same
// on every machine and the domain reads no system state.
func DefaultSettings() Settings {
	return Settings{
		DefaultMiles:  DefaultMiles,
		SheetLang:     English,
		SheetPaper:    Letter,
		RetentionDays: DefaultRetentionDays,
	}
}

// ClinicZone is the clinic's IANA zone: the saved one, else machine (the
// caller's reading of the machine's zone name, e.g. from $TZ or
// /etc/localtime) when it is a real zone other than UTC, else "" (not set).
// A machine set to UTC is taken as not set because fresh installs, servers
// and many clinic images run in UTC whatever town they stand in. The caller
// passes machine so this stays a pure function.
func (s Settings) ClinicZone(machine string) string {
	switch {
	case s.ClinicTimeZone != "":
		return s.ClinicTimeZone
	case isIANAZone(machine) && !IsUTCZone(machine):
		return machine
	}
	return ""
}

// ZoneFinder tells the IANA time zone at a point on Earth, "" for none.
type ZoneFinder interface {
	ZoneAt(p Point) string
}

// ZoneGuess says where MatchZone found the clinic's zone.
type ZoneGuess string

const (
	ZoneKnown         ZoneGuess = ""           // Settings or the machine said it
	ZoneFromClinicZIP ZoneGuess = "clinic-zip" // the zone at the ZIP in the clinic's address
	ZoneFromClientZIP ZoneGuess = "client-zip" // the zone at the client's ZIP
	ZoneGuessFallback ZoneGuess = "fallback"   // FallbackTimeZone: nothing said it
)

// MatchZone is the zone Match reads online groups' times in
// (Needs.ClinicZone): the clinic's (ClinicZone), else the zone at the ZIP in
// the clinic's address, else the zone at the client's ZIP (where, as the
// clinic is near its clients, the clinic most likely is), else
// FallbackTimeZone; guess says which, so the window can ask and a command
// can say so. zones is asked nothing when the zone is known.
func (s Settings) MatchZone(machine string, locate Locator, zones ZoneFinder, client *Point) (string, ZoneGuess) {
	if z := s.ClinicZone(machine); z != "" {
		return z, ZoneKnown
	}
	if zip := s.ClinicZIP(); zip != "" {
		if at, err := locate.LocateZIP(zip); err == nil {
			if z := zones.ZoneAt(at.Point); isIANAZone(z) {
				return z, ZoneFromClinicZIP
			}
		}
	}
	if client != nil {
		if z := zones.ZoneAt(*client); isIANAZone(z) {
			return z, ZoneFromClientZIP
		}
	}
	return FallbackTimeZone, ZoneGuessFallback
}

// ClinicZIP is the last US ZIP code in the clinic's address ("1500 Market
// St, Philadelphia, PA 19102" → "19102"), or "".
func (s Settings) ClinicZIP() string {
	m := zipInAddress.FindAllStringSubmatch(s.Clinic.Address, -1)
	if len(m) == 0 {
		return ""
	}
	return m[len(m)-1][1]
}

// zipInAddress is a five-digit ZIP (or ZIP+4) standing on its own, so a
// street number such as 10001 Main St is not taken for one unless it is last.
var zipInAddress = regexp.MustCompile(`(?:^|[\s,])(\d{5})(?:-\d{4})?(?:$|[\s,])`)

// FeedZone is the zone for a source whose listings give none and have no
// meeting place to find one by: the saved feed zone, else the clinic's (see
// ClinicZone), else FallbackTimeZone.
func (s Settings) FeedZone(machine string) string {
	if s.FeedTimeZone != "" {
		return s.FeedTimeZone
	}
	if z := s.ClinicZone(machine); z != "" {
		return z
	}
	return FallbackTimeZone
}

// utcNames are the tz database's names for UTC itself, which say nothing
// about where a machine is.
var utcNames = map[string]bool{
	"UTC": true, "Etc/UTC": true, "UCT": true, "Etc/UCT": true, "GMT": true, "Etc/GMT": true,
	"GMT0": true, "Etc/GMT0": true, "GMT+0": true, "Etc/GMT+0": true, "GMT-0": true, "Etc/GMT-0": true,
	"Greenwich": true, "Etc/Greenwich": true, "Universal": true, "Etc/Universal": true,
	"Zulu": true, "Etc/Zulu": true,
}

// IsUTCZone reports whether name is one of the tz database's names for UTC
// (Europe/London or Africa/Abidjan, real places at offset 0, are not).
func IsUTCZone(name string) bool { return utcNames[name] }

// RetentionCutoff is the instant before which referral log entries are
// expired at now. Days are counted as 24 hours so the cutoff does not move
// with daylight-saving changes.
func (s Settings) RetentionCutoff(now time.Time) time.Time {
	days := s.RetentionDays
	if days < 1 || days > MaxRetentionDays {
		// An unvalidated value must not purge everything (0) or nothing.
		days = DefaultRetentionDays
	}
	return now.Add(-time.Duration(days) * 24 * time.Hour)
}

// Sheet starts a referral sheet as these settings head it: clinic,
// counselor, language, paper and the saved clinic zone. The caller adds the
// groups and first name, and the guessed zone (MatchZone) when none is saved.
func (s Settings) Sheet(date time.Time) Sheet {
	return Sheet{Clinic: s.Clinic, Date: date, Counselor: s.Counselor, Lang: s.SheetLang, Paper: s.SheetPaper,
		ClinicZone: s.ClinicTimeZone}
}

// Validate reports every problem with the settings in one EINVALID error that
// names each field, or nil.
func (s Settings) Validate() error {
	ps := s.problems()
	sortProblems(ps)
	return invalid("The settings", ps)
}

func (s Settings) problems() []Problem {
	var ps []Problem
	add := func(field string, ph Phrase, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Message: fmt.Sprintf(format, args...), Phrase: ph})
	}
	tooLong := map[string]bool{} // a value too long to be one is not also said to be malformed
	for _, t := range []struct {
		field, code, what, text string
		max                     int
	}{
		{"Clinic.Name", "settings.name_long", "the clinic's name", s.Clinic.Name, maxClinicName},
		{"Clinic.Address", "settings.address_long", "the clinic's address", s.Clinic.Address, maxClinicAddress},
		{"Clinic.Website", "settings.website_long", "the clinic website", s.Clinic.Website, maxClinicWebsite},
		{"Clinic.Phone", "settings.phone_long", "the clinic phone", s.Clinic.Phone, maxClinicPhone},
	} {
		if n := utf8.RuneCountInString(strings.TrimSpace(t.text)); n > t.max {
			add(t.field, say(t.code, "Got", n, "Max", t.max), "%s is too long (%d letters; at most %d)", t.what, n, t.max)
			tooLong[t.field] = true
		}
	}
	if w := s.Clinic.Website; w != "" && !tooLong["Clinic.Website"] && !isWebLink(w) {
		add("Clinic.Website", say("settings.website", "Value", Quote(w)),
			"the clinic website %s must start with http:// or https://", Quote(w))
	}
	if p := s.Clinic.Phone; p != "" && !tooLong["Clinic.Phone"] && !isPhone(p) {
		add("Clinic.Phone", say("settings.phone", "Value", Quote(p)),
			"the clinic phone %s may hold only digits, spaces and + ( ) - . , # *", Quote(p))
	}
	switch logo := s.Clinic.Logo; {
	case len(logo) == 0:
	case !IsLogoImage(logo):
		add("Clinic.Logo", say("settings.logo_kind"), "the clinic logo must be a PNG or JPEG picture")
	case len(logo) > MaxLogoBytes:
		mb := math.Round(float64(len(logo))/(1<<20)*10) / 10
		add("Clinic.Logo", say("settings.logo_size", "Size", Decimal(mb)),
			"the clinic logo is %.1f MB; use a picture of at most 2 MB", mb)
	}
	if utf8.RuneCountInString(strings.TrimSpace(s.Counselor)) > maxCounselor {
		add("Counselor", say("settings.counselor_long", "Max", maxCounselor),
			"the counselor's name is too long (at most %d letters)", maxCounselor)
	}
	if !(s.DefaultMiles > 0 && s.DefaultMiles <= MaxMiles) {
		add("DefaultMiles", say("settings.miles", "Max", MaxMiles, "Got", Decimal(s.DefaultMiles)),
			"the default distance must be more than 0 and at most %d miles (got %s)", MaxMiles, strconv.FormatFloat(s.DefaultMiles, 'f', -1, 64))
	}
	if !isLang(s.SheetLang) {
		add("SheetLang", say("settings.sheet_lang", "Value", Quote(string(s.SheetLang))),
			"sheet language %s is not available; use en (English) or es (Spanish)", Quote(string(s.SheetLang)))
	}
	if !isPaper(s.SheetPaper) {
		add("SheetPaper", say("settings.paper", "Value", Quote(string(s.SheetPaper))),
			"paper %s is unknown; use letter or a4", Quote(string(s.SheetPaper)))
	}
	if s.RetentionDays < 1 || s.RetentionDays > MaxRetentionDays {
		add("RetentionDays", say("settings.retention", "Max", MaxRetentionDays, "Got", s.RetentionDays),
			"keep the referral log between 1 and %d days (got %d)", MaxRetentionDays, s.RetentionDays)
	}
	if s.ClinicTimeZone != "" && !isIANAZone(s.ClinicTimeZone) {
		add("ClinicTimeZone", say("settings.clinic_zone", "Value", Quote(s.ClinicTimeZone)),
			"time zone %s is unknown; use an IANA name such as America/Chicago", Quote(s.ClinicTimeZone))
	}
	if s.FeedTimeZone != "" && !isIANAZone(s.FeedTimeZone) {
		add("FeedTimeZone", say("settings.feed_zone", "Value", Quote(s.FeedTimeZone)),
			"time zone %s is unknown; use an IANA name such as America/New_York, or leave it empty for the clinic's zone", Quote(s.FeedTimeZone))
	}
	if s.RefreshDays < 0 || s.RefreshDays > MaxRefreshDays {
		add("RefreshDays", say("settings.refresh", "Max", MaxRefreshDays, "Got", s.RefreshDays),
			"refresh subscribed feeds every 1 to %d days, or 0 for only when asked (got %d)", MaxRefreshDays, s.RefreshDays)
	}
	return ps
}

// SetLogo replaces the clinic logo with the bytes of a PNG or JPEG file (nil
// removes it). Reading the file is the caller's job: the domain touches no
// files, and the command line maps clinic.logo=PATH to this.
func (s *Settings) SetLogo(b []byte) error {
	c := *s
	c.Clinic.Logo = b
	if err := c.fieldError("Clinic.Logo"); err != nil {
		return err
	}
	*s = c
	return nil
}

// KeyValue is one setting as the command line shows and takes it.
type KeyValue struct {
	Key, Value string
}

// settingKey ties a command-line key to a field: how to show it and how to
// read it. Parsing errors are returned as plain text; Set codes them.
type settingKey struct {
	key, field string
	get        func(s *Settings) string
	set        func(s *Settings, v string) error
}

// settingKeys are in the order the command line lists them.
var settingKeys = []settingKey{
	{"clinic.name", "Clinic.Name",
		func(s *Settings) string { return s.Clinic.Name },
		func(s *Settings, v string) error { s.Clinic.Name = v; return nil }},
	{"clinic.address", "Clinic.Address",
		func(s *Settings) string { return s.Clinic.Address },
		func(s *Settings, v string) error { s.Clinic.Address = v; return nil }},
	{"clinic.phone", "Clinic.Phone",
		func(s *Settings) string { return s.Clinic.Phone },
		func(s *Settings, v string) error { s.Clinic.Phone = v; return nil }},
	{"clinic.website", "Clinic.Website",
		func(s *Settings) string { return s.Clinic.Website },
		func(s *Settings, v string) error { s.Clinic.Website = v; return nil }},
	{"clinic.logo", "Clinic.Logo", logoSummary, setLogoKey},
	{"clinic.timezone", "ClinicTimeZone",
		func(s *Settings) string { return s.ClinicTimeZone },
		func(s *Settings, v string) error { s.ClinicTimeZone = v; return nil }},
	{"counselor", "Counselor",
		func(s *Settings) string { return s.Counselor },
		func(s *Settings, v string) error { s.Counselor = v; return nil }},
	{"default.miles", "DefaultMiles",
		func(s *Settings) string { return strconv.FormatFloat(s.DefaultMiles, 'f', -1, 64) },
		func(s *Settings, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return fmt.Errorf("default.miles must be a number of miles, such as 10")
			}
			s.DefaultMiles = f
			return nil
		}},
	{"sheet.lang", "SheetLang",
		func(s *Settings) string { return string(s.SheetLang) },
		func(s *Settings, v string) error { s.SheetLang = Lang(strings.ToLower(v)); return nil }},
	{"sheet.paper", "SheetPaper",
		func(s *Settings) string { return string(s.SheetPaper) },
		func(s *Settings, v string) error { s.SheetPaper = Paper(strings.ToLower(v)); return nil }},
	{"retention.days", "RetentionDays",
		func(s *Settings) string { return strconv.Itoa(s.RetentionDays) },
		func(s *Settings, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("retention.days must be a whole number of days, such as 90")
			}
			s.RetentionDays = n
			return nil
		}},
	{"feed.timezone", "FeedTimeZone",
		func(s *Settings) string { return s.FeedTimeZone },
		func(s *Settings, v string) error { s.FeedTimeZone = v; return nil }},
	{"feed.refresh_days", "RefreshDays",
		func(s *Settings) string { return strconv.Itoa(s.RefreshDays) },
		func(s *Settings, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("feed.refresh_days must be a whole number of days, such as 7, or 0 for only when asked")
			}
			s.RefreshDays = n
			return nil
		}},
}

// SettingKeys lists the keys Set takes and Values shows, in order.
func SettingKeys() []string {
	keys := make([]string, len(settingKeys))
	for i, k := range settingKeys {
		keys[i] = k.key
	}
	return keys
}

// Values shows every setting as text, in SettingKeys order. The logo is
// described ("PNG, 12 KB"), not shown; an unset clinic.timezone or
// feed.timezone is "".
func (s Settings) Values() []KeyValue {
	kvs := make([]KeyValue, len(settingKeys))
	for i, k := range settingKeys {
		kvs[i] = KeyValue{k.key, k.get(&s)}
	}
	return kvs
}

// Set changes one setting from its text form, as `referraldesk settings
// KEY=VALUE` gives it. The value is trimmed; an empty value clears a text
// setting. The new value is checked at once (so the error names the key the
// person typed) and s is left unchanged when it is refused.
//
// clinic.logo takes only "" here, which removes the logo: the logo is a
// file's bytes, so the command line reads the file and calls SetLogo.
func (s *Settings) Set(key, value string) error {
	key = strings.ToLower(strings.TrimSpace(key))
	for _, k := range settingKeys {
		if k.key != key {
			continue
		}
		c := *s
		if err := k.set(&c, strings.TrimSpace(value)); err != nil {
			return &Error{Code: EINVALID, Message: err.Error(), Problems: []Problem{{Field: k.field, Message: err.Error()}}}
		}
		if err := c.fieldError(k.field); err != nil {
			return err
		}
		*s = c
		return nil
	}
	return &Error{
		Code:     EINVALID,
		Message:  fmt.Sprintf("There is no setting %s; use one of %s.", Quote(key), strings.Join(SettingKeys(), ", ")),
		Problems: []Problem{{Field: "Key", Message: "unknown setting"}},
	}
}

// fieldError is Validate's verdict on one field only, so that setting one key
// does not fail because of another that is still to be set.
func (s Settings) fieldError(field string) error {
	var mine []Problem
	for _, p := range s.problems() {
		if p.Field == field {
			mine = append(mine, p)
		}
	}
	return invalid("The settings", mine)
}

func logoSummary(s *Settings) string {
	b := s.Clinic.Logo
	if len(b) == 0 {
		return ""
	}
	kind := "JPEG"
	if b[0] == 0x89 {
		kind = "PNG"
	}
	if !IsLogoImage(b) {
		kind = "not a picture"
	}
	return fmt.Sprintf("%s, %d KB", kind, (len(b)+1023)/1024)
}

func setLogoKey(s *Settings, v string) error {
	if v != "" {
		return fmt.Errorf("clinic.logo takes a PNG or JPEG file: give its path to the settings command, or leave it empty to remove the logo")
	}
	s.Clinic.Logo = nil
	return nil
}

func isLang(l Lang) bool {
	for _, x := range Langs {
		if l == x {
			return true
		}
	}
	return false
}

func isPaper(p Paper) bool {
	for _, x := range Papers {
		if p == x {
			return true
		}
	}
	return false
}

// isIANAZone reports whether name is a zone time.LoadLocation knows by name.
// "" and "Local" load too, but mean whatever machine runs the code, which a
// setting or a listing must not.
func isIANAZone(name string) bool {
	if name == "" || name == "Local" {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// SettingsService keeps the clinic's settings.
type SettingsService interface {
	// Settings returns the saved settings, or DefaultSettings when none were
	// ever saved.
	Settings(ctx context.Context) (Settings, error)
	// SaveSettings validates and stores the settings; invalid settings are
	// refused with EINVALID and nothing is written. Referral log entries
	// older than the new retention period are purged at once.
	SaveSettings(ctx context.Context, s Settings) error
}
