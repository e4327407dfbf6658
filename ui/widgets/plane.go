package widgets

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Mark is a dropped image's place on the plane: its latent mean and
// standard deviation, drawn as a dot inside an ellipse.
type Mark struct {
	X, Y   float64 // mean
	SX, SY float64 // standard deviations
	Label  string
}

// Arrow is a vector drawn on the plane, from (X0, Y0) to (X1, Y1).
type Arrow struct {
	X0, Y0, X1, Y1 float64
}

// LatentPlane is the 2-D latent space: axes in latent units, a scatter of
// encoded held-out images coloured by label, marks for dropped images, and
// a point the user drags, clicks to, or sets from the sliders. Hovering
// shows the coordinates under the mouse.
type LatentPlane struct {
	widget.BaseWidget

	// X and Y are the point, in latent units. Set them with SetPoint.
	X, Y float64
	// XLabel and YLabel name the axes' latent dimensions.
	XLabel, YLabel string
	// OnChanged is called when the user moves the point (drag or click).
	OnChanged func(x, y float64)
	// OnDragEnd is called when a drag ends.
	OnDragEnd func()
	// OnHover, when set, is called as the mouse moves over the plotted
	// square without a button pressed (in: true, with the latent point
	// under it) and when it leaves (in: false).
	OnHover func(x, y float64, in bool)
	// OnViewChanged, when set, is called after the view changes, and
	// when a new size changes the plotted square's side.
	OnViewChanged func()
	// ShowMap draws the map (SetMap) under the scatter.
	ShowMap bool
	// OnPick, when set, is called instead of moving the point when a click
	// falls within pickRadius of a scatter point, with that point's index.
	OnPick func(i int)
	// OnMarkPick, when set, is called when a click falls on a mark (a
	// dropped image), with the mark's index.
	OnMarkPick func(i int)
	// OnLasso, when set, is called when a Ctrl+drag ends, with the
	// polygon it drew (x, y pairs on the plane).
	OnLasso func(poly []float64)

	path []float64 // x, y pairs of a polyline drawn on the plane (an interpolation)

	mapImg         image.Image // the decoded manifold, drawn for mapView
	mapView        View
	scatterOpacity float64 // 0: no scatter; 1: the default look

	view     View // the part of the plane on screen
	userView bool // the user zoomed or panned: AutoFit leaves the view
	panning  bool // a middle-button pan is in progress
	panFrom  fyne.Position
	shiftPan bool // the current drag pans (Shift was held when it began)

	scatterXY     []float32 // x, y pairs
	scatterLabels []uint8
	marks         []Mark
	arrow         *Arrow
	thumbs        *Thumbs // drawn instead of dots, when set
	thumbsDrawn   []int   // the points whose thumbnails the layer shows (thinned)
	selMark       []uint8 // per scatter point: 0, or 1 or 2 when in the selection or the second one
	lasso         []float64
	lassoing      bool        // the current drag draws a lasso (Ctrl was held as it began)
	imgFg         color.Color // the text colour the scatter layer's rings were drawn in

	hovering   bool
	dragging   bool // a drag that began inside the plotted square
	dragSkip   bool // a drag that began outside it: ignored until it ends
	hoverX     float64
	hoverY     float64
	hoverPos   fyne.Position // where the mouse hovers
	scatterImg *image.RGBA   // cached scatter layer, rebuilt when stale
	scatterFor fyne.Size
	imgView    View    // view scatterImg was drawn for
	scatterGen int     // bumped when the scatter changes
	imgGen     int     // generation scatterImg was built for
	drawGen    int     // bumped when anything but the point and hover changes
	side       float32 // the plotted square's side at the last Resize
}

var (
	_ fyne.Widget         = (*LatentPlane)(nil)
	_ fyne.Draggable      = (*LatentPlane)(nil)
	_ fyne.Tappable       = (*LatentPlane)(nil)
	_ desktop.Hoverable   = (*LatentPlane)(nil)
	_ fyne.WidgetRenderer = (*planeRenderer)(nil)
)

// NewLatentPlane returns a plane showing DefaultView.
func NewLatentPlane() *LatentPlane {
	p := &LatentPlane{view: DefaultView, XLabel: "z0", YLabel: "z1", scatterOpacity: 1}
	p.ExtendBaseWidget(p)
	return p
}

// Resize sizes the plane; a new side of the plotted square is like a new
// view (OnViewChanged): more or fewer map tiles fit.
func (p *LatentPlane) Resize(size fyne.Size) {
	p.BaseWidget.Resize(size)
	if _, side := PlotRect(size); side != p.side {
		p.side = side
		if p.OnViewChanged != nil {
			p.OnViewChanged()
		}
	}
}

// Map is the decoded map drawn under the scatter and the view it was
// drawn for (nil when none).
func (p *LatentPlane) Map() (image.Image, View) { return p.mapImg, p.mapView }

// ScatterOpacity is the scatter's opacity (1: the default look).
func (p *LatentPlane) ScatterOpacity() float64 { return p.scatterOpacity }

// Path is the polyline drawn (x, y pairs), nil when none.
func (p *LatentPlane) Path() []float64 { return p.path }

// Arrow is the arrow drawn, nil when none.
func (p *LatentPlane) Arrow() *Arrow { return p.arrow }

// SetPoint moves the point without calling OnChanged. A point outside the
// view is kept; its crosshair is not drawn.
func (p *LatentPlane) SetPoint(x, y float64) {
	p.X, p.Y = x, y
	p.Refresh()
}

// SetScatter replaces the scatter: xy holds x, y pairs, labels one label
// per point (nil: all one colour).
func (p *LatentPlane) SetScatter(xy []float32, labels []uint8) {
	p.scatterXY, p.scatterLabels = xy, labels
	if len(p.selMark) != len(xy)/2 {
		p.selMark = nil // of other points: the caller sets it again
	}
	p.scatterGen++
	p.drawGen++
	p.Refresh()
}

// SetMap shows img, drawn for view v, under the scatter (nil: none).
func (p *LatentPlane) SetMap(img image.Image, v View) {
	if img == nil && p.mapImg == nil {
		return
	}
	p.mapImg, p.mapView = img, v
	p.drawGen++
	p.Refresh()
}

// SetScatterOpacity sets how opaque the scatter's dots are, 0 (hidden) to
// 1.
func (p *LatentPlane) SetScatterOpacity(a float64) {
	a = math.Max(0, math.Min(1, a))
	if a == p.scatterOpacity {
		return
	}
	p.scatterOpacity = a
	p.scatterGen++
	p.drawGen++
	p.Refresh()
}

// ScatterLen is the number of points in the scatter.
func (p *LatentPlane) ScatterLen() int { return len(p.scatterXY) / 2 }

// SetMarks replaces the dropped-image marks.
func (p *LatentPlane) SetMarks(m []Mark) {
	p.marks = m
	p.drawGen++
	p.Refresh()
}

// Marks returns the current marks.
func (p *LatentPlane) Marks() []Mark { return p.marks }

// SetArrow shows a vector on the plane (nil hides it).
func (p *LatentPlane) SetArrow(a *Arrow) {
	p.arrow = a
	p.drawGen++
	p.Refresh()
}

// clampX and clampY keep a coordinate within the view.
func (p *LatentPlane) clampX(v float64) float64 {
	return math.Max(p.view.CX-p.view.Half, math.Min(p.view.CX+p.view.Half, v))
}

func (p *LatentPlane) clampY(v float64) float64 {
	return math.Max(p.view.CY-p.view.Half, math.Min(p.view.CY+p.view.Half, v))
}

// Dragged moves the point with the mouse, or pans the view when Shift was
// held as the drag began. A drag must begin inside the plotted square;
// once begun it may leave it (the point stops at the edge).
func (p *LatentPlane) Dragged(ev *fyne.DragEvent) {
	if p.hovering {
		p.hoverPos = ev.Position // no mouse moves arrive during a drag: the mouse is here
	}
	if p.panning { // the middle button is down (the driver drags with any button)
		p.PanBy(ev.Dragged)
		return
	}
	if !p.dragging && !p.dragSkip {
		start := ev.Position.Subtract(ev.Dragged)
		if p.inPlot(start) || p.inPlot(ev.Position) {
			p.dragging, p.shiftPan = true, shiftHeld()
			if !p.shiftPan && p.OnLasso != nil && ctrlHeld() {
				p.lassoing = true
				p.lassoTo(start)
			}
		} else {
			p.dragSkip = true
		}
	}
	switch {
	case p.lassoing:
		p.lassoTo(ev.Position)
	case p.dragging && p.shiftPan:
		p.PanBy(ev.Dragged)
	case p.dragging:
		p.moveTo(ev.Position)
	}
}

// DragEnd ends a drag.
func (p *LatentPlane) DragEnd() {
	if p.lassoing {
		p.dragging = false
		p.endLasso()
		return
	}
	was, panned := p.dragging && !p.shiftPan, p.dragging && p.shiftPan
	p.dragging, p.dragSkip, p.shiftPan = false, false, false
	if was && p.OnDragEnd != nil {
		p.OnDragEnd()
	}
	if panned && p.hovering && p.OnHover != nil {
		// A Shift+drag pan moved the plane under the mouse: the hover
		// preview follows now, not at the next mouse move.
		p.hoverX, p.hoverY = p.toLatent(p.hoverPos)
		p.OnHover(p.hoverX, p.hoverY, true)
	}
}

// pickRadius is how near (in points) a click must be to a scatter point
// to pick it.
const pickRadius = 5

// Tapped picks the scatter point under the click (OnPick), or jumps the
// point there; inside the plotted square only (not on the margins, the
// ticks or beside the square).
func (p *LatentPlane) Tapped(ev *fyne.PointEvent) {
	if !p.inPlot(ev.Position) {
		return
	}
	for i, m := range p.marks {
		q := p.ToPos(m.X, m.Y)
		if dx, dy := q.X-ev.Position.X, q.Y-ev.Position.Y; dx*dx+dy*dy <= 8*8 && p.OnMarkPick != nil {
			p.OnMarkPick(i)
			return
		}
	}
	if i := p.nearest(ev.Position); i >= 0 && p.OnPick != nil && p.scatterOpacity > 0 {
		p.OnPick(i)
		return
	}
	p.moveTo(ev.Position)
}

// nearest returns the index of the scatter point nearest pos within
// pickRadius, or -1.
func (p *LatentPlane) nearest(pos fyne.Position) int {
	r := float32(pickRadius)
	if p.thumbsShown() { // a click anywhere on a thumbnail picks it
		r = ThumbSide / 2
	}
	best, bestD := -1, r*r
	square := p.thumbsShown()
	try := func(i int) {
		q := p.ToPos(float64(p.scatterXY[2*i]), float64(p.scatterXY[2*i+1]))
		dx, dy := q.X-pos.X, q.Y-pos.Y
		d := dx*dx + dy*dy
		if square && max(dx*dx, dy*dy) <= r*r {
			d = min(d, r*r) // anywhere on the thumbnail
		}
		if d <= bestD {
			best, bestD = i, d
		}
	}
	if square { // only a thumbnail on show can be clicked
		p.scatterImage()
		for _, i := range p.thumbsDrawn {
			try(i)
		}
		return best
	}
	for i := range len(p.scatterXY) / 2 {
		try(i)
	}
	return best
}

// SetPath draws a polyline through x, y pairs with a dot at each (nil:
// none).
func (p *LatentPlane) SetPath(xy []float64) {
	if xy == nil && p.path == nil {
		return
	}
	p.path = xy
	p.drawGen++
	p.Refresh()
}

// inPlot reports whether pos lies in the plotted square.
func (p *LatentPlane) inPlot(pos fyne.Position) bool {
	o, side := PlotRect(p.Size())
	return side > 0 && pos.X >= o.X && pos.Y >= o.Y && pos.X <= o.X+side && pos.Y <= o.Y+side
}

func (p *LatentPlane) moveTo(pos fyne.Position) {
	x, y := p.toLatent(pos)
	p.X, p.Y = p.clampX(x), p.clampY(y)
	p.hoverX, p.hoverY = x, y
	p.Refresh()
	if p.OnChanged != nil {
		p.OnChanged(p.X, p.Y)
	}
}

// MouseIn starts showing the coordinates under the mouse.
func (p *LatentPlane) MouseIn(ev *desktop.MouseEvent) { p.MouseMoved(ev) }

// MouseMoved updates the coordinates under the mouse (inside the plotted
// square; outside it there are none) and tells OnHover; with the middle
// button held it pans.
func (p *LatentPlane) MouseMoved(ev *desktop.MouseEvent) {
	if p.panning {
		p.PanBy(fyne.NewDelta(ev.Position.X-p.panFrom.X, ev.Position.Y-p.panFrom.Y))
		p.panFrom = ev.Position
		return
	}
	in := p.inPlot(ev.Position)
	if !in && !p.hovering {
		return
	}
	p.hovering, p.hoverPos = in, ev.Position
	p.hoverX, p.hoverY = p.toLatent(ev.Position)
	p.Refresh()
	if p.OnHover != nil && !p.dragging && ev.Button == 0 {
		p.OnHover(p.hoverX, p.hoverY, in)
	}
}

// MouseOut hides the coordinates and ends the hover.
func (p *LatentPlane) MouseOut() {
	was := p.hovering
	p.hovering, p.panning = false, false
	p.Refresh()
	if was && p.OnHover != nil {
		p.OnHover(0, 0, false)
	}
}

// HoverText is what the coordinate read-out shows ("" when not hovering).
func (p *LatentPlane) HoverText() string {
	if !p.hovering {
		return ""
	}
	return fmt.Sprintf("%s = %.2f, %s = %.2f", p.XLabel, p.hoverX, p.YLabel, p.hoverY)
}

// Margins around the plot area for tick labels.
const (
	planeLeft   = 34
	planeBottom = 22
	planePad    = 6
)

// PlotRect returns the square plot area within size: origin and side. The
// square is as large as the widget allows, centred across its width.
func PlotRect(size fyne.Size) (fyne.Position, float32) {
	w, h := size.Width-planeLeft-planePad, size.Height-planeBottom-planePad
	side := max(0, min(w, h))
	return fyne.NewPos(planeLeft+(w-side)/2, planePad), side
}

// ToPos maps latent coordinates to a position in the widget.
func (p *LatentPlane) ToPos(x, y float64) fyne.Position {
	o, side := PlotRect(p.Size())
	fx, fy := p.view.frac(x, y)
	return fyne.NewPos(o.X+float32(fx)*side, o.Y+float32(fy)*side)
}

// frac maps latent coordinates to fractions of the view's square, from its
// top left corner (y grows upwards on the plane, downwards on screen).
func (v View) frac(x, y float64) (fx, fy float64) {
	return (x - v.CX + v.Half) / (2 * v.Half), (v.CY + v.Half - y) / (2 * v.Half)
}

// toLatent maps a position in the widget to latent coordinates.
func (p *LatentPlane) toLatent(pos fyne.Position) (float64, float64) {
	o, side := PlotRect(p.Size())
	if side <= 0 {
		return p.view.CX, p.view.CY
	}
	fx := float64((pos.X - o.X) / side)
	fy := float64((pos.Y - o.Y) / side)
	v := p.view
	return v.CX - v.Half + fx*2*v.Half, v.CY + v.Half - fy*2*v.Half
}
