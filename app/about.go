package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// aboutIconSize is how large the app's icon shows in the About dialog.
const aboutIconSize = 64

// aboutItem is the Help menu's About item: it shows which version of
// Referral Desk this is, so a counselor can tell support what they run.
func aboutItem(w fyne.Window) *fyne.MenuItem {
	return fyne.NewMenuItem(lang.L("About Referral Desk"), func() {
		showAbout(w, fyne.CurrentApp().Metadata())
	})
}

// showAbout shows the name, version and build that `fyne package` (or,
// when run from the source folder, fyne's reading of FyneApp.toml) put in
// meta, and one line on what the app is for.
func showAbout(w fyne.Window, meta fyne.AppMetadata) *dialog.CustomDialog {
	name := widget.NewLabelWithStyle(aboutName(meta), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	version := widget.NewLabelWithStyle(aboutVersion(meta), fyne.TextAlignCenter, fyne.TextStyle{})
	what := widget.NewLabelWithStyle(lang.L("Matches a client's needs to local support groups and prints a referral sheet."),
		fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	what.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(name, version, what)
	if meta.Icon != nil {
		icon := canvas.NewImageFromResource(meta.Icon)
		icon.FillMode = canvas.ImageFillContain
		icon.SetMinSize(fyne.NewSquareSize(aboutIconSize))
		box.Objects = append([]fyne.CanvasObject{container.NewCenter(icon)}, box.Objects...)
	}
	d := dialog.NewCustom(lang.L("About"), lang.L("Close"), box, w)
	d.Resize(fyne.NewSize(420, d.MinSize().Height))
	d.Show()
	return d
}

// aboutName is the packaged name; a binary built without metadata (plain
// `go build`, run away from FyneApp.toml) has none.
func aboutName(meta fyne.AppMetadata) string {
	if meta.Name == "" {
		return lang.L("Referral Desk")
	}
	return meta.Name
}

// aboutVersion says the version and build, or that this copy was built
// without them, which support needs to know as much as a number.
func aboutVersion(meta fyne.AppMetadata) string {
	if meta.Name == "" && meta.ID == "" {
		return lang.L("Development build (no version recorded)")
	}
	return lang.L("Version {{.Version}} (build {{.Build}})", map[string]any{"Version": meta.Version, "Build": meta.Build})
}
