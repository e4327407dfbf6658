package ui

import (
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// shapeFolder writes n generated 20x20 colour shapes as PNGs in class
// folders.
func shapeFolder(t *testing.T, n int) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "shapes")
	if err := dataset.SavePNGDir(root, dataset.Shapes(n, 20, 1), nil); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestTrainOnColourFolder trains from the panel on a folder of colour
// images at the side asked for: the new model reads 16x16 RGB, keeps the
// classes (the legend shows them), and the decoded point is in colour.
func TestTrainOnColourFolder(t *testing.T) {
	e, loop := newTestExplorer(t, tinyModel(t))
	root := shapeFolder(t, 160)
	os.WriteFile(filepath.Join(root, "disc", "bad.png"), []byte("no"), 0o644)
	e.Train.SetFolder(root)
	e.Train.Side.SetText("16")
	e.Train.Colour.SetSelected(colourRGB)
	e.Train.Arch.SetSelected(vae.ArchConv)
	e.Train.Hidden.SetText("16")
	e.Train.Epochs.SetText("1")
	e.Train.Batch.SetText("16")
	test.Tap(e.Train.TrainBtn)
	loop.until(t, "training to finish", func() bool { return e.Training.State() == trainIdle && e.Bar.Training.Text == "Finished" }, 60*time.Second)
	m := e.Model()
	cfg := m.Config()
	if m.Image() != (vae.Shape{Side: 16, Channels: 3}) || !slices.Equal(cfg.Classes, []string{"disc", "ring", "square", "triangle"}) || cfg.Preprocess != "resize" {
		t.Fatalf("model %v, classes %v, %q (%s)", m.Image(), cfg.Classes, cfg.Preprocess, e.Status())
	}
	if e.Training.Data() == nil || e.Training.Data().Report == nil || len(e.Training.Data().Report.Skipped) != 1 {
		t.Fatalf("the skipped file was not reported: %+v", e.Training.Data())
	}
	var legend []string
	for _, o := range e.PlaneCtl.Legend.Objects {
		for _, c := range o.(*fyne.Container).Objects {
			if txt, ok := c.(*canvas.Text); ok {
				legend = append(legend, txt.Text)
			}
		}
	}
	if s := strings.Join(legend, " "); s != "disc ring square triangle" {
		t.Errorf("legend %s", s)
	}
	// The class vector offers the folder's classes (when its tool shows),
	// and the code pickers name them.
	e.ShowTool(e.Vectors)
	if !slices.Equal(e.Vectors.From.Options, cfg.Classes) || e.Vectors.From.Selected != "disc" || e.Vectors.To.Selected != "ring" {
		t.Errorf("class vector choices %v, %q -> %q", e.Vectors.From.Options, e.Vectors.From.Selected, e.Vectors.To.Selected)
	}
	if opts := strings.Join(e.Interp.A.Select.Options, "|"); !strings.Contains(opts, "Held-out image of class 3 (triangle)") {
		t.Errorf("picker options %s", opts)
	}
	e.Session.SetPoint([]float32{0.5, -0.5}, PointChange{})
	loop.until(t, "a colour decode", func() bool {
		img, ok := e.Point.Decoded.Image.(*image.NRGBA)
		return ok && img.Bounds().Dx() == 16
	}, 5*time.Second)
	// The panel's image rows are off for MNIST.
	e.Train.Dataset.SetSelected(DataMNIST)
	if !e.Train.Side.Disabled() || !e.Train.Prep.Disabled() {
		t.Error("image-folder settings enabled for MNIST")
	}
	// A bad side is a message, not a run; so is a side the conv
	// architecture cannot take, before any image is read.
	e.Train.SetFolder(root)
	e.Train.Continue.SetChecked(false)
	e.Train.Side.SetText("6")
	test.Tap(e.Train.TrainBtn)
	if !strings.Contains(e.Status(), "image side 6") || e.Training.State() != trainIdle {
		t.Errorf("side 6: %q", e.Status())
	}
	e.Train.Side.SetText("30")
	test.Tap(e.Train.TrainBtn)
	if !strings.Contains(e.Status(), "divisible by 4") || e.Training.State() != trainIdle {
		t.Errorf("side 30, conv: %q", e.Status())
	}
}

// A model without held-out statistics (imported from PyTorch) gets them
// only from a dataset of its own images: not from an image folder made to
// look like them (its classes would be named as digits), nor from idx
// files of another shape. It says so, and measures nothing.
func TestImportedModelRefusesStatisticsFromAnotherDataset(t *testing.T) {
	e, loop := newTestExplorer(t, newFakeModel(2, 50))
	cfg := vae.DefaultConfig()
	cfg.Arch, cfg.Hidden = vae.ArchMLP, 16
	imported, err := vae.NewModel(cfg) // no held-out statistics
	if err != nil {
		t.Fatal(err)
	}
	e.Train.SetFolder(shapeFolder(t, 40))
	e.Models.Set(imported, filepath.Join(t.TempDir(), "theirs.safetensors"))
	loop.until(t, "the refusal", func() bool { return strings.Contains(e.Status(), "holds an image folder") }, 20*time.Second)
	if !strings.Contains(e.Status(), "choose a dataset of 28x28x1 images") || imported.HeldOut() != nil {
		t.Fatalf("status %q, held-out %v", e.Status(), imported.HeldOut() != nil)
	}
	// Colour idx files (another shape): refused too.
	colour := t.TempDir()
	if err := dataset.SaveDir(colour, dataset.Shapes(40, 20, 1), dataset.Shapes(12, 20, 2)); err != nil {
		t.Fatal(err)
	}
	e.Train.SetFolder(colour)
	e.Models.Set(imported, filepath.Join(t.TempDir(), "theirs.safetensors"))
	loop.until(t, "the second refusal", func() bool { return strings.Contains(e.Status(), "20x20x3") }, 20*time.Second)
	if imported.HeldOut() != nil {
		t.Fatal("measured on colour images")
	}
	// Its own kind of images: measured.
	e.Train.SetFolder(dataDir(t, 60))
	e.Models.Set(imported, filepath.Join(t.TempDir(), "theirs.safetensors"))
	loop.until(t, "the statistics", func() bool { return imported.HeldOut() != nil }, 20*time.Second)
}
