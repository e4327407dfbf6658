package ui

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"vaeexplorer/ui/widgets"
)

// tapImage taps an image view at a pixel of its image.
func tapImage(v *widgets.ImageView, px, py int) {
	b := v.Image.Bounds()
	size := v.Size()
	k := min(size.Width/float32(b.Dx()), size.Height/float32(b.Dy()))
	x0, y0 := (size.Width-k*float32(b.Dx()))/2, (size.Height-k*float32(b.Dy()))/2
	v.Tapped(&fyne.PointEvent{Position: fyne.NewPos(x0+k*(float32(px)+0.5), y0+k*(float32(py)+0.5))})
}

func TestClickingATileSampleOrScatterPointMovesThePoint(t *testing.T) {
	m := newFakeModel(2, 500)
	e, loop := newTestExplorer(t, m)
	// A grid tile: the point moves to that tile's code.
	e.Grid.N.SetValue(5)
	e.Grid.Update()
	loop.until(t, "a 5x5 grid", func() bool { return e.Grid.View.Image != nil && e.Grid.View.Image.Bounds().Dx() == 5*28 }, 5*time.Second)
	pts, _ := e.Grid.Spec().Points(2)
	tapImage(e.Grid.View, 3*28+10, 1*28+5) // row 1, column 3
	if want := pts[(1*5+3)*2 : (1*5+3)*2+2]; !slices.Equal(e.Session.Point(), want) {
		t.Fatalf("after tapping tile (1, 3) the point is %v, want %v", e.Session.Point(), want)
	}
	if !strings.HasPrefix(e.Status(), "Grid tile row 2, column 4 of 5") {
		t.Errorf("after tapping a tile the status says %q", e.Status())
	}
	// A sample: the point moves to that sample's code.
	e.ShowTool(e.Samples)
	loop.until(t, "the sample sheet", func() bool { return e.Samples.View.Image != nil && len(e.Samples.lastZ) > 0 }, 5*time.Second)
	tapImage(e.Samples.View, 2*30+4, 1*30+4) // column 2, row 1 (tiles of 28 with 2 between)
	i := 1*e.Samples.lastCols + 2
	if want := e.Samples.lastZ[2*i : 2*i+2]; !slices.Equal(e.Session.Point(), want) {
		t.Fatalf("after tapping sample %d the point is %v, want %v", i, e.Session.Point(), want)
	}
	if want := fmt.Sprintf("Sample %d of ", i+1); !strings.HasPrefix(e.Status(), want) {
		t.Errorf("after tapping a sample the status says %q, want %q…", e.Status(), want)
	}
	// A click next to a held-out code picks it: the point moves to the
	// code exactly and the status line names the image.
	h := m.HeldOut()
	k := len(h.Labels) / 2
	code := h.Means[2*k : 2*k+2]
	e.Plane.SetView(widgets.View{CX: float64(code[0]), CY: float64(code[1]), Half: 0.05}) // zoomed in: the nearest is this one
	pos := e.Plane.ToPos(float64(code[0]), float64(code[1])).AddXY(2, -2)
	e.Plane.Tapped(&fyne.PointEvent{Position: pos})
	got := e.Session.Point()
	if math.Abs(float64(got[0]-code[0])) > 1e-6 || math.Abs(float64(got[1]-code[1])) > 1e-6 {
		t.Fatalf("clicking next to held-out #%d at %v put the point at %v", k, code, got)
	}
	if e.Status() == "" || !e.Point.Picked.Visible() || !strings.Contains(e.Point.PickedLabel.Text, fmt.Sprintf("held-out #%d", k)) {
		t.Fatalf("the picked image is not named: status %q, label %q", e.Status(), e.Point.PickedLabel.Text)
	}
	// Moving the point elsewhere hides it.
	tapPlane(e, float64(code[0])+0.04, float64(code[1])-0.04)
	if e.Point.Picked.Visible() && e.Session.Point()[0] != code[0] {
		t.Fatal("the picked image stays after the point moved away")
	}
}

func TestInterpolationPathIsDrawnOnThePlane(t *testing.T) {
	m := newFakeModel(2, 500)
	e, loop := newTestExplorer(t, m)
	e.ShowTool(e.Interp)
	p := e.Interp
	p.A.Select.SetSelected(srcHeldIndex)
	p.A.Index.SetText("0")
	loop.until(t, "the path", func() bool { return len(p.path) > 0 && e.Plane.Path() != nil }, 5*time.Second)
	if len(e.Plane.Path()) != 2*len(p.path)/2 {
		t.Fatalf("the plane draws %d coordinates for a path of %d codes", len(e.Plane.Path()), len(p.path)/2)
	}
	// A frame click moves the point to that frame's code.
	tapImage(p.Strip, 1*30+5, 5)
	if want := p.path[2:4]; !slices.Equal(e.Session.Point(), want) {
		t.Fatalf("after tapping frame 1 the point is %v, want %v", e.Session.Point(), want)
	}
	e.ShowTool(e.Grid)
	if e.Plane.Path() != nil {
		t.Fatal("the path stays on the plane after leaving the tool")
	}
}
