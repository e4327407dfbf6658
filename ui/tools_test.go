package ui

import (
	"context"
	"fmt"
	"image"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

func grey(img image.Image) *image.Gray {
	g, _ := img.(*image.Gray)
	return g
}

func TestSampleSheetFollowsSeedTemperatureAndCount(t *testing.T) {
	m := tinyModel(t)
	e, loop := newTestExplorer(t, m)
	p := e.Samples
	// A hidden sheet is not decoded (it would take training's CPU after
	// every epoch); it is drawn when shown. A decode that had started
	// would still be busy (busy ends on the UI loop) or have its image.
	loop.drain()
	if p.View.Image != nil || p.Busy() {
		t.Fatal("the hidden sample sheet was decoded")
	}
	e.ShowTool(e.Samples)
	// The sheet is the decode of Sample(seed 1, 36, T=1), tiled 6x6.
	z := vae.Sample(rand.New(rand.NewSource(1)), 36, 2, 1)
	pix, _ := m.Decode(z)
	want := strip(pix, m.Image(), 6)
	loop.until(t, "the seed's sheet", func() bool { return p.View.Image != nil && sameImage(grey(p.View.Image), want) }, 5*time.Second)
	loop.drain()
	first := grey(p.View.Image)
	// Same seed again: the same sheet.
	p.Seed.SetText("1")
	p.Update()
	loop.until(t, "a redraw", func() bool { return p.View.Image != first }, 5*time.Second)
	if !sameImage(grey(p.View.Image), first) {
		t.Error("the same seed drew another sheet")
	}
	shown := p.View.Image
	p.Temp.SetValue(0.2)
	p.Update()
	loop.until(t, "a colder sheet", func() bool { return p.View.Image != shown }, 5*time.Second)
	if sameImage(grey(p.View.Image), first) {
		t.Error("the temperature changed nothing")
	}
	shown = p.View.Image
	p.Count.SetSelected("100")
	loop.until(t, "100 images in 10 columns", func() bool { return p.View.Image.Bounds().Dx() == 10*28+18 }, 5*time.Second)
	shown = p.View.Image
	seed := p.Seed.Text
	test.Tap(p.Resample)
	loop.until(t, "a resample", func() bool { return p.View.Image != shown }, 5*time.Second)
	if p.Seed.Text == seed {
		t.Error("Resample kept the seed")
	}
	// A bad seed is reported and changes nothing.
	shown = p.View.Image
	loop.until(t, "quiet", func() bool { return !p.Busy() }, 5*time.Second)
	shown = p.View.Image
	p.Seed.SetText("twelve")
	p.Update()
	if !strings.Contains(e.Status(), `seed "twelve"`) || p.View.Image != shown {
		t.Errorf("bad seed: status %q", e.Status())
	}
}

func TestInterpolationStripEndpointsAndAnimation(t *testing.T) {
	m := tinyModel(t)
	e, loop := newTestExplorer(t, m)
	p := e.Interp
	e.ShowTool(e.Interp)
	h := m.HeldOut()
	// From held-out digit #0 to the plane point (3, -2).
	p.A.Select.SetSelected(srcHeldIndex)
	p.A.Index.SetText("0")
	e.Session.SetPoint([]float32{3, -2}, PointChange{})
	test.Tap(p.B.Capture)
	p.Steps.SetValue(7)
	p.Mode.SetSelected(modeSlerp)
	p.Update()
	loop.until(t, "a 7-step strip", func() bool { return len(p.frames) == 7 }, 5*time.Second)
	loop.drain()
	a, b := h.Means[:2], []float32{3, -2}
	ends, _ := m.Decode(append(append([]float32(nil), a...), b...))
	if !slices.Equal(p.frames[0], ends[:m.Image().Size()]) || !slices.Equal(p.frames[6], ends[m.Image().Size():]) {
		t.Error("the strip does not start and end at its endpoints' decodes")
	}
	path, _ := vae.Path(a, b, 7, true)
	mid, _ := m.Decode(path[3*2 : 4*2])
	if !slices.Equal(p.frames[3], mid) {
		t.Error("the middle frame is not the slerp midpoint's decode")
	}
	if bw := p.Strip.Image.Bounds().Dx(); bw != 7*28+12 {
		t.Errorf("strip %d wide", bw)
	}
	// Animation steps through the frames and stops.
	test.Tap(p.Play)
	seen := map[int]bool{}
	loop.until(t, "the animation to visit every frame", func() bool {
		seen[p.animFrame] = true
		return len(seen) == 7
	}, 5*time.Second)
	test.Tap(p.Play)
	if p.stopAnim != nil || p.Play.Text != "Animate" {
		t.Error("Stop did not stop the animation")
	}
	// A bad index says so instead of drawing.
	p.A.Index.SetText("99999")
	p.Update()
	if !strings.Contains(p.Info.Text, "give an index from 0") {
		t.Errorf("bad index: %q", p.Info.Text)
	}
}

func TestVectorPanelClassVectorArrowAndStore(t *testing.T) {
	m := tinyModel(t)
	e, loop := newTestExplorer(t, m)
	p := e.Vectors
	e.ShowTool(e.Vectors)
	p.From.SetSelected("1")
	p.To.SetSelected("7")
	p.Source.Select.SetSelected(srcPoint)
	e.Session.SetPoint([]float32{0.5, 0.25}, PointChange{})
	test.Tap(p.Source.Capture)
	p.Strength.SetValue(2)
	loop.until(t, "the edited decode", func() bool { return strings.Contains(p.Info.Text, "strength +2.0") }, 5*time.Second)
	v, err := m.ClassVector(1, 7)
	if err != nil {
		t.Fatal(err)
	}
	want := vae.AddScaled([]float32{0.5, 0.25}, v.Z, 2)
	got, _ := m.Decode(want)
	if !sameImage(grey(p.Edited.Image), imaging.Gray28(got)) {
		t.Error("the edited image is not the decode of z + 2v")
	}
	a := e.Plane.Arrow()
	if a == nil || math.Abs(a.X0-0.5) > 1e-6 || math.Abs(a.X1-float64(want[0])) > 1e-5 || math.Abs(a.Y1-float64(want[1])) > 1e-5 {
		t.Errorf("arrow %+v, want (0.5, 0.25) -> %v", a, want)
	}
	if b := p.Row.Image.Bounds().Dx(); b != 7*28+12 {
		t.Errorf("strength strip %d wide", b)
	}
	// Leaving the tab hides the arrow.
	e.ShowTool(e.Grid)
	if e.Plane.Arrow() != nil {
		t.Error("the arrow stayed after leaving the vectors tab")
	}
	e.ShowTool(e.Vectors)
	test.Tap(p.StoreBtn)
	if _, ok := storedVector(m, "1->7"); !ok || !e.Session.Dirty() {
		t.Error("Store did not keep the vector in the model")
	}
	if !slices.Contains(p.Stored.Options, "1->7") {
		t.Errorf("stored vectors %v", p.Stored.Options)
	}
}

func TestVectorFromFoldersAndAttributeFromData(t *testing.T) {
	m := tinyModel(t)
	e, loop := newTestExplorer(t, m)
	p := e.Vectors
	dir := t.TempDir()
	thin, thick := filepath.Join(dir, "thin"), filepath.Join(dir, "thick")
	set := dataset.Synthetic(6, 9)
	for i := 0; i < 3; i++ {
		writeDigitPNG(t, mkdir(t, thin), "a"+string(rune('0'+i))+".png", set.Image(i))
		writeDigitPNG(t, mkdir(t, thick), "b"+string(rune('0'+i))+".png", set.Image(i+3))
	}
	p.ComputeFromFolders("thin->thick", thin, thick)
	loop.until(t, "the folder vector", func() bool { return p.Kind.Selected == vecStored && p.Stored.Selected == "thin->thick" }, 5*time.Second)
	v, ok := storedVector(m, "thin->thick")
	if !ok || len(v.Z) != 2 || !e.Session.Dirty() {
		t.Fatalf("folder vector %+v stored %v", v, ok)
	}
	// A folder without images is a clear error, and stores nothing.
	p.ComputeFromFolders("bad", t.TempDir(), thick)
	loop.until(t, "the error", func() bool { return strings.Contains(e.Status(), "no PNG, JPEG, GIF, BMP, TIFF or WebP files") }, 5*time.Second)
	if _, ok := storedVector(m, "bad"); ok {
		t.Error("a failed vector was stored")
	}

	// The attribute vector is measured on the training panel's dataset.
	e.Train.SetFolder(dataDir(t, 200))
	p.Attr.SetSelected(vae.AttrWidth)
	p.Kind.SetSelected(vecAttribute)
	loop.until(t, "the width vector", func() bool { return p.vec != nil && p.vec.Name == vae.AttrWidth }, 10*time.Second)
	loop.until(t, "its pictures", func() bool { return strings.Contains(p.Info.Text, "width (|v|") }, 5*time.Second)
}

func mkdir(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestAnomalyPanelHistogramThresholdAndRanking(t *testing.T) {
	m := tinyModel(t)
	e, loop := newTestExplorer(t, m)
	p := e.Anomalies
	h := m.HeldOut()
	// A model without statistics says so; the next one with them does not
	// keep saying it under its histogram.
	cfg := vae.DefaultConfig()
	cfg.Arch, cfg.Hidden = vae.ArchMLP, 16
	bare, _ := vae.NewModel(cfg)
	e.Session.SetModel(bare, "", "bare")
	if !strings.Contains(p.Info.Text, "no held-out statistics") {
		t.Fatalf("a model without statistics: %q", p.Info.Text)
	}
	e.Session.SetModel(m, "", "tiny")
	if strings.Contains(p.Info.Text, "no held-out statistics") {
		t.Fatalf("under the histogram of a model with statistics: %q", p.Info.Text)
	}
	// From the model's stored errors alone: the histogram and the count.
	if len(p.errs) != len(h.Errors) || p.Hist.Image == nil {
		t.Fatalf("histogram from %d stored errors: %d", len(h.Errors), len(p.errs))
	}
	t0 := float64(h.Errors[len(h.Errors)/2])
	p.Threshold.SetValue(t0)
	n := 0
	for _, v := range h.Errors {
		if float64(v) > p.Threshold.Value {
			n++
		}
	}
	if !strings.HasPrefix(p.Count.Text, fmt.Sprintf("%d of %d held-out images", n, len(h.Errors))) {
		t.Errorf("count %q, want %d above", p.Count.Text, n)
	}
	// Ranking the loaded dataset's held-out images: the worst 50 with
	// their reconstructions, worst first.
	data := dataDir(t, 400)
	e.Train.SetFolder(data)
	test.Tap(p.RankBtn)
	loop.until(t, "the ranking", func() bool { return p.Sheet.Image != nil }, 10*time.Second)
	_, testSet, _ := dataset.LoadDir(data)
	errs, _ := m.ReconErrors(testSet.Floats())
	worst := slices.Max(errs)
	if p.errs[len(p.errs)-1] != worst || len(p.errs) != testSet.N {
		t.Errorf("ranked %d errors up to %v, want %d up to %v", len(p.errs), p.errs[len(p.errs)-1], testSet.N, worst)
	}
	if b := p.Sheet.Image.Bounds(); b.Dx() != 10*28+18 || b.Dy() != 10*28+18 {
		t.Errorf("sheet %v, want 10 x 10 images (5 pairs of rows)", b)
	}
	// The first image of the sheet is the worst one.
	wi := slices.Index(errs, worst)
	if got := grey(p.Sheet.Image).SubImage(image.Rect(0, 0, 28, 28)); !sameGray(got, imaging.Gray28(testSet.Image(wi))) {
		t.Error("the sheet does not start with the worst image")
	}
	// A dropped image is marked.
	e.Images.Files([]string{writeDigitPNG(t, t.TempDir(), "d.png", testSet.Image(0))})
	loop.until(t, "the marker", func() bool { return strings.Contains(p.Count.Text, "newest image") }, 5*time.Second)
}

func sameGray(a image.Image, b *image.Gray) bool {
	r := a.Bounds()
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			if a.(*image.Gray).GrayAt(r.Min.X+x, r.Min.Y+y) != b.GrayAt(x, y) {
				return false
			}
		}
	}
	return true
}

func TestAugmentFromTheApp(t *testing.T) {
	m := tinyModel(t)
	e, loop := newTestExplorer(t, m)
	data := dataDir(t, 120)
	e.Train.SetFolder(data)
	out := filepath.Join(t.TempDir(), "aug")
	var n int
	var gotErr error
	finished := false
	var fracs []float64
	e.Augment(vae.AugmentOptions{PerClass: 4, Mode: vae.AugmentMean, Sigma: 1, Seed: 1}, false, out,
		func(f float64, _ string) { fracs = append(fracs, f) },
		func(k int, err error) { n, gotErr, finished = k, err, true })
	loop.until(t, "the export", func() bool { return finished }, 10*time.Second)
	if gotErr != nil {
		t.Fatal(gotErr)
	}
	train, test, err := dataset.LoadDir(out)
	if err != nil || train.N != n || n == 0 || n%4 != 0 || test.N == 0 {
		t.Fatalf("wrote %d, read back %v: %v", n, train, err)
	}
	if len(fracs) == 0 || !slices.IsSorted(fracs) {
		t.Errorf("progress %v", fracs)
	}
	// The same folder again is refused before anything runs.
	finished = false
	e.Augment(vae.AugmentOptions{PerClass: 4, Mode: vae.AugmentMean}, false, out, func(float64, string) {},
		func(k int, err error) { gotErr, finished = err, true })
	if !finished || gotErr == nil || !strings.Contains(gotErr.Error(), "already holds") {
		t.Errorf("existing folder: %v", gotErr)
	}
	// PNG class folders.
	pngDir := filepath.Join(t.TempDir(), "png")
	finished = false
	e.Augment(vae.AugmentOptions{PerClass: 2, Mode: vae.AugmentJitter, Sigma: 0.3}, true, pngDir, func(float64, string) {},
		func(k int, err error) { n, gotErr, finished = k, err, true })
	loop.until(t, "the PNG export", func() bool { return finished }, 10*time.Second)
	files, _ := filepath.Glob(filepath.Join(pngDir, "*", "*.png"))
	if gotErr != nil || len(files) != n || n == 0 {
		t.Errorf("%d PNG files for %d images: %v", len(files), n, gotErr)
	}
}

func TestLikelihoodEstimateFromTheModelCard(t *testing.T) {
	m := tinyModel(t)
	e, loop := newTestExplorer(t, m)
	data := dataDir(t, 120)
	e.Train.SetFolder(data)
	c := e.likelihood
	c.run(20, 0)
	loop.until(t, "the estimate", func() bool { return c.result.Visible() || strings.Contains(e.Status(), "log-likelihood:") }, 20*time.Second)
	if !c.result.Visible() {
		t.Fatal(e.Status())
	}
	_, test, err := dataset.LoadDir(data)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.LogLikelihood(context.Background(), test.Floats(), 20, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprintf("-log p(x) <= %.1f ± %.1f nats\n(IWAE, K = 20, %d held-out images", want.NLL, want.StdErr, test.N); !strings.HasPrefix(c.result.Text, s) {
		t.Fatalf("card %q, want %q", c.result.Text, s)
	}
	// New weights make the figure stale: it goes.
	e.Session.WeightsChanged()
	if c.result.Visible() {
		t.Fatal("the estimate outlived the weights it measured")
	}
	// Cancel stops a long run and says so; no figure appears.
	c.run(5000, 0)
	loop.until(t, "the run to start", func() bool { return strings.Contains(e.Status(), "Loaded") || e.Training.Data() != nil }, 10*time.Second)
	c.cancel()
	loop.until(t, "the cancel", func() bool { return strings.Contains(e.Status(), "cancelled") }, 10*time.Second)
	if c.result.Visible() {
		t.Fatal("a cancelled estimate shows a figure")
	}
}

// For a model of faces with attributes, the Smiling vector is applied to
// the held-out faces that do not smile, as in the seed article: the
// n-th of them by the index box.
func TestAttributeVectorAppliesToFacesWithoutIt(t *testing.T) {
	set := dataset.Synthetic(60, 4)
	set.Attrs = &dataset.Attributes{Names: []string{"Smiling", "Eyeglasses"}, Values: make([]int8, 120)}
	for i := range set.N {
		set.Attrs.Values[2*i], set.Attrs.Values[2*i+1] = 1, 1
		if i%4 == 1 || i%4 == 2 {
			set.Attrs.Values[2*i] = -1 // 1, 2, 5, 6, 9 … do not smile
		}
	}
	cfg := vae.DefaultConfig()
	cfg.Latent, cfg.Hidden, cfg.Dataset, cfg.Attributes = 4, 16, "faces", set.Attrs.Names
	m, err := vae.NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.MeasureHeldOut(set); err != nil {
		t.Fatal(err)
	}
	e, loop := newTestExplorer(t, m)
	// First with other data loaded: the status says what to choose, and
	// the tool looks again when it is next shown.
	e.Training.data = &dataset.Data{Name: "digits", Test: dataset.Synthetic(60, 5)}
	e.Training.keys = []string{dataKey(dataset.NameMNIST, "", dataset.FolderOptions{})} // the panel's choice
	p := e.Vectors
	e.ShowTool(e.Vectors)
	p.Kind.SetSelected(vecAttribute) // digits' labels: the classes come first
	loop.until(t, "the advice", func() bool {
		return strings.Contains(e.Status(), "choose faces under Dataset") && strings.Contains(p.Info.Text, `unknown attribute "Smiling"`)
	}, 10*time.Second)
	e.Training.data = &dataset.Data{Name: "faces", Test: set}
	e.ShowTool(e.Grid)
	e.ShowTool(e.Vectors)
	loop.until(t, "the Smiling vector", func() bool { return p.vec != nil && p.vec.Name == "Smiling" }, 10*time.Second)
	if p.Kind.Selected != vecAttribute || p.Source.Select.Selected != srcLackPrefix+"Smiling" {
		t.Fatalf("a face model's vector %q applied to %q", p.Kind.Selected, p.Source.Select.Selected)
	}
	h := m.HeldOut()
	for _, c := range []struct {
		index string
		want  int
	}{{"", 1}, {"2", 5}, {"3", 6}} {
		p.Source.Index.SetText(c.index)
		z, name, err := p.Source.Code()
		if err != nil || !slices.Equal(z, h.Means[c.want*4:(c.want+1)*4]) || !strings.Contains(name, "without Smiling") {
			t.Errorf("index %q: %q %v, want held-out #%d", c.index, name, err, c.want)
		}
	}
	p.Source.Index.SetText("30")
	if _, _, err := p.Source.Code(); err == nil || !strings.Contains(err.Error(), "from 0 to 29") {
		t.Errorf("past the last face without Smiling: %v", err)
	}
	p.Attr.SetSelected("Eyeglasses") // every face has them
	loop.until(t, "the refusal", func() bool { return strings.Contains(e.Status(), `every held-out image has "Eyeglasses"`) }, 5*time.Second)
}
