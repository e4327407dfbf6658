package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TipLabel is a one-line label that elides text too long for its width
// and shows the whole text in a tooltip while the mouse is over it.
type TipLabel struct {
	widget.Label
	Full string
	tip  *widget.PopUp
}

var _ desktop.Hoverable = (*TipLabel)(nil)

// NewTipLabel returns an eliding label showing text.
func NewTipLabel(text string) *TipLabel {
	l := &TipLabel{Full: text}
	l.Text = text
	l.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	return l
}

// SetText shows text.
func (l *TipLabel) SetText(text string) {
	l.Full = text
	l.Label.SetText(text)
}

// MouseIn shows the whole text above the label when it does not fit.
func (l *TipLabel) MouseIn(ev *desktop.MouseEvent) {
	c := fyne.CurrentApp().Driver().CanvasForObject(l)
	if c == nil || l.Full == "" || fyne.MeasureText(l.Full, theme.TextSize(), l.TextStyle).Width+2*theme.InnerPadding() <= l.Size().Width {
		return
	}
	t := widget.NewLabel(l.Full)
	t.Wrapping = fyne.TextWrapWord
	w := min(c.Size().Width-20, fyne.MeasureText(l.Full, theme.TextSize(), l.TextStyle).Width+4*theme.InnerPadding())
	l.tip = widget.NewPopUp(t, c)
	h := t.MinSize().Height
	if tw := fyne.NewSize(w, 0); tw.Width > 0 {
		t.Resize(fyne.NewSize(w, 0))
		h = t.MinSize().Height
	}
	l.tip.Resize(fyne.NewSize(w, h))
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(l)
	l.tip.ShowAtPosition(fyne.NewPos(max(10, min(pos.X, c.Size().Width-w-10)), max(0, pos.Y-h-4)))
}

// MouseMoved does nothing; the tooltip stays while the mouse is over.
func (l *TipLabel) MouseMoved(*desktop.MouseEvent) {}

// MouseOut hides the tooltip.
func (l *TipLabel) MouseOut() {
	if l.tip != nil {
		l.tip.Hide()
		l.tip = nil
	}
}
