package app

import (
	"context"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// matchDelay lets a counselor finish typing or ticking before the directory
// is matched again.
const matchDelay = 200 * time.Millisecond

// preTicked is how many of the best groups start ticked to refer.
const preTicked = 3

// staleSource is how long a source may go without a refresh before the
// Referral screen says its listings may be out of date.
const staleSource = 30 * 24 * time.Hour

// defaultMiles is the distance the form starts with until the settings are
// read (see applySettings).
const defaultMiles = referral.DefaultMiles

// referralScreen is the Referral area, the main job during an appointment:
// the client's needs on the left and, on the right, the groups that fit,
// matched again whenever a need changes. The counselor ticks the groups to
// refer; chosen returns them, and the Sheet bar under them prints them.
type referralScreen struct {
	win   fyne.Window
	match referral.MatchService
	dir   referral.DirectoryService // the sources, for how fresh the results are; may be nil
	bg    background
	now   func() time.Time
	zones *clinicZones // the zone online groups are matched in
	// settings are the clinic's, as last loaded or saved: the zone a match
	// reads online groups in comes from them.
	settings referral.Settings

	form  *needsForm
	sheet *sheetBar

	groups    referral.GroupService // asked whether the directory is empty
	newClient *widget.Button        // clears the screen for the next client
	// emptyDir is set while the directory holds no group at all: the
	// screen says so before any ZIP is typed, with the ways to fill it.
	emptyDir bool
	// fill are the Sources screen's Add feed… and Import file…, offered
	// while the directory is empty.
	fill     *fyne.Container
	addFeed  *widget.Button
	importIt *widget.Button
	// done says the last sheet was saved or printed and offers New client.
	done *widget.Label

	header      fyne.CanvasObject // the count and widening over the list
	results     *fyne.Container   // header over the list or the notice
	count       *widget.Label
	widen       *widget.Label // what a looser need would add to a short list
	stale       *widget.Label // the results' sources not refreshed for a while
	noticeTitle *widget.Label
	noticeText  *widget.Label
	notice      fyne.CanvasObject // shown instead of the list: a hint, a problem, nothing fits
	cardBox     *fyne.Container
	cards       []*candidateCard
	list        fyne.CanvasObject

	content fyne.CanvasObject

	// ticks holds the counselor's own ticks and unticks by group ID, so they
	// survive a re-ranking; groups never touched are ticked by rank.
	ticks map[int64]bool
	// matched are the needs the listed groups were matched for, with the
	// clinic's zone they were read in; a referral logs them and the sheet
	// prints online times in that zone.
	matched referral.Needs

	seq         int                // numbers matches so a stale answer is dropped
	cancelMatch context.CancelFunc // cancels the match in flight, if any
	stopMatch   func()             // cancels the pending debounced match
	// keepScroll: the match under way is the same needs matched again
	// because the directory changed, so the list stays where it is
	// scrolled to.
	keepScroll bool
}

// candidateCard is one group on the results side.
type candidateCard struct {
	cand     referral.Candidate
	check    *widget.Check
	title    *widget.Label
	distance *widget.Label
	when     *widget.Label
	reasons  *widget.Label
	cautions []*widget.Label // every caution, most important first
	// more shows the cautions past the first shownCautions, and hides them
	// again; nil when there are no more.
	more *widget.Hyperlink
	box  fyne.CanvasObject
}

// shownCautions is how many cautions a card shows before "+N more": a card
// with every caution spelled out pushes the next group off the screen.
const shownCautions = 2

// newReferralScreen builds the screen; logged is called after a sheet was
// saved or printed and its referral logged.
// addFeed and importFile are the Sources screen's ways to fill an empty
// directory.
func newReferralScreen(win fyne.Window, s Services, bg background, zones *clinicZones, logged func(), addFeed, importFile func()) *referralScreen {
	r := &referralScreen{win: win, match: s.Match, dir: s.Directory, groups: s.Groups, bg: bg, now: s.Now, zones: zones,
		settings: referral.DefaultSettings(), ticks: map[int64]bool{}}
	r.form = newNeedsForm(s.Locate, s.Places, bg, defaultMiles)
	r.form.onChanged = r.onNeedsChanged
	r.sheet = newSheetBar(win, s, bg, r.now)
	r.sheet.chosen = r.chosenGroups
	r.sheet.logged = logged
	r.sheet.nextClient = r.onNewClient
	r.addFeed = widget.NewButtonWithIcon(lang.L("Add feed…"), theme.ContentAddIcon(), addFeed)
	r.importIt = widget.NewButtonWithIcon(lang.L("Import file…"), theme.FolderOpenIcon(), importFile)
	r.buildUI()
	r.onNeedsChanged()
	r.checkEmpty()
	return r
}

func (r *referralScreen) buildUI() {
	heading := widget.NewLabelWithStyle(lang.L("What the client needs"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.newClient = widget.NewButtonWithIcon(lang.L("New client"), theme.ContentClearIcon(), r.onNewClient)
	r.done = wrapped("", widget.SuccessImportance)
	r.done.Hide()
	top := container.NewVBox(container.NewBorder(nil, nil, nil, r.newClient, heading), r.done)
	left := container.NewBorder(top, nil, nil, nil, container.NewVScroll(r.form.content))

	r.count = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.widen = wrapped("", widget.LowImportance)
	r.widen.Hide()
	r.stale = wrapped("", widget.LowImportance)
	r.stale.Hide()
	r.noticeTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.noticeText = wrapped("", widget.MediumImportance)
	r.fill = container.NewHBox(r.addFeed, r.importIt)
	r.fill.Hide()
	r.notice = container.NewVBox(r.noticeTitle, r.noticeText, r.fill)
	r.cardBox = container.NewVBox()
	r.list = container.NewVScroll(r.cardBox)
	r.header = container.NewVBox(r.count, r.widen, r.stale, widget.NewSeparator())
	r.results = container.NewBorder(r.header, r.sheet.content, nil, nil, container.NewStack(r.list, r.notice))
	r.sheet.relayout = r.results.Refresh

	split := container.NewHSplit(left, r.results)
	split.Offset = 0.5
	r.content = split
}

// onNeedsChanged checks the needs at once, so a problem shows while the
// counselor is still at the field, and matches them once they pause.
func (r *referralScreen) onNeedsChanged() {
	r.matchAgain(false)
}

// rematch matches the same needs again because the directory changed
// (another program imported, say): the list is replaced where it is
// scrolled to, and what the counselor typed and ticked stays.
func (r *referralScreen) rematch() {
	r.matchAgain(true)
}

func (r *referralScreen) matchAgain(keepScroll bool) {
	if r.content == nil {
		return // still building
	}
	r.keepScroll = keepScroll
	if r.stopMatch != nil {
		r.stopMatch()
		r.stopMatch = nil
	}
	r.drop()
	needs, problems, pending := r.form.read()
	r.form.showProblems(problems)
	switch {
	case pending:
		r.showNotice(lang.L("Looking up the ZIP code…"), "")
	case len(problems) > 0:
		r.showProblems(problems)
	default:
		r.stopMatch = r.bg.after(matchDelay, func() { r.runMatch(needs) })
	}
}

// drop forgets the match in flight: the needs it answers are gone.
func (r *referralScreen) drop() {
	r.seq++
	if r.cancelMatch != nil {
		r.cancelMatch()
		r.cancelMatch = nil
	}
}

// runMatch matches the needs off the UI goroutine, in the clinic's zone
// (found there too: a guess may load the time-zone map). Only the newest
// match's answer is shown; an older one still in flight is cancelled and
// ignored.
func (r *referralScreen) runMatch(needs referral.Needs) {
	r.stopMatch = nil
	r.drop()
	seq, now, settings := r.seq, r.now(), r.settings
	ctx, cancel := context.WithCancel(context.Background())
	r.cancelMatch = cancel
	r.bg.run(func() {
		needs.ClinicZone = r.zones.location(r.zones.forClient(settings, needs.Origin))
		needs.PreferLang = settings.SheetLang
		res, err := matchOrFail(ctx, r.match, needs, now)
		var sources []referral.Source
		if err == nil && len(res.Candidates) > 0 && r.dir != nil {
			// A source that cannot be listed only loses the notice: the
			// results stand without it.
			list, serr := r.dir.Sources(ctx)
			if serr != nil {
				fyne.LogError("match: sources", serr)
			}
			sources = list
		}
		fyne.Do(func() {
			r.showResult(seq, needs, now, res, err)
			r.showStale(seq, res, sources, now)
		})
	})
}

// showStale quietly says which sources of the groups listed have not been
// refreshed for staleSource: their times and places may have changed.
func (r *referralScreen) showStale(seq int, res referral.Result, sources []referral.Source, now time.Time) {
	if seq != r.seq {
		return
	}
	r.stale.SetText(staleText(staleSources(res.Candidates, sources, now), now))
	setShown(r.stale, r.stale.Text != "" && r.header.Visible())
	r.results.Refresh() // lay out again for the header's change
}

// staleSources returns the sources the candidates' listings come from that
// were last imported more than staleSource before now, in name order (as
// Sources lists them).
func staleSources(cands []referral.Candidate, sources []referral.Source, now time.Time) []referral.Source {
	from := map[string]bool{}
	for _, c := range cands {
		for _, g := range append([]*referral.Group{c.Group}, c.Also...) {
			from[g.Source] = true
		}
	}
	var out []referral.Source
	for _, s := range sources {
		if from[s.Name] && !s.LastImport.IsZero() && now.Sub(s.LastImport) > staleSource {
			out = append(out, s)
		}
	}
	return out
}

func staleText(stale []referral.Source, now time.Time) string {
	if len(stale) == 0 {
		return ""
	}
	var parts []string
	for _, s := range stale {
		parts = append(parts, lang.L("{{.Source}} ({{.Days}} days ago)", map[string]any{
			"Source": s.Name, "Days": int(now.Sub(s.LastImport) / (24 * time.Hour))}))
	}
	return lang.L("Not refreshed for over {{.Limit}} days: {{.Sources}}. Times and places may have changed since.",
		map[string]any{"Limit": int(staleSource / (24 * time.Hour)), "Sources": strings.Join(parts, ", ")})
}

func (r *referralScreen) showResult(seq int, needs referral.Needs, now time.Time, res referral.Result, err error) {
	if seq != r.seq {
		return // the needs changed since; their match will answer
	}
	r.cancelMatch = nil
	switch {
	case referral.ErrorCode(err) == referral.ENOTFOUND, err == nil && res.Matched == 0 && excludedTotal(res) == 0:
		// The store says ENOTFOUND when it has no group to match at all.
		r.setEmpty(true)
		return
	case err != nil:
		if referral.ErrorCode(err) == referral.EINTERNAL {
			fyne.LogError("match", err)
		}
		noticeDamage(r.win, err)
		r.showNotice(lang.L("Could not list groups"), referral.ErrorMessage(err))
	case len(res.Candidates) > 0:
		r.emptyDir = false
		r.matched = needs
		r.showCandidates(res, now)
	default:
		r.showNotice(lang.L("No group fits all these needs"), nothingFitsText(needs, res))
	}
}

// matchOrFail matches, or says matching is not set up when the window was
// opened without a MatchService.
func matchOrFail(ctx context.Context, m referral.MatchService, needs referral.Needs, now time.Time) (referral.Result, error) {
	if m == nil {
		return referral.Result{}, referral.Errorf(referral.EINTERNAL, "%s",
			lang.L("Matching is not set up in this copy of Referral Desk."))
	}
	return m.Match(ctx, needs, now)
}

func excludedTotal(res referral.Result) int {
	n := 0
	for _, c := range res.Excluded {
		n += c
	}
	return n
}

// showNotice replaces the list with a message.
func (r *referralScreen) showNotice(title, text string) {
	r.cards = nil
	r.cardBox.RemoveAll()
	r.count.SetText("")
	r.widen.Hide()
	r.noticeTitle.SetText(title)
	r.noticeText.SetText(text)
	setShown(r.noticeText, text != "")
	setShown(r.fill, r.emptyDir)
	r.list.Hide()
	r.header.Hide()
	r.notice.Show()
	r.results.Refresh() // lay out again for the header's change
	r.sheet.update()
}

// showProblems lists what stops a match. Before any ZIP is typed that is
// only the missing ZIP: a first step, not a mistake.
func (r *referralScreen) showProblems(ps []referral.Problem) {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = sentence(problemWords(p))
	}
	title := lang.L("Check the needs")
	if len(ps) == 1 && ps[0].Field == "Origin" && r.form.zipState == zipEmpty {
		if r.emptyDir {
			r.showEmpty()
			return
		}
		title = lang.L("Start with the client's ZIP code")
	}
	r.showNotice(title, strings.Join(msgs, "\n"))
}

// showEmpty says the directory must be filled before any group can be
// suggested, with the Sources screen's two ways to fill it.
func (r *referralScreen) showEmpty() {
	r.showNotice(lang.L("Your directory is empty"), lang.L(
		"Add the support groups first: subscribe to a feed or import a directory file, and the groups that fit the client will show here."))
}

// setEmpty records whether the directory is empty and shows it.
func (r *referralScreen) setEmpty(empty bool) {
	r.emptyDir = empty
	if empty {
		r.showEmpty()
	}
}

// checkEmpty asks off the UI goroutine whether the directory holds any
// group, so an empty one is said up front, before a ZIP is typed. Once
// it holds one, the needs are matched again.
func (r *referralScreen) checkEmpty() {
	if r.groups == nil {
		return
	}
	r.bg.run(func() {
		_, total, err := r.groups.FindGroups(context.Background(), referral.GroupFilter{Limit: 1, IncludeHidden: true, IncludeInactive: true})
		if err != nil {
			fyne.LogError("referral: is the directory empty", err) // the match will say what is wrong
			return
		}
		fyne.Do(func() {
			was := r.emptyDir
			r.emptyDir = total == 0
			if was != r.emptyDir {
				r.onNeedsChanged()
			}
		})
	})
}

// directoryChanged matches the needs again after an import or a source's
// removal, and checks again whether the directory is empty.
func (r *referralScreen) directoryChanged() {
	r.onNeedsChanged()
	r.checkEmpty()
}

// onNewClient clears every need, tick and result and puts the sheet's
// options back to the clinic's: nothing about the last client stays on
// screen or is kept.
func (r *referralScreen) onNewClient() {
	if r.stopMatch != nil {
		r.stopMatch()
		r.stopMatch = nil
	}
	r.drop()
	r.ticks = map[int64]bool{}
	r.matched = referral.Needs{}
	r.cards = nil
	r.cardBox.RemoveAll()
	r.done.Hide()
	r.newClient.Importance = widget.MediumImportance
	r.newClient.Refresh()
	r.sheet.reset(r.settings)
	r.form.reset() // matches again: the screen asks for the ZIP code
	r.win.Canvas().Focus(r.form.zip)
}

// onSheetDone runs once a sheet was saved or printed and logged: the
// screen offers to start the next client.
func (r *referralScreen) onSheetDone() {
	r.done.SetText(lang.L("This client's sheet is done. Press New client before the next one."))
	r.done.Show()
	r.newClient.Importance = widget.HighImportance
	r.newClient.Refresh()
	r.content.Refresh()
}

func (r *referralScreen) showCandidates(res referral.Result, now time.Time) {
	r.notice.Hide()
	if res.Matched == 1 {
		r.count.SetText(lang.L("1 group fits"))
	} else {
		r.count.SetText(lang.L("{{.N}} groups fit · the best {{.Shown}} listed",
			map[string]any{"N": res.Matched, "Shown": len(res.Candidates)}))
	}
	r.widen.SetText(widenText(res))
	setShown(r.widen, r.widen.Text != "")
	scroll := r.list.(*container.Scroll)
	offset := scroll.Offset
	r.cards = r.cards[:0]
	r.cardBox.RemoveAll()
	for i, c := range res.Candidates {
		if i > 0 {
			r.cardBox.Add(widget.NewSeparator())
		}
		card := r.newCandidateCard(c, i, now)
		r.cards = append(r.cards, card)
		r.cardBox.Add(card.box)
	}
	r.list.Show()
	r.header.Show()
	r.results.Refresh() // lay out again for the header's change
	if r.keepScroll {
		scroll.Offset = offset
		scroll.Refresh() // keeps the offset within the new list's height
	} else {
		scroll.ScrollToTop()
	}
	r.sheet.update()
}

func (r *referralScreen) newCandidateCard(c referral.Candidate, rank int, now time.Time) *candidateCard {
	id := c.Group.ID
	ticked, decided := r.ticks[id]
	if !decided {
		ticked = rank < preTicked
	}
	card := &candidateCard{
		cand:     c,
		check:    widget.NewCheck("", nil),
		title:    widget.NewLabelWithStyle(programTitle(c.Group.Program)+" · "+c.Group.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		distance: widget.NewLabelWithStyle(distanceText(c), fyne.TextAlignTrailing, fyne.TextStyle{}),
		when:     widget.NewLabel(whenText(c, now)),
		reasons:  wrapped(joinPhrases(c.Reasons, " · "), widget.SuccessImportance),
	}
	card.check.Checked = ticked
	card.check.OnChanged = func(on bool) {
		r.ticks[id] = on
		r.sheet.update()
	}
	card.title.Wrapping = fyne.TextWrapWord
	lines := []fyne.CanvasObject{
		container.NewBorder(nil, nil, nil, card.distance, card.title),
		card.when, card.reasons,
	}
	var rest []fyne.CanvasObject // the cautions "+N more" shows
	for i, ph := range c.Cautions {
		l := wrapped(phraseText(ph), widget.WarningImportance)
		card.cautions = append(card.cautions, l)
		row := container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, l)
		if i >= shownCautions {
			row.Hide()
			rest = append(rest, row)
		}
		lines = append(lines, row)
	}
	if len(rest) > 0 {
		more := moreCautionsText(len(rest))
		card.more = widget.NewHyperlink(more, nil)
		card.more.OnTapped = func() {
			open := !rest[0].Visible()
			for _, row := range rest {
				setShown(row, open)
			}
			if open {
				card.more.SetText(fewerCautionsText())
			} else {
				card.more.SetText(more)
			}
			r.cardBox.Refresh() // the card grew or shrank
		}
		lines = append(lines, container.NewHBox(card.more))
	}
	tight := layout.NewCustomPaddedVBoxLayout(-2 * theme.Padding())
	card.box = container.NewBorder(nil, nil, container.NewVBox(card.check), nil, container.New(tight, lines...))
	return card
}

// chosen returns the candidates ticked to refer, best first.
func (r *referralScreen) chosen() []referral.Candidate {
	var out []referral.Candidate
	for _, c := range r.cards {
		if c.check.Checked {
			out = append(out, c.cand)
		}
	}
	return out
}

// chosenGroups returns the groups ticked to refer, best first, and the
// needs they were matched for: what a sheet lists and a referral logs.
func (r *referralScreen) chosenGroups() ([]*referral.Group, referral.Needs) {
	var gs []*referral.Group
	for _, c := range r.chosen() {
		gs = append(gs, c.Listing())
	}
	return gs, r.matched
}

// applySettings takes the clinic's settings, just loaded or saved: the
// sheet's header and defaults, the distance a referral starts with and the
// zone online groups are read in, which matches the needs again when it may
// have changed.
func (r *referralScreen) applySettings(s referral.Settings) {
	was := r.settings
	r.settings = s
	r.sheet.applySettings(s)
	r.form.setDefaultMiles(s.DefaultMiles)
	if s.ClinicTimeZone != was.ClinicTimeZone || s.ClinicZIP() != was.ClinicZIP() {
		r.onNeedsChanged()
	}
}

func distanceText(c referral.Candidate) string {
	switch {
	case c.InPlace != "":
		return lang.L("in {{.Place}}", map[string]any{"Place": c.InPlace})
	case c.JoinOnline || math.IsNaN(c.DistanceMiles):
		return lang.L("online")
	}
	return lang.L("{{.Miles}} mi", map[string]any{"Miles": distanceWords(c.DistanceMiles)})
}

// whenText is the next meeting in the group's own time zone and how far off
// it is: "Tue 7:00 PM EST · in 2 days".
func whenText(c referral.Candidate, now time.Time) string {
	next := c.NextMeeting
	if next.IsZero() {
		return ""
	}
	at := lang.L(weekdayShort[next.Weekday()]) + " " + clockText(next) + " " + next.Format("MST")
	today := now.In(next.Location())
	d0 := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	d1 := time.Date(next.Year(), next.Month(), next.Day(), 0, 0, 0, 0, time.UTC)
	var when string
	switch days := int(d1.Sub(d0).Hours() / 24); days {
	case 0:
		when = lang.L("today")
	case 1:
		when = lang.L("tomorrow")
	default:
		when = lang.L("in {{.N}} days", map[string]any{"N": days})
	}
	return at + " · " + when
}

// joinPhrases words phrases in the window's language, joined by sep.
func joinPhrases(ps []referral.Phrase, sep string) string {
	words := make([]string, len(ps))
	for i, p := range ps {
		words[i] = phraseText(p)
	}
	return strings.Join(words, sep)
}

// widenText lists what a looser need would add, one sentence a line.
func widenText(res referral.Result) string {
	lines := make([]string, len(res.Widen))
	for i, w := range res.Widen {
		lines[i] = sentence(phraseText(w.Phrase))
	}
	return strings.Join(lines, "\n")
}

// nothingFitsText says which need turned away the most groups, in plain
// words, and what would widen the search.
func nothingFitsText(n referral.Needs, res referral.Result) string {
	rule, count := res.MostExcluding()
	var lines []string
	if count > 0 {
		groups := lang.L("{{.N}} groups", map[string]any{"N": count})
		if count == 1 {
			groups = lang.L("1 group")
		}
		lines = append(lines, lang.L("Most left out: {{.Why}} ({{.Groups}}).",
			map[string]any{"Why": ruleWords(rule, n), "Groups": groups}))
	} else {
		lines = append(lines, lang.L("No group in the directory is active and lists its meeting times."))
	}
	if w := widenText(res); w != "" {
		lines = append(lines, w)
	} else if count > 0 {
		lines = append(lines, lang.L("Loosen one of the needs on the left to see more groups."))
	}
	return strings.Join(lines, "\n")
}

// ruleWords says in a counselor's words what a hard rule turned groups
// away for.
func ruleWords(rule referral.Rule, n referral.Needs) string {
	switch rule {
	case referral.RuleAttendance:
		if n.Attend == referral.AttendOnline {
			return lang.L("they cannot be joined online")
		}
		return lang.L("they meet only online")
	case referral.RuleNoLocation:
		return lang.L("they have no map location, so their distance is unknown")
	case referral.RuleDistance:
		if n.MaxMiles == 1 {
			return lang.L("farther than 1 mile")
		}
		return lang.L("farther than {{.Miles}} miles", map[string]any{"Miles": radiusText(n.MaxMiles)})
	case referral.RuleForWhom:
		if n.For == referral.ForFamily {
			return lang.L("closed meetings for people who use, not for family")
		}
		return lang.L("for family and friends, not for the client")
	case referral.RuleAudience:
		return lang.L("for another gender, or open to all when only women's or men's groups were asked for")
	case referral.RuleLanguage:
		return lang.L("not held in the language needed")
	case referral.RuleAccess:
		return lang.L("no wheelchair access, ASL or childcare listed")
	case referral.RuleMedication:
		return lang.L("marked as not welcoming people on medication")
	case referral.RuleSchedule:
		return lang.L("not meeting on the days and at the times chosen")
	}
	return lang.L("they do not fit")
}
