package main

import (
	"context"
	"fmt"
	"strings"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// subscriptions is the subscription service over the open store, fetching
// with the cli's client.
func (c *cli) subscriptions() feedSubscriptions {
	return newSubscriptions(c.db, newFeedStore(c.db, sqlite.NewGroupService(c.db)), &c.fetch)
}

func (c *cli) refresh(args []string) error {
	fs := c.flags("refresh")
	source := fs.String("source", "", "refresh this source only (default: every subscribed source)")
	force := fs.Bool("force", false, "import a feed even when it would remove more than half of a source's listings")
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("refresh takes no FILE: it fetches the addresses the sources were imported from (see `referraldesk sources`); import a new one with `referraldesk import URL`")
	}
	var names []string
	if *source != "" {
		names = []string{*source}
	}
	if err := c.open(); err != nil {
		return err
	}
	reports, err := c.subscriptions().Refresh(context.Background(), names, referral.RefreshOptions{Force: *force})
	if err != nil {
		return err
	}
	if len(reports) == 0 {
		fmt.Fprintln(c.stderr, "referraldesk: no source is subscribed to an address yet; subscribe with `referraldesk import URL`, or `referraldesk import --bmlt-root URL --near ZIP --miles N`")
	}
	var failed []string
	for _, r := range reports {
		if r.Status == referral.RefreshFailed {
			failed = append(failed, r.Source)
		}
	}
	if *asJSON {
		out := make([]refreshJSON, len(reports))
		for i, r := range reports {
			out[i] = toRefreshJSON(r)
		}
		if err := writeJSON(c.stdout, out); err != nil {
			return err
		}
	} else {
		for _, r := range reports {
			writeRefresh(c, r)
		}
		if len(reports) > 1 {
			fmt.Fprintln(c.stdout, refreshSummary(reports, failed))
		}
	}
	if len(failed) == 0 {
		return nil
	}
	if len(reports) == 1 {
		r := reports[0]
		if referral.ErrorCode(r.Err) == referral.EINTERNAL {
			fmt.Fprintf(c.stderr, "referraldesk: detail: %v\n", r.Err)
		}
		return &referral.Error{Code: refreshCode(r.Err), Message: r.Source + ": " + keptMessage(r)}
	}
	for _, r := range reports {
		if r.Status == referral.RefreshFailed {
			fmt.Fprintf(c.stderr, "referraldesk: %s: %s\n", r.Source, oneLine(keptMessage(r)))
			if referral.ErrorCode(r.Err) == referral.EINTERNAL {
				fmt.Fprintf(c.stderr, "referraldesk: detail: %v\n", r.Err)
			}
		}
	}
	return referral.Errorf(referral.EUNAVAILABLE, "%d of %d sources could not be refreshed and kept their listings as they were: %s",
		len(failed), len(reports), strings.Join(failed, ", "))
}

// keptMessage is why a refresh failed, saying the listings stayed.
func keptMessage(r referral.RefreshReport) string {
	msg := r.Result()
	if strings.Contains(msg, "nothing was changed") {
		return msg
	}
	return msg + "; its listings are kept as they were"
}

// refreshCode keeps an internal error internal, so its detail is shown.
func refreshCode(err error) string {
	if code := referral.ErrorCode(err); code != referral.EINTERNAL {
		return code
	}
	return referral.EUNAVAILABLE
}

func writeRefresh(c *cli, r referral.RefreshReport) {
	switch r.Status {
	case referral.RefreshUpdated:
		writeImportSummary(c.stdout, r.Import)
	case referral.RefreshUnchanged:
		fmt.Fprintf(c.stdout, "%s → source %q: unchanged (the server says the feed has not changed since it was imported)\n", r.URL, r.Source)
	}
}

// refreshSummary is the last line: how many sources went which way, and
// which failed.
func refreshSummary(reports []referral.RefreshReport, failed []string) string {
	n := map[referral.RefreshStatus]int{}
	for _, r := range reports {
		n[r.Status]++
	}
	s := fmt.Sprintf("refreshed %d sources: %d updated, %d unchanged, %d failed",
		len(reports), n[referral.RefreshUpdated], n[referral.RefreshUnchanged], n[referral.RefreshFailed])
	if len(failed) > 0 {
		s += " (" + strings.Join(failed, ", ") + ")"
	}
	return s
}

// refreshJSON is one source's refresh: status is updated, unchanged or
// failed; import is the import's report when a feed was imported.
type refreshJSON struct {
	Source string      `json:"source"`
	URL    string      `json:"url"`
	Status string      `json:"status"`
	Result string      `json:"result"`
	Error  string      `json:"error,omitempty"`
	Import *importJSON `json:"import"`
}

func toRefreshJSON(r referral.RefreshReport) refreshJSON {
	j := refreshJSON{Source: r.Source, URL: r.URL, Status: string(r.Status), Result: r.Result()}
	if r.Err != nil {
		j.Error = referral.ErrorMessage(r.Err)
	}
	if r.Import != nil {
		ij := toImportJSON(r.Import)
		j.Import = &ij
	}
	return j
}
