package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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

// oneTabStop gives e its options and keeps Tab from stopping twice at it:
// a SelectEntry's drop-down arrow is a button of its own, so Tab would stop
// at the text and then at the arrow. The arrow becomes one a pointer taps
// and Tab passes by; a keyboard user types the value instead.
func oneTabStop(e *widget.SelectEntry, options []string) {
	e.SetOptions(options) // makes the arrow, which later calls keep
	btn, ok := e.ActionItem.(*widget.Button)
	if !ok {
		return
	}
	e.ActionItem = newMenuArrow(btn.Icon, btn.OnTapped)
	e.Refresh()
}

// menuArrow is a tappable icon that is not Focusable.
type menuArrow struct {
	widget.DisableableWidget
	icon fyne.Resource
	open func()
}

func newMenuArrow(icon fyne.Resource, open func()) *menuArrow {
	a := &menuArrow{icon: icon, open: open}
	a.ExtendBaseWidget(a)
	return a
}

func (a *menuArrow) Tapped(*fyne.PointEvent) {
	if !a.Disabled() {
		a.open()
	}
}

func (a *menuArrow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewPadded(widget.NewIcon(a.icon)))
}
