package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
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
	data := append(header(magicImages, 1_000_000, 28, 28), make([]byte, 784)...)
	var ms1, ms2 = new(runtimeMem), new(runtimeMem)
	ms1.read()
	_, err := ReadImages(bytes.NewReader(data))
	ms2.read()
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("err = %v, want truncated", err)
	}
	if grew := ms2.total - ms1.total; grew > 8<<20 {
		t.Fatalf("reading a file declaring 784 MB that holds 784 bytes allocated %d bytes", grew)
	}
}

func writeSet(t *testing.T, dir, split string, n int, labels int, gzipped bool) {
	t.Helper()
	im := &Images{N: n, Rows: 28, Cols: 28, Pix: make([]uint8, n*784)}
	var ib, lb bytes.Buffer
	WriteImages(&ib, im)
	WriteLabels(&lb, make([]uint8, labels))
	ibytes, lbytes := ib.Bytes(), lb.Bytes()
	suffix := ".gz"
	if !gzipped {
		suffix = ""
		ibytes, _ = gunzip(ibytes)
		lbytes, _ = gunzip(lbytes)
	}
	os.WriteFile(filepath.Join(dir, split+"-images-idx3-ubyte"+suffix), ibytes, 0o644)
	os.WriteFile(filepath.Join(dir, split+"-labels-idx1-ubyte"+suffix), lbytes, 0o644)
}

func gunzip(b []byte) ([]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	var o bytes.Buffer
	_, err = o.ReadFrom(r)
	return o.Bytes(), err
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	writeSet(t, dir, "train", 5, 5, true)
	writeSet(t, dir, "t10k", 2, 2, false) // raw files are read too
	train, test, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 5 || test.N != 2 {
		t.Fatalf("read %d and %d images", train.N, test.N)
	}

	empty := t.TempDir()
	if _, _, err := LoadDir(empty); !errors.Is(err, ErrNoData) || !strings.Contains(err.Error(), "train-images-idx3-ubyte") {
		t.Errorf("empty folder: %v", err)
	}
	mismatch := t.TempDir()
	writeSet(t, mismatch, "train", 5, 4, true)
	writeSet(t, mismatch, "t10k", 2, 2, true)
	if _, _, err := LoadDir(mismatch); err == nil || !strings.Contains(err.Error(), "4 labels for 5 images") {
		t.Errorf("label mismatch: %v", err)
	}
	if _, _, err := LoadDir(filepath.Join(dir, "train-images-idx3-ubyte.gz")); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("file as folder: %v", err)
	}
}

func FuzzReadImages(f *testing.F) {
	for _, c := range MalformedIDX() {
		if !c.Labels {
			f.Add(c.Data)
		}
	}
	f.Add(append(header(magicImages, 1, 2, 2), 1, 2, 3, 4))
	f.Fuzz(func(t *testing.T, b []byte) {
		im, err := ReadImages(bytes.NewReader(b))
		if err == nil && len(im.Pix) != im.N*im.Rows*im.Cols {
			t.Fatalf("%d pixels for %dx%dx%d", len(im.Pix), im.N, im.Rows, im.Cols)
		}
	})
}

func FuzzReadLabels(f *testing.F) {
	for _, c := range MalformedIDX() {
		if c.Labels {
			f.Add(c.Data)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) { ReadLabels(bytes.NewReader(b)) })
}
