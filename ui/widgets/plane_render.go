package widgets

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// Drawing the latent plane: the cached scatter layer and the renderer,
// which rebuilds the static layers only when they change and otherwise
// moves the crosshair alone.

// scatterImage returns the scatter layer for the current size, rebuilding
// it only when the scatter or the size changed.
func (p *LatentPlane) scatterImage() *image.RGBA {
	_, side := PlotRect(p.Size())
	s := fyne.NewSize(side, side)
	fg := color.Color(nil)
	if p.selMark != nil {
		fg = p.selectionColour(1)
	}
	if p.scatterImg != nil && p.imgGen == p.scatterGen && p.scatterFor == s && p.imgView == p.view && p.imgFg == fg {
		return p.scatterImg
	}
	p.imgFg = fg
	// Draw at device pixels where known, so dots stay crisp.
	scale := float32(1)
	if c := fyne.CurrentApp().Driver().CanvasForObject(p); c != nil {
		scale = c.Scale()
	}
	n := max(1, int(side*scale))
	if len(p.scatterXY) == 0 || p.scatterOpacity == 0 {
		n = 1 // nothing to draw: no full-size transparent texture to upload
	}
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	if p.thumbsShown() {
		p.drawThumbs(img, n, max(4, int(ThumbSide*scale)))
		p.scatterImg, p.scatterFor, p.imgGen, p.imgView = img, s, p.scatterGen, p.view
		return img
	}
	r := 1.6 * float64(scale)
	for i := 0; i+1 < len(p.scatterXY); i += 2 {
		x, y := float64(p.scatterXY[i]), float64(p.scatterXY[i+1])
		fx, fy := p.view.frac(x, y)
		px, py := fx*float64(n), fy*float64(n)
		c := color.NRGBA{0x80, 0x80, 0x80, 0xff}
		if p.scatterLabels != nil {
			c = ClassColour(p.scatterLabels[i/2])
		}
		c.A = uint8(0xb0 * p.scatterOpacity)
		if c.A == 0 {
			break
		}
		dot(img, px, py, r, c)
	}
	if p.selMark != nil {
		p.drawSelection(img, n, 3.2*float64(scale))
	}
	p.scatterImg, p.scatterFor, p.imgGen, p.imgView = img, s, p.scatterGen, p.view
	return img
}

// dot blends a filled disc into img (premultiplied alpha, so the layer
// goes to the GPU as it is: Fyne converts any other image pixel by pixel
// on every upload, a tenth of a second for an empty plane in a browser).
func dot(img *image.RGBA, cx, cy, r float64, c color.NRGBA) {
	b := img.Bounds()
	for y := int(cy - r - 1); y <= int(cy+r+1); y++ {
		for x := int(cx - r - 1); x <= int(cx+r+1); x++ {
			if x < b.Min.X || y < b.Min.Y || x >= b.Max.X || y >= b.Max.Y {
				continue
			}
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			cov := math.Max(0, math.Min(1, r+0.5-d)) // anti-aliased edge
			if cov <= 0 {
				continue
			}
			a := cov * float64(c.A) / 255
			px := img.Pix[img.PixOffset(x, y):]
			over := func(s uint8, d uint8) uint8 { return uint8(float64(s)*a + float64(d)*(1-a) + 0.5) }
			px[0], px[1], px[2], px[3] = over(c.R, px[0]), over(c.G, px[1]), over(c.B, px[2]), over(255, px[3])
		}
	}
}

// CreateRenderer builds the plane's canvas objects.
func (p *LatentPlane) CreateRenderer() fyne.WidgetRenderer {
	p.ExtendBaseWidget(p)
	r := &planeRenderer{p: p}
	r.bg = canvas.NewRectangle(color.Transparent)
	r.mapLayer = canvas.NewImageFromImage(nil)
	r.mapLayer.ScaleMode = canvas.ImageScaleSmooth
	r.mapLayer.FillMode = canvas.ImageFillStretch
	r.mapLayer.Hide()
	r.scatter = canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1)))
	r.scatter.ScaleMode = canvas.ImageScaleFastest
	if runtime.GOOS == "js" {
		// The web driver has no "fastest" filter (it logs an error for
		// every texture); the scatter is drawn 1:1, so nearest is the same.
		r.scatter.ScaleMode = canvas.ImageScalePixels
	}
	r.scatter.FillMode = canvas.ImageFillStretch
	r.hover = canvas.NewText("", color.Black)
	r.hover.TextSize = theme.CaptionTextSize()
	r.ringOuter = canvas.NewCircle(color.Transparent)
	r.ringOuter.StrokeWidth = 2.5
	r.ringInner = canvas.NewCircle(color.White)
	r.crossH = canvas.NewLine(color.Black)
	r.crossV = canvas.NewLine(color.Black)
	r.xName = canvas.NewText("", color.Black)
	r.yName = canvas.NewText("", color.Black)
	r.Refresh()
	return r
}

type planeRenderer struct {
	p *LatentPlane
	// What the static layers were last built for: moving the point (a drag
	// event) then only moves the crosshair, without re-uploading the
	// scatter texture or remaking the marks.
	built     bool
	builtSize fyne.Size
	builtGen  int
	builtFg   color.Color
	builtAxes string

	bg             *canvas.Rectangle
	mapLayer       *canvas.Image
	scatter        *canvas.Image
	grid           []*canvas.Line
	ticks          []*canvas.Text
	xName, yName   *canvas.Text
	markLines      []fyne.CanvasObject
	arrowLines     []*canvas.Line
	pathDots       []fyne.CanvasObject
	crossH, crossV *canvas.Line
	ringOuter      *canvas.Circle
	ringInner      *canvas.Circle
	hover          *canvas.Text
}

func (r *planeRenderer) Destroy() {}

func (r *planeRenderer) MinSize() fyne.Size {
	return fyne.NewSize(planeLeft+planePad+200, planeBottom+planePad+200)
}

func (r *planeRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.bg, r.mapLayer, r.scatter}
	for _, l := range r.grid {
		objs = append(objs, l)
	}
	for _, t := range r.ticks {
		objs = append(objs, t)
	}
	objs = append(objs, r.xName, r.yName)
	objs = append(objs, r.markLines...)
	for _, l := range r.arrowLines {
		objs = append(objs, l)
	}
	objs = append(objs, r.pathDots...)
	return append(objs, r.crossH, r.crossV, r.ringOuter, r.ringInner, r.hover)
}

func (r *planeRenderer) Layout(fyne.Size) { r.Refresh() }

// Refresh updates the objects from the widget's state. The static layers
// (scatter, grid, ticks, marks) are rebuilt only when they changed; a move
// of the point costs a few objects.
func (r *planeRenderer) Refresh() {
	p := r.p
	th := p.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, v)
	o, side := PlotRect(p.Size())
	axes := fmt.Sprint(p.view, p.XLabel, p.YLabel)
	if !r.built || r.builtSize != p.Size() || r.builtGen != p.drawGen || r.builtFg != fg || r.builtAxes != axes {
		r.refreshStatic(th, v, fg, o, side)
		r.built, r.builtSize, r.builtGen, r.builtFg, r.builtAxes = true, p.Size(), p.drawGen, fg, axes
	}
	r.refreshPoint(th, v, fg, o, side)
}

func (r *planeRenderer) refreshStatic(th fyne.Theme, v fyne.ThemeVariant, fg color.Color, o fyne.Position, side float32) {
	p := r.p
	gridCol := th.Color(theme.ColorNameSeparator, v)

	r.bg.FillColor = th.Color(theme.ColorNameInputBackground, v)
	r.bg.Move(o)
	r.bg.Resize(fyne.NewSquareSize(side))
	r.placeMap(o, side)
	r.scatter.Image = p.scatterImage()
	r.scatter.Move(o)
	r.scatter.Resize(fyne.NewSquareSize(side))
	r.scatter.Refresh()

	// Grid lines and tick labels at round values that follow the view.
	v0 := p.view
	xt := niceTicks(v0.CX-v0.Half, v0.CX+v0.Half, max(4, int(side/70)))
	yt := niceTicks(v0.CY-v0.Half, v0.CY+v0.Half, max(4, int(side/70)))
	nTicks := len(xt) + len(yt)
	for len(r.grid) < nTicks {
		r.grid = append(r.grid, canvas.NewLine(gridCol))
	}
	for len(r.ticks) < nTicks {
		t := canvas.NewText("", fg)
		t.TextSize = theme.CaptionTextSize()
		r.ticks = append(r.ticks, t)
	}
	r.grid, r.ticks = r.grid[:nTicks], r.ticks[:nTicks]
	for i, t := range append(xt, yt...) {
		l, tk := r.grid[i], r.ticks[i]
		l.StrokeColor, l.StrokeWidth = gridCol, 1
		if math.Abs(t) < 1e-9 {
			l.StrokeWidth = 2
		}
		label := fmtTick(t)
		tk.Text, tk.Color = label, fg
		ts := fyne.MeasureText(label, tk.TextSize, tk.TextStyle)
		if i < len(xt) { // a vertical line at x = t
			pos := p.ToPos(t, v0.CY)
			l.Position1, l.Position2 = fyne.NewPos(pos.X, o.Y), fyne.NewPos(pos.X, o.Y+side)
			tk.Move(fyne.NewPos(pos.X-ts.Width/2, o.Y+side+2))
		} else { // a horizontal line at y = t
			pos := p.ToPos(v0.CX, t)
			l.Position1, l.Position2 = fyne.NewPos(o.X, pos.Y), fyne.NewPos(o.X+side, pos.Y)
			tk.Move(fyne.NewPos(o.X-ts.Width-4, pos.Y-ts.Height/2))
		}
	}
	for _, l := range r.grid {
		l.Refresh()
	}
	for _, t := range r.ticks {
		t.Refresh()
	}
	r.xName.Text, r.yName.Text = p.XLabel, p.YLabel
	r.xName.Color, r.yName.Color = fg, fg
	r.xName.TextStyle.Bold, r.yName.TextStyle.Bold = true, true
	xs := fyne.MeasureText(p.XLabel, r.xName.TextSize, r.xName.TextStyle)
	r.xName.Move(fyne.NewPos(o.X+side-xs.Width-4, o.Y+side-xs.Height-2))
	r.yName.Move(fyne.NewPos(o.X+4, o.Y+2))
	r.xName.Refresh()
	r.yName.Refresh()

	// Marks: an ellipse of one standard deviation and a centre dot.
	r.markLines = r.markLines[:0]
	for _, m := range p.marks {
		const seg = 36
		for k := 0; k < seg; k++ {
			a0, a1 := 2*math.Pi*float64(k)/seg, 2*math.Pi*float64(k+1)/seg
			l := canvas.NewLine(colourMark)
			l.StrokeWidth = 2
			l.Position1 = p.ToPos(m.X+m.SX*math.Cos(a0), m.Y+m.SY*math.Sin(a0))
			l.Position2 = p.ToPos(m.X+m.SX*math.Cos(a1), m.Y+m.SY*math.Sin(a1))
			r.markLines = append(r.markLines, l)
		}
		c := canvas.NewCircle(colourMark)
		cp := p.ToPos(m.X, m.Y)
		c.Move(cp.SubtractXY(4, 4))
		c.Resize(fyne.NewSquareSize(8))
		r.markLines = append(r.markLines, c)
		if m.Label != "" {
			t := canvas.NewText(m.Label, colourMark)
			t.TextSize = theme.CaptionTextSize()
			t.TextStyle.Bold = true
			t.Move(cp.AddXY(6, -16))
			r.markLines = append(r.markLines, t)
		}
	}

	// Arrow: a shaft and two head strokes; then the path, a line through
	// its points with a dot at each.
	r.arrowLines = r.arrowLines[:0]
	for i := 0; i+3 < len(p.path); i += 2 {
		l := canvas.NewLine(colourMark)
		l.StrokeWidth = 2
		l.Position1, l.Position2 = p.ToPos(p.path[i], p.path[i+1]), p.ToPos(p.path[i+2], p.path[i+3])
		r.arrowLines = append(r.arrowLines, l)
	}
	for i := 0; i+3 < len(p.lasso); i += 2 {
		l := canvas.NewLine(fg)
		l.StrokeWidth = 1.5
		l.Position1, l.Position2 = p.ToPos(p.lasso[i], p.lasso[i+1]), p.ToPos(p.lasso[i+2], p.lasso[i+3])
		r.arrowLines = append(r.arrowLines, l)
	}
	r.pathDots = r.pathDots[:0]
	for i := 0; i+1 < len(p.path); i += 2 {
		c := canvas.NewCircle(colourMark)
		c.Move(p.ToPos(p.path[i], p.path[i+1]).SubtractXY(3, 3))
		c.Resize(fyne.NewSquareSize(6))
		r.pathDots = append(r.pathDots, c)
	}
	if a := p.arrow; a != nil {
		p0, p1 := p.ToPos(a.X0, a.Y0), p.ToPos(a.X1, a.Y1)
		ang := math.Atan2(float64(p1.Y-p0.Y), float64(p1.X-p0.X))
		add := func(q0, q1 fyne.Position) {
			l := canvas.NewLine(fg)
			l.StrokeWidth = 3
			l.Position1, l.Position2 = q0, q1
			r.arrowLines = append(r.arrowLines, l)
		}
		add(p0, p1)
		for _, d := range []float64{2.6, -2.6} {
			add(p1, p1.AddXY(float32(12*math.Cos(ang+d)), float32(12*math.Sin(ang+d))))
		}
	}

	r.bg.Refresh()
}

func (r *planeRenderer) refreshPoint(th fyne.Theme, v fyne.ThemeVariant, fg color.Color, o fyne.Position, side float32) {
	p := r.p
	// The point: a crosshair and a ring, when it is in view.
	pt := p.ToPos(p.X, p.Y)
	inView := pt.X >= o.X && pt.X <= o.X+side && pt.Y >= o.Y && pt.Y <= o.Y+side
	for _, obj := range []fyne.CanvasObject{r.crossH, r.crossV, r.ringOuter, r.ringInner} {
		SetVisible(obj, inView)
	}
	accent := th.Color(theme.ColorNamePrimary, v)
	r.crossH.StrokeColor, r.crossV.StrokeColor = accent, accent
	r.crossH.Position1, r.crossH.Position2 = fyne.NewPos(o.X, pt.Y), fyne.NewPos(o.X+side, pt.Y)
	r.crossV.Position1, r.crossV.Position2 = fyne.NewPos(pt.X, o.Y), fyne.NewPos(pt.X, o.Y+side)
	r.crossH.Refresh()
	r.crossV.Refresh()
	r.ringOuter.StrokeColor = accent
	r.ringOuter.Move(pt.SubtractXY(9, 9))
	r.ringOuter.Resize(fyne.NewSquareSize(18))
	r.ringOuter.Refresh()
	r.ringInner.FillColor = accent
	r.ringInner.Move(pt.SubtractXY(4, 4))
	r.ringInner.Resize(fyne.NewSquareSize(8))
	r.ringInner.Refresh()

	r.hover.Text = p.HoverText()
	r.hover.Color = fg
	hs := fyne.MeasureText(r.hover.Text, r.hover.TextSize, r.hover.TextStyle)
	r.hover.Move(fyne.NewPos(o.X+side-hs.Width-4, o.Y+2))
	r.hover.Refresh()
}

// placeMap puts the map under the scatter. A map drawn for another view
// (the user zoomed or panned, its redraw is on its way) is cropped to the
// part still in view and placed where that part now is.
func (r *planeRenderer) placeMap(o fyne.Position, side float32) {
	p := r.p
	if !p.ShowMap || p.mapImg == nil || side <= 0 {
		SetVisible(r.mapLayer, false)
		return
	}
	v, mv := p.view, p.mapView
	// The overlap of the two views, in latent units.
	x0, x1 := math.Max(v.CX-v.Half, mv.CX-mv.Half), math.Min(v.CX+v.Half, mv.CX+mv.Half)
	y0, y1 := math.Max(v.CY-v.Half, mv.CY-mv.Half), math.Min(v.CY+v.Half, mv.CY+mv.Half)
	if x1 <= x0 || y1 <= y0 {
		SetVisible(r.mapLayer, false)
		return
	}
	b := p.mapImg.Bounds()
	px := func(x float64) int { return b.Min.X + int(math.Round((x-(mv.CX-mv.Half))/(2*mv.Half)*float64(b.Dx()))) }
	py := func(y float64) int { return b.Min.Y + int(math.Round((mv.CY+mv.Half-y)/(2*mv.Half)*float64(b.Dy()))) }
	img := p.mapImg
	if v != mv {
		if sub, ok := img.(interface {
			SubImage(image.Rectangle) image.Image
		}); ok {
			img = sub.SubImage(image.Rect(px(x0), py(y1), px(x1), py(y0)))
		}
	}
	tl, br := p.ToPos(x0, y1), p.ToPos(x1, y0)
	r.mapLayer.Translucency = 0
	if p.scatterOpacity > 0 { // under the scatter: dimmed so the dots stand out
		r.mapLayer.Translucency = 0.45
	}
	r.mapLayer.Image = img
	r.mapLayer.Move(tl)
	r.mapLayer.Resize(fyne.NewSize(br.X-tl.X, br.Y-tl.Y))
	SetVisible(r.mapLayer, true)
	r.mapLayer.Refresh()
}
