package ui

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
)

func TestSessionNotifiesEachObserverOncePerChange(t *testing.T) {
	s := NewSession()
	cfg := vae.DefaultConfig()
	cfg.Latent, cfg.Hidden = 3, 8
	m, err := vae.NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var points, models, dims, files int
	var last PointChange
	s.OnPoint(func(ch PointChange) { points++; last = ch })
	s.OnModel(func() { models++ })
	s.OnDims(func() { dims++ })
	s.OnFile(func() { files++ })

	s.SetModel(m, "", "a model")
	if models != 1 || files != 1 || points != 0 || s.Latent() != 3 {
		t.Fatalf("SetModel: %d model, %d file, %d point notifications, latent %d", models, files, points, s.Latent())
	}
	s.SetXY(1.5, -2, PointChange{Interactive: true})
	if points != 1 || !last.Interactive {
		t.Fatalf("SetXY: %d notifications, interactive %v", points, last.Interactive)
	}
	if p := s.Point(); p[0] != 1.5 || p[1] != -2 || p[2] != 0 {
		t.Fatalf("point %v", p)
	}
	// Setting what is there already changes nothing and tells nobody:
	// this is what lets a view set itself from the session without a
	// re-entrancy flag.
	s.SetXY(1.5, -2, PointChange{})
	s.SetCoord(0, 1.5, PointChange{})
	s.SetPoint([]float32{1.5, -2, 0}, PointChange{})
	s.SetDims(0, 1)
	if points != 1 || dims != 0 {
		t.Fatalf("no-op changes notified: %d point, %d dims", points, dims)
	}
	// Invalid dimensions are refused.
	for _, d := range [][2]int{{0, 0}, {-1, 1}, {0, 3}} {
		s.SetDims(d[0], d[1])
	}
	if dims != 0 {
		t.Fatal("invalid dimensions were accepted")
	}
	s.SetDims(2, 0)
	if x, y := s.Dims(); x != 2 || y != 0 || dims != 1 {
		t.Fatalf("dims %d,%d after SetDims(2, 0), %d notifications", x, y, dims)
	}
	// The plane now moves z2 and z0.
	s.SetXY(3, 4, PointChange{})
	if p := s.Point(); p[2] != 3 || p[0] != 4 || p[1] != -2 || points != 2 {
		t.Fatalf("point %v after SetXY on dims (2, 0)", p)
	}
	// A model of the same latent size keeps the point and the dims (a
	// new training run must not move the user's point); another size
	// starts at the origin.
	m2, _ := vae.NewModel(cfg)
	s.SetModel(m2, "", "same shape")
	if p := s.Point(); p[2] != 3 || p[0] != 4 {
		t.Fatalf("a model of the same shape reset the point to %v", p)
	}
	cfg.Latent = 2
	m3, _ := vae.NewModel(cfg)
	s.SetModel(m3, "/tmp/x.vae", "")
	if p := s.Point(); len(p) != 2 || p[0] != 0 || s.Name() != "x.vae" {
		t.Fatalf("new latent size: point %v, name %q", p, s.Name())
	}
	files = 0
	s.MarkDirty()
	s.MarkDirty()
	if !s.Dirty() || files != 1 {
		t.Fatalf("MarkDirty twice: dirty %v, %d notifications", s.Dirty(), files)
	}
	s.Saved("/tmp/y.vae")
	if s.Dirty() || s.Path() != "/tmp/y.vae" || s.Name() != "y.vae" || files != 2 {
		t.Fatalf("Saved: dirty %v path %q name %q, %d notifications", s.Dirty(), s.Path(), s.Name(), files)
	}
}

// TestOneDragEventUpdatesEveryViewInTheSameCallback drags the plane once
// and checks, before anything else runs on the UI goroutine, that the
// crosshair, the sliders and their values, and the decoded image with its
// read-out all show the new point.
func TestOneDragEventUpdatesEveryViewInTheSameCallback(t *testing.T) {
	m := newFakeModel(2, 500)
	e, loop := newTestExplorer(t, m)
	loop.until(t, "the first decode", func() bool { return decodedMatchesEngine(e, m) }, 5*time.Second)
	loop.drain()
	var inline bool
	for try := 0; try < 5 && !inline; try++ { // a decode may miss its budget on a loaded machine
		x, y := 1.0+0.25*float64(try), -0.5
		pos := e.Plane.ToPos(x, y)
		e.Plane.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: pos}, Dragged: fyne.NewDelta(1, 1)})
		e.Plane.DragEnd()
		// Nothing queued has run: what shows now was done in the callback.
		p := e.Session.Point()
		if math.Abs(float64(p[0])-x) > 1e-3 || math.Abs(float64(p[1])-y) > 1e-3 {
			t.Fatalf("point %v, dragged to (%v, %v)", p, x, y)
		}
		if float32(e.Plane.X) != p[0] || float32(e.Plane.Y) != p[1] {
			t.Fatalf("crosshair at (%v, %v), point %v", e.Plane.X, e.Plane.Y, p)
		}
		for i, s := range e.Point.Sliders {
			if float32(s.Value) != p[i] || strings.TrimSpace(e.Point.values[i].Text) != fmt.Sprintf("%.2f", p[i]) {
				t.Fatalf("slider z%d shows %v (%q), point %v", i, s.Value, e.Point.values[i].Text, p)
			}
		}
		inline = e.Point.Readout.Text == "z = "+fmtVec(p) && decodedMatchesEngine(e, m)
		loop.drain()
	}
	if !inline {
		t.Fatal("the decoded image never arrived within the drag callback")
	}
}

func TestPCAViewDragKeepsThePointOffThePlane(t *testing.T) {
	m := measuredModel(t, 6, "", 300)
	e, loop := newTestExplorer(t, m)
	start := []float32{0.5, -1, 2, 0.3, -0.7, 1.1}
	e.Session.SetPoint(start, PointChange{})
	e.Point.Axes.SetSelected(axesPCA)
	p, _ := e.Session.Projection().(*vae.PCA)
	if p == nil || !strings.HasPrefix(e.Plane.XLabel, "PC1 (") || e.Point.dimSel.Visible() {
		t.Fatalf("PCA view: pca %v, x label %q", p != nil, e.Plane.XLabel)
	}
	if e.Plane.ScatterLen() != len(m.HeldOut().Labels) {
		t.Fatalf("scatter %d points in PCA view", e.Plane.ScatterLen())
	}
	// The plane shows the point's principal-component coordinates.
	if x, y := p.Project(start); math.Abs(e.Plane.X-x) > 1e-6 || math.Abs(e.Plane.Y-y) > 1e-6 {
		t.Fatalf("the crosshair is at (%v, %v), the point projects to (%v, %v)", e.Plane.X, e.Plane.Y, x, y)
	}
	e.Plane.SetView(widgets.View{CX: e.Plane.X, CY: e.Plane.Y, Half: 3})
	tx, ty := e.Plane.X+1, e.Plane.Y-0.5
	tapPlane(e, tx, ty)
	z := e.Session.Point()
	if x, y := p.Project(z); math.Abs(x-tx) > 1e-3 || math.Abs(y-ty) > 1e-3 {
		t.Fatalf("after a click at (%v, %v) the point projects to (%v, %v)", tx, ty, x, y)
	}
	// z moved within the plane only: z - start lies along u1 and u2.
	d := make([]float64, len(z))
	for j := range z {
		d[j] = float64(z[j] - start[j])
	}
	var resid float64
	c0, c1 := 0.0, 0.0
	for i := range d {
		c0 += d[i] * p.Axes[0][i]
		c1 += d[i] * p.Axes[1][i]
	}
	for i := range d {
		r := d[i] - c0*p.Axes[0][i] - c1*p.Axes[1][i]
		resid += r * r
	}
	if resid > 1e-8 {
		t.Fatalf("the point's part off the PCA plane changed (residual %g)", resid)
	}
	// The sliders show every dimension of the moved point.
	loop.drain()
	for i, s := range e.Point.Sliders {
		if float32(s.Value) != z[i] {
			t.Fatalf("slider z%d shows %v, point %v", i, s.Value, z)
		}
	}
	// Back to latent axes.
	e.Point.Axes.SetSelected(axesLatent)
	x, _ := mostInformative(m) // the dimensions the model opened on
	if e.Session.Projection() != nil || e.Plane.XLabel != fmt.Sprintf("z%d", x) || !e.Point.dimSel.Visible() {
		t.Fatalf("back to latent axes: pca %v, label %q", e.Session.Projection() != nil, e.Plane.XLabel)
	}
}

func TestOneDimensionalModelMovesAlongX(t *testing.T) {
	s := NewSession()
	cfg := vae.DefaultConfig()
	cfg.Latent, cfg.Hidden = 1, 8
	m, err := vae.NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.SetModel(m, "", "1-D")
	s.SetXY(1.5, -3, PointChange{})
	if p := s.Point(); len(p) != 1 || p[0] != 1.5 {
		t.Fatalf("a 1-D model's point %v after SetXY(1.5, -3), want [1.5]", p)
	}
}

func TestOneDimensionalModelInTheWindow(t *testing.T) {
	m := measuredModel(t, 1, "", 50)
	e, loop := newTestExplorer(t, m)
	e.PlaneCtl.Show.SetSelected(showBoth)
	tapPlane(e, 2, 0)
	loop.until(t, "the decode", func() bool { return decodedMatchesEngine(e, m) }, 5*time.Second)
	if p := e.Session.Point(); math.Abs(float64(p[0])-2) > 1e-4 {
		t.Fatalf("a tap at x = 2 put the 1-D point at %v", p)
	}
}

// Statistics measured after a model opened (an imported model) move axes
// nobody chose to the two most informative dimensions, and leave the
// user's choice alone.
func TestMeasuredStatisticsPickTheAxes(t *testing.T) {
	for _, userChose := range []bool{false, true} {
		s := NewSession()
		m := newFakeModel(6, 50)
		h := m.heldOut
		m.heldOut = nil // opened without statistics
		s.SetModel(m, "", "imported")
		if x, y := s.Dims(); x != 0 || y != 1 {
			t.Fatalf("without statistics: axes %d, %d", x, y)
		}
		if userChose {
			s.SetDims(2, 3)
		}
		h.DimKL = []float64{0.1, 0.2, 0.3, 5, 0.1, 4}
		m.heldOut = h
		s.HeldOutMeasured()
		x, y := s.Dims()
		switch {
		case !userChose && (x != 3 || y != 5):
			t.Errorf("after measuring: axes %d, %d; want the most informative, 3 and 5", x, y)
		case userChose && (x != 2 || y != 3):
			t.Errorf("after measuring: the user's axes 2, 3 became %d, %d", x, y)
		}
	}
}

// A new model trained from scratch shows its two most informative
// dimensions once its first epoch measured them (z0 and z1 stayed, the
// least informative of 16 on the faces); later epochs leave the axes be.
func TestTrainingPicksTheAxesAfterTheFirstEpoch(t *testing.T) {
	s := NewSession()
	m := newFakeModel(6, 50)
	h := m.heldOut
	m.heldOut = nil // untrained
	s.SetModel(m, "", "unsaved model")
	s.WeightsChanged() // a step's codes, no statistics yet
	if x, y := s.Dims(); x != 0 || y != 1 {
		t.Fatalf("before statistics: axes %d, %d", x, y)
	}
	h.DimKL = []float64{0.1, 0.2, 3, 0.2, 0.1, 0.1}
	m.heldOut = h
	s.WeightsChanged() // the first codes inside epoch 1, of a barely trained model
	if x, y := s.Dims(); x != 0 || y != 1 {
		t.Fatalf("inside epoch 1: axes %d, %d (picked by a barely trained model's KL)", x, y)
	}
	h.DimKL = []float64{0.1, 4, 0.3, 0.2, 5, 0.1}
	s.EpochEnded() // epoch 1
	if x, y := s.Dims(); x != 1 || y != 4 {
		t.Fatalf("after epoch 1: axes %d, %d; want 1 and 4", x, y)
	}
	h.DimKL = []float64{9, 4, 0.3, 0.2, 5, 8}
	s.EpochEnded() // epoch 2
	if x, y := s.Dims(); x != 1 || y != 4 {
		t.Fatalf("after epoch 2 the axes moved to %d, %d", x, y)
	}
}
