package ui

import (
	"fmt"
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"vaeexplorer/vae"
	"vaeexplorer/vae/vaetest"
)

func TestPlaneMapping(t *testing.T) {
	test.NewTempApp(t)
	p := NewLatentPlane()
	p.Resize(fyne.NewSize(400, 300))
	for _, c := range [][2]float64{{0, 0}, {-4, 4}, {3.5, -2.25}} {
		x, y := p.toLatent(p.toPos(c[0], c[1]))
		if fmt.Sprintf("%.4f %.4f", x, y) != fmt.Sprintf("%.4f %.4f", c[0], c[1]) {
			t.Errorf("round trip of %v gave (%v, %v)", c, x, y)
		}
	}
	// The plot area is square and y grows upwards.
	if a, b := p.toPos(-4, 4), p.toPos(4, -4); b.X-a.X != b.Y-a.Y || a.Y >= b.Y {
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
	start := p.toPos(3, 3)
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: start.AddXY(2, -2)}, Dragged: fyne.NewDelta(2, -2)})
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(10000, -10000)}, Dragged: fyne.NewDelta(9000, -9000)})
	p.DragEnd()
	if got == nil || got[0] != 4 || got[1] != 4 {
		t.Errorf("a drag out of the plot should clamp to the corner (4, 4), got %v", got)
	}
	// A drag that begins outside the square is not a drag of the point.
	got = nil
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(7, 150)}, Dragged: fyne.NewDelta(2, 0)})
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: p.toPos(0, 0)}, Dragged: fyne.NewDelta(100, 0)})
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

// texts lists the texts a widget draws.
func texts(w fyne.Widget) string {
	var ts []string
	for _, o := range test.WidgetRenderer(w).Objects() {
		if tx, ok := o.(*canvas.Text); ok {
			ts = append(ts, tx.Text)
		}
	}
	return strings.Join(ts, " ")
}

func TestTrainPanelReadsAndChecksTheForm(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("t")
	state := trainIdle
	p := newTrainPanel(w, func() trainState { return state }, nil, false)
	cfg, limit, err := p.Config()
	if err != nil || cfg.Latent != 2 || cfg.Hidden != 512 || cfg.Epochs != 10 || limit != 0 {
		t.Fatalf("defaults: %+v %d %v", cfg, limit, err)
	}
	tr := newTraining(nil, NewSession(), nil)
	check := func() error {
		r, err := p.Request()
		if err != nil {
			return err
		}
		_, err = tr.Check(r)
		return err
	}
	for _, c := range []struct {
		set  func()
		want string
	}{
		{func() { p.LR.SetText("fast") }, `Learning rate: "fast" is not a number`},
		{func() { p.LR.SetText("0.001"); p.Latent.SetText("99") }, "latent size 99 out of range"},
		{func() { p.Latent.SetText("2"); p.Epochs.SetText("0") }, "at least 1 epoch"},
		{func() { p.Epochs.SetText("3"); p.Limit.SetText("-5") }, "image limit -5 is negative"},
	} {
		c.set()
		if err := check(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
	state = trainPaused
	p.ShowState(state)
	if !p.Epochs.Disabled() || p.ResumeBtn.Disabled() || !p.TrainBtn.Disabled() {
		t.Error("paused: form should be locked, Resume on, Train off")
	}
}

// The panel refuses each bad run of vaetest.BadRuns with the message the
// CLI gives (app's TestTrainRefusesLikeThePanel runs the same table).
func TestTrainPanelRefusesLikeTheCLI(t *testing.T) {
	a := test.NewTempApp(t)
	p := newTrainPanel(a.NewWindow("t"), func() trainState { return trainIdle }, nil, false)
	tr := newTraining(nil, NewSession(), nil)
	for _, c := range vaetest.BadRuns {
		p.SetConfig(vae.DefaultConfig())
		p.Epochs.SetText("1")
		p.Limit.SetText("0")
		p.Side.SetText("")
		p.Colour.SetSelected(colourAuto)
		p.Dataset.SetSelected(DataFolder)
		p.Folder = t.TempDir()
		for k, v := range c.Fields {
			switch k {
			case "epochs":
				p.Epochs.SetText(v)
			case "latent":
				p.Latent.SetText(v)
			case "hidden":
				p.Hidden.SetText(v)
			case "batch":
				p.Batch.SetText(v)
			case "lr":
				p.LR.SetText(v)
			case "beta":
				p.Beta.SetText(v)
			case "limit":
				p.Limit.SetText(v)
			case "arch":
				p.Arch.SetSelected(v)
			case "size":
				p.Side.SetText(v)
			default:
				t.Fatalf("%s: no field for %q", c.Name, k)
			}
		}
		r, err := p.Request()
		if err == nil {
			_, err = tr.Check(r)
		}
		if err == nil || !strings.Contains(err.Error(), c.Want) {
			t.Errorf("%s: panel says %v, want %q", c.Name, err, c.Want)
		}
	}
}

// Moving the point (a drag event) must not remake the static layers: the
// scatter texture and the marks stay the same objects.
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
