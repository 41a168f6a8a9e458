package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// feeds runs the Sources screen's web side: Add feed… subscribes a source to
// a feed's address (or to a BMLT server's meetings around a ZIP), and the
// Refresh buttons fetch subscriptions again. Both go through the
// subscription service, which imports what it fetches as Import… does, so
// the same refusals apply; each source is one transaction, and a failed or
// cancelled fetch leaves its listings as they were.
type feeds struct {
	win      fyne.Window
	subs     referral.SubscriptionService
	locate   referral.Locator // places a BMLT area's ZIP
	bg       background
	importer *importer // shows a new subscription's import report
	// fallbackZone is the zone listings get when neither they nor their
	// meeting places give one (Settings.FeedZone), for the form to say so.
	fallbackZone func() string
	changed      func() // the directory or a subscription changed

	// The dialogs in progress, kept so tests can drive them.
	form     *feedForm
	progress *progressDialog
	summary  *widget.Label // the last refresh's summary while it shows
}

func newFeeds(win fyne.Window, subs referral.SubscriptionService, locate referral.Locator, bg background,
	imp *importer, fallbackZone func() string, changed func()) *feeds {
	return &feeds{win: win, subs: subs, locate: locate, bg: bg, importer: imp, fallbackZone: fallbackZone, changed: changed}
}

// feedKind is what Add feed… subscribes to.
type feedKind int

const (
	feedByURL  feedKind = iota // a feed's address, as an intergroup publishes it
	feedByArea                 // a BMLT root server's meetings around a ZIP
)

func feedKindChoice() choice[feedKind] {
	return newChoice(
		pair[feedKind]{feedByURL, "A feed's address"},
		pair[feedKind]{feedByArea, "BMLT by area (NA)"},
	)
}

// feedRequest is what the Add feed… form was given, kept to show the form
// again with the same values when the subscription is refused.
type feedRequest struct {
	kind                  feedKind
	url                   string
	root, zip, miles      string
	source, program, zone string
	force                 bool // a "Replace anyway" for this one attempt
}

// subscription is the subscription the request asks for. A BMLT area's
// ZIP is placed by loc, so it is called off the UI goroutine.
func (r feedRequest) subscription(loc referral.Locator) (referral.Subscription, error) {
	sub := referral.Subscription{Source: strings.TrimSpace(r.source), URL: strings.TrimSpace(r.url),
		TimeZone: strings.TrimSpace(r.zone)}
	if r.kind == feedByArea {
		miles, _ := strconv.ParseFloat(strings.TrimSpace(r.miles), 64) // the form checked it
		query, _, err := referral.BMLTArea{Root: strings.TrimSpace(r.root), ZIP: r.zip, Miles: miles}.Query(loc)
		if err != nil {
			return sub, err
		}
		sub.URL = query // BMLT is NA: the feed says so itself
	} else if strings.TrimSpace(r.program) != "" {
		sub.Program = readProgram(r.program) // valid: the form checked it
	}
	return sub, nil
}

// feedForm is the Add feed… dialog.
type feedForm struct {
	req     feedRequest
	kind    *widget.RadioGroup
	url     *widget.Entry
	root    *widget.Entry
	zip     *widget.Entry
	miles   *widget.Entry
	name    *widget.Entry
	program *widget.SelectEntry
	zone    *widget.SelectEntry
	problem *widget.Label

	byURL, byArea *widget.Form
	subscribe     *widget.Button
	dialog        *dialog.CustomDialog
	// proposed is the source name last proposed from the address or ZIP;
	// a name typed over it is the counselor's and is kept.
	proposed string
}

// onAddFeed asks for a new subscription.
func (f *feeds) onAddFeed() { f.askFeed(feedRequest{miles: "15"}, nil) }

// askFeed shows the Add feed… form with req's values; problem, when set,
// is why the last attempt was refused, shown above the fields.
func (f *feeds) askFeed(req feedRequest, problem error) {
	ff := &feedForm{req: req}
	ff.kind = widget.NewRadioGroup(feedKindChoice().labels, func(string) { ff.onChanged() })
	ff.kind.Horizontal, ff.kind.Required = true, true
	ff.url = widget.NewEntry()
	ff.url.PlaceHolder = "https://example.org/meetings.json"
	ff.url.Validator = validFeedURL
	ff.root = widget.NewEntry()
	ff.root.PlaceHolder = "https://bmlt.example.org/main_server/"
	ff.root.Validator = validFeedURL
	ff.zip = widget.NewEntry()
	ff.zip.PlaceHolder = "19107"
	ff.zip.Validator = validAreaZIP
	ff.miles = widget.NewEntry()
	ff.miles.Validator = validAreaMiles
	ff.name = widget.NewEntry()
	ff.name.Validator = validSourceName
	ff.program = widget.NewSelectEntry(programNames(""))
	ff.program.PlaceHolder = lang.L("Read from the feed")
	ff.program.Validator = validImportProgram
	ff.zone = widget.NewSelectEntry(usTimeZones)
	ff.zone.PlaceHolder = lang.L("Found from the meeting places")

	ff.byURL = widget.NewForm(
		&widget.FormItem{Text: lang.L("Address"), Widget: ff.url,
			HintText: lang.L("The feed's web address, as the intergroup or region publishes it (Meeting Guide JSON, BMLT JSON or CSV)")},
		&widget.FormItem{Text: lang.L("Program"), Widget: ff.program,
			HintText: lang.L("For listings that do not name one, as in most AA and Al-Anon feeds; any fellowship's name")},
	)
	ff.byArea = widget.NewForm(
		&widget.FormItem{Text: lang.L("Root server"), Widget: ff.root,
			HintText: lang.L("The NA region's BMLT root server, as its website names it")},
		&widget.FormItem{Text: lang.L("Around ZIP"), Widget: ff.zip},
		&widget.FormItem{Text: lang.L("Miles"), Widget: ff.miles,
			HintText: lang.L("More than 0 and at most {{.Max}}", map[string]any{"Max": referral.MaxMiles})},
	)
	shared := widget.NewForm(
		&widget.FormItem{Text: lang.L("Source name"), Widget: ff.name},
		&widget.FormItem{Text: lang.L("Time zone"), Widget: ff.zone,
			HintText: lang.L("Optional: only for listings whose own data and meeting places give no zone. Left empty, they get {{.Zone}} from Settings.",
				map[string]any{"Zone": f.fallbackZone()})},
	)
	intro := wrapped(lang.L("Referral Desk fetches the feed now and imports it as Import… does; Refresh fetches it again later."),
		widget.LowImportance)
	top := container.NewVBox()
	if problem != nil {
		ff.problem = wrapped(referral.ErrorMessage(problem)+"\n"+
			lang.L("Change the address or the other fields and try again, or cancel."), widget.DangerImportance)
		top.Add(ff.problem)
	}
	top.Add(intro)
	top.Add(ff.kind)

	ff.url.SetText(req.url)
	ff.root.SetText(req.root)
	ff.zip.SetText(req.zip)
	ff.miles.SetText(req.miles)
	ff.name.SetText(req.source)
	ff.proposed = req.source
	ff.program.SetText(req.program)
	ff.zone.SetText(req.zone)
	ff.kind.SetSelected(feedKindChoice().label(req.kind))
	for _, e := range []*widget.Entry{ff.url, ff.root, ff.zip, ff.miles, ff.name} {
		e.OnChanged = func(string) { ff.onChanged() }
	}
	ff.program.OnChanged = func(string) { ff.onChanged() }

	ff.dialog = dialog.NewCustomWithoutButtons(lang.L("Add feed"),
		container.NewVBox(top, ff.byURL, ff.byArea, widget.NewSeparator(), shared), f.win)
	ff.subscribe = widget.NewButtonWithIcon(lang.L("Subscribe"), theme.DownloadIcon(), func() { f.onSubscribe(ff) })
	ff.subscribe.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() {
		f.form = nil
		ff.dialog.Hide()
	})
	ff.dialog.SetButtons([]fyne.CanvasObject{cancel, ff.subscribe})
	ff.onChanged()
	ff.dialog.Resize(fyne.NewSize(600, ff.dialog.MinSize().Height))
	f.form = ff
	ff.dialog.Show()
}

// onChanged shows the fields of the kind chosen, proposes a source name
// from the address or ZIP until one is typed, and lets Subscribe be
// tapped only when what shows is valid.
func (ff *feedForm) onChanged() {
	if ff.subscribe == nil {
		return // still being built
	}
	kind := feedKindChoice().value(ff.kind.Selected)
	setShown(ff.byURL, kind == feedByURL)
	setShown(ff.byArea, kind == feedByArea)
	proposal := ""
	if kind == feedByURL {
		if _, err := referral.ParseFeedURL(ff.url.Text); err == nil {
			proposal = referral.FeedSourceName(ff.url.Text)
		}
	} else if zip, st := readZIP(ff.zip.Text); st == zipLooking {
		proposal = "na-near-" + zip // as BMLTArea.Query names it
	}
	if proposal != "" && strings.TrimSpace(ff.name.Text) == ff.proposed && ff.name.Text != proposal {
		ff.proposed = proposal
		ff.name.SetText(proposal)
	}
	entries := []*widget.Entry{ff.name}
	if kind == feedByURL {
		entries = append(entries, ff.url, &ff.program.Entry)
	} else {
		entries = append(entries, ff.root, ff.zip, ff.miles)
	}
	for _, e := range entries {
		if e.Validator(e.Text) != nil {
			ff.subscribe.Disable()
			return
		}
	}
	ff.subscribe.Enable()
}

func (ff *feedForm) request() feedRequest {
	return feedRequest{kind: feedKindChoice().value(ff.kind.Selected), url: ff.url.Text,
		root: ff.root.Text, zip: ff.zip.Text, miles: ff.miles.Text,
		source: strings.TrimSpace(ff.name.Text), program: ff.program.Text, zone: ff.zone.Text}
}

func validFeedURL(text string) error {
	if _, err := referral.ParseFeedURL(text); err != nil {
		return errors.New(referral.ErrorMessage(err))
	}
	return nil
}

func validAreaZIP(text string) error {
	if _, st := readZIP(text); st != zipLooking {
		return errors.New(lang.L("Write the ZIP code at the centre of the area as 5 digits, like 19107"))
	}
	return nil
}

func validAreaMiles(text string) error {
	miles, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil || !(miles > 0 && miles <= referral.MaxMiles) {
		return errors.New(lang.L("Write how far around the ZIP as a number of miles, more than 0 and at most {{.Max}}",
			map[string]any{"Max": referral.MaxMiles}))
	}
	return nil
}

// onSubscribe checks the form once more (a tap can race the last
// keystroke) and subscribes.
func (f *feeds) onSubscribe(ff *feedForm) {
	ff.onChanged()
	if ff.subscribe.Disabled() {
		return
	}
	f.form = nil
	ff.dialog.Hide()
	f.subscribeTo(ff.request())
}

// subscribeTo fetches and imports the feed behind a progress bar whose
// Cancel cancels the download and the import.
func (f *feeds) subscribeTo(req feedRequest) {
	ctx, cancel := context.WithCancel(context.Background())
	p := newMeterDialog(f.win, lang.L("Subscribing {{.Source}}", map[string]any{"Source": req.source}),
		lang.L("Connecting…"), cancel)
	opts := referral.RefreshOptions{Force: req.force, Progress: meterProgress(p, 1)}
	req.force = false // a "Replace anyway" holds for the attempt it was given for
	f.progress = p
	p.show()
	f.bg.run(func() {
		sub, err := req.subscription(f.locate)
		var report *referral.RefreshReport
		if err == nil {
			report, err = f.subs.Subscribe(ctx, sub, opts)
		}
		cancelled := err != nil && ctx.Err() != nil
		cancel()
		fyne.Do(func() { f.subscribed(req, report, err, cancelled) })
	})
}

func (f *feeds) subscribed(req feedRequest, report *referral.RefreshReport, err error, cancelled bool) {
	f.progress.hide()
	f.progress = nil
	var shrink *referral.ShrinkError
	switch {
	case cancelled:
		dialog.ShowInformation(lang.L("Add feed cancelled"), lang.L("Add feed cancelled; nothing was subscribed and the directory was not changed."), f.win)
	case err == nil:
		f.changed()
		f.importer.showReport(&importJob{fileName: report.URL}, report.Import)
	case errors.As(err, &shrink):
		title, msg := shrinkQuestion(report.URL, []*referral.ShrinkError{shrink})
		askDestructive(f.win, title, msg, lang.L("Replace anyway"), func() {
			req.force = true
			f.subscribeTo(req)
		})
	case referral.ErrorCode(err) == referral.EINTERNAL:
		showFailure(f.win, "add feed", err, lang.L("Nothing was subscribed and the directory was not changed. Try again."))
	default:
		// Offline, a name not found, a refused connection, a 404, a page
		// that is no feed, a ZIP not known: the form again, saying why.
		f.askFeed(req, err)
	}
}

// refresh fetches the named subscriptions again (all of them when names is
// empty; n is how many that is, for the bar) behind a progress bar with
// Cancel, then says what came of each.
func (f *feeds) refresh(names []string, n int, force bool) {
	ctx, cancel := context.WithCancel(context.Background())
	title := lang.L("Refreshing {{.N}} sources", map[string]any{"N": n})
	if len(names) == 1 {
		title = lang.L("Refreshing {{.Source}}", map[string]any{"Source": names[0]})
	}
	p := newMeterDialog(f.win, title, lang.L("Connecting…"), cancel)
	opts := referral.RefreshOptions{Force: force, Progress: meterProgress(p, n)}
	f.progress = p
	p.show()
	f.bg.run(func() {
		reports, err := f.subs.Refresh(ctx, names, opts)
		cancelled := err != nil && ctx.Err() != nil
		cancel()
		fyne.Do(func() { f.refreshed(reports, err, cancelled) })
	})
}

func (f *feeds) refreshed(reports []referral.RefreshReport, err error, cancelled bool) {
	f.progress.hide()
	f.progress = nil
	if len(reports) > 0 {
		f.changed() // listings imported, or at least attempts recorded
	}
	switch {
	case cancelled && len(reports) == 0:
		dialog.ShowInformation(lang.L("Refresh cancelled"), lang.L("Refresh cancelled; nothing was changed."), f.win)
		return
	case cancelled:
		dialog.ShowInformation(lang.L("Refresh cancelled"),
			refreshSummaryText(reports)+"\n"+lang.L("The sources not reached yet kept their listings as they were."), f.win)
		return
	case err != nil:
		showFailure(f.win, "refresh", err, lang.L("The sources kept their listings as they were."))
		return
	}
	lines := []string{refreshSummaryText(reports)}
	var shrinks []*referral.ShrinkError
	for _, r := range reports {
		noticeDamage(f.win, r.Err)
		var shrink *referral.ShrinkError
		if errors.As(r.Err, &shrink) {
			shrinks = append(shrinks, shrink)
			lines = append(lines, lang.L("{{.Source}}: not imported yet: it would remove {{.Removing}} of its {{.Active}} active listings (see the question).",
				map[string]any{"Source": r.Source, "Removing": shrink.Removing, "Active": shrink.Active}))
			continue
		}
		lines = append(lines, refreshLine(r))
	}
	f.summary = wrapped(strings.Join(lines, "\n"), widget.MediumImportance)
	scroll := container.NewVScroll(f.summary)
	// Room for each line wrapped once, up to a screenful; longer ones scroll.
	scroll.SetMinSize(fyne.NewSize(560, min(360, float32(len(lines))*2*theme.TextSize()*1.5)))
	d := dialog.NewCustom(lang.L("Refresh finished"), lang.L("Close"), scroll, f.win)
	d.SetOnClosed(func() { f.summary = nil })
	d.Show()
	if len(shrinks) == 0 {
		return
	}
	names := make([]string, len(shrinks))
	for i, s := range shrinks {
		names[i] = s.Source
	}
	title, msg := shrinkQuestion(strings.Join(names, ", "), shrinks)
	askDestructive(f.win, title, msg, lang.L("Replace anyway"), func() { f.refresh(names, len(names), true) })
}

// refreshSummaryText is the summary's first line: how many went which way,
// naming those that failed.
func refreshSummaryText(reports []referral.RefreshReport) string {
	n := map[referral.RefreshStatus]int{}
	var failed []string
	for _, r := range reports {
		n[r.Status]++
		if r.Status == referral.RefreshFailed {
			failed = append(failed, r.Source)
		}
	}
	s := lang.L("Refreshed {{.N}}: {{.Updated}} updated, {{.Unchanged}} unchanged, {{.Failed}} failed.", map[string]any{
		"N": sourcesText(len(reports)), "Updated": n[referral.RefreshUpdated], "Unchanged": n[referral.RefreshUnchanged],
		"Failed": n[referral.RefreshFailed]})
	if len(failed) > 0 {
		s += " " + lang.L("Not refreshed: {{.Sources}}.", map[string]any{"Sources": strings.Join(failed, ", ")})
	}
	return s
}

func sourcesText(n int) string {
	if n == 1 {
		return lang.L("1 source")
	}
	return lang.L("{{.N}} sources", map[string]any{"N": n})
}

// refreshLine says what came of one source, in its words.
func refreshLine(r referral.RefreshReport) string {
	switch r.Status {
	case referral.RefreshUpdated:
		return lang.L("{{.Source}}: updated: {{.Counts}}.", map[string]any{"Source": r.Source, "Counts": r.Result()})
	case referral.RefreshUnchanged:
		return lang.L("{{.Source}}: unchanged since it was last fetched.", map[string]any{"Source": r.Source})
	}
	msg := sentence(r.Result())
	if !strings.Contains(msg, "nothing was changed") {
		msg = strings.TrimSuffix(msg, ".") + "; " + lang.L("its listings are kept as they were.")
	}
	return lang.L("{{.Source}}: failed: {{.Why}}", map[string]any{"Source": r.Source, "Why": msg})
}

// meterProgress fills the bar as the sources download: each of the n
// sources is an equal part, and a feed whose size the server announced
// fills its part as it arrives. It is called from the refreshing goroutine
// only, so the sources seen need no lock.
func meterProgress(p *progressDialog, n int) func(referral.RefreshProgress) {
	var at string
	done := -1
	return func(pr referral.RefreshProgress) {
		if pr.Source != at {
			at, done = pr.Source, done+1
		}
		part := 0.0
		if pr.Total > 0 {
			part = min(1, float64(pr.Bytes)/float64(pr.Total))
		}
		value := min(1, (float64(done)+part)/float64(max(n, 1)))
		text := lang.L("{{.Source}}: downloaded {{.Size}}…", map[string]any{"Source": pr.Source, "Size": byteSize(pr.Bytes)})
		if pr.Records > 0 {
			text = lang.L("{{.Source}}: read {{.N}} listings…", map[string]any{"Source": pr.Source, "N": pr.Records})
		}
		p.now(func() {
			p.meter.SetValue(value)
			p.status.SetText(text)
		})
	}
}

// byteSize is a download's size for a person: "420 KB", "3.1 MB".
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%d KB", n/1000)
	}
	return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
}
