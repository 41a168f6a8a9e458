package app

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// keys drives the window as the desktop driver does, one key at a time,
// and counts the inputs: typing a field's text is one, every other key one.
type keys struct {
	t *testing.T
	m *mainWindow
	n int
}

func (k *keys) canvas() fyne.Canvas { return k.m.win.Canvas() }

// typeText types text into the focused widget.
func (k *keys) typeText(text string) {
	k.t.Helper()
	f := k.canvas().Focused()
	if f == nil {
		k.t.Fatalf("input %d: nothing is focused to type %q into", k.n+1, text)
	}
	test.Type(f, text)
	k.n++
}

// press sends one key: Tab moves the focus, anything else goes to the
// focused widget, else to the window.
func (k *keys) press(name fyne.KeyName) {
	k.n++
	c := k.canvas()
	switch {
	case name == fyne.KeyTab:
		c.FocusNext()
	case c.Focused() != nil:
		if name == fyne.KeySpace {
			c.Focused().TypedRune(' ') // a check ticks on the typed space
		}
		c.Focused().TypedKey(&fyne.KeyEvent{Name: name})
	default:
		c.OnTypedKey()(&fyne.KeyEvent{Name: name})
	}
}

// shortcut sends a key with a modifier: the menu's item for it runs, as the
// desktop driver looks there first, else the canvas's shortcut.
func (k *keys) shortcut(s *desktop.CustomShortcut) {
	k.n++
	for _, menu := range k.m.mainMenu().Items {
		for _, it := range menu.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == s.ShortcutName() {
				it.Action()
				return
			}
		}
	}
	canvasShortcut(k.t, k.canvas(), s)
}

// canvasShortcut hands s to the canvas, as the desktop driver does when
// the menu does not have it and nothing focused takes it. The test
// driver's canvas wraps the one that holds the shortcuts.
func canvasShortcut(t *testing.T, c fyne.Canvas, s fyne.Shortcut) {
	t.Helper()
	inner, ok := c.(fyne.Shortcutable)
	if !ok {
		f := reflect.ValueOf(c).Elem().FieldByName("WindowlessCanvas")
		inner, ok = f.Interface().(fyne.Shortcutable)
	}
	if !ok {
		t.Fatalf("the canvas %T takes no shortcuts", c)
	}
	inner.TypedShortcut(s)
}

func (k *keys) tabTo(want fyne.Focusable, most int) {
	k.t.Helper()
	for range most {
		if k.canvas().Focused() == want {
			return
		}
		k.press(fyne.KeyTab)
	}
	if k.canvas().Focused() != want {
		k.t.Fatalf("%d Tabs did not reach %T; focus is on %T", most, want, k.canvas().Focused())
	}
}

// TestKeyboardClientToSavedSheet walks the usual client — ZIP, one day,
// evening, opioids, on MOUD — from New client to a saved sheet by keys
// alone.
func TestKeyboardClientToSavedSheet(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	dir := t.TempDir()
	// The save dialog opens where the last one saved.
	fyne.CurrentApp().Preferences().SetString("fyne:fileDialogLastFolder", storage.NewFileURI(dir).String())
	h.bar.logged = h.main.onReferralLogged // the window's own hook, which the harness replaced
	f := h.f
	k := &keys{t: t, m: h.main}

	k.shortcut(keyNewClient)
	if k.canvas().Focused() != f.zip {
		t.Fatalf("New client should put the focus in the ZIP code, not %T", k.canvas().Focused())
	}
	k.typeText("19107")
	k.shortcut(keyDays)
	k.tabTo(f.days[time.Tuesday], 2)
	k.press(fyne.KeySpace)
	k.shortcut(keyTimes)
	k.tabTo(f.times[2], 2)
	k.press(fyne.KeySpace)
	k.shortcut(keyMOUD)
	k.press(fyne.KeySpace)
	h.settle()
	n, _, _ := f.read()
	if n.ZIP != "19107" || !slices.Equal(n.Days, []time.Weekday{time.Tuesday}) ||
		!slices.Equal(n.Times, []referral.TimeBand{referral.Evening}) || !n.MOUD ||
		!slices.Equal(n.Substances, []referral.Substance{referral.SubstanceOpioids}) {
		t.Fatalf("the keys gave the needs %+v", n)
	}
	if len(h.s.cards) == 0 || len(h.tickedNames()) == 0 {
		t.Fatalf("no group ticked to print; the results side says %q", h.notice())
	}
	k.shortcut(keySave)
	k.press(fyne.KeyReturn) // the file dialog's name box has the focus and a proposed name
	path := filepath.Join(dir, "referral-2026-03-10.pdf")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("after %d inputs no sheet was saved: %v; the window says %q", k.n, err, h.said())
	}
	if !strings.Contains(string(got), h.tickedNames()[0]) {
		t.Errorf("the saved sheet does not list %s", h.tickedNames()[0])
	}
	t.Logf("from New client to a saved sheet: %d inputs", k.n)
	if k.n > 15 {
		t.Errorf("%d inputs, want at most 15", k.n)
	}

	if !strings.Contains(h.said(), "Sheet ready") {
		t.Fatalf("after saving the window says %q", h.said())
	}
	if !h.s.done.Visible() || h.s.newClient.Importance != widget.HighImportance {
		t.Error("after the sheet is saved the screen should offer New client")
	}
	// The dialog's main button is the next client: Enter clears the screen
	// and puts the focus back in the ZIP code.
	k.press(fyne.KeyReturn)
	if h.said() != "" {
		t.Errorf("Enter should close the Sheet ready dialog; it still says %q", h.said())
	}
	if n, _, _ := f.read(); n.ZIP != "" || len(n.Days) != 0 || n.MOUD || len(h.s.cards) != 0 || h.s.done.Visible() {
		t.Errorf("Enter on Sheet ready left the client: needs %+v, %d results", n, len(h.s.cards))
	}
	if k.canvas().Focused() != f.zip {
		t.Errorf("after the next client the focus is on %T, want the ZIP code", k.canvas().Focused())
	}
}

func TestKeyboardFindSwitchesToTheDirectory(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	k := &keys{t: t, m: h.main}
	k.shortcut(keyFind)
	if h.main.tabs.Selected().Content != h.main.directory.content {
		t.Errorf("Ctrl+F shows the %q tab, want Directory", h.main.tabs.Selected().Text)
	}
	if h.win.Canvas().Focused() != h.main.directory.search {
		t.Errorf("Ctrl+F focuses %T, want the Directory's search box", h.win.Canvas().Focused())
	}
	k.shortcut(keyNewClient)
	if h.main.tabs.Selected().Content != h.main.referral.content || h.win.Canvas().Focused() != h.f.zip {
		t.Errorf("Ctrl+N shows the %q tab with %T focused, want Referral and the ZIP code",
			h.main.tabs.Selected().Text, h.win.Canvas().Focused())
	}
}

func TestKeyboardShortcutsWorkOnTheCanvas(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	c := h.win.Canvas()
	c.Unfocus()
	canvasShortcut(t, c, keyPreview)
	if h.bar.shown == nil {
		t.Fatalf("the Preview key on the canvas showed no preview; the window says %q", h.said())
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.bar.shown != nil || len(h.opened) != 1 {
		t.Errorf("Enter in the preview should press its main button, Print: %d files handed to the viewer", len(h.opened))
	}
}

// Escape closes what has a way out (the preview's Close, a message's
// Cancel) and leaves a question only its answers may close.
func TestKeyboardEscapeClosesThePreview(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	c := h.win.Canvas()
	c.Unfocus()
	canvasShortcut(t, c, keyPreview)
	if h.bar.shown == nil {
		t.Fatalf("no preview to close; the window says %q", h.said())
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if h.bar.shown != nil || h.said() != "" || len(h.opened) != 0 || len(h.log.logged) != 0 {
		t.Errorf("Escape left the preview open (%q) or printed %d", h.said(), len(h.opened))
	}

	askChoice(h.win, "Which one?", widget.NewLabel("Keep yours or theirs?"), "Theirs", "Yours", func() {
		t.Error("Escape answered a question that has no way out")
	}, func() { t.Error("Escape answered a question that has no way out") })
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if !strings.Contains(h.said(), "Which one?") {
		t.Errorf("Escape closed a question only its answers may close; the window says %q", h.said())
	}
}

func TestKeyboardMenuListsTheKeys(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	var got []string
	for _, menu := range h.main.mainMenu().Items {
		for _, it := range menu.Items {
			if it.Shortcut != nil {
				got = append(got, menu.Label+" → "+it.Label)
			}
		}
	}
	want := []string{"File → New client", "File → Preview", "File → Save PDF…", "File → Print…",
		"Go → Find in directory", "Go → ZIP code", "Go → Days", "Go → Times", "Go → Medication"}
	if !slices.Equal(got, want) {
		t.Errorf("the menu's items with keys are\n%q\nwant\n%q", got, want)
	}
	menus := h.main.mainMenu().Items
	if last := menus[len(menus)-1]; last.Label != "Help" || len(last.Items) == 0 {
		t.Errorf("the last menu is %q, want Help with About", last.Label)
	}
}

func TestKeyboardMilesIsOneTabStop(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	c := h.win.Canvas()
	c.Focus(h.f.miles)
	c.FocusNext()
	if c.Focused() != h.f.place {
		t.Errorf("Tab from the distance goes to %T, want the town box", c.Focused())
	}
	c.FocusNext()
	if c.Focused() != h.f.days[0] {
		t.Errorf("Tab from the town box goes to %T, want Sunday", c.Focused())
	}
}
