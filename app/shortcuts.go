package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
)

// The window's keys. Each one is a menu item too, so the menu lists it;
// the same keys are registered on the canvas, which answers them when the
// focus is on nothing that takes keys of its own.
//
//	Ctrl+N        New client
//	Ctrl+Shift+P  Preview
//	Ctrl+S        Save PDF…
//	Ctrl+P        Print…
//	Ctrl+F        Find in directory
//	Alt+Z         go to the ZIP code
//	Alt+D         go to the days
//	Alt+T         go to the times
//	Alt+M         go to the medication box
//
// (Cmd instead of Ctrl on a Mac.) The Alt keys let a counselor jump to
// the needs asked most often without tabbing through all the others.
var (
	keyNewClient = shortcutKey(fyne.KeyN, fyne.KeyModifierShortcutDefault)
	keyPreview   = shortcutKey(fyne.KeyP, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift)
	keySave      = shortcutKey(fyne.KeyS, fyne.KeyModifierShortcutDefault)
	keyPrint     = shortcutKey(fyne.KeyP, fyne.KeyModifierShortcutDefault)
	keyFind      = shortcutKey(fyne.KeyF, fyne.KeyModifierShortcutDefault)
	keyZIP       = shortcutKey(fyne.KeyZ, fyne.KeyModifierAlt)
	keyDays      = shortcutKey(fyne.KeyD, fyne.KeyModifierAlt)
	keyTimes     = shortcutKey(fyne.KeyT, fyne.KeyModifierAlt)
	keyMOUD      = shortcutKey(fyne.KeyM, fyne.KeyModifierAlt)
)

func shortcutKey(key fyne.KeyName, mod fyne.KeyModifier) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: key, Modifier: mod}
}

// menuItem is a menu item that its shortcut also runs.
func menuItem(label string, key *desktop.CustomShortcut, do func()) *fyne.MenuItem {
	it := fyne.NewMenuItem(label, do)
	it.Shortcut = key
	return it
}

// fileItems are the File menu: the client's sheet from start to end.
func (m *mainWindow) fileItems() []*fyne.MenuItem {
	return []*fyne.MenuItem{
		menuItem(lang.L("New client"), keyNewClient, m.onNewClient),
		fyne.NewMenuItemSeparator(),
		menuItem(lang.L("Preview"), keyPreview, m.onSheetKey(func(b *sheetBar) { b.onPreview() })),
		menuItem(lang.L("Save PDF…"), keySave, m.onSheetKey(func(b *sheetBar) { b.onSave() })),
		menuItem(lang.L("Print…"), keyPrint, m.onSheetKey(func(b *sheetBar) { b.onPrint() })),
	}
}

// goItems are the Go menu: where the focus jumps.
func (m *mainWindow) goItems() []*fyne.MenuItem {
	f := m.referral.form
	return []*fyne.MenuItem{
		menuItem(lang.L("Find in directory"), keyFind, m.onFind),
		fyne.NewMenuItemSeparator(),
		menuItem(lang.L("ZIP code"), keyZIP, m.focusNeed(f.zip)),
		menuItem(lang.L("Days"), keyDays, m.focusNeed(f.days[0])),
		menuItem(lang.L("Times"), keyTimes, m.focusNeed(f.times[0])),
		menuItem(lang.L("Medication"), keyMOUD, m.focusNeed(f.moud)),
	}
}

// addShortcuts registers every menu item's key on the canvas.
func (m *mainWindow) addShortcuts(menu *fyne.MainMenu) {
	c := m.win.Canvas()
	for _, sub := range menu.Items {
		for _, it := range sub.Items {
			if it.Shortcut != nil && it.Action != nil {
				do := it.Action
				c.AddShortcut(it.Shortcut, func(fyne.Shortcut) { do() })
			}
		}
	}
	c.SetOnTypedKey(m.onTypedKey)
}

// onTypedKey gets the keys nothing focused took: Enter answers the dialog
// on top with its main button, Escape closes it when it can be closed.
func (m *mainWindow) onTypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		confirmTopDialog(m.win.Canvas())
	case fyne.KeyEscape:
		dismissTopDialog(m.win.Canvas())
	}
}

// onNewClient clears the Referral screen for the next client and puts the
// focus in the ZIP code, the first thing asked.
func (m *mainWindow) onNewClient() {
	if m.win.Canvas().Overlays().Top() != nil {
		return // a dialog is open: its work is for the client on screen
	}
	m.showReferral()
	m.referral.onNewClient()
	m.win.Canvas().Focus(m.referral.form.zip)
}

// onSheetKey runs a Sheet bar action from the keyboard on the Referral
// screen. While a sheet is being written the keys wait, as the buttons do;
// otherwise the action runs even with its button off, so the counselor
// hears what stops the sheet.
func (m *mainWindow) onSheetKey(do func(b *sheetBar)) func() {
	return func() {
		b := m.referral.sheet
		if b.busy || m.win.Canvas().Overlays().Top() != nil {
			return
		}
		m.showReferral()
		do(b)
	}
}

// onFind opens the Directory with the focus in its search box.
func (m *mainWindow) onFind() {
	if m.win.Canvas().Overlays().Top() != nil {
		return
	}
	m.selectTab(m.directory.content)
	m.win.Canvas().Focus(m.directory.search)
}

func (m *mainWindow) focusNeed(f fyne.Focusable) func() {
	return func() {
		if m.win.Canvas().Overlays().Top() != nil {
			return
		}
		m.showReferral()
		m.win.Canvas().Focus(f)
	}
}

func (m *mainWindow) showReferral() { m.selectTab(m.referral.content) }

// selectTab selects the tab showing content.
func (m *mainWindow) selectTab(content fyne.CanvasObject) {
	for _, t := range m.tabs.Items {
		if t.Content == content && m.tabs.Selected() != t {
			m.tabs.Select(t)
		}
	}
}
