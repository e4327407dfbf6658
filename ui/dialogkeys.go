package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// overlayKey gives the dialog on top of the window the keys people
// expect (Fyne's dialogs take none): Enter presses its default button,
// the highlighted one or else its only one; Escape its cancel button, the
// one with the cancel icon or else its only one. It reports whether an
// overlay (a dialog, a select's list) is shown: the key is then the
// overlay's, and the window's own keys (Space pauses) must not act
// behind it.
func overlayKey(c fyne.Canvas, k *fyne.KeyEvent) bool {
	top := c.Overlays().Top()
	if top == nil {
		return false
	}
	var bs []*widget.Button
	buttonsIn(top, &bs)
	var def, cancel *widget.Button
	for _, b := range bs {
		if b.Disabled() || !b.Visible() {
			continue
		}
		if b.Importance == widget.HighImportance && def == nil {
			def = b
		}
		if b.Icon != nil && b.Icon.Name() == theme.CancelIcon().Name() && cancel == nil {
			cancel = b
		}
	}
	if len(bs) == 1 && cancel == nil { // an information's OK
		def, cancel = bs[0], bs[0]
	}
	press := def
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
	case fyne.KeyEscape:
		press = cancel
	default:
		return true
	}
	if press != nil && !press.Disabled() && press.OnTapped != nil {
		press.OnTapped()
	}
	return true
}

// buttonsIn collects the buttons in o's containers (a dialog's buttons
// sit in plain containers under its pop-up).
func buttonsIn(o fyne.CanvasObject, out *[]*widget.Button) {
	switch v := o.(type) {
	case *widget.Button:
		*out = append(*out, v)
	case *widget.PopUp:
		buttonsIn(v.Content, out)
	case *container.Scroll:
		buttonsIn(v.Content, out)
	case *fyne.Container:
		for _, c := range v.Objects {
			buttonsIn(c, out)
		}
	}
}

// submitOnEnter makes Enter in each entry do what the dialog's default
// button does (a focused entry takes the key before the window does).
func submitOnEnter(submit func(), entries ...*widget.Entry) {
	for _, e := range entries {
		e.OnSubmitted = func(string) { submit() }
	}
}

// unfocusDisabled takes the focus from a widget that was disabled while
// it had it: a disabled select still opened its list on Space, and a
// disabled button kept the Space that pauses and resumes training.
func unfocusDisabled(c fyne.Canvas) {
	if f, ok := c.Focused().(fyne.Disableable); ok && f.Disabled() {
		c.Unfocus()
	}
}

// progressDialog is a dialog showing content with one Cancel button (with
// the cancel icon: Escape presses it, Enter does not).
func progressDialog(title string, content fyne.CanvasObject, win fyne.Window) dialog.Dialog {
	d := dialog.NewCustomWithoutButtons(title, content, win)
	d.SetButtons([]fyne.CanvasObject{widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), d.Hide)})
	return d
}
