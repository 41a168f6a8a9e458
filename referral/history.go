package referral

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Referral is one entry of the referral log: a sheet that was handed out.
//
// It keeps the minimum, as substance-use records must: no name, only an optional label the
// counselor makes up to recognise the entry at the next visit; the needs,
// which say why these groups were chosen; and the groups. The first name a
// sheet may carry is not kept, so a reprint shows the blank line.
type Referral struct {
	ID          int64     // assigned by the store
	Created     time.Time // stamped by the store; the entry is purged RetentionDays later
	ClientLabel string    // optional, the counselor's own; at most MaxClientLabel letters
	Needs       Needs     // as recorded; may be empty for a sheet of hand-picked groups
	Groups      []ReferredGroup
	Lang        Lang  // "" means English, as on Sheet
	Paper       Paper // "" means Letter
	Large       bool
	FollowUp    *FollowUp // nil until recorded at a later visit
}

// MaxClientLabel keeps the label a short reminder ("Tue 3pm J."), not a
// record of who the client is.
const MaxClientLabel = 40

// MaxFollowUpNotes keeps follow-up notes to a line or two.
const MaxFollowUpNotes = 200

// ReferredGroup is a snapshot of a group as it was referred, so the log still
// reads after an import renames or removes the listing. GroupID may no longer
// exist; Source and SourceID find the listing again after a re-import.
type ReferredGroup struct {
	GroupID  int64
	Source   string
	SourceID string
	Name     string
	Program  Program
	// Printed is the group as its card printed it: for a group listed once
	// per weekday, the first listing with the sessions of every listing
	// folded into it (Candidate.Listing). Re-reading the directory by
	// GroupID would give one listing, and a reprint would drop the other
	// days. Of the clinic's curation only what the card prints is kept. nil
	// in entries logged before the log kept it.
	Printed *Group
}

// ReferredGroupOf returns what the referral log keeps of g.
func ReferredGroupOf(g *Group) ReferredGroup {
	return ReferredGroup{GroupID: g.ID, Source: g.Source, SourceID: g.SourceID, Name: g.Name, Program: g.Program,
		Printed: printedCopy(g)}
}

// printedCopy is a copy of g that shares no memory with it, holding what a
// card prints. The counselor's notes and "hidden" are the clinic's working
// knowledge, not the sheet's, and stay out of the log (keep the
// minimum).
func printedCopy(g *Group) *Group {
	c := *g
	c.Sessions = slices.Clone(g.Sessions)
	c.Types = slices.Clone(g.Types)
	c.Place.Regions = slices.Clone(g.Place.Regions)
	if g.Place.Coords != nil {
		p := *g.Place.Coords
		c.Place.Coords = &p
	}
	c.Attributes.Languages = slices.Clone(g.Attributes.Languages)
	c.Attributes.Formats = slices.Clone(g.Attributes.Formats)
	c.Curation = Curation{MedicationFriendly: g.Curation.MedicationFriendly, VerifiedOn: g.Curation.VerifiedOn}
	c.Published = Curation{} // the publisher's notes are working knowledge too
	return &c
}

// NewReferral is the log entry for a printed sheet: its groups, language,
// paper and print size, the needs they were matched for and the counselor's
// optional label. The sheet's first name is deliberately left out.
func NewReferral(sheet Sheet, needs Needs, label string) *Referral {
	r := &Referral{ClientLabel: strings.TrimSpace(label), Needs: needs,
		Lang: sheet.Lang, Paper: sheet.Paper, Large: sheet.Large}
	for _, g := range sheet.Groups {
		if g != nil {
			r.Groups = append(r.Groups, ReferredGroupOf(g))
		}
	}
	return r
}

// Reprint is the sheet to print again for r, and the referred groups it
// leaves out. Today's clinic settings head it; r's language, paper and print
// size lay it out.
//
// A reprint is the same sheet: each group prints as its card did (Printed),
// with the same days, times, place and link, however the directory has
// changed since. A group the directory no longer lists still prints, and
// Sheet.Removed marks its card. One thing follows the clinic's knowledge of
// today instead: whether the card says the group welcomes people on
// medication, since a client on methadone sent to a group that has turned
// people away since is worse than a sheet that differs from the first.
//
// listed[i] is r.Groups[i] as the directory lists it now, or nil when it no
// longer does (see FindReferred). An entry logged before the log kept the
// printed card has only the group's name and id: its group prints as the
// directory lists it now, and is left out when it no longer does.
func (r *Referral) Reprint(s Settings, date time.Time, listed []*Group) (Sheet, []ReferredGroup) {
	sh := s.Sheet(date)
	sh.Lang, sh.Paper, sh.Large = r.Lang, r.Paper, r.Large
	var left []ReferredGroup
	for i, rg := range r.Groups {
		var now *Group
		if i < len(listed) {
			now = listed[i]
		}
		switch {
		case rg.Printed != nil:
			g := printedCopy(rg.Printed)
			if now == nil {
				sh.Removed = append(sh.Removed, len(sh.Groups))
			} else {
				g.Curation.MedicationFriendly = now.Curation.MedicationFriendly
			}
			sh.Groups = append(sh.Groups, g)
		case now != nil:
			sh.Groups = append(sh.Groups, now)
		default:
			left = append(left, rg)
		}
	}
	return sh, left
}

// FindReferred returns each of r's groups as the directory lists it now, nil
// for those it no longer lists. A listing is found by Source and SourceID,
// which a re-import keeps (an import that drops a listing and adds it back
// later gives it a new GroupID); an entry without them by GroupID.
func FindReferred(ctx context.Context, groups GroupService, r *Referral) ([]*Group, error) {
	listed := make([]*Group, len(r.Groups))
	for i, rg := range r.Groups {
		var g *Group
		var err error
		if rg.Source != "" && rg.SourceID != "" {
			g, err = groups.FindGroupBySourceID(ctx, rg.Source, rg.SourceID)
		} else {
			g, err = groups.FindGroupByID(ctx, rg.GroupID)
		}
		switch {
		case ErrorCode(err) == ENOTFOUND:
		case err != nil:
			return nil, err
		default:
			listed[i] = g
		}
	}
	return listed, nil
}

// Referred returns the referred group with the given directory id.
func (r *Referral) Referred(groupID int64) (ReferredGroup, bool) {
	for _, g := range r.Groups {
		if g.GroupID == groupID {
			return g, true
		}
	}
	return ReferredGroup{}, false
}

// Answer is a client's yes or no at follow-up; the zero value is "don't know"
// (not asked, or the client did not say).
type Answer string

const (
	AnswerUnknown Answer = ""
	AnswerYes     Answer = "yes"
	AnswerNo      Answer = "no"
)

// FollowUp is what the client said at the next visit.
type FollowUp struct {
	Recorded    time.Time // stamped by the store
	Went        Answer    // did they go to any of the groups?
	GroupID     int64     // which referred group they went to; 0 if unknown
	FeltWelcome Answer    // only when they went
	// NotWelcomeOnMedication: they were told, or made to feel, that people on
	// methadone or buprenorphine cannot take part. It proposes curating the
	// group "not medication-friendly" (see ProposedCuration).
	NotWelcomeOnMedication bool
	Notes                  string // short; at most MaxFollowUpNotes letters
}

// Validate reports every problem with the entry in one EINVALID error, or
// nil. The needs are not validated as a whole: the log records what was
// handed out, and a sheet of hand-picked groups has no complete needs.
//
// No message quotes the label or the notes: errors reach logs and screens,
// and those are client data.
func (r *Referral) Validate() error {
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	switch label := strings.TrimSpace(r.ClientLabel); {
	case utf8.RuneCountInString(label) > MaxClientLabel:
		add("ClientLabel", "the client label is too long (at most %d letters); a short reminder is enough", MaxClientLabel)
	case strings.ContainsFunc(label, unicode.IsControl):
		add("ClientLabel", "the client label must be one line of text")
	}
	switch n := len(r.Groups); {
	case n == 0:
		add("Groups", "a referral lists at least one group")
	case n > MaxSheetGroups:
		add("Groups", "a referral lists at most %d groups; %d were given", MaxSheetGroups, n)
	}
	for i, g := range r.Groups {
		if g.GroupID <= 0 && g.SourceID == "" {
			add(fmt.Sprintf("Groups[%d]", i), "group %d has no directory id", i+1)
		}
		if strings.TrimSpace(g.Name) == "" {
			add(fmt.Sprintf("Groups[%d].Name", i), "group %d has no name", i+1)
		}
	}
	if r.Lang != "" && !isLang(r.Lang) {
		add("Lang", "language %q is not available; use en (English) or es (Spanish)", r.Lang)
	}
	if r.Paper != "" && !isPaper(r.Paper) {
		add("Paper", "paper %q is unknown; use letter or a4", r.Paper)
	}
	if r.FollowUp != nil {
		ps = append(ps, r.followUpProblems(*r.FollowUp)...)
	}
	sortProblems(ps)
	return invalid("This referral", ps)
}

func (r *Referral) followUpProblems(f FollowUp) []Problem {
	var ps []Problem
	add := func(field string, ph Phrase, msg string) {
		ps = append(ps, Problem{Field: "FollowUp." + field, Message: msg, Phrase: ph})
	}
	if !isAnswer(f.Went) {
		add("Went", say("followup.went"), "whether the client went must be yes, no or unknown")
	}
	if !isAnswer(f.FeltWelcome) {
		add("FeltWelcome", say("followup.welcome"), "whether the client felt welcome must be yes, no or unknown")
	}
	went := f.Went == AnswerYes
	if f.GroupID != 0 {
		if _, ok := r.Referred(f.GroupID); !ok {
			add("GroupID", say("followup.group_referred"), "the group the client went to must be one of the groups referred")
		} else if !went {
			add("GroupID", say("followup.group_went"), "a group the client went to is recorded only when they went")
		}
	}
	if f.FeltWelcome != AnswerUnknown && !went {
		add("FeltWelcome", say("followup.welcome_went"), "whether the client felt welcome is asked only when they went")
	}
	if f.NotWelcomeOnMedication {
		switch {
		case !went:
			add("NotWelcomeOnMedication", say("followup.medication_went"), "not being welcome on medication is recorded only when the client went")
		case f.FeltWelcome == AnswerYes:
			add("NotWelcomeOnMedication", say("followup.medication_welcome"),
				"the client cannot both feel welcome and not be welcome on medication; change one answer")
		}
	}
	if utf8.RuneCountInString(strings.TrimSpace(f.Notes)) > MaxFollowUpNotes {
		add("Notes", say("followup.notes_long", "Max", MaxFollowUpNotes),
			fmt.Sprintf("the follow-up notes are too long (at most %d letters)", MaxFollowUpNotes))
	}
	return ps
}

func isAnswer(a Answer) bool {
	return a == AnswerUnknown || a == AnswerYes || a == AnswerNo
}

// ProposedCuration is the change to g's curation that r's follow-up suggests,
// for the counselor to confirm before it is applied with SetCuration; false
// when it suggests none. g must be the referred group the client went to
// (matched by id, or by Source and SourceID after a re-import).
//
//   - Not welcome on medication proposes MedicationNo, over unknown or yes: a
//     report of a group turning people on MOUD away protects the next client.
//   - Felt welcome proposes MedicationYes only when the needs say the client
//     takes MOUD (otherwise the visit says nothing about medication) and only
//     over unknown: one good visit does not overturn a "no" the clinic set.
//
// The proposal appends a dated line to the counselor's notes and keeps the
// rest of the curation. It lives on Referral, not FollowUp, because the "yes"
// case needs the referral's needs. The date is Recorded's, in its location.
func (r *Referral) ProposedCuration(g *Group) (Curation, bool) {
	f := r.FollowUp
	if f == nil || g == nil || f.Went != AnswerYes || f.GroupID == 0 {
		return Curation{}, false
	}
	ref, ok := r.Referred(f.GroupID)
	if !ok || (g.ID != ref.GroupID && (g.Source != ref.Source || g.SourceID != ref.SourceID)) {
		return Curation{}, false
	}
	c := g.Curation
	var note string
	switch {
	case f.NotWelcomeOnMedication && c.Medication() != MedicationNo:
		c.MedicationFriendly, note = MedicationNo, "reported not welcoming to people on medication"
	case !f.NotWelcomeOnMedication && f.FeltWelcome == AnswerYes && r.Needs.MOUD && c.Medication() == MedicationUnknown:
		c.MedicationFriendly, note = MedicationYes, "reported welcoming to a client on medication"
	default:
		return Curation{}, false
	}
	line := fmt.Sprintf("Client follow-up %s: %s.", f.Recorded.Format(time.DateOnly), note)
	if c.Notes = strings.TrimSpace(c.Notes); c.Notes != "" {
		c.Notes += "\n"
	}
	c.Notes += line
	return c, true
}

// ReferralFilter selects entries of the referral log. The zero value selects
// every entry still within the retention period.
type ReferralFilter struct {
	Offset, Limit int // Limit 0 means no limit
}

// HistoryService is the referral log. Entries older than the retention
// period in Settings are purged, and never returned even before the purge
// has run.
type HistoryService interface {
	// LogReferral validates and stores a new entry, setting its ID and
	// Created. Any FollowUp on r is ignored; record it with RecordFollowUp.
	// A store that another writer holds may keep the entry and enter it
	// in the log once that writer is done: ID is then 0, Created set, and
	// the entry is not listed until it is entered.
	LogReferral(ctx context.Context, r *Referral) error
	// FindReferrals returns entries newest first and how many there are in
	// all (ignoring Offset and Limit).
	FindReferrals(ctx context.Context, filter ReferralFilter) ([]*Referral, int, error)
	// FindReferralByID returns one entry, or ENOTFOUND (also once purged).
	FindReferralByID(ctx context.Context, id int64) (*Referral, error)
	// RecordFollowUp validates and stores the follow-up of entry id,
	// replacing any earlier one, stamps Recorded and returns the entry.
	RecordFollowUp(ctx context.Context, id int64, f FollowUp) (*Referral, error)
	// DeleteReferral removes one entry, or returns ENOTFOUND.
	DeleteReferral(ctx context.Context, id int64) error
	// PurgeReferrals removes every entry created before the given instant
	// and returns how many it removed.
	PurgeReferrals(ctx context.Context, before time.Time) (int, error)
}
