package dataset

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// writeShapes writes n generated colour shapes of side px into dir as
// PNG (or JPEG when jpg), named from 0.
func writeShapes(t *testing.T, dir string, n, side int, seed int64, jpg bool) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := Shapes(n, side, seed)
	for i := 0; i < n; i++ {
		name := filepath.Join(dir, fmt.Sprintf("%03d.png", i))
		f, err := os.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if jpg {
			err = jpeg.Encode(f, s.Picture(i), nil)
		} else {
			err = png.Encode(f, s.Picture(i))
		}
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestImageFolderClasses(t *testing.T) {
	root := t.TempDir()
	writeShapes(t, filepath.Join(root, "zebra"), 30, 20, 1, false)
	writeShapes(t, filepath.Join(root, "ant"), 10, 24, 2, true) // JPEG data named .png: decided by content
	// Odd files: skipped with the reason, or ignored.
	os.WriteFile(filepath.Join(root, "ant", "broken.png"), []byte("\x89PNG\r\n\x1a\nnot really"), 0o644)
	os.WriteFile(filepath.Join(root, "ant", "notes.txt"), []byte("hello"), 0o644)
	os.WriteFile(filepath.Join(root, "ant", ".hidden.png"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(root, ".cache"), 0o755)
	os.MkdirAll(filepath.Join(root, "zebra", "more"), 0o755)
	writeShapes(t, filepath.Join(root, "zebra", "more"), 2, 20, 3, false) // nested: counted, as torchvision does
	if !IsImageFolder(root) {
		t.Fatal("not recognised as an image folder")
	}
	var last [2]int
	train, test, rep, err := LoadImageFolder(context.Background(), root, FolderOptions{Seed: 7}, func(d, n int) { last = [2]int{d, n} })
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep.Summary())
	if !slices.Equal(rep.Classes, []string{"ant", "zebra"}) || rep.Layout != "classes" || rep.Files != 43 || last != [2]int{43, 43} {
		t.Fatalf("report %+v, progress %v", rep, last)
	}
	if len(rep.Skipped) != 1 || !strings.HasSuffix(rep.Skipped[0].Path, "broken.png") || !strings.Contains(rep.Skipped[0].Reason, "png") {
		t.Errorf("skipped %+v", rep.Skipped)
	}
	// Shape from the data: colour, sizes differ so 32.
	if rep.Side != 32 || rep.Channels != 3 || train.Rows != 32 || train.Depth() != 3 || !slices.Equal(train.Classes, rep.Classes) {
		t.Errorf("shape %dx%d, images %s", rep.Side, rep.Channels, train.Shape())
	}
	// Stratified 10%: 1 of ant's 10, 3 of zebra's 32.
	count := func(s *Set, l uint8) int {
		n := 0
		for _, x := range s.Labels {
			if x == l {
				n++
			}
		}
		return n
	}
	if count(test, 0) != 1 || count(test, 1) != 3 || train.N+test.N != 42 {
		t.Errorf("held out %d ants and %d zebras of %d", count(test, 0), count(test, 1), train.N+test.N)
	}
	// Reproducible with the seed; another seed holds out others.
	_, again, _, _ := LoadImageFolder(context.Background(), root, FolderOptions{Seed: 7}, nil)
	_, other, _, _ := LoadImageFolder(context.Background(), root, FolderOptions{Seed: 8}, nil)
	if !slices.Equal(again.Pix, test.Pix) || slices.Equal(other.Pix, test.Pix) {
		t.Error("the held-out split is not the seed's")
	}
	// A chosen shape and the digit mode.
	g, _, rep, err := LoadImageFolder(context.Background(), root, FolderOptions{Side: 28, Channels: 1, Mode: "digit", Seed: 7}, nil)
	if err != nil || g.ImageLen() != 784 || rep.Mode != "digit" {
		t.Fatalf("28x28 digit: %v, %d values", err, g.ImageLen())
	}
}

func TestImageFolderLayouts(t *testing.T) {
	// train/ and test/ with the same classes.
	root := t.TempDir()
	for _, c := range []string{"a", "b"} {
		writeShapes(t, filepath.Join(root, "train", c), 8, 16, 1, false)
		writeShapes(t, filepath.Join(root, "test", c), 3, 16, 2, false)
	}
	train, test, rep, err := LoadImageFolder(context.Background(), root, FolderOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Layout != "train/test" || train.N != 16 || test.N != 6 || rep.Side != 16 || !slices.Equal(rep.Classes, []string{"a", "b"}) {
		t.Fatalf("train/test: %+v, %d + %d", rep, train.N, test.N)
	}
	// A flat folder: one class named after it.
	flat := filepath.Join(t.TempDir(), "icons")
	writeShapes(t, flat, 20, 16, 1, false)
	train, test, rep, err = LoadImageFolder(context.Background(), flat, FolderOptions{}, nil)
	if err != nil || rep.Layout != "flat" || !slices.Equal(rep.Classes, []string{"icons"}) || train.N != 18 || test.N != 2 {
		t.Fatalf("flat: %v %+v", err, rep)
	}
	// An idx folder is not an image folder.
	idx := t.TempDir()
	if err := SaveDir(idx, Synthetic(10, 1), Synthetic(5, 2)); err != nil {
		t.Fatal(err)
	}
	if IsImageFolder(idx) {
		t.Error("an idx folder taken for an image folder")
	}
}

func TestImageFolderFailures(t *testing.T) {
	ctx := context.Background()
	empty := t.TempDir()
	if _, _, _, err := LoadImageFolder(ctx, empty, FolderOptions{}, nil); !errors.Is(err, ErrNoImages) || !strings.Contains(err.Error(), ".png") {
		t.Errorf("empty folder: %v", err)
	}
	bad := t.TempDir()
	for i := 0; i < 3; i++ {
		os.WriteFile(filepath.Join(bad, fmt.Sprintf("%d.jpg", i)), []byte("not an image"), 0o644)
	}
	_, _, rep, err := LoadImageFolder(ctx, bad, FolderOptions{}, nil)
	if !errors.Is(err, ErrNoImages) || rep == nil || len(rep.Skipped) != 3 || !strings.Contains(err.Error(), "none of its 3") {
		t.Errorf("unreadable files: %v", err)
	}
	one := t.TempDir()
	writeShapes(t, one, 1, 16, 1, false)
	if _, _, _, err := LoadImageFolder(ctx, one, FolderOptions{}, nil); !errors.Is(err, ErrNoImages) || !strings.Contains(err.Error(), "needs both") {
		t.Errorf("one image: %v", err)
	}
	if _, _, _, err := LoadImageFolder(ctx, filepath.Join(one, "000.png"), FolderOptions{}, nil); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("a file: %v", err)
	}
	if _, _, _, err := LoadImageFolder(ctx, one, FolderOptions{Side: 32, Channels: 2}, nil); err == nil || !strings.Contains(err.Error(), "channels") {
		t.Errorf("2 channels: %v", err)
	}
	// Cancelled: an error, no sets.
	many := t.TempDir()
	writeShapes(t, many, 200, 16, 1, false)
	cctx, cancel := context.WithCancel(ctx)
	tr, _, _, err := LoadImageFolder(cctx, many, FolderOptions{}, func(d, n int) { cancel() })
	if !errors.Is(err, context.Canceled) || tr != nil {
		t.Errorf("cancelled: %v", err)
	}
}

func TestGuessShape(t *testing.T) {
	dir := t.TempDir()
	grey := image.NewGray(image.Rect(0, 0, 28, 28))
	grey.Pix[100] = 255
	for i := 0; i < 3; i++ {
		f, _ := os.Create(filepath.Join(dir, fmt.Sprintf("%d.png", i)))
		png.Encode(f, grey)
		f.Close()
	}
	paths, _ := imagesIn(dir)
	if s, c := GuessShape(paths); s != 28 || c != 1 {
		t.Errorf("28x28 grey: guessed %d, %d", s, c)
	}
	writeShapes(t, filepath.Join(dir, "c"), 2, 50, 1, false)
	cp, _ := imagesIn(filepath.Join(dir, "c"))
	if s, c := GuessShape(cp); s != 48 || c != 3 {
		t.Errorf("50x50 colour: guessed %d, %d", s, c)
	}
	if s, _ := GuessShape(append(paths, cp...)); s != 32 {
		t.Errorf("mixed sizes: guessed side %d", s)
	}
}

// Class folders with names longer than a model keeps are shortened, still
// distinct.
func TestLongClassNames(t *testing.T) {
	root := t.TempDir()
	long := strings.Repeat("é", 70) // 140 bytes
	for _, c := range []string{long + "a", long + "b"} {
		writeShapes(t, filepath.Join(root, c), 4, 16, 1, false)
	}
	_, _, rep, err := LoadImageFolder(context.Background(), root, FolderOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, b := rep.Classes[0], rep.Classes[1]
	if a == b || len(a) > MaxClassName || len(b) > MaxClassName || !utf8.ValidString(a) || !strings.HasSuffix(b, "~2") {
		t.Errorf("classes %q, %q", a, b)
	}
}
