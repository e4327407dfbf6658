package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func header(magic uint32, dims ...uint32) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	binary.Write(&b, binary.BigEndian, dims)
	return b.Bytes()
}

func gz(b []byte) []byte {
	var o bytes.Buffer
	w := gzip.NewWriter(&o)
	w.Write(b)
	w.Close()
	return o.Bytes()
}

func sampleImages() *Images {
	im := &Images{N: 3, Rows: 28, Cols: 28, Pix: make([]uint8, 3*784)}
	for i := range im.Pix {
		im.Pix[i] = uint8(i % 256)
	}
	return im
}

func TestImagesRoundTrip(t *testing.T) {
	im := sampleImages()
	var b bytes.Buffer
	if err := WriteImages(&b, im); err != nil {
		t.Fatal(err)
	}
	got, err := ReadImages(&b)
	if err != nil {
		t.Fatal(err)
	}
	if got.N != 3 || got.Rows != 28 || got.Cols != 28 || !slices.Equal(got.Pix, im.Pix) {
		t.Fatal("images changed in a write/read round trip")
	}
	var lb bytes.Buffer
	WriteLabels(&lb, []uint8{7, 0, 9})
	labels, err := ReadLabels(&lb)
	if err != nil || !slices.Equal(labels, []uint8{7, 0, 9}) {
		t.Fatalf("labels round trip: %v %v", labels, err)
	}
}

func TestRawAndGzipReadAlike(t *testing.T) {
	raw := append(header(magicImages, 1, 2, 2), 0, 255, 51, 102)
	for _, b := range [][]byte{raw, gz(raw)} {
		im, err := ReadImages(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(im.Pix, []uint8{0, 255, 51, 102}) {
			t.Fatalf("pixels %v", im.Pix)
		}
		if f := im.Floats(); f[1] != 1 || math.Abs(float64(f[2])-0.2) > 1e-7 {
			t.Fatalf("scaled pixels %v", f)
		}
	}
}

// MalformedIDX is the bad-input corpus for the idx reader: each entry's
// error must mention its want text.
func MalformedIDX() []struct {
	Name, Want string
	Data       []byte
	Labels     bool
} {
	img := append(header(magicImages, 2, 28, 28), make([]byte, 2*784)...)
	type c = struct {
		Name, Want string
		Data       []byte
		Labels     bool
	}
	return []c{
		{"empty", "empty", nil, false},
		{"one byte", "empty", []byte{0}, false},
		{"half header", "header", img[:10], false},
		{"truncated body", "truncated", img[:len(img)-100], false},
		{"truncated gzip", "", gz(img)[:40], false},
		{"wrong magic", "magic number", append(header(0x0803_0000, 2, 28, 28), make([]byte, 2*784)...), false},
		{"labels given as images", "labels, not images", append(header(magicLabels, 3), 1, 2, 3), false},
		{"images given as labels", "images, not labels", img, true},
		{"zero images", "0 images", header(magicImages, 0, 28, 28), false},
		{"2^31 images declared", "more than the limit", append(header(magicImages, 1<<31, 28, 28), make([]byte, 784)...), false},
		{"absurd sides", "sides must be", header(magicImages, 1, 100000, 100000), false},
		{"zero side", "sides must be", header(magicImages, 5, 0, 28), false},
		{"trailing data", "more data follows", slices.Concat(img, []byte{1, 2, 3}), false},
		{"labels truncated", "truncated", append(header(magicLabels, 10), 1, 2), true},
		{"2^31 labels declared", "more than the limit", append(header(magicLabels, 1<<31), 1), true},
		{"text renamed", "magic number", []byte("this is not an idx file at all\n"), false},
	}
}

func TestMalformedIDX(t *testing.T) {
	for _, c := range MalformedIDX() {
		var err error
		if c.Labels {
			_, err = ReadLabels(bytes.NewReader(c.Data))
		} else {
			_, err = ReadImages(bytes.NewReader(c.Data))
		}
		if err == nil {
			t.Errorf("%s: no error", c.Name)
			continue
		}
		if !strings.Contains(err.Error(), c.Want) {
			t.Errorf("%s: error %q does not say %q", c.Name, err, c.Want)
		}
	}
}

func TestHugeDeclaredCountDoesNotAllocate(t *testing.T) {
	data := append(header(magicImages, 160_000, 28, 28), make([]byte, 784)...)
	var ms1, ms2 = new(runtimeMem), new(runtimeMem)
	ms1.read()
	_, err := ReadImages(bytes.NewReader(data))
	ms2.read()
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("err = %v, want truncated", err)
	}
	if grew := ms2.total - ms1.total; grew > 8<<20 {
		t.Fatalf("reading a file declaring 125 MB that holds 784 bytes allocated %d bytes", grew)
	}
}

// A gzip bomb (a small file that inflates far past what its header
// declares, or to exactly that) never takes more than twice the declared
// bytes, and a file declaring more than its limit is refused at the
// header.
func TestGzipBombsAreBounded(t *testing.T) {
	// Gzip members concatenate: one member of 1 MB of zeros, repeated.
	var mb bytes.Buffer
	zw := gzip.NewWriter(&mb)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	bomb := func(n, rows, cols, megabytes int) []byte {
		b := gz(header(magicImages, uint32(n), uint32(rows), uint32(cols)))
		for range megabytes {
			b = append(b, mb.Bytes()...)
		}
		return b
	}
	// Declares 10,000 images and inflates to 64 MB: refused after reading
	// the declared 7.8 MB.
	big := bomb(10_000, 28, 28, 64)
	var ms1, ms2 = new(runtimeMem), new(runtimeMem)
	ms1.read()
	_, err := ReadImages(bytes.NewReader(big))
	ms2.read()
	if err == nil || !strings.Contains(err.Error(), "more data follows") {
		t.Fatalf("a bomb past its header: %v", err)
	}
	if grew := ms2.total - ms1.total; grew > 16<<20 {
		t.Fatalf("a %d KB bomb declaring 7.8 MB allocated %d MB", len(big)>>10, grew>>20)
	}
	// At a limit it loads, allocating twice its size in all (1 MB
	// doubling up to it).
	const limit = 16 << 20
	ms1.read()
	im, err := readImages(bytes.NewReader(bomb(limit/1024, 32, 32, 16)), limit, "", -1)
	ms2.read()
	if err != nil || im.N != limit/1024 {
		t.Fatal(err)
	}
	if grew := ms2.total - ms1.total; grew > 2*limit+4<<20 {
		t.Fatalf("%d MB of images took %d MB to read", limit>>20, grew>>20)
	}
	// Past the limits, refused from the header: training files, and
	// held-out files at their smaller limit.
	if _, err := ReadImages(bytes.NewReader(bomb(MaxPixels/784+1, 28, 28, 0))); err == nil || !strings.Contains(err.Error(), "limit of 128 MB") {
		t.Fatalf("a training file past its limit: %v", err)
	}
	dir := t.TempDir()
	n := MaxHeldOutBytes/784 + 1
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"t10k-images-idx3-ubyte.gz", bomb(n, 28, 28, 0)},
		{"t10k-labels-idx1-ubyte", append(header(magicLabels, uint32(n)), make([]byte, n)...)},
	} {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := LoadSplit(dir, Test); err == nil || !strings.Contains(err.Error(), "for held-out images") {
		t.Fatalf("a held-out file past its limit: %v", err)
	}
}

// A file whose own size (raw) or gzip trailer says it holds exactly what
// its header declares is read into one buffer of that size; the same
// bytes from a plain reader grow a buffer as they arrive.
func TestFileSizeSavesTheGrowing(t *testing.T) {
	dir := t.TempDir()
	set := Synthetic(8000, 1) // 6.3 MB of pixels
	if err := SaveDir(dir, set, Synthetic(10, 2)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "train-images-idx3-ubyte.gz")
	var ms1, ms2 = new(runtimeMem), new(runtimeMem)
	ms1.read()
	im, err := ReadImagesFile(path)
	ms2.read()
	n := uint64(len(set.Pix))
	if err != nil || !bytes.Equal(im.Pix, set.Pix) {
		t.Fatal(err)
	}
	if grew := ms2.total - ms1.total; grew > n+n/8 {
		t.Errorf("reading %d bytes of pixels allocated %d", n, grew)
	}
	data, _ := os.ReadFile(path)
	ms1.read()
	if _, err := ReadImages(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	ms2.read()
	if grew := ms2.total - ms1.total; grew < n+n/4 {
		t.Errorf("without the file's size: %d bytes allocated for %d; the test no longer tells the two apart", grew, n)
	}
}
