package widgets

import (
	"math"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// View is the part of the latent plane on screen: the square centred on
// (CX, CY) reaching Half latent units from the centre to each edge.
type View struct {
	CX, CY, Half float64
}

// DefaultView shows [-4, 4] on both axes: the prior's mass and then some.
var DefaultView = View{0, 0, 4}

// Limits of zooming, in latent units from centre to edge.
const (
	minHalf = 0.02
	maxHalf = 1000
)

// fitShare is the share of held-out codes Fit frames: their 0.5 to 99.5
// percentile box on each axis.
const fitShare = 0.99

var (
	_ fyne.Scrollable   = (*LatentPlane)(nil)
	_ desktop.Mouseable = (*LatentPlane)(nil)
)

// View returns the part of the plane on screen.
func (p *LatentPlane) View() View { return p.view }

// SetView shows v (the user's choice: later epochs do not refit it).
func (p *LatentPlane) SetView(v View) {
	p.userView = true
	p.setView(v)
}

func (p *LatentPlane) setView(v View) {
	v.Half = math.Max(minHalf, math.Min(maxHalf, v.Half))
	if v == p.view || math.IsNaN(v.CX+v.CY+v.Half) {
		return
	}
	p.view = v
	p.drawGen++
	if p.hovering { // the mouse is now over another latent point
		p.hoverX, p.hoverY = p.toLatent(p.hoverPos)
		if p.OnHover != nil && !p.dragging {
			p.OnHover(p.hoverX, p.hoverY, true)
		}
	}
	p.Refresh()
	if p.OnViewChanged != nil {
		p.OnViewChanged()
	}
}

// ZoomAt zooms by factor (above 1: in) keeping the latent point under pos
// where it is on screen.
func (p *LatentPlane) ZoomAt(pos fyne.Position, factor float64) {
	x, y := p.toLatent(pos)
	v := p.view
	half := math.Max(minHalf, math.Min(maxHalf, v.Half/factor))
	k := half / v.Half
	p.SetView(View{CX: x + (v.CX-x)*k, CY: y + (v.CY-y)*k, Half: half})
}

// Zoom zooms about the centre of the view.
func (p *LatentPlane) Zoom(factor float64) {
	o, side := PlotRect(p.Size())
	p.ZoomAt(o.AddXY(side/2, side/2), factor)
}

// PanBy moves the view so the plane follows a mouse move of d points.
func (p *LatentPlane) PanBy(d fyne.Delta) {
	_, side := PlotRect(p.Size())
	if side <= 0 {
		return
	}
	k := 2 * p.view.Half / float64(side)
	v := p.view
	p.SetView(View{CX: v.CX - float64(d.DX)*k, CY: v.CY + float64(d.DY)*k, Half: v.Half})
}

// Fit frames the scatter: the square around the box holding fitShare of
// its points on each axis, with a small margin (DefaultView without a
// scatter). Later epochs refit the view until the user zooms or pans.
func (p *LatentPlane) Fit() {
	p.userView = false
	p.setView(fitView(p.scatterXY))
}

// AutoFit fits the view unless the user has zoomed or panned since the
// last Fit.
func (p *LatentPlane) AutoFit() {
	if !p.userView {
		p.setView(fitView(p.scatterXY))
	}
}

// UserView reports whether the user has zoomed or panned since the last
// Fit.
func (p *LatentPlane) UserView() bool { return p.userView }

// fitView is the view framing fitShare of the points xy (x, y pairs).
func fitView(xy []float32) View {
	n := len(xy) / 2
	if n == 0 {
		return DefaultView
	}
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range n {
		xs[i], ys[i] = float64(xy[2*i]), float64(xy[2*i+1])
	}
	lo, hi := (1-fitShare)/2, 1-(1-fitShare)/2
	x0, x1 := quantile(xs, lo), quantile(xs, hi)
	y0, y1 := quantile(ys, lo), quantile(ys, hi)
	half := 0.55 * math.Max(x1-x0, y1-y0) // 10% margin
	if !(half > 0) {
		half = 1
	}
	return View{CX: (x0 + x1) / 2, CY: (y0 + y1) / 2, Half: math.Max(minHalf, math.Min(maxHalf, half))}
}

// quantile is the q-quantile of xs (sorted in place), interpolated.
func quantile(xs []float64, q float64) float64 {
	slices.Sort(xs)
	f := q * float64(len(xs)-1)
	i := int(f)
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[i] + (f-float64(i))*(xs[i+1]-xs[i])
}

// Scrolled zooms about the mouse: a wheel notch up zooms in by about 15%.
func (p *LatentPlane) Scrolled(ev *fyne.ScrollEvent) {
	if !p.inPlot(ev.Position) || ev.Scrolled.DY == 0 {
		return
	}
	p.ZoomAt(ev.Position, math.Pow(1.15, float64(ev.Scrolled.DY)/10))
}

// MouseDown starts a pan with the middle button.
func (p *LatentPlane) MouseDown(ev *desktop.MouseEvent) {
	if ev.Button == desktop.MouseButtonTertiary && p.inPlot(ev.Position) {
		p.panning, p.panFrom = true, ev.Position
	}
}

// MouseUp ends a middle-button pan.
func (p *LatentPlane) MouseUp(*desktop.MouseEvent) { p.panning = false }

// shiftHeld reports whether Shift is down (a Shift+drag pans).
func shiftHeld() bool {
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		return d.CurrentKeyModifiers()&fyne.KeyModifierShift != 0
	}
	return false
}
