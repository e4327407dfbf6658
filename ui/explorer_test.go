package ui

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
	"vaeexplorer/vae/torchio"
)

// decodedMatchesEngine reports whether the decoded view shows what the
// engine decodes for the explorer's point. The view decodes from a weight
// snapshot on pure-Go BLAS, which may round a pixel the other way: one
// grey level is allowed.
func decodedMatchesEngine(e *Explorer, m Model) bool {
	if e.Point.Decoded.Image == nil {
		return false
	}
	pix, err := m.Decode(e.Session.Point())
	return err == nil && nearImage(e.Point.Decoded.Image, imaging.Gray28(pix), 1)
}

// dragPlane drags the plane's point from one latent position to another
// in steps, delivering events as the desktop driver does: each Dragged
// carries the mouse's current position in the widget and the move since
// the last event.
func dragPlane(e *Explorer, x0, y0, x1, y1 float64, steps int) {
	prev := e.Plane.ToPos(x0, y0)
	for i := 1; i <= steps; i++ {
		f := float64(i) / float64(steps)
		pos := e.Plane.ToPos(x0+f*(x1-x0), y0+f*(y1-y0))
		e.Plane.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: pos}, Dragged: fyne.NewDelta(pos.X-prev.X, pos.Y-prev.Y)})
		prev = pos
	}
	e.Plane.DragEnd()
}

// tapPlane clicks the plane at a latent position.
func tapPlane(e *Explorer, x, y float64) {
	e.Plane.Tapped(&fyne.PointEvent{Position: e.Plane.ToPos(x, y)})
}

func TestDragDecodesWhatTheEngineDecodes(t *testing.T) {
	m := newFakeModel(2, 500)
	e, loop := newTestExplorer(t, m)
	loop.until(t, "the first decode", func() bool { return decodedMatchesEngine(e, m) }, 5*time.Second)
	before := e.Point.Decoded.Image

	wx, wy := 2.0, 1.25
	dragPlane(e, 0, 0, wx, wy, 20)
	if p := e.Session.Point(); math.Abs(float64(p[0])-wx) > 1e-4 || math.Abs(float64(p[1])-wy) > 1e-4 {
		t.Fatalf("after dragging, point %v, want (%.3f, %.3f)", p, wx, wy)
	}
	loop.until(t, "the decoded image of the new point", func() bool { return decodedMatchesEngine(e, m) }, 5*time.Second)
	if sameImage(before, e.Point.Decoded.Image) {
		t.Fatal("the decoded image did not change")
	}
	// The sliders follow the plane.
	if v := e.Point.Sliders[0].Value; math.Abs(v-wx) > 0.01 {
		t.Errorf("slider z0 = %v, want %v", v, wx)
	}
	if !strings.Contains(e.Point.Readout.Text, "z = (") {
		t.Errorf("decoded label %q", e.Point.Readout.Text)
	}
}

func TestSlidersMoveThePlane(t *testing.T) {
	m := newFakeModel(2, 500)
	e, loop := newTestExplorer(t, m)
	slideTo(e.Point.Sliders[1], -2.5)
	if e.Plane.Y != -2.5 || e.Session.Point()[1] != -2.5 {
		t.Fatalf("slider z1 = -2.5 put the plane at y=%v, point %v", e.Plane.Y, e.Session.Point())
	}
	loop.until(t, "decode of the slider's point", func() bool { return decodedMatchesEngine(e, m) }, 5*time.Second)
	e.Point.reset()
	if p := e.Session.Point(); p[0] != 0 || p[1] != 0 || e.Point.Sliders[1].Value != 0 {
		t.Fatalf("origin: point %v, slider %v", p, e.Point.Sliders[1].Value)
	}
	e.Point.random()
	if p := e.Session.Point(); p[0] == 0 && p[1] == 0 {
		t.Fatal("random point is the origin")
	}
}

func TestTapJumpsAndHoverShowsCoordinates(t *testing.T) {
	m := newFakeModel(2, 500)
	e, _ := newTestExplorer(t, m)
	tapPlane(e, -2, 1)
	if p := e.Session.Point(); math.Abs(float64(p[0])+2) > 1e-4 || math.Abs(float64(p[1])-1) > 1e-4 {
		t.Fatalf("tap at (-2, 1) put the point at %v", p)
	}
	e.Plane.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: e.Plane.ToPos(1.5, -0.5)}})
	if got := e.Plane.HoverText(); got != "z0 = 1.50, z1 = -0.50" {
		t.Fatalf("hover text %q", got)
	}
	e.Plane.MouseOut()
	if e.Plane.HoverText() != "" {
		t.Fatal("hover text stays after the mouse left")
	}
}

func TestScatterAndLegendFromHeldOut(t *testing.T) {
	m := newFakeModel(2, 500)
	e, _ := newTestExplorer(t, m)
	if n := e.Plane.ScatterLen(); n != len(m.HeldOut().Labels) || n == 0 {
		t.Fatalf("scatter has %d points, held-out %d", n, len(m.HeldOut().Labels))
	}
	if len(e.PlaneCtl.Legend.Objects) != 10 {
		t.Fatalf("legend has %d entries, want 10 classes", len(e.PlaneCtl.Legend.Objects))
	}
}

func TestTrainButtonTrainsAndButtonsFollow(t *testing.T) {
	e, loop := newTestExplorer(t, tinyModel(t))
	e.Train.SetFolder(dataDir(t, 300))
	e.Train.Epochs.SetText("2")
	e.Train.Hidden.SetText("24")
	test.Tap(e.Train.TrainBtn)
	loop.until(t, "training to start", func() bool { return e.Training.State() == trainRunning }, 20*time.Second)
	if !e.Train.TrainBtn.Disabled() || e.Train.PauseBtn.Disabled() || e.Train.StopBtn.Disabled() || !e.Train.ResumeBtn.Disabled() {
		t.Error("while training: Train should be off, Pause and Stop on, Resume off")
	}
	loop.until(t, "training to finish", func() bool { return e.Training.State() == trainIdle }, 60*time.Second)
	if e.Bar.Training.Text != "Finished" {
		t.Fatalf("status %q (%s)", e.Bar.Training.Text, e.Status())
	}
	m := e.Model()
	if m.Config().Hidden != 24 || len(m.History()) != 2 {
		t.Fatalf("trained model: hidden %d, %d epochs", m.Config().Hidden, len(m.History()))
	}
	steps, epochs := e.Plot.Len()
	if epochs != 2 || steps == 0 {
		t.Fatalf("plot has %d steps and %d epochs", steps, epochs)
	}
	if e.Plane.ScatterLen() == 0 || !strings.HasSuffix(e.Window.Title(), "*") {
		t.Errorf("after training: scatter %d points, title %q", e.Plane.ScatterLen(), e.Window.Title())
	}
	if e.Train.TrainBtn.Disabled() || !e.Train.PauseBtn.Disabled() {
		t.Error("after training: Train should be on, Pause off")
	}
	loop.until(t, "decode with the trained weights", func() bool { return decodedMatchesEngine(e, m) }, 5*time.Second)
}

func TestPauseResumeStopAndSpace(t *testing.T) {
	e, loop := newTestExplorer(t, tinyModel(t))
	e.Train.SetFolder(dataDir(t, 400))
	e.Train.Epochs.SetText("1000")
	e.Train.Hidden.SetText("16")
	e.Train.Batch.SetText("8")
	// The architecture just chosen keeps the focus when training starts
	// (Ctrl+T): disabled, it must give it up, or Space opens its list.
	e.sections.OpenAll()
	e.Window.Canvas().Focus(e.Train.Arch)
	if e.Window.Canvas().Focused() != e.Train.Arch {
		t.Fatal("the architecture select did not take the focus")
	}
	e.StartTraining()
	loop.until(t, "training to start", func() bool { return e.Training.State() == trainRunning }, 20*time.Second)
	if f := e.Window.Canvas().Focused(); f != nil {
		t.Fatalf("while training, the disabled %T keeps the focus", f)
	}
	test.Tap(e.Train.PauseBtn)
	if e.Training.State() != trainPaused || e.Train.ResumeBtn.Disabled() || !e.Train.PauseBtn.Disabled() {
		t.Fatal("Pause did not pause")
	}
	e.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeySpace})
	if e.Training.State() != trainRunning {
		t.Fatal("Space did not resume")
	}
	e.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeySpace})
	if e.Training.State() != trainPaused {
		t.Fatal("Space did not pause")
	}
	test.Tap(e.Train.StopBtn)
	loop.until(t, "training to stop", func() bool { return e.Training.State() == trainIdle }, 20*time.Second)
	if e.Bar.Training.Text != "Stopped" || !strings.Contains(e.Status(), "stopped") {
		t.Fatalf("after Stop: %q, %q", e.Bar.Training.Text, e.Status())
	}
}

func TestBadTrainingInputShowsMessage(t *testing.T) {
	e, loop := newTestExplorer(t, tinyModel(t))
	e.Train.Latent.SetText("two")
	test.Tap(e.Train.TrainBtn)
	if !strings.Contains(e.Status(), `Latent size: "two" is not a whole number`) || e.Training.State() != trainIdle {
		t.Fatalf("bad latent size: status %q", e.Status())
	}
	e.Train.Latent.SetText("2")
	e.Train.SetFolder(t.TempDir()) // empty: no idx files
	test.Tap(e.Train.TrainBtn)
	loop.until(t, "the data error", func() bool { return e.Training.State() == trainIdle && strings.Contains(e.Status(), "missing") }, 10*time.Second)
	if !strings.Contains(e.Status(), "train-images-idx3-ubyte") {
		t.Fatalf("empty folder: status %q", e.Status())
	}
}

func TestDragWhileTraining(t *testing.T) {
	e, loop := newTestExplorer(t, tinyModel(t))
	e.Train.SetFolder(dataDir(t, 400))
	e.Train.Epochs.SetText("1000")
	e.Train.Hidden.SetText("32")
	e.StartTraining()
	loop.until(t, "training to start", func() bool { return e.Training.State() == trainRunning }, 20*time.Second)
	for i := 0; i < 60; i++ {
		a := float64(i) / 5
		dragPlane(e, 0, 0, 2*math.Cos(a), 2*math.Sin(a), 5)
		loop.drain()
	}
	e.StopTraining()
	loop.until(t, "training to stop", func() bool { return e.Training.State() == trainIdle }, 20*time.Second)
	m := e.Model()
	e.Point.Decode(false)
	loop.until(t, "a decode consistent with the final weights", func() bool { return decodedMatchesEngine(e, m) }, 5*time.Second)
}

func TestCloseMidEpochLeavesNoGoroutines(t *testing.T) {
	a := newApp(t)
	dir := dataDir(t, 400)
	runtime.GC()
	before := runtime.NumGoroutine()
	loop := newUILoop()
	e := newExplorer(a, &testEngine{}, Options{}, loop.do)
	e.Models.Set(tinyModel(t), "")
	e.Train.SetFolder(dir)
	e.Train.Epochs.SetText("1000")
	e.Train.Hidden.SetText("32")
	e.StartTraining()
	loop.until(t, "training to start", func() bool { return e.Training.State() == trainRunning }, 20*time.Second)
	closeExplorer(t, e, loop)
	loop.drain()
	var after int
	for i := 0; i < 100; i++ {
		time.Sleep(20 * time.Millisecond)
		loop.drain()
		if after = runtime.NumGoroutine(); after <= before {
			break
		}
	}
	if after > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines before, %d after closing mid-training:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

func TestDropRealPNGAndBadFiles(t *testing.T) {
	m := tinyModel(t)
	e, loop := newTestExplorer(t, m)
	dir := t.TempDir()
	good := writeDigitPNG(t, dir, "seven.png", dataset.Synthetic(8, 5).Image(7))
	e.Images.URIs([]fyne.URI{storage.NewFileURI(good)})
	loop.until(t, "the dropped image", func() bool { return len(e.Session.Drops()) == 1 }, 10*time.Second)
	a := e.Session.Drops()[0]
	if math.IsNaN(a.Percentile) || a.Error <= 0 || len(a.Mean) != 2 {
		t.Fatalf("analysis %+v", a)
	}
	marks := e.Plane.Marks()
	if len(marks) != 1 || marks[0].X != float64(a.Mean[0]) || marks[0].SX <= 0 {
		t.Fatalf("marks %+v", marks)
	}
	if !strings.Contains(e.Status(), "seven.png") {
		t.Errorf("status %q does not name the file", e.Status())
	}
	// The analysis agrees with the engine.
	want, _, _ := m.Encode(a.Input.Pixels)
	if want[0] != a.Mean[0] || want[1] != a.Mean[1] {
		t.Errorf("mean %v, engine says %v", a.Mean, want)
	}

	text := filepath.Join(dir, "notes.png")
	os.WriteFile(text, []byte("shopping list"), 0o644)
	empty := filepath.Join(dir, "empty.png")
	os.WriteFile(empty, nil, 0o644)
	huge := filepath.Join(dir, "huge.png")
	os.WriteFile(huge, pngHeader(100000, 100000), 0o644)
	for _, bad := range []string{text, empty, huge, filepath.Join(dir, "missing.png")} {
		point := e.Session.Point()
		e.Images.Files([]string{bad})
		name := filepath.Base(bad)
		loop.until(t, "the message about "+name, func() bool { return strings.Contains(e.Status(), name) }, 10*time.Second)
		if len(e.Session.Drops()) != 1 || len(e.Plane.Marks()) != 1 || e.Model() != Model(m) || e.Session.Point()[0] != point[0] {
			t.Fatalf("%s changed the explorer's state", name)
		}
	}
	if !strings.Contains(e.Status(), "no such file") {
		t.Errorf("missing file: %q", e.Status())
	}
	// Several bad files in one drop: the status line counts them and a
	// dialog lists each with why (the status line showed only the first).
	before := len(e.Window.Canvas().Overlays().List())
	e.Images.Files([]string{text, empty, filepath.Join(dir, "missing.png")})
	loop.until(t, "the count of bad files", func() bool { return strings.HasPrefix(e.Status(), "3 files could not be read") }, 10*time.Second)
	if len(e.Window.Canvas().Overlays().List()) != before+1 {
		t.Errorf("no dialog lists the bad files: %d overlays", len(e.Window.Canvas().Overlays().List()))
	}
	e.Images.URIs([]fyne.URI{storage.NewURI("https://example.com/x.png")})
	if !strings.Contains(e.Status(), "only local files") {
		t.Errorf("remote URI: %q", e.Status())
	}
}

func TestOpenSaveAndRecent(t *testing.T) {
	m := tinyModel(t)
	e, _ := newTestExplorer(t, m)
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.vae")
	e.Models.SaveAs(path)
	if _, err := vae.Load(path); err != nil {
		t.Fatal(err)
	}
	if e.Window.Title() != Title+" — mine.vae" || e.prefs.String(prefLastModel) != path || e.Models.Recent()[0] != path {
		t.Fatalf("after Save As: title %q, last %q, recent %v", e.Window.Title(), e.prefs.String(prefLastModel), e.Models.Recent())
	}
	// A corrupt file: a message, and nothing changes.
	bad := filepath.Join(dir, "bad.vae")
	data, _ := os.ReadFile(path)
	data[100] ^= 0xff
	os.WriteFile(bad, data, 0o644)
	e.Models.Open(bad)
	if e.Model() != Model(m) || !strings.Contains(e.Status(), "bad.vae") || !strings.Contains(e.Status(), "checksum") {
		t.Fatalf("opening a corrupt model: status %q", e.Status())
	}
	e.Models.Open(path)
	if e.Model() == Model(m) || !reflect.DeepEqual(e.Model().Config(), m.Config()) {
		t.Fatal("opening the saved model did not load it")
	}
	// Save keeps what another program wrote to the file since it was
	// opened: it refuses, says so, and writes nothing.
	e.Models.Save(func() { t.Error("Save asked for a file although the model has one") })
	if !strings.HasPrefix(e.Status(), "Saved") {
		t.Fatalf("saving an unchanged file: %q", e.Status())
	}
	other := filepath.Join(dir, "other.vae")
	if err := m.SetVector(vae.Vector{Name: "theirs", Z: []float32{1, 0}}); err != nil {
		t.Fatal(err)
	}
	if err := m.Save(other); err != nil {
		t.Fatal(err)
	}
	theirs, _ := os.ReadFile(other)
	os.WriteFile(path, theirs, 0o644)
	e.Models.Save(func() { t.Error("Save asked for a file although the model has one") })
	if now, _ := os.ReadFile(path); !strings.Contains(e.Status(), "changed on disk") || !bytes.Equal(now, theirs) {
		t.Fatalf("saving over a file changed meanwhile: %q", e.Status())
	}
	// Saving into a folder that does not exist reports it.
	e.Models.SaveAs(filepath.Join(dir, "no", "such", "m.vae"))
	if !strings.Contains(e.Status(), "no such file") {
		t.Errorf("save into a missing folder: %q", e.Status())
	}
}

func TestSettingsRemembered(t *testing.T) {
	a := newApp(t)
	loop := newUILoop()
	e := newExplorer(a, &testEngine{}, Options{}, loop.do)
	e.Train.Epochs.SetText("7")
	e.Train.LR.SetText("0.002")
	e.Train.Decay.SetChecked(true)
	e.Train.SetFolder("/data/digits")
	e.LogScale.SetChecked(true)
	e.Close()
	f := newExplorer(a, &testEngine{}, Options{}, loop.do)
	defer f.Close()
	if f.Train.Epochs.Text != "7" || f.Train.LR.Text != "0.002" || f.Train.Folder != "/data/digits" ||
		f.Train.Dataset.Selected != DataFolder || !f.LogScale.Checked || !f.Train.Decay.Checked {
		t.Fatalf("settings not remembered: epochs %q lr %q folder %q log %v", f.Train.Epochs.Text, f.Train.LR.Text, f.Train.Folder, f.LogScale.Checked)
	}
	if f.prefs.Float(prefWidth) == 0 {
		t.Error("window size not remembered")
	}
	if cfg, _, err := f.Train.Config(); err != nil || !cfg.LRDecay || cfg.LR != 0.002 {
		t.Errorf("the form's config %+v: %v", cfg, err)
	}
}

func TestBundledModelAtFirstLaunch(t *testing.T) {
	e, loop := newTestExplorer(t, nil)
	if e.Model() == nil || e.Session.Name() != "bundled conv model" || e.Plane.ScatterLen() == 0 {
		t.Fatal("first launch: no bundled model with its scatter")
	}
	if e.Train.Arch.Selected != "conv" || e.Train.Hidden.Text != "128" {
		t.Errorf("first launch: the form shows %s H=%s, not the model's conv H=128", e.Train.Arch.Selected, e.Train.Hidden.Text)
	}
	loop.until(t, "the grid", func() bool { return e.Grid.View.Image != nil }, 10*time.Second)
	if b := e.Grid.View.Image.Bounds(); b.Dx() != 20*28 {
		t.Fatalf("grid is %v, want 20x20 digits", b)
	}
}

func TestGridPanelSizesAndSpacing(t *testing.T) {
	e, loop := newTestExplorer(t, newFakeModel(2, 500))
	e.Grid.N.SetValue(5)
	e.Grid.Update()
	loop.until(t, "a 5x5 grid", func() bool {
		return e.Grid.View.Image != nil && e.Grid.View.Image.Bounds().Dx() == 5*28
	}, 10*time.Second)
	lin := e.Grid.View.Image
	e.Grid.Spacing.SetSelected("Normal quantiles")
	loop.until(t, "a quantile grid", func() bool { return e.Grid.View.Image != lin }, 10*time.Second)
	if e.Grid.Spec().Spacing != vae.Quantile {
		t.Fatal("spacing not quantile")
	}
	if sameImage(lin, e.Grid.View.Image) {
		t.Fatal("quantile grid is the same as the linear one")
	}
}

func TestLatentSizeAboveTwo(t *testing.T) {
	cfg := vae.DefaultConfig()
	cfg.Latent, cfg.Hidden = 4, 16
	m, _ := vae.NewModel(cfg)
	e, loop := newTestExplorer(t, m)
	if len(e.Point.Sliders) != 4 || !e.Point.DimsRow.Visible() {
		t.Fatalf("L=4: %d sliders, dims row visible %v", len(e.Point.Sliders), e.Point.DimsRow.Visible())
	}
	e.Point.DimX.SetSelected("z2")
	e.Point.DimY.SetSelected("z3")
	tapPlane(e, 1, -1)
	p := e.Session.Point()
	if math.Abs(float64(p[2])-1) > 1e-4 || math.Abs(float64(p[3])+1) > 1e-4 || p[0] != 0 {
		t.Fatalf("tap on the z2/z3 plane gave %v", p)
	}
	loop.until(t, "decode", func() bool { return decodedMatchesEngine(e, m) }, 5*time.Second)
}

func TestStaleDecodeNeverReplacesANewerOne(t *testing.T) {
	m := newFakeModel(2, 500)
	e, loop := newTestExplorer(t, m)
	w := e.Point.worker
	newer := decodedResult{seq: 10, img: imaging.Gray28(make([]float32, 784)), z: []float32{1, 1}}
	older := decodedResult{seq: 9, img: imaging.Gray28(make([]float32, 784)), z: []float32{0, 0}}
	w.hand(newer)
	w.hand(older) // arrives late, through fyne.Do
	loop.drain()
	if e.Point.Decoded.Image != newer.img || !strings.Contains(e.Point.Readout.Text, "1.00, 1.00") {
		t.Fatal("an older decode replaced a newer one")
	}
}

func TestClosingAsksBeforeLosingTraining(t *testing.T) {
	e, _ := newTestExplorer(t, newFakeModel(2, 500))
	e.Session.MarkDirty()
	e.requestClose()
	if e.Closing() {
		t.Fatal("closed with unsaved training without asking")
	}
	if overlays := e.Window.Canvas().Overlays().List(); len(overlays) == 0 {
		t.Fatal("no confirmation dialog")
	}
	e.Session.Downloaded() // nothing unsaved
	e.requestClose()
	if !e.Closing() {
		t.Fatal("a saved model did not close")
	}
}

// A PyTorch safetensors file opens (menu or drop) as an unsaved model
// named after it, gets held-out statistics from the training panel's
// dataset, and Save asks for a .vae file rather than writing over it.
func TestOpenPyTorchModel(t *testing.T) {
	e, loop := newTestExplorer(t, newFakeModel(2, 500))
	data := dataDir(t, 120)
	e.Train.SetFolder(data)
	src, err := vae.NewModel(vae.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	b, err := torchio.Export(src)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "digits.safetensors")
	os.WriteFile(path, b, 0o644)
	e.Images.URIs([]fyne.URI{storage.NewFileURI(path)})
	if e.Session.Name() != "digits.safetensors (PyTorch)" || e.Session.Path() != "" || e.Model().Config().Hidden != 512 {
		t.Fatalf("after the drop: %q, path %q, %+v", e.Session.Name(), e.Session.Path(), e.Model().Config())
	}
	loop.until(t, "held-out statistics", func() bool { return e.Model().HeldOut() != nil && e.Plane.ScatterLen() > 0 }, 20*time.Second)
	if !strings.Contains(e.Status(), "held-out statistics measured on") {
		t.Errorf("status %q", e.Status())
	}
	before, _ := os.ReadFile(path)
	asked := false
	e.Models.Save(func() { asked = true }) // no file of ours yet: Save As asks, nothing written
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) || !asked {
		t.Fatalf("Save wrote over the PyTorch file, or did not ask for a file (asked %v)", asked)
	}
	// Model > Export for PyTorch writes it back, the same weights.
	out := filepath.Join(t.TempDir(), "again.safetensors")
	e.Models.ExportTorch(out)
	again, err := torchio.Load(out)
	if err != nil || !strings.Contains(e.Status(), "Exported for PyTorch") {
		t.Fatalf("export: %v, status %q", err, e.Status())
	}
	if a, b := again.Params().List[0].Data, src.Params().List[0].Data; !slices.Equal(a, b) {
		t.Fatal("the exported weights differ")
	}
}
