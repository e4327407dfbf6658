package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/engine"
)

// The controllers without a window: the session's analysed images, and a
// training run from request to end, observed as the views observe it.

func TestSessionKeepsTheAnalysedImages(t *testing.T) {
	s := NewSession()
	n := 0
	s.OnDrops(func() { n++ })
	a, b := &Analysis{Path: "a.png"}, &Analysis{Path: "b.png"}
	s.AddDrops(a, b)
	if got := s.Drops(); n != 1 || len(got) != 2 || got[0] != b || got[1] != a {
		t.Fatalf("after adding a then b: %d notifications, %v (want newest first)", n, got)
	}
	s.Drops()[0] = nil // a copy: the session's list is its own
	if s.Drops()[0] != b {
		t.Fatal("a reader changed the session's list")
	}
	s.AddDrops()
	s.SetDrops(nil)
	s.SetDrops(nil)
	if n != 2 || len(s.Drops()) != 0 {
		t.Fatalf("clearing: %d notifications, %d images", n, len(s.Drops()))
	}
}

// A model of more than two dimensions opens on its two most informative
// ones (most KL to the prior), not z0 and z1.
func TestSessionShowsTheMostInformativeDimensions(t *testing.T) {
	m := newFakeModel(5, 20)
	m.heldOut.DimKL = []float64{0.1, 3, 0.2, 5, 0.3}
	s := NewSession()
	s.SetModel(m, "", "")
	if x, y := s.Dims(); x != 1 || y != 3 {
		t.Fatalf("a 5-D model opens on z%d, z%d; want z1, z3", x, y)
	}
	s.SetModel(newFakeModel(2, 20), "", "")
	if x, y := s.Dims(); x != 0 || y != 1 {
		t.Fatalf("a 2-D model on z%d, z%d", x, y)
	}
}

func TestTrainingControllerRunsARequest(t *testing.T) {
	loop := newUILoop()
	s := NewSession()
	s.SetModel(newFakeModel(2, 50), "", "fake")
	eng := &engine.Engine{}
	tr := newTraining(eng, s, loop.do)
	var states []trainState
	var epochs, weights int
	var ended error = errors.New("not ended")
	tr.OnState(func(st trainState) { states = append(states, st) })
	tr.OnEpoch(func(vae.Event) { epochs++ })
	tr.OnEnded(func(err error) { ended = err })
	s.OnWeights(func() { weights++ })

	cfg := vae.DefaultConfig()
	cfg.Arch, cfg.Hidden, cfg.Epochs = vae.ArchMLP, 16, 2
	r := TrainRequest{Config: cfg, Limit: 100, Folder: dataDir(t, 200)}
	if err := tr.Start(r); err != nil {
		t.Fatal(err)
	}
	if err := tr.Start(r); err == nil {
		t.Fatal("a second run started while one runs")
	}
	loop.until(t, "the run to end", func() bool { return ended == nil && tr.State() == trainIdle }, 60*time.Second)
	want := []trainState{trainLoading, trainRunning, trainIdle}
	if !slices.Equal(states, want) || epochs != 2 || weights != 3 {
		t.Fatalf("states %v (want %v), %d epochs, %d weight changes", states, want, epochs, weights)
	}
	if n, _ := tr.Images(); n != 100 || s.Model().History() == nil || !s.Dirty() || s.Name() != "unsaved model" {
		t.Fatalf("trained on %d images; the session's model %q, dirty %v", n, s.Name(), s.Dirty())
	}
	if d := tr.Data(); d == nil || d.Train.N != 200 {
		t.Fatalf("loaded data %+v", d)
	}

	// Stopped while it runs: the end says so, and the model stays.
	cfg.Epochs = 50
	r.Config, r.Continue = cfg, true
	m := s.Model()
	if err := tr.Start(r); err != nil {
		t.Fatal(err)
	}
	loop.until(t, "training", func() bool { return tr.State() == trainRunning }, 20*time.Second)
	if !tr.Pause() || tr.State() != trainPaused || !tr.Resume() || tr.State() != trainRunning {
		t.Fatalf("pause and resume: %v", tr.State())
	}
	tr.Stop()
	loop.until(t, "the stop", func() bool { return tr.State() == trainIdle }, 20*time.Second)
	if !errors.Is(ended, context.Canceled) || s.Model() != m {
		t.Fatalf("stopped: %v, the model replaced %v", ended, s.Model() != m)
	}
	<-tr.Close()
}

func TestTrainingControllerRefusesBadRequests(t *testing.T) {
	s := NewSession()
	tr := newTraining(&engine.Engine{}, s, func(f func()) { f() })
	if _, err := tr.Check(TrainRequest{Config: vae.DefaultConfig(), Continue: true}); err == nil {
		t.Error("continuing without a model")
	}
	cfg := vae.DefaultConfig()
	cfg.Epochs = 0
	if err := tr.Start(TrainRequest{Config: cfg, Name: dataset.NameMNIST}); err == nil || tr.State() != trainIdle {
		t.Errorf("0 epochs: %v, state %v", err, tr.State())
	}
}

// A run refused once its data is in (too big for the memory allowed)
// leaves the model on show: it was replaced by an untrained one before.
func TestARefusedRunKeepsTheModel(t *testing.T) {
	loop := newUILoop()
	s := NewSession()
	m := newFakeModel(2, 50)
	s.SetModel(m, "", "fake")
	tr := newTraining(&engine.Engine{}, s, loop.do)
	var ended error = errors.New("not ended")
	tr.OnEnded(func(err error) { ended = err })
	cfg := vae.DefaultConfig()
	cfg.Arch, cfg.Hidden, cfg.Batch = vae.ArchConv, 2048, 4096 // the image size is known once read
	if err := tr.Start(TrainRequest{Config: cfg, Folder: dataDir(t, 50)}); err != nil {
		t.Fatal(err)
	}
	loop.until(t, "the refusal", func() bool { return tr.State() == trainIdle && ended != nil && ended.Error() != "not ended" }, 30*time.Second)
	if !strings.Contains(ended.Error(), "more than the 512 MB allowed") || s.Model() != m || s.Name() != "fake" {
		t.Fatalf("refused with %v; the model on show replaced: %v (%q)", ended, s.Model() != m, s.Name())
	}
	<-tr.Close()
}

// A new model stopped inside its first epoch keeps what it learnt, and the
// plane shows its held-out codes (it stayed empty for good before).
func TestStoppingInTheFirstEpochKeepsAScatter(t *testing.T) {
	e, loop := newTestExplorer(t, newFakeModel(2, 50))
	e.Train.SetFolder(dataDir(t, 800))
	e.Train.Arch.SetSelected(vae.ArchConv) // slow steps: the first flush of steps comes well inside epoch 1
	e.Train.Hidden.SetText("16")
	e.Train.Batch.SetText("2")
	e.Train.Epochs.SetText("3")
	steps := 0
	e.Training.OnSteps(func(evs []vae.Event) {
		if steps == 0 {
			e.PauseTraining() // holds after the current step
		}
		steps += len(evs)
	})
	e.StartTraining()
	loop.until(t, "training steps", func() bool { return steps > 0 }, 30*time.Second)
	e.StopTraining()
	loop.until(t, "the stop", func() bool { return e.Training.State() == trainIdle }, 30*time.Second)
	loop.until(t, "the scatter", func() bool { return e.Plane.ScatterLen() > 0 }, 10*time.Second)
	if len(e.Model().History()) != 0 || e.Model().HeldOut() == nil {
		t.Fatalf("stopped in epoch 1: %d epochs, held-out %v", len(e.Model().History()), e.Model().HeldOut() != nil)
	}
}

// A folder read at its own side and colours is the folder the tools ask
// for in the model's shape: it is not read twice (20,000 faces took 15 s
// each time).
func TestAFolderIsReadOnceForTrainingAndTools(t *testing.T) {
	loop := newUILoop()
	tr := newTraining(&engine.Engine{}, NewSession(), loop.do)
	dir := shapeFolder(t, 60)
	var d *dataset.Data
	tr.Load(context.Background(), "", dir, dataset.FolderOptions{Mode: "resize"}, func(float64, string) {}, func(got *dataset.Data, err error) {
		if err != nil {
			t.Fatal(err)
		}
		d = got
	})
	loop.until(t, "the folder", func() bool { return d != nil }, 20*time.Second)
	var again *dataset.Data
	tr.Load(context.Background(), "", dir, dataset.FolderOptions{Side: 20, Channels: 3, Mode: "resize"}, func(float64, string) {}, func(got *dataset.Data, err error) { again = got })
	if again != d {
		t.Fatalf("the folder in its own shape (%dx%dx%d) was read again", d.Train.Rows, d.Train.Cols, d.Train.Depth())
	}
	again = nil
	tr.Load(context.Background(), "", dir, dataset.FolderOptions{Side: 16, Channels: 3, Mode: "resize"}, func(float64, string) {}, func(got *dataset.Data, err error) { again = got })
	loop.until(t, "the folder at side 16", func() bool { return again != nil }, 20*time.Second)
	if again == d || again.Train.Rows != 16 {
		t.Fatal("the folder at another side is the same data")
	}
}

// Save on a model opened from a PyTorch file asks for a .vae name (Save
// As) instead of writing our format over the .safetensors file.
func TestSaveKeepsAPyTorchFileWhatItIs(t *testing.T) {
	e, _ := newTestExplorer(t, tinyModel(t))
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := os.WriteFile(path, []byte("theirs"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.Session.SetModel(e.Session.Model(), path, "")
	asked := false
	e.Models.Save(func() { asked = true })
	if b, _ := os.ReadFile(path); !asked || string(b) != "theirs" {
		t.Fatalf("Save of a .safetensors model: asked %v, the file now %d bytes", asked, len(b))
	}
	e.Models.SaveAs(path) // typed in Save As: refused, with the reason
	if b, _ := os.ReadFile(path); string(b) != "theirs" || !strings.Contains(e.Status(), "models are saved as .vae files") {
		t.Fatalf("Save As m.safetensors: %q, status %q", b, e.Status())
	}
}
