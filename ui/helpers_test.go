package ui

import (
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/engine"
	"vaeexplorer/vae/imaging"
)

// uiLoop stands in for Fyne's main loop in tests: functions handed to do
// queue up and run on the test goroutine when the test calls until, so
// widgets are only ever touched by one goroutine, as in the real app.
type uiLoop struct{ q chan func() }

func newUILoop() *uiLoop { return &uiLoop{q: make(chan func(), 4096)} }

func (l *uiLoop) do(f func()) { l.q <- f }

// until runs queued functions until cond holds; it fails the test after
// timeout.
func (l *uiLoop) until(t *testing.T, what string, cond func() bool, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case f := <-l.q:
			f()
		case <-time.After(5 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
	}
}

// drain runs what is queued now.
func (l *uiLoop) drain() {
	for {
		select {
		case f := <-l.q:
			f()
		default:
			return
		}
	}
}

var (
	tinyOnce  sync.Once
	tinyBytes []byte
)

// tinyModel returns a small real model (H=32, L=2) trained one epoch on
// generated digits, with held-out statistics; a fresh copy per call.
func tinyModel(t *testing.T) *vae.Model {
	t.Helper()
	tinyOnce.Do(func() {
		cfg := vae.DefaultConfig()
		cfg.Hidden, cfg.Epochs = 32, 1
		m, err := vae.NewModel(cfg)
		if err != nil {
			panic(err)
		}
		tr, err := vae.NewTrainer(m, cfg, dataset.Synthetic(512, 1), dataset.Synthetic(128, 2))
		if err != nil {
			panic(err)
		}
		tr.Start(context.Background())
		if err := tr.Wait(); err != nil {
			panic(err)
		}
		tinyBytes, _ = m.MarshalBinary()
	})
	m, err := vae.UnmarshalModel(tinyBytes)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// dataDir writes generated digits as a dataset folder.
func dataDir(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	if err := dataset.SaveDir(dir, dataset.Synthetic(n, 3), dataset.Synthetic(n/4+1, 4)); err != nil {
		t.Fatal(err)
	}
	return dir
}

var shared struct {
	once  sync.Once
	app   fyne.App
	theme fyne.Theme
	keep  fyne.Window
}

// newApp returns Fyne's test app with empty preferences, its theme the
// default theme and the test's windows closed when the test ends. The
// package's tests share one app: a new one clears Fyne's font and
// text-size caches, and parsing the fonts and measuring every label again
// took a third of a small test's time under -race.
func newApp(t testing.TB) fyne.App {
	t.Helper()
	shared.once.Do(func() {
		shared.app = test.NewApp()
		// The explorer's "system" theme, which it sets at start: setting
		// the theme a window already has is skipped, and so is clearing
		// the caches.
		shared.theme = theme.DefaultTheme()
		shared.app.Settings().SetTheme(shared.theme)
		// Fyne's test driver finds an object's canvas in its newest
		// window and panics when it has none: a refresh queued before a
		// test's window closed lands here, as the real driver ignores it.
		shared.keep = shared.app.NewWindow("")
	})
	a := shared.app
	a.Preferences().(interface {
		WriteValues(func(map[string]any))
	}).WriteValues(func(m map[string]any) { clear(m) })
	t.Cleanup(func() {
		for _, w := range slices.Clone(a.Driver().AllWindows()) { // Close changes the driver's list
			if w != shared.keep {
				w.Close()
			}
		}
		if !sameTheme(a.Settings().Theme(), shared.theme) {
			a.Settings().SetTheme(shared.theme)
		}
	})
	return a
}

// newTestExplorer opens an explorer on model m in Fyne's test driver; nil
// opens it on the real bundled model.
func newTestExplorer(t *testing.T, m Model) (*Explorer, *uiLoop) {
	t.Helper()
	a := newApp(t)
	loop := newUILoop()
	real := engine.Engine{Downloader: dataset.Downloader{Dir: t.TempDir()}}
	var eng Engine = &testEngine{real}
	if m == nil { // the test is about the bundled model
		eng = &real
	}
	e := newExplorer(a, eng, Options{}, loop.do)
	if m != nil {
		e.Models.Set(m, "")
	}
	e.Window.Resize(fyne.NewSize(1280, 800))
	e.Window.Show()
	// Tests place the point by latent coordinates: show the plane at a
	// fixed view rather than one fitted to the model's codes.
	e.Plane.SetView(widgets.DefaultView)
	t.Cleanup(func() { closeExplorer(t, e, loop) })
	return e, loop
}

// closeExplorer closes e as closing its window does, on the UI goroutine
// (here the test's), then runs the UI callbacks training's goroutines
// hand back until they are done (Close would wait for them).
func closeExplorer(t *testing.T, e *Explorer, loop *uiLoop) {
	t.Helper()
	e.close()
	loop.until(t, "the explorer to close", func() bool {
		select {
		case <-e.trainingDone:
			return true
		default:
			return false
		}
	}, 20*time.Second)
}

// measuredModel returns an untrained model of latent size L (hidden 16)
// on dataset cfgDataset, with held-out statistics of n generated digits.
func measuredModel(t *testing.T, L int, cfgDataset string, n int) *vae.Model {
	t.Helper()
	cfg := vae.DefaultConfig()
	cfg.Latent, cfg.Hidden, cfg.Dataset = L, 16, cfgDataset
	m, err := vae.NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.MeasureHeldOut(dataset.Synthetic(n, 1)); err != nil {
		t.Fatal(err)
	}
	return m
}

// writePNG saves a 28x28 digit as a PNG, scaled up 4x.
func writeDigitPNG(t *testing.T, dir, name string, pix []float32) string {
	t.Helper()
	g := imaging.Gray28(pix)
	big := image.NewGray(image.Rect(0, 0, 112, 112))
	for y := 0; y < 112; y++ {
		for x := 0; x < 112; x++ {
			big.Pix[y*112+x] = 255 - g.Pix[(y/4)*28+x/4] // dark ink on white
		}
	}
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, big); err != nil {
		t.Fatal(err)
	}
	return p
}

// sameImage reports whether two grey images hold the same pixels.
func sameImage(a, b image.Image) bool {
	ga, ok1 := a.(*image.Gray)
	gb, ok2 := b.(*image.Gray)
	if !ok1 || !ok2 || ga.Rect != gb.Rect {
		return false
	}
	for i := range ga.Pix {
		if ga.Pix[i] != gb.Pix[i] {
			return false
		}
	}
	return true
}

// nearImage reports whether two grey images of the same size differ by at
// most tol in every pixel.
func nearImage(a, b image.Image, tol int) bool {
	ga, ok1 := a.(*image.Gray)
	gb, ok2 := b.(*image.Gray)
	if !ok1 || !ok2 || ga.Rect != gb.Rect {
		return false
	}
	for i := range ga.Pix {
		if d := int(ga.Pix[i]) - int(gb.Pix[i]); d > tol || d < -tol {
			return false
		}
	}
	return true
}

// pngHeader is a PNG signature and IHDR declaring w x h, without pixels.
func pngHeader(w, h uint32) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	b = binary.BigEndian.AppendUint32(b, 13)
	chunk := append([]byte("IHDR"), binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)...)
	chunk = append(chunk, 8, 0, 0, 0, 0)
	b = append(b, chunk...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(chunk))
}

// slideTo drags a slider's thumb to value v, as a user would.
func slideTo(s *widgets.ValueSlider, v float64) {
	s.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: s.PosOf(v)}})
	s.DragEnd()
}

// loadFolderData sets the training panel to a generated dataset folder
// of n training digits and loads it as the tools do.
func loadFolderData(t *testing.T, e *Explorer, loop *uiLoop, n int) *dataset.Data {
	t.Helper()
	e.Train.SetFolder(dataDir(t, n))
	var d *dataset.Data
	e.PlaneCtl.load(func(got *dataset.Data, err error) {
		if err != nil {
			t.Fatal(err)
		}
		d = got
	})
	loop.until(t, "the dataset", func() bool { return d != nil }, 20*time.Second)
	return d
}
