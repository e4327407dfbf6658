package widgets

import "fyne.io/fyne/v2"

// SetVisible shows or hides o, touching it only when that changes.
func SetVisible(o fyne.CanvasObject, on bool) {
	if on && !o.Visible() {
		o.Show()
	} else if !on && o.Visible() {
		o.Hide()
	}
}
