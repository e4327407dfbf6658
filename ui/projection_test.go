package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"vaeexplorer/vae/embed"
)

// The UMAP and t-SNE views: the layout arrives off the UI goroutine and
// is drawn while it converges; a drag onto a held-out code's place gives
// exactly that code; the axes say they are unitless; latent axes come
// back.
func TestUMAPViewDragsThroughTheCodes(t *testing.T) {
	for _, method := range []string{axesUMAP, axesTSNE} {
		t.Run(method, func(t *testing.T) { testLayoutView(t, method) })
	}
}

func testLayoutView(t *testing.T, method string) {
	m := measuredModel(t, 6, "", 300)
	e, loop := newTestExplorer(t, m)
	e.Point.Axes.SetSelected(method)
	var lay *embed.Layout
	loop.until(t, "the UMAP layout", func() bool {
		lay, _ = e.Session.Projection().(*embed.Layout)
		return lay != nil && lay.Method == method && strings.Contains(e.Status(), "laid out")
	}, 60*time.Second)
	if !strings.Contains(e.Plane.XLabel, "unitless") || e.Point.dimSel.Visible() || e.Point.Axes.Selected != method || e.Plane.ScatterLen() != len(m.HeldOut().Labels) {
		t.Fatalf("UMAP view: x label %q, dims shown %v, %d points", e.Plane.XLabel, e.Point.dimSel.Visible(), e.Plane.ScatterLen())
	}
	h := m.HeldOut()
	code := h.Means[7*6 : 8*6]
	x, y := lay.Project(code)
	e.Session.SetXY(float32(x), float32(y), PointChange{Interactive: true})
	if !slices.Equal(e.Session.Point(), code) {
		t.Fatalf("dragged onto code 7's place: point %v, code %v", e.Session.Point(), code)
	}
	// The grid spans the plane's view through the same inverse: a tile
	// is the code the plane lifts its centre to.
	e.ShowTool(e.Grid)
	e.Grid.N.SetValue(5)
	e.Grid.Update()
	loop.until(t, "a 5x5 grid over the layout", func() bool { return len(e.Grid.lastPts) == 25*6 }, 10*time.Second)
	want := mapPoints(e.Session.Lifter(), e.Plane.View(), 5)[(2*5+1)*6 : (2*5+2)*6]
	tapImage(e.Grid.View, 1*28+10, 2*28+5) // row 2, column 1
	if !slices.Equal(e.Session.Point(), want) || !e.Grid.mode.Visible() || e.Grid.Spacing.Visible() {
		t.Fatalf("grid tile (2, 1) on %s: point %v, want %v; mode shown %v", method, e.Session.Point(), want, e.Grid.mode.Visible())
	}
	e.Point.Axes.SetSelected(axesLatent)
	if e.Session.Projection() != nil || !e.Point.dimSel.Visible() {
		t.Fatal("latent axes did not come back")
	}
}

// New weights while a layout is computed (training's epochs) do not
// restart it: it finishes, then lays out the newest codes.
func TestNewWeightsWaitForTheLayout(t *testing.T) {
	m := measuredModel(t, 6, "", 300)
	e, loop := newTestExplorer(t, m)
	e.Point.Axes.SetSelected(axesUMAP)
	gen := e.PlaneCtl.umap.gen
	e.Session.WeightsChanged()
	if e.PlaneCtl.umap.gen != gen || !e.PlaneCtl.umap.again {
		t.Fatal("new weights restarted the layout being computed")
	}
	loop.until(t, "the layout again with the newest codes", func() bool { return e.PlaneCtl.umap.gen > gen }, 60*time.Second)
	loop.until(t, "the second layout", func() bool { return strings.Contains(e.Status(), "laid out") && e.PlaneCtl.umap.cancel == nil }, 60*time.Second)
	if e.PlaneCtl.umap.again {
		t.Error("a layout still waits")
	}
}
