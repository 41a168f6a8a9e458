package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

func (c *cli) settingsCmd(args []string) error {
	fs := c.flags("settings")
	asJSON := fs.Bool("json", false, "print JSON")
	pairs, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	ss := sqlite.NewSettingsService(c.db)
	s, err := ss.Settings(context.Background())
	if err != nil {
		return fmt.Errorf("read settings: %w", err)
	}
	if len(pairs) > 0 {
		for _, kv := range pairs {
			key, value, ok := strings.Cut(kv, "=")
			if !ok {
				return usagef("settings takes KEY=VALUE pairs (got %q); keys: %s", kv, strings.Join(referral.SettingKeys(), ", "))
			}
			if err := setSetting(&s, key, value); err != nil {
				return err
			}
		}
		if err := ss.SaveSettings(context.Background(), s); err != nil {
			return err
		}
	}
	if *asJSON {
		m := map[string]string{}
		for _, kv := range s.Values() {
			m[kv.Key] = kv.Value
		}
		return writeJSON(c.stdout, m)
	}
	for _, kv := range s.Values() {
		fmt.Fprintf(c.stdout, "%s=%s\n", kv.Key, kv.Value)
	}
	return nil
}

// setSetting applies one KEY=VALUE; clinic.logo=PATH reads the image file.
func setSetting(s *referral.Settings, key, value string) error {
	var err error
	if strings.EqualFold(strings.TrimSpace(key), "clinic.logo") && strings.TrimSpace(value) != "" {
		b, rerr := os.ReadFile(strings.TrimSpace(value))
		if rerr != nil {
			return usagef("clinic.logo: cannot read %s (%s)", value, reason(rerr))
		}
		err = s.SetLogo(b)
	} else {
		err = s.Set(key, value)
	}
	if referral.ErrorCode(err) == referral.EINVALID {
		return usagef("%s", referral.ErrorMessage(err))
	}
	return err
}
