package widgets

import (
	"fmt"
	"image/color"
	"math"
	"math/rand"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

func TestPlaneMapping(t *testing.T) {
	test.NewTempApp(t)
	p := NewLatentPlane()
	p.Resize(fyne.NewSize(400, 300))
	for _, c := range [][2]float64{{0, 0}, {-4, 4}, {3.5, -2.25}} {
		x, y := p.toLatent(p.ToPos(c[0], c[1]))
		if fmt.Sprintf("%.4f %.4f", x, y) != fmt.Sprintf("%.4f %.4f", c[0], c[1]) {
			t.Errorf("round trip of %v gave (%v, %v)", c, x, y)
		}
	}
	// The plot area is square and y grows upwards.
	if a, b := p.ToPos(-4, 4), p.ToPos(4, -4); b.X-a.X != b.Y-a.Y || a.Y >= b.Y {
		t.Errorf("plot area from %v to %v is not an upright square", a, b)
	}
	var got []float64
	p.OnChanged = func(x, y float64) { got = []float64{x, y} }
	// Only the plotted square takes clicks: not the tick margin, not the
	// space beside the square.
	for _, pos := range []fyne.Position{{X: 10000, Y: -10000}, {X: 5, Y: 150}, {X: 390, Y: 150}, {X: 200, Y: 295}} {
		p.Tapped(&fyne.PointEvent{Position: pos})
		if got != nil {
			t.Fatalf("a tap at %v outside the plotted square moved the point to %v", pos, got)
		}
	}
	// A drag that begins inside and leaves it stops at the edge: the
	// corner (4, 4).
	start := p.ToPos(3, 3)
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: start.AddXY(2, -2)}, Dragged: fyne.NewDelta(2, -2)})
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(10000, -10000)}, Dragged: fyne.NewDelta(9000, -9000)})
	p.DragEnd()
	if got == nil || got[0] != 4 || got[1] != 4 {
		t.Errorf("a drag out of the plot should clamp to the corner (4, 4), got %v", got)
	}
	// A drag that begins outside the square is not a drag of the point.
	got = nil
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(7, 150)}, Dragged: fyne.NewDelta(2, 0)})
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: p.ToPos(0, 0)}, Dragged: fyne.NewDelta(100, 0)})
	p.DragEnd()
	if got != nil {
		t.Errorf("a drag from the margin moved the point to %v", got)
	}
	// A point set from outside (a slider, a sample) may lie outside the
	// view: it is kept, not clamped.
	p.SetPoint(9, -9)
	if p.X != 9 || p.Y != -9 {
		t.Errorf("SetPoint(9, -9) gave (%v, %v)", p.X, p.Y)
	}
}

func TestPlaneRendersScatterAndMarks(t *testing.T) {
	test.NewTempApp(t)
	p := NewLatentPlane()
	p.Resize(fyne.NewSize(300, 300))
	p.SetScatter([]float32{0, 0, 1, 1, -1, 2}, []uint8{0, 1, 2})
	p.SetMarks([]Mark{{X: 1, Y: -1, SX: 0.5, SY: 0.3, Label: "seven"}})
	p.SetArrow(&Arrow{X0: 0, Y0: 0, X1: 2, Y1: 1})
	r := test.WidgetRenderer(p)
	var texts []string
	var img *canvas.Image
	for _, o := range r.Objects() {
		switch o := o.(type) {
		case *canvas.Text:
			texts = append(texts, o.Text)
		case *canvas.Image:
			img = o
		}
	}
	joined := strings.Join(texts, " ")
	for _, want := range []string{"-4", "0", "4", "z0", "z1", "seven"} {
		if !strings.Contains(joined, want) {
			t.Errorf("plane texts %q lack %q", joined, want)
		}
	}
	if img == nil || img.Image == nil {
		t.Fatal("no scatter layer")
	}
	// The dot at (1, 1) has the colour of label 1.
	b := img.Image.Bounds()
	c := color.NRGBAModel.Convert(img.Image.At(b.Dx()*5/8, b.Dy()*3/8)).(color.NRGBA)
	if c.A == 0 || c.R != ClassColour(1).R || c.G != ClassColour(1).G {
		t.Errorf("scatter pixel at (1, 1) is %v, want label 1's orange", c)
	}
}

func TestLossPlotTicksAndLogScale(t *testing.T) {
	test.NewTempApp(t)
	if got := fmt.Sprint(niceTicks(0, 1.9, 4)); got != "[0 0.5 1 1.5]" {
		t.Errorf("niceTicks(0, 1.9) = %s", got)
	}
	if fmtTick(0.6000000000000001) != "0.6" {
		t.Errorf("fmtTick keeps float residue: %s", fmtTick(0.6000000000000001))
	}
	p := NewLossPlot()
	p.Resize(fyne.NewSize(500, 200))
	if got := texts(p); got != "no loss recorded yet" {
		t.Errorf("empty plot shows %q, want only its hint", got)
	}
	for i := 1; i <= 100; i++ {
		p.AddStep(float64(i)/50, 500/float64(i)+150)
	}
	p.AddEpoch(1, 200, 195, 5)
	p.AddEpoch(2, 180, 174, 6)
	if s, e := p.Len(); s != 100 || e != 2 {
		t.Fatalf("plot holds %d steps, %d epochs", s, e)
	}
	p.SetLogScale(true)
	if lo, hi := p.yRange(); lo != 1 || hi != 1000 {
		t.Errorf("log range %v..%v, want 1..1000 (KL 5 to loss 650)", lo, hi)
	}
	if !strings.Contains(texts(p), "100") || !strings.Contains(texts(p), "held-out -ELBO") {
		t.Errorf("log plot texts: %s", texts(p))
	}
	p.SetLogScale(false)
	if lo, hi := p.yRange(); lo != 0 || hi < 650 {
		t.Errorf("linear range %v..%v, want 0 (KL near 0, padded) to above 650", lo, hi)
	}
	p.Clear()
	if s, e := p.Len(); s+e != 0 {
		t.Error("Clear left data")
	}
	if got := texts(p); got != "no loss recorded yet" {
		t.Errorf("cleared plot shows %q, want only its hint", got)
	}
}

func texts(w fyne.Widget) string {
	var ts []string
	for _, o := range test.WidgetRenderer(w).Objects() {
		if tx, ok := o.(*canvas.Text); ok {
			ts = append(ts, tx.Text)
		}
	}
	return strings.Join(ts, " ")
}

func TestPlaneMovesThePointCheaply(t *testing.T) {
	test.NewTempApp(t)
	p := NewLatentPlane()
	p.Resize(fyne.NewSize(300, 300))
	p.SetScatter([]float32{0, 0, 1, 1}, []uint8{0, 1})
	p.SetMarks([]Mark{{X: 1, Y: -1, SX: 0.5, SY: 0.3}})
	r := test.WidgetRenderer(p)
	before := append([]fyne.CanvasObject(nil), r.Objects()...)
	img := r.(*planeRenderer).scatter.Image
	for i := 0; i < 5; i++ {
		p.SetPoint(float64(i)/2, -float64(i)/3)
	}
	after := r.Objects()
	if len(after) != len(before) || r.(*planeRenderer).scatter.Image != img {
		t.Fatal("moving the point rebuilt the scatter or the marks")
	}
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("object %d was replaced by a point move", i)
		}
	}
	p.SetMarks(nil)
	if len(r.Objects()) >= len(before) {
		t.Fatal("clearing the marks did not rebuild them")
	}
}
func TestZoomKeepsThePointUnderTheCursor(t *testing.T) {
	test.NewTempApp(t)
	p := NewLatentPlane()
	p.Resize(fyne.NewSize(500, 400))
	cursor := p.ToPos(1.5, -2.25)
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

// A pan with the mouse over the plane moves the plane under the mouse: the
// hovered point follows it then, not at the next mouse move (it stayed at
// where the drag began).
func TestPanKeepsTheHoveredPointUnderTheMouse(t *testing.T) {
	test.NewTempApp(t)
	p := NewLatentPlane()
	p.Resize(fyne.NewSize(400, 400))
	var hx, hy float64
	p.OnHover = func(x, y float64, in bool) { hx, hy = x, y }
	a := p.ToPos(1, 1)
	p.MouseIn(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: a}})
	p.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: a}})
	p.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: a}, Button: desktop.MouseButtonTertiary})
	b := a.AddXY(60, -40)
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: b}, Dragged: fyne.NewDelta(60, -40)})
	p.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: b}})
	p.DragEnd()
	if math.Abs(hx-1) > 0.02 || math.Abs(hy-1) > 0.02 {
		t.Fatalf("after panning with the mouse at (1, 1) the hover reads (%.2f, %.2f)", hx, hy)
	}
}
