package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Caption is one line of text without a label's padding, in the theme's
// text colour (followed when the theme changes): for rows that must be
// compact, such as a slider's name and value.
type Caption struct {
	widget.BaseWidget
	Text      string
	Align     fyne.TextAlign
	Monospace bool
}

// NewCaption returns a caption showing text.
func NewCaption(text string, align fyne.TextAlign, monospace bool) *Caption {
	c := &Caption{Text: text, Align: align, Monospace: monospace}
	c.ExtendBaseWidget(c)
	return c
}

// SetText shows text.
func (c *Caption) SetText(text string) {
	if c.Text == text {
		return
	}
	c.Text = text
	c.Refresh()
}

// CreateRenderer draws the text.
func (c *Caption) CreateRenderer() fyne.WidgetRenderer {
	c.ExtendBaseWidget(c)
	r := &captionRenderer{c: c, text: canvas.NewText("", nil)}
	r.Refresh()
	return r
}

const captionPad = 2

type captionRenderer struct {
	c    *Caption
	text *canvas.Text
}

func (r *captionRenderer) Destroy() {}

func (r *captionRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.text} }

func (r *captionRenderer) MinSize() fyne.Size {
	return r.text.MinSize().Add(fyne.NewSize(2*captionPad, 2*captionPad))
}

func (r *captionRenderer) Layout(size fyne.Size) {
	m := r.text.MinSize()
	x := float32(captionPad)
	switch r.c.Align {
	case fyne.TextAlignCenter:
		x = (size.Width - m.Width) / 2
	case fyne.TextAlignTrailing:
		x = size.Width - m.Width - captionPad
	}
	r.text.Move(fyne.NewPos(x, (size.Height-m.Height)/2))
	r.text.Resize(m)
}

func (r *captionRenderer) Refresh() {
	th := r.c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.text.Text = r.c.Text
	r.text.Color = th.Color(theme.ColorNameForeground, v)
	r.text.TextSize = th.Size(theme.SizeNameText)
	r.text.TextStyle = fyne.TextStyle{Monospace: r.c.Monospace}
	r.Layout(r.c.Size())
	r.text.Refresh()
}
