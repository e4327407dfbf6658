package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// solidThumbs is a sheet of n 4x4 grey images, image i all of value
// 10+20*i (each tells which it is).
func solidThumbs(n int) *Thumbs {
	t := &Thumbs{Side: 4, Channels: 1, Pix: make([]uint8, n*16)}
	for i := range n {
		for k := range 16 {
			t.Pix[i*16+k] = uint8(10 + 20*i)
		}
	}
	return t
}

// TestThumbnailsDrawTheRightImageAtTheRightPlace checks that each point's
// own image is drawn centred on it, framed in its class's colour, and
// that a click on a thumbnail picks its point.
func TestThumbnailsDrawTheRightImageAtTheRightPlace(t *testing.T) {
	test.NewTempApp(t)
	p := NewLatentPlane()
	p.Resize(fyne.NewSize(400, 400))
	xy := []float32{-2, 2, 1, -1, 3, 3}
	p.SetScatter(xy, []uint8{0, 1, 2})
	p.SetThumbnails(solidThumbs(3))
	img := p.scatterImage()
	o, side := PlotRect(p.Size())
	n := img.Bounds().Dx()
	scale := float64(n) / float64(side)
	for i := range 3 {
		pos := p.ToPos(float64(xy[2*i]), float64(xy[2*i+1]))
		px, py := int(float64(pos.X-o.X)*scale), int(float64(pos.Y-o.Y)*scale)
		c := img.RGBAAt(px, py)
		if want := uint8(10 + 20*i); c.R != want || c.G != want || c.B != want || c.A != 255 {
			t.Errorf("point %d: the pixel at its place is %v, want its image's grey %d", i, c, want)
		}
		// The frame, ThumbSide/2 to the left: the class colour.
		f := img.RGBAAt(px-int(ThumbSide*scale)/2, py)
		if cc := ClassColour(uint8(i)); f.R != cc.R || f.G != cc.G || f.B != cc.B {
			t.Errorf("point %d: frame pixel %v, want its class colour %v", i, f, cc)
		}
		var picked = -1
		p.OnPick = func(j int) { picked = j }
		p.Tapped(&fyne.PointEvent{Position: pos.AddXY(ThumbSide/2-3, ThumbSide/2-3)})
		if picked != i {
			t.Errorf("a click on thumbnail %d's corner picked %d", i, picked)
		}
	}
	// Nothing is drawn away from the points.
	if c := img.RGBAAt(n/2+int(60*scale), n/2); c.A != 0 {
		t.Errorf("a pixel with no point under it is %v", c)
	}
	p.SetThumbnails(nil)
	if c := p.scatterImage().RGBAAt(n/2, n/2); c.A != 0 {
		t.Errorf("without thumbnails the layer still shows one: %v", c)
	}
}

// TestThumbnailsThinAtLowZoomAndAllShowZoomedIn checks that piled-up
// thumbnails are thinned to one per cell, and that zoomed in, with few
// in view, every one is drawn.
func TestThumbnailsThinAtLowZoomAndAllShowZoomedIn(t *testing.T) {
	test.NewTempApp(t)
	p := NewLatentPlane()
	p.Resize(fyne.NewSize(400, 400))
	const n = 2000
	xy := make([]float32, 2*n)
	for i := range n { // a tight 0.2-wide cluster at the centre
		xy[2*i], xy[2*i+1] = float32(i%40)*0.005, float32(i/40)*0.004
	}
	p.SetScatter(xy, nil)
	p.SetThumbnails(solidThumbs(n))
	p.scatterImage()
	if d := len(p.thumbsDrawn); d == 0 || d > 4 {
		t.Errorf("%d thumbnails of a pile of %d were drawn in the whole view, want 1 to 4 (thinned)", d, n)
	}
	p.SetView(View{CX: 0.02, CY: 0.02, Half: 0.03})
	p.scatterImage()
	shown := 0
	for i := range n {
		// In view, or so near that part of the thumbnail shows.
		if fx, fy := p.view.frac(float64(xy[2*i]), float64(xy[2*i+1])); fx >= -0.05 && fx <= 1.05 && fy >= -0.05 && fy <= 1.05 {
			shown++
		}
	}
	if shown > showAllThumbs || len(p.thumbsDrawn) != shown {
		t.Errorf("zoomed in: %d thumbnails drawn, %d points in view: want all of them", len(p.thumbsDrawn), shown)
	}
}
