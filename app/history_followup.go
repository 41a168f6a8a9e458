package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// followUpWidth leaves the domain's longer messages room to wrap.
const followUpWidth = 640

// followUpForm asks what the client said at the next visit. It stays open
// until the follow-up is saved or cancelled, so the domain's messages show
// beside the answers they are about.
type followUpForm struct {
	ref *referral.Referral

	went       *widget.RadioGroup
	group      *widget.Select
	groupIDs   []int64 // the referred group each option of group stands for
	welcome    *widget.RadioGroup
	medication *widget.Check
	notes      *widget.Entry
	problems   *problemLabels
	save       *widget.Button
	dialog     *dialog.CustomDialog
}

func answerChoice() choice[referral.Answer] {
	return newChoice(
		pair[referral.Answer]{referral.AnswerYes, "Yes"},
		pair[referral.Answer]{referral.AnswerNo, "No"},
		pair[referral.Answer]{referral.AnswerUnknown, "Don't know"},
	)
}

func (h *historyScreen) onRecordFollowUp() {
	r := h.selected
	if r == nil {
		return
	}
	f := &followUpForm{ref: r, problems: newProblemLabels()}
	f.went = newChoiceRadio(answerChoice().labels)
	f.went.OnChanged = f.onWentChanged
	var names []string
	for _, g := range r.Groups {
		if g.GroupID != 0 {
			names = append(names, g.Name)
			f.groupIDs = append(f.groupIDs, g.GroupID)
		}
	}
	f.group = newSelect(names, nil)
	f.group.PlaceHolder = lang.L("Which group?")
	f.welcome = newChoiceRadio(answerChoice().labels)
	f.medication = widget.NewCheck(lang.L("Was told people on medication are not welcome"), nil)
	f.notes = widget.NewMultiLineEntry()
	f.notes.Wrapping = fyne.TextWrapWord
	f.notes.SetMinRowsVisible(2)
	f.notes.PlaceHolder = lang.L("Short notes, at most {{.N}} letters; no diagnosis", map[string]any{"N": referral.MaxFollowUpNotes})
	f.load(r.FollowUp)

	row := func(label string, input fyne.CanvasObject, field string) []fyne.CanvasObject {
		return []fyne.CanvasObject{widget.NewLabel(label), container.NewVBox(input, f.problems.add(field, label))}
	}
	grid := container.New(layout.NewFormLayout())
	for _, r := range [][]fyne.CanvasObject{
		row(lang.L("Went to a group?"), f.went, "FollowUp.Went"),
		row(lang.L("Which group"), f.group, "FollowUp.GroupID"),
		row(lang.L("Felt welcome?"), f.welcome, "FollowUp.FeltWelcome"),
		row("", f.medication, "FollowUp.NotWelcomeOnMedication"),
		row(lang.L("Notes"), f.notes, "FollowUp.Notes"),
	} {
		grid.Add(r[0])
		grid.Add(r[1])
	}
	content := container.NewVBox(
		wrapped(lang.L("What did the client say about the groups at this visit?"), widget.MediumImportance),
		f.problems.other, grid)

	f.dialog = dialog.NewCustomWithoutButtons(lang.L("Record follow-up"), content, h.win)
	cancel := widget.NewButton(lang.L("Cancel"), h.onFollowUpCancelled)
	f.save = widget.NewButton(lang.L("Save"), h.onFollowUpSave)
	f.save.Importance = widget.HighImportance
	f.dialog.SetButtons([]fyne.CanvasObject{cancel, f.save})
	f.problems.relayout = f.fit
	f.fit()
	h.form = f
	f.dialog.Show()
}

// fit makes the dialog tall enough for the problems shown in it. A wrapped
// message knows its height only once laid out at its width, so twice.
func (f *followUpForm) fit() {
	if f.dialog == nil {
		return
	}
	for range 2 {
		f.dialog.Resize(fyne.NewSize(followUpWidth, f.dialog.MinSize().Height))
	}
}

// load shows an earlier follow-up, or a blank one.
func (f *followUpForm) load(fu *referral.FollowUp) {
	if fu == nil {
		fu = &referral.FollowUp{}
	}
	f.went.SetSelected(answerChoice().label(fu.Went))
	f.onWentChanged(f.went.Selected)
	for i, id := range f.groupIDs {
		if id == fu.GroupID {
			f.group.SetSelectedIndex(i)
		}
	}
	f.welcome.SetSelected(answerChoice().label(fu.FeltWelcome))
	f.medication.SetChecked(fu.NotWelcomeOnMedication)
	f.notes.SetText(fu.Notes)
}

// onWentChanged asks which group and how it went only when the client went.
func (f *followUpForm) onWentChanged(label string) {
	if f.welcome == nil {
		return // still building
	}
	went := answerChoice().value(label) == referral.AnswerYes
	for _, w := range []fyne.Disableable{f.group, f.welcome, f.medication} {
		if went {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	switch {
	case !went:
		f.group.ClearSelected()
		f.welcome.SetSelected(answerChoice().label(referral.AnswerUnknown))
		f.medication.SetChecked(false)
	case len(f.groupIDs) == 1:
		f.group.SetSelectedIndex(0)
	}
}

// read returns the follow-up the form describes.
func (f *followUpForm) read() referral.FollowUp {
	fu := referral.FollowUp{
		Went:                   answerChoice().value(f.went.Selected),
		FeltWelcome:            answerChoice().value(f.welcome.Selected),
		NotWelcomeOnMedication: f.medication.Checked,
		Notes:                  strings.TrimSpace(f.notes.Text),
	}
	if i := f.group.SelectedIndex(); i >= 0 {
		fu.GroupID = f.groupIDs[i]
	}
	return fu
}

func (h *historyScreen) onFollowUpCancelled() {
	h.form.dialog.Hide()
	h.form = nil
}

// onFollowUpSave checks the answers with the domain's rules, then records
// them off the UI goroutine; the store checks again.
func (h *historyScreen) onFollowUpSave() {
	f := h.form
	fu := f.read()
	check := *f.ref
	check.FollowUp = &fu
	if ps := followUpProblems(check.Validate()); len(ps) > 0 {
		f.problems.show(ps)
		return
	}
	f.problems.clear()
	f.save.Disable()
	id := f.ref.ID
	h.bg.run(func() {
		r, err := h.history.RecordFollowUp(context.Background(), id, fu)
		fyne.Do(func() { h.followUpRecorded(f, r, err) })
	})
}

// followUpProblems keeps the problems with the follow-up: the rest of an
// entry already in the log is not the form's business.
func followUpProblems(err error) []referral.Problem {
	var out []referral.Problem
	for _, p := range referral.ErrorProblems(err) {
		if strings.HasPrefix(p.Field, "FollowUp.") {
			out = append(out, p)
		}
	}
	return out
}

func (h *historyScreen) followUpRecorded(f *followUpForm, r *referral.Referral, err error) {
	f.save.Enable()
	if err != nil {
		if ps := referral.ErrorProblems(err); len(ps) > 0 {
			f.problems.show(ps)
			return
		}
		showFailure(h.win, "history: record follow-up", err, lang.L("The follow-up was not saved. Try again."))
		return
	}
	f.dialog.Hide()
	if h.form == f {
		h.form = nil
	}
	h.refresh()
	h.proposeCuration(r)
}

// proposeCuration looks up the group the client went to and, when the
// follow-up suggests changing the clinic's notes on it, asks first.
func (h *historyScreen) proposeCuration(r *referral.Referral) {
	if r == nil || r.FollowUp == nil || r.FollowUp.GroupID == 0 {
		return
	}
	id := r.FollowUp.GroupID
	h.bg.run(func() {
		g, err := h.groups.FindGroupByID(context.Background(), id)
		fyne.Do(func() {
			switch {
			case referral.ErrorCode(err) == referral.ENOTFOUND:
				// The group has left the directory: nothing to curate.
			case err != nil:
				showFailure(h.win, "history: find group", err, "")
			default:
				if c, ok := r.ProposedCuration(g); ok {
					h.confirmCuration(g, c)
				}
			}
		})
	})
}

// confirmCuration describes the proposed change and applies it only on
// confirm; Leave as is changes nothing.
func (h *historyScreen) confirmCuration(g *referral.Group, c referral.Curation) {
	title := lang.L("Mark {{.Name}} as not welcoming to people on medication?", map[string]any{"Name": g.Name})
	msg := lang.L("The client was told people on medication are not welcome there. Clients who take medication for opioid use disorder will no longer be offered this group.")
	confirm := lang.L("Mark not welcoming")
	if c.MedicationFriendly == referral.MedicationYes {
		title = lang.L("Mark {{.Name}} as welcoming to people on medication?", map[string]any{"Name": g.Name})
		msg = lang.L("The client, who takes medication for opioid use disorder, felt welcome there.")
		confirm = lang.L("Mark welcoming")
	}
	msg += "\n" + lang.L("A dated line is added to the clinic's notes on the group; you can change both in the Directory.")
	d := dialog.NewConfirm(lang.L("Update the directory?"), title+"\n\n"+msg, func(ok bool) {
		if ok {
			h.setCuration(g.ID, c)
		}
	}, h.win)
	d.SetConfirmText(confirm)
	d.SetDismissText(lang.L("Leave as is"))
	d.Show()
}

func (h *historyScreen) setCuration(id int64, c referral.Curation) {
	h.bg.run(func() {
		_, err := h.groups.SetCuration(context.Background(), id, c)
		fyne.Do(func() {
			if err != nil {
				showFailure(h.win, "history: set curation", err, "")
				return
			}
			h.changed()
		})
	})
}
