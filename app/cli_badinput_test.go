package main

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every bad input exits with status 2 and one line, and creates nothing:
// image folders that cannot make a dataset, image options out of range,
// an idx folder whose file is a folder.
func TestEveryBadInputExitsTwoAndCreatesNothing(t *testing.T) {
	base := t.TempDir()
	mk := func(p string) string {
		t.Helper()
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	img := func(p string) {
		t.Helper()
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		png.Encode(f, image.NewGray(image.Rect(0, 0, 8, 8)))
	}
	folder := func(name string, fill func(dir string)) string {
		dir := mk(filepath.Join(base, name))
		fill(dir)
		return dir
	}
	corrupt := folder("corrupt", func(d string) {
		os.WriteFile(filepath.Join(mk(filepath.Join(d, "a")), "1.png"), []byte("x"), 0o644)
		os.WriteFile(filepath.Join(mk(filepath.Join(d, "b")), "2.png"), []byte("y"), 0o644)
	})
	empty := folder("empty", func(d string) { mk(filepath.Join(d, "a")); mk(filepath.Join(d, "b")) })
	hidden := folder("hidden", func(d string) { img(filepath.Join(d, ".x.png")) })
	single := folder("single", func(d string) { img(filepath.Join(d, "1.png")) })
	classes := func(k int) func(string) {
		return func(d string) {
			for c := range k {
				img(filepath.Join(mk(filepath.Join(d, fmt.Sprintf("c%d", c))), "1.png"))
			}
		}
	}
	many, more := folder("257", classes(257)), folder("300", classes(300))
	noTest := folder("notest", func(d string) {
		for i := range 4 {
			img(filepath.Join(mk(filepath.Join(d, "train", "a")), fmt.Sprintf("%d.png", i)))
		}
		mk(filepath.Join(d, "test", "a"))
	})
	good := folder("good", classes(3))
	// 22,000 files at 128x128x3 make 1.05 GB: refused before any is read
	// (so they need not be images).
	huge := folder("huge", func(d string) {
		for i := range 22000 {
			os.WriteFile(filepath.Join(d, fmt.Sprintf("%d.png", i)), nil, 0o644)
		}
	})
	idx := folder("idx", func(d string) { mk(filepath.Join(d, "train-images-idx3-ubyte")) })

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "--data", corrupt}, "none of its 2 image files could be read"},
		{[]string{"train", "--data", empty}, "no images to learn from"},
		{[]string{"train", "--data", hidden}, "no images to learn from"},
		{[]string{"train", "--data", single}, "1 images for training and 0 held out"},
		{[]string{"train", "--data", many}, "257 class folders, more than the 256"},
		{[]string{"train", "--data", more}, "300 class folders"},
		{[]string{"train", "--data", noTest}, "0 held out"},
		{[]string{"train", "--data", huge, "--size", "128", "--channels", "3"}, "more than the limit of 1024 MB"},
		{[]string{"train", "--data", good, "--size", "-28"}, "image side -28 out of range 8..128"},
		{[]string{"train", "--data", good, "--size", "100000"}, "image side 100000 out of range"},
		{[]string{"train", "--data", good, "--preprocess", "smear"}, `preprocessing "smear"`},
		{[]string{"train", "--data", idx}, "train-images-idx3-ubyte is a folder or a special file"},
		{[]string{"eval", "--data", idx}, "train-images-idx3-ubyte is a folder or a special file"},
		{[]string{"dataset", "--data", good, "--size", "7"}, "image side 7 out of range 8..128"},
		{[]string{"dataset", "--data", good, "--size", "129"}, "image side 129 out of range"},
		{[]string{"dataset", "--data", good, "--preprocess", "smear"}, `preprocessing "smear"`},
		{[]string{"dataset", "--data", empty}, "no images to learn from"},
	} {
		out := filepath.Join(t.TempDir(), "out")
		if c.args[0] == "train" {
			out += ".vae"
		}
		args := append(c.args, "--out", out)
		if c.args[0] == "eval" {
			args = c.args
		}
		code, _, stderr := runCLI(t, args...)
		line := stderr[strings.LastIndex(strings.TrimSuffix(stderr, "\n"), "\n")+1:]
		if code != 2 || !strings.Contains(line, c.want) || !strings.HasPrefix(line, "vae-explorer "+c.args[0]+": ") {
			t.Errorf("%s: exit %d, last line %q; want 2 and %q", strings.Join(c.args, " "), code, line, c.want)
		}
		if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
			t.Errorf("%s: left %s behind", strings.Join(c.args, " "), entries[0].Name())
		}
	}
}

// augment judges its flags before its output folder: a bad --sigma or
// --mode is named even when the folder is taken too.
func TestAugmentNamesTheBadFlagFirst(t *testing.T) {
	taken := t.TempDir()
	os.WriteFile(filepath.Join(taken, "x"), []byte("mine"), 0o644)
	for flag, want := range map[string]string{"--sigma=-1": "sigma -1: want 0..10", "--mode=smear": `augmentation mode "smear"`, "--per-class=0": "images per class 0"} {
		code, _, stderr := runCLI(t, "augment", flag, "--out", taken)
		if code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("augment %s --out TAKEN: %d %q, want %q", flag, code, stderr, want)
		}
	}
}
