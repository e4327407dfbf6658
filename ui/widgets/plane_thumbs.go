package widgets

import (
	"image"
)

// Thumbs are the scatter points' own images, one sprite sheet: point i's
// image is Pix[i*Side*Side*Channels:], rows of Side pixels, grey
// (Channels 1) or RGB (3). The plane draws them instead of dots, into the
// scatter layer: one texture, however many images show.
type Thumbs struct {
	Side, Channels int
	Pix            []uint8
}

// count is how many whole images the sheet holds.
func (t *Thumbs) count() int {
	n := t.Side * t.Side * t.Channels
	if n <= 0 {
		return 0
	}
	return len(t.Pix) / n
}

// ThumbSide is a thumbnail's side on the plane, in points.
const ThumbSide = 28

// showAllThumbs is how many thumbnails may show in the view before they
// are thinned: at or below it (zoomed in), every one is drawn.
const showAllThumbs = 300

// SetThumbnails draws t's images at the scatter's points instead of dots
// (nil: dots again). The sheet must hold one image per scatter point, in
// the scatter's order; the plane keeps t and does not change it.
func (p *LatentPlane) SetThumbnails(t *Thumbs) {
	if t == p.thumbs {
		return
	}
	p.thumbs = t
	p.scatterGen++
	p.drawGen++
	p.Refresh()
}

// Thumbnails is the sheet drawn, nil when the scatter shows dots.
func (p *LatentPlane) Thumbnails() *Thumbs { return p.thumbs }

// thumbsShown reports whether thumbnails replace the dots: a sheet with an
// image for every scatter point.
func (p *LatentPlane) thumbsShown() bool {
	return p.thumbs != nil && p.thumbs.count() >= len(p.scatterXY)/2 && len(p.scatterXY) > 0
}

// drawThumbs draws the thumbnails into the scatter layer img (n x n
// device pixels; ts is a thumbnail's side in them), framed in their
// class's colour. At low zoom they are thinned: a point is drawn only
// where no earlier one took its cell of a grid of thumbnail-sized cells,
// the points taken in a fixed scrambled order so no class is favoured;
// with showAllThumbs or fewer in view, all are drawn.
func (p *LatentPlane) drawThumbs(img *image.RGBA, n, ts int) {
	pts := len(p.scatterXY) / 2
	inView := make([]int, 0, 256)
	for k := range pts {
		i := scrambled(k, pts)
		fx, fy := p.view.frac(float64(p.scatterXY[2*i]), float64(p.scatterXY[2*i+1]))
		if fx < -0.05 || fy < -0.05 || fx > 1.05 || fy > 1.05 {
			continue
		}
		inView = append(inView, i)
	}
	cells := max(1, n/ts+1)
	var taken []bool
	if len(inView) > showAllThumbs {
		taken = make([]bool, cells*cells)
	}
	alpha := uint8(255 * p.scatterOpacity)
	p.thumbsDrawn = p.thumbsDrawn[:0]
	for _, i := range inView {
		fx, fy := p.view.frac(float64(p.scatterXY[2*i]), float64(p.scatterXY[2*i+1]))
		cx, cy := int(fx*float64(n)), int(fy*float64(n))
		if taken != nil {
			gx, gy := min(cells-1, max(0, cx/ts)), min(cells-1, max(0, cy/ts))
			if taken[gy*cells+gx] {
				continue
			}
			taken[gy*cells+gx] = true
		}
		var frame [3]uint8
		width := 1
		if p.scatterLabels != nil {
			c := ClassColour(p.scatterLabels[i])
			frame = [3]uint8{c.R, c.G, c.B}
		}
		if p.selMark != nil && p.selMark[i] != 0 { // selected: a thick frame of the selection's colour
			c := p.selectionColour(p.selMark[i])
			frame, width = [3]uint8{c.R, c.G, c.B}, max(2, ts/10)
		}
		p.thumb(img, i, cx-ts/2, cy-ts/2, ts, width, frame, alpha)
		p.thumbsDrawn = append(p.thumbsDrawn, i)
	}
}

// scrambled is the k-th of 0..n-1 in a fixed order that mixes the
// dataset's order (image folders list one class after another).
func scrambled(k, n int) int {
	const step = 7919 // a prime: a permutation unless n is its multiple
	if n%step == 0 {
		return k
	}
	return k * step % n
}

// thumb draws image i at (x0, y0), ts device pixels wide (nearest
// neighbour), with a frame width pixels wide of colour frame; alpha is its
// opacity. The layer is premultiplied: pixels are blended as such.
func (p *LatentPlane) thumb(img *image.RGBA, i, x0, y0, ts, width int, frame [3]uint8, alpha uint8) {
	t := p.thumbs
	side, ch := t.Side, t.Channels
	src := t.Pix[i*side*side*ch : (i+1)*side*side*ch]
	b := img.Bounds()
	a := int(alpha)
	for y := range ts {
		py := y0 + y
		if py < b.Min.Y || py >= b.Max.Y {
			continue
		}
		sy := y * side / ts
		for x := range ts {
			px := x0 + x
			if px < b.Min.X || px >= b.Max.X {
				continue
			}
			var r, g, bl uint8
			if x < width || y < width || x >= ts-width || y >= ts-width {
				r, g, bl = frame[0], frame[1], frame[2]
			} else {
				s := src[(sy*side+x*side/ts)*ch:]
				r = s[0]
				g, bl = r, r
				if ch == 3 {
					g, bl = s[1], s[2]
				}
			}
			d := img.Pix[img.PixOffset(px, py):]
			d[0] = uint8((int(r)*a + int(d[0])*(255-a)) / 255)
			d[1] = uint8((int(g)*a + int(d[1])*(255-a)) / 255)
			d[2] = uint8((int(bl)*a + int(d[2])*(255-a)) / 255)
			d[3] = uint8((255*a + int(d[3])*(255-a)) / 255)
		}
	}
}
