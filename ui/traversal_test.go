package ui

import (
	"slices"
	"testing"
	"time"

	"vaeexplorer/vae/imaging"
)

// Each traversal tile is the decode of its code, and a click on a tile
// moves the point to that code.
func TestTraversalTilesAreTheirCodesDecodes(t *testing.T) {
	m := measuredModel(t, 4, "", 200)
	e, loop := newTestExplorer(t, m)
	e.Session.SetPoint([]float32{0.3, -0.2, 0.1, 0.5}, PointChange{})
	e.ShowTool(e.Traverse)
	loop.until(t, "the traversal sheet", func() bool { return e.Traverse.last != nil }, 20*time.Second)
	tr, img := e.Traverse.last, e.Traverse.img
	if len(tr.Dims) != 4 || tr.KL == nil || tr.KL[0] < tr.KL[3] {
		t.Fatalf("rows %v, KL %v: want every dimension, most informative first", tr.Dims, tr.KL)
	}
	side := m.Image().Side
	b := img.Bounds()
	margin := b.Dx() - (tr.Steps*(side+2) - 2)
	for _, rc := range [][2]int{{0, 0}, {1, 4}, {3, 8}} {
		r, c := rc[0], rc[1]
		pix, err := m.Decode(tr.Code(r, c))
		if err != nil {
			t.Fatal(err)
		}
		want := imaging.Picture(pix, side, 1)
		x0, y0 := margin+c*(side+2), r*(side+2)
		for y := 0; y < side; y += 3 {
			for x := 0; x < side; x += 3 {
				g1, _, _, _ := img.At(x0+x, y0+y).RGBA()
				g2, _, _, _ := want.At(want.Bounds().Min.X+x, want.Bounds().Min.Y+y).RGBA()
				if d := int(g1>>8) - int(g2>>8); d > 1 || d < -1 {
					t.Fatalf("tile (%d, %d) pixel (%d, %d): %d, its code decodes to %d", r, c, x, y, g1>>8, g2>>8)
				}
			}
		}
		// A click in the middle of the tile moves the point there.
		fx := (float64(x0) + float64(side)/2) / float64(b.Dx())
		fy := (float64(y0) + float64(side)/2) / float64(b.Dy())
		e.Traverse.tapped(fx, fy)
		if !slices.Equal(e.Session.Point(), tr.Code(r, c)) {
			t.Fatalf("clicked tile (%d, %d): point %v, its code %v", r, c, e.Session.Point(), tr.Code(r, c))
		}
	}
}
