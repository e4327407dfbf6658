package imaging

import (
	"bytes"
	"errors"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"testing"
)

// allocated runs f and returns the bytes it allocated in all: an upper
// bound on the heap it needed at its peak, exact, and the same under the
// race detector.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// jpegDeclaring is a small JPEG whose frame header is rewritten to
// declare w x h.
func jpegDeclaring(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, drawSeven(16, 16, 3, color.White, color.Black), nil); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	i := bytes.Index(data, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no baseline frame header")
	}
	// length 2, precision 1, then height and width.
	data[i+5], data[i+6], data[i+7], data[i+8] = byte(h>>8), byte(h), byte(w>>8), byte(w)
	return data
}

// Files that declare more than the app would decode are refused before a
// pixel is decoded, allocating next to nothing; the largest that pass are
// preprocessed within the budget.
func TestImageMemoryIsBounded(t *testing.T) {
	refused := []struct {
		name string
		data []byte
	}{
		{"50,000,000 x 1 grey PNG", pngHeaderOf(50_000_000, 1, 8, 0, 0)},
		{"50 MP 16-bit RGBA PNG", pngHeaderOf(7071, 7071, 16, 6, 0)},
		{"40 MP 8-bit RGBA interlaced PNG", pngHeaderOf(6400, 6400, 8, 6, 1)},
		{"50 MP colour JPEG (progressive at worst)", jpegDeclaring(t, 7071, 7071)},
	}
	for _, c := range refused {
		var err error
		n := allocated(func() { _, err = Preprocess(c.data) })
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: %v, want ErrTooLarge", c.name, err)
		}
		if n > 1<<20 {
			t.Errorf("%s: %d KB allocated to refuse it", c.name, n>>10)
		}
	}
	// A large photo that passes (12.6 MP, 8-bit RGBA: 50 MB decoded):
	// decoded pixels, one strip and the 1024-a-side work arrays.
	photo := drawSeven(4096, 3072, 300, color.Black, color.White)
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, photo); err != nil {
		t.Fatal(err)
	}
	photo = nil
	var in *Input
	var err error
	n := allocated(func() { in, err = Preprocess(b.Bytes()) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("4096x3072 RGBA PNG: %d MB allocated", n>>20)
	if n > 120<<20 {
		t.Errorf("a 4096x3072 RGBA PNG took %d MB (its pixels are 48)", n>>20)
	}
	if in.Width != 4096 || in.Height != 3072 || in.Whole.Bounds().Dx() != workSide {
		t.Errorf("sizes %dx%d, grey %v", in.Width, in.Height, in.Whole.Bounds())
	}
	// Box-averaged or not, the same digit comes out.
	small := mustPre(t, encodePNG(drawSeven(1024, 768, 75, color.Black, color.White)))
	if d := meanAbs(in.Pixels, small.Pixels); d > 0.02 {
		t.Errorf("4096x3072 and 1024x768 of one drawing differ by %.3f a pixel", d)
	}
}
