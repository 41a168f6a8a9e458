package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

func (c *cli) sources(args []string) error {
	fs := c.flags("sources")
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("sources takes no arguments (got %q)", rest[0])
	}
	if err := c.open(); err != nil {
		return err
	}
	ctx := context.Background()
	sources, err := newFeedStore(c.db, sqlite.NewGroupService(c.db)).Sources(ctx)
	if err != nil {
		return err
	}
	subs, err := c.subscriptions().Subscriptions(ctx)
	if err != nil {
		return err
	}
	bySource := make(map[string]referral.Subscription, len(subs))
	for _, s := range subs {
		bySource[s.Source] = s
	}
	if *asJSON {
		out := make([]sourceJSON, len(sources))
		for i, src := range sources {
			out[i] = toSourceJSON(src, bySource[src.Name])
		}
		return writeJSON(c.stdout, out)
	}
	if len(sources) == 0 {
		fmt.Fprintln(c.stderr, "referraldesk: nothing has been imported yet; import a file or a feed's address with `referraldesk import`")
		return nil
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tFORMAT\tLISTINGS\tIMPORTED\tFROM\tREFRESHED\tLAST TRY")
	for _, src := range sources {
		sub, ok := bySource[src.Name]
		from, refreshed, last := "a file", "", ""
		if ok {
			from, refreshed = sub.URL, localText(sub.LastSuccess)
			if refreshed == "" {
				refreshed = "never"
			}
			last = localText(sub.LastAttempt) + ": " + oneLine(sub.LastResult)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", src.Name, src.Format, src.Groups, localText(src.LastImport), from, refreshed, last)
	}
	return tw.Flush()
}

// localText is an instant on this computer's clock, to the minute.
func localText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}

// sourceJSON is one source and, when it was imported from an address, its
// subscription: url is "" for a source imported from files. status is
// updated, unchanged or failed; result the last attempt's sentence.
type sourceJSON struct {
	Name        string `json:"name"`
	Format      string `json:"format"`
	Listings    int    `json:"listings"`
	LastImport  string `json:"last_import"`
	URL         string `json:"url"`
	Program     string `json:"program"`
	TimeZone    string `json:"timezone"`
	LastSuccess string `json:"last_success"`
	LastAttempt string `json:"last_attempt"`
	Status      string `json:"status"`
	Result      string `json:"result"`
}

func toSourceJSON(src referral.Source, sub referral.Subscription) sourceJSON {
	return sourceJSON{Name: src.Name, Format: src.Format, Listings: src.Groups, LastImport: timeText(src.LastImport),
		URL: sub.URL, Program: string(sub.Program), TimeZone: sub.TimeZone, LastSuccess: timeText(sub.LastSuccess),
		LastAttempt: timeText(sub.LastAttempt), Status: string(sub.LastStatus), Result: sub.LastResult}
}
