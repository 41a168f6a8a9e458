package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// setShown shows or hides o.
func setShown(o fyne.CanvasObject, shown bool) {
	if shown {
		o.Show()
	} else {
		o.Hide()
	}
}

// enable turns btn on or off.
func enable(btn *widget.Button, on bool) {
	if on {
		btn.Enable()
	} else {
		btn.Disable()
	}
}
