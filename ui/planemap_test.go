package ui

import (
	"testing"
	"time"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/bundled"
	"vaeexplorer/vae/imaging"
)

func TestMapTilesAreTheDecodesOfTheirCellCentres(t *testing.T) {
	m := newFakeModel(2, 500)
	v := widgets.View{CX: 0.5, CY: -1, Half: 2}
	const n = 5
	lift := func(x, y float64) []float32 { return []float32{float32(x), float32(y)} }
	img, err := renderMap(m, lift, v, n)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != n*28 || b.Dy() != n*28 {
		t.Fatalf("map of %v, want %dx%d tiles of 28", b, n, n)
	}
	cell := 2 * v.Half / n
	for _, rc := range [][2]int{{0, 0}, {0, 4}, {2, 3}, {4, 1}} {
		r, c := rc[0], rc[1]
		// Row 0 is the top of the view: the largest y.
		x, y := v.CX-v.Half+(float64(c)+0.5)*cell, v.CY+v.Half-(float64(r)+0.5)*cell
		pix, _ := m.Decode([]float32{float32(x), float32(y)})
		want := imaging.Gray28(pix)
		for py := 0; py < 28; py++ {
			for px := 0; px < 28; px++ {
				if img.At(c*28+px, r*28+py) != want.GrayAt(px, py) {
					t.Fatalf("tile (%d, %d) is not the decode of its centre (%.2f, %.2f)", r, c, x, y)
				}
			}
		}
	}
}

func TestMapFollowsTheViewInTheWindow(t *testing.T) {
	e, loop := newTestExplorer(t, newFakeModel(2, 500))
	e.PlaneCtl.Show.SetSelected(showBoth)
	_, side := widgets.PlotRect(e.Plane.Size())
	n := mapCells(side)
	loop.until(t, "the full map", func() bool {
		img, v := e.Plane.Map()
		return img != nil && img.Bounds().Dx() == n*28 && v == e.Plane.View()
	}, 10*time.Second)
	e.Plane.Zoom(2)
	loop.until(t, "the map of the zoomed view", func() bool {
		img, v := e.Plane.Map()
		return v == e.Plane.View() && img.Bounds().Dx() == n*28
	}, 10*time.Second)
	e.PlaneCtl.Show.SetSelected(showScatter)
	if e.Plane.ShowMap || e.Plane.ScatterOpacity() != 1 {
		t.Fatal("back to the scatter alone, the map is still shown")
	}
}

// BenchmarkMapRender decodes and tiles the map for a 1280x800 window's
// plane (mapCells of a 605-point plane: 25x25 tiles) with the bundled 2-D
// models (conv, the default, and mlp), and the coarse first pass.
//
//	go test -tags openblas -run '^$' -bench MapRender ./ui
func BenchmarkMapRender(b *testing.B) {
	lift := func(x, y float64) []float32 { return []float32{float32(x), float32(y)} }
	for _, arch := range []string{vae.ArchConv, vae.ArchMLP} {
		m, err := bundled.Arch(arch)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range []struct {
			name string
			n    int
		}{{"coarse", max(4, mapCells(605)/3)}, {"full", mapCells(605)}} {
			b.Run(arch+"/"+c.name, func(b *testing.B) {
				start := time.Now()
				for i := 0; i < b.N; i++ {
					if _, err := renderMap(m, lift, widgets.View{CX: 0.1 * float64(i%7), CY: 0, Half: 3}, c.n); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(time.Since(start))/float64(b.N)/1e6, "ms/map")
				b.ReportMetric(float64(c.n), "tiles/side")
			})
		}
	}
}
