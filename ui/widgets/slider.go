package widgets

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ValueSlider is a horizontal slider that is a view: SetValue only moves
// the thumb, and OnChanged runs only when the user moves it (drag or tap).
// So a slider can show a value owned elsewhere (the session's point)
// without feeding it back. Values outside [Min, Max] are kept and drawn at
// the end of the track.
type ValueSlider struct {
	widget.BaseWidget

	Value, Min, Max float64
	// OnChanged is called with each value the user drags or taps to.
	OnChanged func(float64)
	// OnChangeEnded is called when a drag or tap ends.
	OnChangeEnded func(float64)
}

var (
	_ fyne.Widget    = (*ValueSlider)(nil)
	_ fyne.Draggable = (*ValueSlider)(nil)
	_ fyne.Tappable  = (*ValueSlider)(nil)
)

// NewValueSlider returns a slider over [min, max] at 0 (clamped).
func NewValueSlider(min, max float64) *ValueSlider {
	s := &ValueSlider{Min: min, Max: max, Value: math.Max(min, math.Min(max, 0))}
	s.ExtendBaseWidget(s)
	return s
}

// SetValue shows v without calling OnChanged.
func (s *ValueSlider) SetValue(v float64) {
	if s.Value == v {
		return
	}
	s.Value = v
	s.Refresh()
}

const sliderPad = 8 // track inset, so the thumb fits at the ends

// PosOf is where the thumb sits for value v (a test drags it there).
func (s *ValueSlider) PosOf(v float64) fyne.Position {
	w := s.Size().Width - 2*sliderPad
	return fyne.NewPos(sliderPad+float32((v-s.Min)/(s.Max-s.Min))*w, s.Size().Height/2)
}

func (s *ValueSlider) valueAt(x float32) float64 {
	w := s.Size().Width - 2*sliderPad
	if w <= 0 {
		return s.Value
	}
	f := math.Max(0, math.Min(1, float64((x-sliderPad)/w)))
	return s.Min + f*(s.Max-s.Min)
}

func (s *ValueSlider) userSet(x float32) {
	v := math.Round(s.valueAt(x)*100) / 100 // two decimals, as shown
	s.SetValue(v)
	if s.OnChanged != nil {
		s.OnChanged(v)
	}
}

// Dragged follows the mouse.
func (s *ValueSlider) Dragged(ev *fyne.DragEvent) { s.userSet(ev.Position.X) }

// DragEnd ends a drag.
func (s *ValueSlider) DragEnd() {
	if s.OnChangeEnded != nil {
		s.OnChangeEnded(s.Value)
	}
}

// Tapped jumps to the tapped value.
func (s *ValueSlider) Tapped(ev *fyne.PointEvent) {
	s.userSet(ev.Position.X)
	s.DragEnd()
}

// CreateRenderer draws a track, the filled part from the centre and a
// thumb.
func (s *ValueSlider) CreateRenderer() fyne.WidgetRenderer {
	s.ExtendBaseWidget(s)
	r := &sliderRenderer{s: s,
		track: canvas.NewRectangle(color.Transparent),
		fill:  canvas.NewRectangle(color.Transparent),
		thumb: canvas.NewCircle(color.Transparent)}
	r.track.CornerRadius, r.fill.CornerRadius = 2, 2
	return r
}

type sliderRenderer struct {
	s           *ValueSlider
	track, fill *canvas.Rectangle
	thumb       *canvas.Circle
}

func (r *sliderRenderer) Destroy() {}

func (r *sliderRenderer) MinSize() fyne.Size { return fyne.NewSize(60, 24) }

func (r *sliderRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.track, r.fill, r.thumb}
}

func (r *sliderRenderer) Layout(fyne.Size) { r.Refresh() }

func (r *sliderRenderer) Refresh() {
	s := r.s
	th := s.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	size := s.Size()
	w := size.Width - 2*sliderPad
	cy := size.Height / 2
	pos := func(val float64) float32 {
		f := (math.Max(s.Min, math.Min(s.Max, val)) - s.Min) / (s.Max - s.Min)
		return sliderPad + float32(f)*w
	}
	r.track.FillColor = th.Color(theme.ColorNameInputBackground, v)
	r.track.Move(fyne.NewPos(sliderPad, cy-2))
	r.track.Resize(fyne.NewSize(w, 4))
	x0, x1 := pos(0), pos(s.Value)
	r.fill.FillColor = th.Color(theme.ColorNamePrimary, v)
	r.fill.Move(fyne.NewPos(min(x0, x1), cy-2))
	r.fill.Resize(fyne.NewSize(float32(math.Abs(float64(x1-x0))), 4))
	r.thumb.FillColor = th.Color(theme.ColorNamePrimary, v)
	r.thumb.Move(fyne.NewPos(x1-7, cy-7))
	r.thumb.Resize(fyne.NewSquareSize(14))
	r.track.Refresh()
	r.fill.Refresh()
	r.thumb.Refresh()
}
