package widgets

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
)

// Selecting on the plane: a Ctrl+drag draws a lasso; when it ends the
// plane hands the polygon to OnLasso. The selection itself belongs to the
// caller, who shows it with SetSelection: the selected points ringed in
// the text colour (the second selection in the marks' magenta).

// minLasso is how many points a lasso needs to enclose anything.
const minLasso = 3

// SetSelection rings the scatter points a (the selection) and b (a
// second one kept for comparison); nil: none.
func (p *LatentPlane) SetSelection(a, b []int) {
	n := len(p.scatterXY) / 2
	if len(a) == 0 && len(b) == 0 {
		p.selMark = nil
	} else {
		p.selMark = make([]uint8, n)
		for _, i := range b {
			if i >= 0 && i < n {
				p.selMark[i] = 2
			}
		}
		for _, i := range a {
			if i >= 0 && i < n {
				p.selMark[i] = 1
			}
		}
	}
	p.scatterGen++
	p.drawGen++
	p.Refresh()
}

// Lasso is the polygon being drawn (x, y pairs), nil when none.
func (p *LatentPlane) Lasso() []float64 { return p.lasso }

// lassoTo adds the mouse's position to the lasso being drawn.
func (p *LatentPlane) lassoTo(pos fyne.Position) {
	x, y := p.toLatent(pos)
	p.lasso = append(p.lasso, x, y)
	p.drawGen++
	p.Refresh()
}

// endLasso ends the lasso being drawn and hands it to OnLasso.
func (p *LatentPlane) endLasso() {
	poly := p.lasso
	p.lasso, p.lassoing = nil, false
	p.drawGen++
	p.Refresh()
	if len(poly) >= 2*minLasso && p.OnLasso != nil {
		p.OnLasso(poly)
	}
}

// PointsIn is the indices of the scatter points inside poly (x, y pairs,
// closed from its last point to its first), ascending.
func (p *LatentPlane) PointsIn(poly []float64) []int {
	var out []int
	if len(poly) < 2*minLasso {
		return out
	}
	x0, y0, x1, y1 := poly[0], poly[1], poly[0], poly[1]
	for i := 2; i+1 < len(poly); i += 2 {
		x0, x1 = min(x0, poly[i]), max(x1, poly[i])
		y0, y1 = min(y0, poly[i+1]), max(y1, poly[i+1])
	}
	for i := range len(p.scatterXY) / 2 {
		x, y := float64(p.scatterXY[2*i]), float64(p.scatterXY[2*i+1])
		if x >= x0 && x <= x1 && y >= y0 && y <= y1 && InPolygon(poly, x, y) {
			out = append(out, i)
		}
	}
	return out
}

// InPolygon reports whether (x, y) is inside poly (x, y pairs, closed),
// by the even-odd rule: a ray to the right crosses its edges an odd
// number of times.
func InPolygon(poly []float64, x, y float64) bool {
	in := false
	n := len(poly) / 2
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		xi, yi, xj, yj := poly[2*i], poly[2*i+1], poly[2*j], poly[2*j+1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

// ctrlHeld reports whether Ctrl (Cmd on a Mac) is held.
func ctrlHeld() bool {
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		return d.CurrentKeyModifiers()&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0
	}
	return false
}

// selectionColour is the ring of selection mark k (1: the selection, in
// the theme's accent colour, which stands out on both themes and on
// black thumbnails; 2: the second, in magenta).
func (p *LatentPlane) selectionColour(k uint8) color.NRGBA {
	if k == 2 {
		return colourMark
	}
	r, g, b, _ := p.Theme().Color(theme.ColorNamePrimary, fyne.CurrentApp().Settings().ThemeVariant()).RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}
}

// drawSelection rings the selected points in the scatter layer (dots
// only: selected thumbnails get a frame of the ring's colour instead).
func (p *LatentPlane) drawSelection(img *image.RGBA, n int, r float64) {
	for i, k := range p.selMark {
		if k == 0 {
			continue
		}
		fx, fy := p.view.frac(float64(p.scatterXY[2*i]), float64(p.scatterXY[2*i+1]))
		ring(img, fx*float64(n), fy*float64(n), r, p.selectionColour(k))
	}
}

// ring blends a circle outline, about one pixel wide, into img.
func ring(img *image.RGBA, cx, cy, r float64, c color.NRGBA) {
	b := img.Bounds()
	for y := int(cy - r - 2); y <= int(cy+r+2); y++ {
		for x := int(cx - r - 2); x <= int(cx+r+2); x++ {
			if x < b.Min.X || y < b.Min.Y || x >= b.Max.X || y >= b.Max.Y {
				continue
			}
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			d := dx*dx + dy*dy
			if d < (r-0.7)*(r-0.7) || d > (r+0.7)*(r+0.7) {
				continue
			}
			px := img.Pix[img.PixOffset(x, y):]
			px[0], px[1], px[2], px[3] = c.R, c.G, c.B, 255
		}
	}
}
