package ui

import (
	"math"
	"math/rand"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"vaeexplorer/vae/imaging"
)

func TestZoomKeepsThePointUnderTheCursor(t *testing.T) {
	test.NewTempApp(t)
	p := NewLatentPlane()
	p.Resize(fyne.NewSize(500, 400))
	cursor := p.toPos(1.5, -2.25)
	for _, f := range []float64{2, 3.7, 0.3, 1.15} {
		p.ZoomAt(cursor, f)
		x, y := p.toLatent(cursor)
		if math.Abs(x-1.5) > 1e-6 || math.Abs(y+2.25) > 1e-6 {
			t.Fatalf("after zooming by %v the cursor is over (%v, %v), want (1.5, -2.25)", f, x, y)
		}
	}
	if h := p.View().Half; math.Abs(h-4/(2*3.7*0.3*1.15)) > 1e-9 {
		t.Fatalf("half-width %v after four zooms", h)
	}
	// The wheel zooms in when scrolled up, about the mouse.
	before := p.View().Half
	p.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: cursor}, Scrolled: fyne.NewDelta(0, 10)})
	if x, _ := p.toLatent(cursor); p.View().Half >= before || math.Abs(x-1.5) > 1e-6 {
		t.Fatalf("a wheel notch up: half %v -> %v, cursor over x = %v", before, p.View().Half, x)
	}
	// Panning moves the plane with the mouse: the point under the mouse
	// follows it.
	at := cursor
	p.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}, Button: desktop.MouseButtonTertiary})
	p.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at.AddXY(40, -30)}, Button: desktop.MouseButtonTertiary})
	// The desktop driver also sends Dragged for a middle-button drag: it
	// pans too, and never moves the point.
	moved := false
	p.OnChanged = func(float64, float64) { moved = true }
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: at.AddXY(60, -30)}, Dragged: fyne.NewDelta(20, 0)})
	p.MouseUp(&desktop.MouseEvent{Button: desktop.MouseButtonTertiary})
	p.DragEnd()
	if moved {
		t.Fatal("a middle-button drag moved the point")
	}
	if x, y := p.toLatent(at.AddXY(60, -30)); math.Abs(x-1.5) > 1e-6 || math.Abs(y+2.25) > 1e-6 {
		t.Fatalf("after a middle-button pan (1.5, -2.25) is not under the mouse: (%v, %v)", x, y)
	}
	if !p.UserView() {
		t.Fatal("zooming and panning did not mark the view as the user's")
	}
}

func TestFitFramesTheHeldOutCodes(t *testing.T) {
	test.NewTempApp(t)
	p := NewLatentPlane()
	p.Resize(fyne.NewSize(400, 400))
	// Codes squashed into a corner, as in early epochs, and a few far
	// outliers the fit should not chase.
	rng := rand.New(rand.NewSource(1))
	var xy []float32
	for i := 0; i < 2000; i++ {
		xy = append(xy, float32(2.5+0.2*rng.NormFloat64()), float32(-3+0.1*rng.NormFloat64()))
	}
	xy = append(xy, 40, 40, -40, 12)
	p.SetScatter(xy, nil)
	p.Fit()
	v := p.View()
	inside := 0
	for i := 0; i+1 < len(xy); i += 2 {
		if math.Abs(float64(xy[i])-v.CX) <= v.Half && math.Abs(float64(xy[i+1])-v.CY) <= v.Half {
			inside++
		}
	}
	if share := float64(inside) / float64(len(xy)/2); share < 0.98 {
		t.Fatalf("the fitted view %+v holds %.3f of the codes, want at least 0.98", v, share)
	}
	if v.Half > 1 {
		t.Fatalf("the fitted view %+v chases the outliers", v)
	}
	// AutoFit follows new codes until the user zooms, then leaves the view.
	p.SetScatter([]float32{0, 0, 1, 1, -1, -1}, nil)
	p.AutoFit()
	if p.View() == v {
		t.Fatal("AutoFit did not follow the new codes")
	}
	p.Zoom(2)
	zoomed := p.View()
	p.SetScatter(xy, nil)
	p.AutoFit()
	if p.View() != zoomed {
		t.Fatal("AutoFit replaced the view the user zoomed to")
	}
	// The ticks follow the view.
	p.SetView(View{CX: 100, CY: 100, Half: 0.5})
	r := test.WidgetRenderer(p).(*planeRenderer)
	labels := make([]string, 0, len(r.ticks))
	for _, tk := range r.ticks {
		labels = append(labels, tk.Text)
	}
	if j := strings.Join(labels, " "); !strings.Contains(j, "100") || strings.Contains(j, " 4 ") {
		t.Fatalf("ticks %q for the view around (100, 100)", j)
	}
}

func TestHoverPreviewsTheDecodeUnderTheMouse(t *testing.T) {
	m := newFakeModel(2, 500)
	e, loop := newTestExplorer(t, m)
	loop.until(t, "the first decode", func() bool { return decodedMatchesEngine(e, m) }, 5*time.Second)
	point := e.Session.Point()
	hovered := func(x, y float64) bool {
		pix, err := m.Decode([]float32{float32(x), float32(y)})
		return err == nil && e.Point.Decoded.Image != nil && nearImage(e.Point.Decoded.Image, imaging.Gray28(pix), 1)
	}
	e.Plane.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: e.Plane.toPos(2.5, -1.5)}})
	loop.until(t, "the hovered code's decode", func() bool { return hovered(2.5, -1.5) }, 5*time.Second)
	if !strings.HasPrefix(e.Point.Readout.Text, "hover z = (2.50, -1.50)") {
		t.Fatalf("readout while hovering: %q", e.Point.Readout.Text)
	}
	if p := e.Session.Point(); p[0] != point[0] || p[1] != point[1] {
		t.Fatalf("hovering moved the point to %v", p)
	}
	// Leaving the plane shows the point again.
	e.Plane.MouseOut()
	loop.until(t, "the point's decode", func() bool { return decodedMatchesEngine(e, m) }, 5*time.Second)
	if strings.HasPrefix(e.Point.Readout.Text, "hover") {
		t.Fatalf("readout after leaving: %q", e.Point.Readout.Text)
	}
	// Turned off in the View menu: hovering previews nothing (the decoded
	// view decodes the hovered code only while there is one), so the
	// point's image stays.
	e.prefs.SetBool(prefHover, false)
	e.Plane.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: e.Plane.toPos(-3, 3)}})
	if e.PlaneCtl.Hovered() != nil {
		t.Fatal("a hovered code with the option off")
	}
	loop.drain()
	if !decodedMatchesEngine(e, m) {
		t.Fatal("hover decoded with the option off")
	}
}
