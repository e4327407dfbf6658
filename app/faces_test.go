package main

import (
	"context"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vaeexplorer/vae/dataset"
)

// node runs scripts/faces/faces.mjs (make test installs Node.js, its
// DiceBear packages and rsvg-convert: make deps-faces).
func node(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("node", append([]string{"../scripts/faces/faces.mjs"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("faces.mjs %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// differs is the mean absolute difference of two images' grey levels in
// rows y0..y1 (0-255).
func differs(a, b image.Image, y0, y1 int) float64 {
	var s float64
	n := 0
	for y := y0; y < y1; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			d := (float64(r1) + float64(g1) + float64(b1) - float64(r2) - float64(g2) - float64(b2)) / 3 / 257
			if d < 0 {
				d = -d
			}
			s += d
			n++
		}
	}
	return s / float64(n)
}

// make faces writes CelebA's layout, which loads with its attributes and
// split; the attributes are the options drawn: a face with the smile and
// one without differ at the mouth, with glasses and without at the eyes.
func TestFacesFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "faces")
	node(t, "--out", dir, "--n", "60", "--jobs", "2")
	for _, f := range []string{"list_attr_celeba.txt", "list_eval_partition.txt", "img_align_celeba/000001.png", "img_align_celeba/000060.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatalf("make faces wrote no %s: %v", f, err)
		}
	}
	if img := readPNG(t, filepath.Join(dir, "img_align_celeba", "000001.png")); img.Bounds().Dx() != 64 || img.Bounds().Dy() != 64 {
		t.Fatalf("faces are %v", img.Bounds())
	}
	train, test, rep, err := dataset.LoadImageFolder(context.Background(), filepath.Join(dir, "img_align_celeba"), dataset.FolderOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Layout != "partition" || train.N != 54 || test.N != 6 || len(rep.Skipped) != 0 || train.Rows != 64 || train.Channels != 3 {
		t.Fatalf("loaded %s: %d train, %d test, %d skipped, %dx%dx%d", rep.Layout, train.N, test.N, len(rep.Skipped), train.Rows, train.Cols, train.Channels)
	}
	for _, a := range []string{"Smiling", "Eyeglasses", "Wearing_Hat", "No_Beard", "Black_Hair", "Blond_Hair"} {
		if train.Attrs.Index(a) < 0 {
			t.Errorf("no %s attribute: %v", a, train.Attrs.Names)
		}
	}
	pairs := filepath.Join(t.TempDir(), "pairs")
	for _, c := range []struct {
		option string
		y0, y1 int // where on the face it shows
	}{{"mouth=smile", 30, 40}, {"accessories=round", 20, 30}} {
		d := filepath.Join(pairs, strings.Split(c.option, "=")[1])
		node(t, "--pair", c.option, "--out", d)
		with, without := readPNG(t, filepath.Join(d, "with.png")), readPNG(t, filepath.Join(d, "without.png"))
		if in, out := differs(with, without, c.y0, c.y1), differs(with, without, 50, 64); in < 1 || in < 10*out {
			t.Errorf("%s: the faces with and without differ by %.1f in rows %d-%d and %.1f at the bottom", c.option, in, c.y0, c.y1, out)
		}
	}
}
