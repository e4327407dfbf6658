package widgets

import (
	"math/rand"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// A lasso selects exactly the points inside it, concave corners
// included: checked against an L shape's own definition.
func TestLassoSelectsExactlyThePointsInside(t *testing.T) {
	test.NewTempApp(t)
	p := NewLatentPlane()
	p.Resize(fyne.NewSize(400, 400))
	rng := rand.New(rand.NewSource(1))
	var xy []float32
	var want []int
	for i := 0; len(xy) < 2*3000; i++ {
		x, y := rng.Float64()*3-0.5, rng.Float64()*3-0.5
		if near(x) || near(y) {
			continue // on an edge: either answer is right
		}
		k := len(xy) / 2
		xy = append(xy, float32(x), float32(y))
		if (x > 0 && x < 2 && y > 0 && y < 1) || (x > 0 && x < 1 && y > 0 && y < 2) {
			want = append(want, k)
		}
	}
	p.SetScatter(xy, nil)
	lshape := []float64{0, 0, 2, 0, 2, 1, 1, 1, 1, 2, 0, 2}
	if got := p.PointsIn(lshape); !slices.Equal(got, want) {
		t.Fatalf("the L-shaped lasso selected %d points, %d are inside", len(got), len(want))
	}

	// Drawn with the mouse: the polygon reaches OnLasso when the drag
	// ends, and no drag moves the point meanwhile.
	var poly []float64
	p.OnLasso = func(pl []float64) { poly = pl }
	moved := false
	p.OnChanged = func(float64, float64) { moved = true }
	p.SetView(View{CX: 1, CY: 1, Half: 2})
	p.lassoing, p.dragging = true, true // as a Ctrl+drag begins
	for _, c := range [][2]float64{{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}} {
		p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: p.ToPos(c[0], c[1])}})
	}
	if len(p.Lasso()) != 12 {
		t.Fatalf("while drawing, the lasso holds %v", p.Lasso())
	}
	p.DragEnd()
	if moved || len(poly) != 12 || p.Lasso() != nil || p.lassoing {
		t.Fatalf("after the lasso: point moved %v, polygon %v, still drawn %v", moved, poly, p.Lasso())
	}
	if got := p.PointsIn(poly); len(got) < len(want)*95/100 || len(got) > len(want)*105/100 {
		t.Errorf("the drawn L selected %d points, about %d are inside", len(got), len(want))
	}
}

func near(v float64) bool {
	for _, e := range []float64{0, 1, 2} {
		if v > e-1e-3 && v < e+1e-3 {
			return true
		}
	}
	return false
}

// Selected points are ringed in the layer; the second selection in
// magenta.
func TestSelectionIsRingedOnThePlane(t *testing.T) {
	test.NewTempApp(t)
	p := NewLatentPlane()
	p.Resize(fyne.NewSize(400, 400))
	p.SetScatter([]float32{-1, 0, 1, 0}, []uint8{0, 0})
	ringAt := func(x float64) (bool, bool) {
		img := p.scatterImage()
		n := img.Bounds().Dx()
		fx, fy := p.view.frac(x, 0)
		cx, cy := int(fx*float64(n)), int(fy*float64(n))
		fgRing, magenta := false, false
		for dx := -6; dx <= 6; dx++ {
			for dy := -6; dy <= 6; dy++ {
				c := img.RGBAAt(cx+dx, cy+dy)
				acc := p.selectionColour(1)
				fgRing = fgRing || (c.R == acc.R && c.G == acc.G && c.B == acc.B && c.A == 255)
				magenta = magenta || (c.R == colourMark.R && c.G == colourMark.G && c.B == colourMark.B)
			}
		}
		return fgRing, magenta
	}
	if a, b := ringAt(-1); a || b {
		t.Fatal("a ring with nothing selected")
	}
	p.SetSelection([]int{0}, []int{1})
	if a, _ := ringAt(-1); !a {
		t.Error("the selected point has no ring")
	}
	if _, b := ringAt(1); !b {
		t.Error("the second selection's point has no magenta ring")
	}
}
