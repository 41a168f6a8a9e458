package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"referraldesk/assets"
)

// aboutSays opens the About dialog as the menu item does, with meta as
// the app's metadata, and returns its words.
func aboutSays(t *testing.T, w fyne.Window, meta fyne.AppMetadata) string {
	t.Helper()
	showAbout(w, meta)
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("About shows no dialog")
	}
	return strings.Join(texts(top), " ")
}

// A packaged copy says the name, version and build fyne package put in
// it, from FyneApp.toml, and what the app is for.
func TestAboutSaysVersionAndBuild(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(800, 600))
	said := aboutSays(t, w, fyne.AppMetadata{ID: "org.referraldesk.desk", Name: "Referral Desk", Version: "0.1.0", Build: 7,
		Icon: fyne.NewStaticResource("icon.png", assets.Icon)})
	for _, want := range []string{"About", "Referral Desk", "Version 0.1.0 (build 7)",
		"Matches a client's needs to local support groups and prints a referral sheet."} {
		if !strings.Contains(said, want) {
			t.Errorf("About says %q, missing %q", said, want)
		}
	}
	tapButton(t, w, "Close")
	if w.Canvas().Overlays().Top() != nil {
		t.Error("Close leaves the About dialog open")
	}
}

// A copy built with plain go build, away from FyneApp.toml, has no
// version to show, and says so rather than showing fyne's placeholder.
func TestAboutItemOfADevelopmentBuild(t *testing.T) {
	test.NewTempApp(t) // its metadata is empty, as such a build's is
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(800, 600))
	item := aboutItem(w)
	if item.Label != "About Referral Desk" {
		t.Errorf("the menu item reads %q", item.Label)
	}
	item.Action()
	said := strings.Join(texts(w.Canvas().Overlays().Top()), " ")
	if !strings.Contains(said, "Referral Desk") || !strings.Contains(said, "Development build (no version recorded)") ||
		strings.Contains(said, "0.0.1") {
		t.Errorf("About of a development build says %q", said)
	}
}

// tapButton taps the visible button labelled text in the dialog on top.
func tapButton(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	var b *widget.Button
	visible(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if x, ok := o.(*widget.Button); ok && x.Text == text {
			b = x
		}
	})
	if b == nil {
		t.Fatalf("no %q button", text)
	}
	test.Tap(b)
}
