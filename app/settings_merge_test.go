package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// behind changes the stored settings as the command line would, with the
// form open.
func (f *fakeSettings) behind(change func(s *referral.Settings)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(&f.s)
}

func (f *fakeSettings) stored() referral.Settings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.s
}

// The issue: with Settings open, a change made on the command line was put
// back when the counselor pressed Save.
func TestSettingsSaveKeepsWhatAnotherProgramChanged(t *testing.T) {
	h := newDeskHarness(t, clinicSettings(), nil)
	s := h.main.settings
	h.open(s.content)
	h.settings.behind(func(st *referral.Settings) { st.Counselor, st.RetentionDays = "Lee Park", 45 })
	s.name.SetText("Riverside Recovery Center")
	test.Tap(s.save)

	got := h.settings.stored()
	if got.Clinic.Name != "Riverside Recovery Center" {
		t.Errorf("the counselor's change was not saved: name %q", got.Clinic.Name)
	}
	if got.Counselor != "Lee Park" || got.RetentionDays != 45 {
		t.Errorf("Save put back what the command line changed: counselor %q, retention %d", got.Counselor, got.RetentionDays)
	}
	if s.counselor.Text != "Lee Park" || s.retention.Text != "45" || s.status.Text != "Saved" {
		t.Errorf("after Save the form shows counselor %q, retention %q, status %q", s.counselor.Text, s.retention.Text, s.status.Text)
	}
	if top := h.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("different fields changed on each side, yet a question showed: %q", texts(top))
	}
}

// A field changed on both sides is the counselor's to settle, seeing both.
func TestSettingsFieldChangedOnBothSidesAsks(t *testing.T) {
	for _, c := range []struct {
		button, want string
	}{
		{"Keep mine", "Riverside Recovery Center"},
		{"Use the saved one", "Riverside Health"},
	} {
		t.Run(c.button, func(t *testing.T) {
			h := newDeskHarness(t, clinicSettings(), nil)
			s := h.main.settings
			h.open(s.content)
			h.settings.behind(func(st *referral.Settings) { st.Clinic.Name, st.DefaultMiles = "Riverside Health", 3 })
			s.name.SetText("Riverside Recovery Center")
			s.counselor.SetText("Sam Lee")
			test.Tap(s.save)

			said := strings.Join(texts(h.dialogOnTop()), " ")
			for _, want := range []string{"Clinic name", "“Riverside Health”", "“Riverside Recovery Center”", "Saved now", "Yours"} {
				if !strings.Contains(said, want) {
					t.Errorf("the question says %q, without %q", said, want)
				}
			}
			if h.settings.saves != 0 {
				t.Fatal("saved before the counselor chose")
			}
			h.tapDialogButton(c.button)
			got := h.settings.stored()
			if got.Clinic.Name != c.want || got.Counselor != "Sam Lee" || got.DefaultMiles != 3 {
				t.Errorf("after %s: saved name %q, counselor %q, miles %v", c.button, got.Clinic.Name, got.Counselor, got.DefaultMiles)
			}
			if s.name.Text != c.want || s.miles.Text != "3" {
				t.Errorf("after %s the form shows %q, %q miles", c.button, s.name.Text, s.miles.Text)
			}
		})
	}
}

// Settings saved elsewhere show in the fields the counselor has not
// touched; a touched field keeps what was typed, and Save still asks about
// it when it was changed on both sides.
func TestSettingsShowChangesSavedElsewhere(t *testing.T) {
	h := newStoreHarness(t, clinicSettings(), nil)
	s := h.main.settings
	h.open(s.content)
	s.counselor.SetText("Sam Lee")
	h.elsewhere(func() {
		h.settings.behind(func(st *referral.Settings) {
			st.Clinic.Phone, st.Counselor, st.SheetPaper, st.Clinic.Logo = "215-555-0199", "Lee Park", referral.Letter, nil
		})
	})
	if s.phone.Text != "215-555-0199" || s.paper.Selected != "Letter" || s.logoAbout.Text != "No logo" || s.logoImage.Visible() {
		t.Errorf("untouched fields show phone %q, paper %q, logo %q", s.phone.Text, s.paper.Selected, s.logoAbout.Text)
	}
	if s.counselor.Text != "Sam Lee" {
		t.Errorf("the field being edited shows %q, want what was typed", s.counselor.Text)
	}
	if got := h.main.referral.sheet.paper.Selected; got != "Letter" {
		t.Errorf("the sheet's paper is %q after Letter was saved elsewhere", got)
	}
	test.Tap(s.save)
	if said := strings.Join(texts(h.dialogOnTop()), " "); !strings.Contains(said, "Counselor") || !strings.Contains(said, "“Lee Park”") {
		t.Errorf("the question says %q", said)
	}
	h.tapDialogButton("Keep mine")
	if got := h.settings.stored(); got.Counselor != "Sam Lee" || got.Clinic.Phone != "215-555-0199" || got.Clinic.Logo != nil {
		t.Errorf("saved %+v", got)
	}
}

// Save with nothing changed writes nothing: it need not wait for an import.
func TestSettingsSaveWithNothingChangedWritesNothing(t *testing.T) {
	h := newDeskHarness(t, clinicSettings(), nil)
	s := h.main.settings
	test.Tap(s.save)
	if h.settings.saves != 0 || s.status.Text != "Saved" || s.save.Disabled() {
		t.Errorf("Save with no change: %d writes, status %q", h.settings.saves, s.status.Text)
	}
}

// Two handles on one database file, as the window and the command line
// beside it have: what one saves the other's form shows, and the other's
// Save keeps it.
func TestSettingsOverOneDatabaseFromTwoPrograms(t *testing.T) {
	path := filepath.Join(t.TempDir(), "desk.db")
	window, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer window.Close()
	cli, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx := context.Background()
	if err := sqlite.NewSettingsService(window).SaveSettings(ctx, clinicSettings()); err != nil {
		t.Fatal(err)
	}
	stored := sqlite.NewSettingsService(window)
	h := newDeskHarnessWith(t, clinicSettings(), nil, func(s *Services) { s.Settings, s.Changes = stored, window })
	s := h.main.settings
	h.open(s.content)
	s.website.SetText("https://riverside.example.org/desk")

	other := sqlite.NewSettingsService(cli)
	st, err := other.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Set("counselor", "Lee Park"); err != nil {
		t.Fatal(err)
	}
	if err := other.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	h.timers.fire() // the window's next look at the store
	if s.counselor.Text != "Lee Park" {
		t.Errorf("the window's form shows counselor %q after the command line saved Lee Park", s.counselor.Text)
	}
	test.Tap(s.save)
	got, err := other.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Counselor != "Lee Park" || got.Clinic.Website != "https://riverside.example.org/desk" {
		t.Errorf("stored after the window's Save: counselor %q, website %q", got.Counselor, got.Clinic.Website)
	}
}
