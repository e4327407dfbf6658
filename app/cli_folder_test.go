package main

import (
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// writeShapeFolder writes n generated 24x24 colour shapes as PNG files in
// class folders under root, and one unreadable file.
func writeShapeFolder(t *testing.T, root string, n int) {
	t.Helper()
	if err := dataset.SavePNGDir(root, dataset.Shapes(n, 24, 1), nil); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "ring", "broken.png"), []byte("not a png"), 0o644)
}

// TestTrainOnImageFolder trains on a folder of colour images from the
// CLI: the model takes the data's shape (or the one asked for), keeps
// the class names and the preprocessing, and the image commands work in
// colour with it.
func TestTrainOnImageFolder(t *testing.T) {
	tmp := t.TempDir()
	root := filepath.Join(tmp, "shapes")
	writeShapeFolder(t, root, 120)
	model := filepath.Join(tmp, "m.vae")
	code, _, stderr := runCLI(t, "train", "--data", root, "--arch", "conv", "--hidden", "16", "--epochs", "1", "--batch", "16", "--out", model, "--json")
	if code != 0 {
		t.Fatalf("train: %d %s", code, stderr)
	}
	if !strings.Contains(stderr, "120 images in 4 classes (classes), made 24x24x3 by resize; 1 unreadable files skipped") || !strings.Contains(stderr, "skipped "+filepath.Join(root, "ring", "broken.png")) {
		t.Errorf("report: %s", stderr)
	}
	m, err := vae.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	if cfg := m.Config(); m.Image() != (vae.Shape{Side: 24, Channels: 3}) || !slices.Equal(cfg.Classes, []string{"disc", "ring", "square", "triangle"}) || cfg.Preprocess != "resize" {
		t.Fatalf("model: %v, classes %v, preprocessing %q", m.Image(), cfg.Classes, cfg.Preprocess)
	}
	// The picture commands draw colour.
	grid := filepath.Join(tmp, "g.png")
	if code, _, stderr := runCLI(t, "grid", "--model", model, "--n", "3", "--out", grid); code != 0 {
		t.Fatalf("grid: %s", stderr)
	}
	if img := readPNG(t, grid); img.Bounds().Dx() != 72 || img.ColorModel() == nil {
		t.Errorf("grid %v", img.Bounds())
	} else if _, ok := img.(*image.Gray); ok {
		t.Error("the grid of a colour model is grey")
	}
	// A dropped-in file is made the model's shape: reconstruct.
	out := filepath.Join(tmp, "rec")
	code, stdout, stderr := runCLI(t, "reconstruct", "--model", model, "--out", out, filepath.Join(root, "disc", "disc-0.png"))
	if code != 0 {
		t.Fatalf("reconstruct: %s", stderr)
	}
	var res struct{ Outputs []string }
	json.Unmarshal([]byte(stdout), &res)
	if len(res.Outputs) != 3 || readPNG(t, res.Outputs[0]).Bounds().Dx() != 24 {
		t.Errorf("reconstruct outputs %v", res.Outputs)
	}
	// eval reads the folder the model's way.
	if code, stdout, stderr := runCLI(t, "eval", "--model", model, "--data", root, "--json"); code != 0 || !strings.Contains(stdout, `"images":12`) {
		t.Errorf("eval: %d %s %s", code, stdout, stderr)
	}
	// Augmented images of a colour model: PNG class folders named after
	// the classes, which read back as an image folder; idx is refused.
	aug := filepath.Join(tmp, "aug")
	if code, _, stderr := runCLI(t, "augment", "--model", model, "--data", root, "--per-class", "3", "--format", "png", "--out", aug, "--json"); code != 0 {
		t.Fatalf("augment: %s", stderr)
	}
	back, _, rep, err := dataset.LoadImageFolder(context.Background(), aug, dataset.FolderOptions{}, nil)
	if err != nil || !slices.Equal(rep.Classes, []string{"disc", "ring", "square", "triangle"}) || back.Depth() != 3 || back.Rows != 24 {
		t.Errorf("augmented folder: %v, %+v", err, rep)
	}
	if _, err := os.Stat(filepath.Join(aug, "ring", "ring-1.png")); err != nil {
		t.Error(err)
	}
	if code, _, stderr := runCLI(t, "augment", "--model", model, "--data", root, "--format", "idx", "--out", filepath.Join(tmp, "aug2")); code != 2 || !strings.Contains(stderr, "write PNG class folders instead") {
		t.Errorf("idx of colour: %d %s", code, stderr)
	}
	// Asked for: grey 16x16 by the digit mode.
	grey := filepath.Join(tmp, "grey.vae")
	if code, _, stderr := runCLI(t, "train", "--data", root, "--size", "16", "--channels", "1", "--preprocess", "digit", "--hidden", "16", "--epochs", "1", "--out", grey, "--json"); code != 0 {
		t.Fatalf("train 16x16 grey: %s", stderr)
	}
	if g, _ := vae.Load(grey); g.Image() != (vae.Shape{Side: 16, Channels: 1}) || g.Config().Preprocess != "digit" {
		t.Errorf("16x16 grey: %v", g.Image())
	}
	// Bad shapes: one line, status 2, nothing written.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--channels", "2"}, "2 channels: images have 1 (grey) or 3 (colour)"},
		{[]string{"--size", "500"}, "image side 500 out of range 8..128"},
		{[]string{"--preprocess", "blur"}, `preprocessing "blur": want resize or digit`},
		{[]string{"--size", "30", "--arch", "conv"}, "divisible by 4"},
		{[]string{"--resume", model, "--size", "32"}, "must match the resumed model's 24x24x3"},
	} {
		bad := filepath.Join(tmp, "bad.vae")
		code, _, stderr := runCLI(t, append([]string{"train", "--data", root, "--epochs", "1", "--out", bad}, c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%v: status %d, %q; want %q", c.args, code, stderr, c.want)
		}
		if _, err := os.Stat(bad); err == nil {
			t.Errorf("%v: a model was written", c.args)
		}
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}
