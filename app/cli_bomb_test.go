package main

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// pngBomb is a real 7000x7000 RGBA PNG (49 megapixels, 196 MB decoded)
// of one colour: about 200 KB on disk.
func pngBomb(t *testing.T) []byte {
	t.Helper()
	const side = 7000
	row := append([]byte{0}, bytes.Repeat([]byte{200, 100, 50, 255}, side)...)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	for range side {
		zw.Write(row)
	}
	zw.Close()
	return pngOf(side, side, 8, 6, 0, z.Bytes())
}

// Decoding memory does not grow with the cores: a folder of four
// 49-megapixel PNGs (196 MB each decoded) read on 1, 8 and 16 cores. It
// took 611 MB on one core and 1.78 GB on 8 and 16 when each goroutine had
// a budget of its own; with one budget for all (imaging.DecodeBudget)
// about 260 MB on any. Measured on the app built without the race
// detector (its shadow memory scales every figure, and it decodes 50
// megapixels ten times slower), as users run it.
func TestPNGBombsTakeTheSameMemoryOnAnyCoreCount(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "vae-explorer")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	bomb := pngBomb(t)
	for i := range 4 {
		p := filepath.Join(dir, "a", fmt.Sprintf("bomb%d.png", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, bomb, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeShapeFolder(t, filepath.Join(dir, "b"), 30)
	os.RemoveAll(filepath.Join(dir, "b", "ring")) // the shapes' classes stay: disc, square, triangle
	var one int64
	for _, procs := range []int{1, 8, 16} {
		out := filepath.Join(t.TempDir(), "idx")
		rss, secs := peakRSSOf(t, bin, []string{"dataset", "--data", dir, "--out", out}, fmt.Sprintf("GOMAXPROCS=%d", procs))
		t.Logf("GOMAXPROCS=%d: peak resident %d MB in %.1f s", procs, rss>>20, secs)
		if _, err := os.Stat(filepath.Join(out, "classes.txt")); err != nil {
			t.Fatalf("GOMAXPROCS=%d: the dataset was not written: %v", procs, err)
		}
		if procs == 1 {
			one = rss
		} else if rss > one+one/4 {
			t.Errorf("GOMAXPROCS=%d: %d MB, against %d MB on one core", procs, rss>>20, one>>20)
		}
		if rss > 512<<20 {
			t.Errorf("GOMAXPROCS=%d: peak resident %d MB", procs, rss>>20)
		}
	}
}
