// Package dataset reads image datasets for the VAE engine: the idx format
// MNIST and Fashion-MNIST ship in (gzip-compressed or raw), folders holding
// the four standard files, and downloads of the official files into the
// user's cache, verified against pinned checksums.
package dataset

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
)

// Limits on what an idx file may declare, refused at the header. The
// reader reads at most what the header declares and allocates as the data
// arrives (doubling, so holding at most 1.5 times the declared bytes while
// it grows), so neither a lying header nor a gzip bomb takes memory past
// these. Held-out images are fewer because evaluation holds them as
// float32 (four times their bytes): a training file and a held-out file at
// their limits load and train within about 350 MB.
const (
	MaxItems        = 10_000_000 // images or labels per file
	MaxPixels       = 128 << 20  // items x rows x cols of a training file (bytes)
	MaxHeldOutBytes = 32 << 20   // the same for a held-out (test) file
	MaxSide         = 4096       // rows or cols
)

const (
	magicLabels = 0x00000801 // unsigned bytes, 1 dimension
	magicImages = 0x00000803 // unsigned bytes, 3 dimensions
	// magicColour is images with channels: N, rows, cols, channels (1 or
	// 3), the channels of a pixel together. This app writes them for
	// colour datasets (as train-images-idx4-ubyte).
	magicColour = 0x00000804
)

// ErrFormat is wrapped by every error about a file's contents (as opposed
// to errors opening or reading it).
var ErrFormat = errors.New("not a valid idx file")

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// Images is a stack of images, row-major, one after the other, with the
// channels of a pixel together (grey: one value a pixel; colour: R, G, B),
// kept as bytes (a quarter of the memory of floats: 47 MB for 60,000 MNIST
// digits). Value b means b/255 in [0,1].
type Images struct {
	N, Rows, Cols int
	// Channels is 1 (grey; 0 means 1 too) or 3 (RGB).
	Channels int
	Pix      []uint8 // N*Rows*Cols*Depth() values
}

// Depth is the number of channels: Channels, or 1 when it is 0.
func (im *Images) Depth() int { return max(im.Channels, 1) }

// ImageLen is the number of values in one image.
func (im *Images) ImageLen() int { return im.Rows * im.Cols * im.Depth() }

// Shape is "28x28" for grey images, "32x32x3" for colour ones.
func (im *Images) Shape() string {
	if im.Depth() == 1 {
		return fmt.Sprintf("%dx%d", im.Rows, im.Cols)
	}
	return fmt.Sprintf("%dx%dx%d", im.Rows, im.Cols, im.Depth())
}

// ImageInto writes image i's values, scaled to [0,1], into dst.
func (im *Images) ImageInto(i int, dst []float32) {
	s := im.ImageLen()
	for j, b := range im.Pix[i*s : (i+1)*s] {
		dst[j] = float32(b) * (1.0 / 255)
	}
}

// Image returns image i's values scaled to [0,1], in a new slice.
func (im *Images) Image(i int) []float32 {
	dst := make([]float32, im.ImageLen())
	im.ImageInto(i, dst)
	return dst
}

// Floats returns all pixels scaled to [0,1], in a new slice.
func (im *Images) Floats() []float32 {
	dst := make([]float32, len(im.Pix))
	for j, b := range im.Pix {
		dst[j] = float32(b) * (1.0 / 255)
	}
	return dst
}

// Picture is image i as an image.Image sharing its bytes when grey
// (*image.Gray), copied into an opaque *image.NRGBA when colour.
func (im *Images) Picture(i int) image.Image {
	s, r := im.ImageLen(), image.Rect(0, 0, im.Cols, im.Rows)
	pix := im.Pix[i*s : (i+1)*s]
	if im.Depth() == 1 {
		return &image.Gray{Pix: pix, Stride: im.Cols, Rect: r}
	}
	out := image.NewNRGBA(r)
	for p := 0; p < im.Rows*im.Cols; p++ {
		copy(out.Pix[4*p:4*p+3], pix[3*p:3*p+3])
		out.Pix[4*p+3] = 255
	}
	return out
}

// FromFloats makes grey images from pixels in [0,1] (rounded to bytes).
func FromFloats(pix []float32, n, rows, cols int) *Images {
	return FromFloatsC(pix, n, rows, cols, 1)
}

// FromFloatsC makes images of c channels from values in [0,1] (rounded to
// bytes).
func FromFloatsC(pix []float32, n, rows, cols, c int) *Images {
	im := &Images{N: n, Rows: rows, Cols: cols, Channels: c, Pix: make([]uint8, len(pix))}
	for i, v := range pix {
		im.Pix[i] = uint8(min(max(v*255+0.5, 0), 255))
	}
	return im
}

// openMaybeGzip returns a reader of r's contents, gunzipped when r starts
// with the gzip magic bytes.
func openMaybeGzip(r io.Reader) (io.Reader, func() error, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if err != nil && len(head) < 2 {
		if err == io.EOF {
			return nil, nil, formatErr("file is empty or shorter than a header")
		}
		return nil, nil, err
	}
	if head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, formatErr("bad gzip header: %v", err)
		}
		return zr, zr.Close, nil
	}
	return br, func() error { return nil }, nil
}

// readHeader reads the magic number and dimension sizes.
func readHeader(r io.Reader, wantMagic uint32, what string) ([]int, error) {
	var magic uint32
	if err := binary.Read(r, binary.BigEndian, &magic); err != nil {
		return nil, formatErr("file ends inside the header")
	}
	if magic != wantMagic && !(wantMagic == magicImages && magic == magicColour) {
		switch magic {
		case magicImages, magicLabels:
			return nil, formatErr("this is an idx file of %s, not %s", kindOf(magic), what)
		}
		return nil, formatErr("magic number 0x%08x, want 0x%08x for %s", magic, wantMagic, what)
	}
	dims := make([]int, magic&0xff)
	for i := range dims {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, formatErr("file ends inside the header")
		}
		dims[i] = int(d)
	}
	return dims, nil
}

func kindOf(magic uint32) string {
	if magic == magicImages {
		return "images"
	}
	return "labels"
}

// readBody reads exactly n bytes, growing its buffer only as data arrives
// (doubling, and once a quarter of n has arrived, straight to n), so a
// header that lies about the size cannot make it allocate more than four
// times what the file holds, and a large file is read with one copy of
// at most a quarter of it (60,000 MNIST digits peaked at 110 MB of
// buffers doubling all the way; 63 MB so).
//
// With exact (the file's own size says it holds exactly n bytes of data)
// the buffer is allocated at n at once.
func readBody(r io.Reader, n int, unit string, count int, exact bool) ([]byte, error) {
	first := min(n, 1<<20)
	if exact {
		first = n
	}
	buf := make([]byte, 0, first)
	got := 0
	for got < n {
		if got == cap(buf) {
			next := 2 * cap(buf)
			if 4*got >= n {
				next = n
			}
			grown := make([]byte, got, min(next, n))
			copy(grown, buf)
			buf = grown
		}
		k, err := r.Read(buf[got:cap(buf)])
		got += k
		buf = buf[:got]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading data: %w", err)
		}
	}
	if got < n {
		per := n / max(count, 1)
		return nil, formatErr("truncated: header declares %d %s but the file holds %d", count, unit, int(got)/max(per, 1))
	}
	var one [1]byte
	if k, _ := r.Read(one[:]); k > 0 {
		return nil, formatErr("%d %s declared, but more data follows them", count, unit)
	}
	return buf, nil
}

// ReadImages reads an idx3-ubyte image file, gzip-compressed or not, of
// at most MaxPixels bytes of pixels.
func ReadImages(r io.Reader) (*Images, error) { return readImages(r, MaxPixels, "", -1) }

// readImages is ReadImages with a limit on the pixel bytes; what names the
// limit in the message; size is the file's uncompressed size when known
// (else -1).
func readImages(r io.Reader, limit int, what string, size int64) (*Images, error) {
	rd, closeFn, err := openMaybeGzip(r)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	dims, err := readHeader(rd, magicImages, "images")
	if err != nil {
		return nil, err
	}
	n, rows, cols, ch := dims[0], dims[1], dims[2], 1
	if len(dims) == 4 {
		ch = dims[3]
	}
	switch {
	case ch != 1 && ch != 3:
		return nil, formatErr("declares %d channels; images have 1 or 3", ch)
	case n == 0:
		return nil, formatErr("declares 0 images")
	case n > MaxItems:
		return nil, formatErr("declares %d images, more than the limit of %d", n, MaxItems)
	case rows < 1 || cols < 1 || rows > MaxSide || cols > MaxSide:
		return nil, formatErr("declares %dx%d images; sides must be 1..%d", rows, cols, MaxSide)
	case n*rows*cols*ch > limit:
		return nil, formatErr("declares %d images of %dx%dx%d, %d MB, more than the limit of %d MB%s; use fewer images",
			n, rows, cols, ch, (n*rows*cols*ch)>>20, limit>>20, what)
	}
	body := n * rows * cols * ch
	raw, err := readBody(rd, body, "images", n, size == int64(4+4*len(dims)+body))
	if err != nil {
		return nil, err
	}
	return &Images{N: n, Rows: rows, Cols: cols, Channels: ch, Pix: raw}, nil
}

// ReadLabels reads an idx1-ubyte label file, gzip-compressed or not.
func ReadLabels(r io.Reader) ([]uint8, error) {
	rd, closeFn, err := openMaybeGzip(r)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	dims, err := readHeader(rd, magicLabels, "labels")
	if err != nil {
		return nil, err
	}
	n := dims[0]
	switch {
	case n == 0:
		return nil, formatErr("declares 0 labels")
	case n > MaxItems:
		return nil, formatErr("declares %d labels, more than the limit of %d", n, MaxItems)
	}
	return readBody(rd, n, "labels", n, false)
}

// readFile opens path and applies read, naming the file in any error.
func readFile[T any](path string, read func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		return v, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// ReadImagesFile reads an idx image file.
func ReadImagesFile(path string) (*Images, error) {
	return readImagesFile(path, MaxPixels, "")
}

func readImagesFile(path string, limit int, what string) (*Images, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	im, err := readImages(f, limit, what, uncompressedSize(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return im, nil
}

// uncompressedSize is a regular file's size, or for a gzip file the size
// its trailer records (modulo 4 GB, as gzip keeps it), or -1. The reader
// is left at the start.
func uncompressedSize(f *os.File) int64 {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return -1
	}
	var head [2]byte
	if _, err := f.ReadAt(head[:], 0); err != nil {
		return -1
	}
	if head != [2]byte{0x1f, 0x8b} {
		return st.Size()
	}
	var tail [4]byte
	if st.Size() < 18 {
		return -1
	}
	if _, err := f.ReadAt(tail[:], st.Size()-4); err != nil {
		return -1
	}
	return int64(binary.LittleEndian.Uint32(tail[:]))
}

// readHeldOutFile reads an idx image file of held-out images.
func readHeldOutFile(path string) (*Images, error) {
	return readImagesFile(path, MaxHeldOutBytes, " for held-out images")
}

// ReadLabelsFile reads an idx label file.
func ReadLabelsFile(path string) ([]uint8, error) { return readFile(path, ReadLabels) }

// WriteImages writes images as a gzip-compressed idx file: idx3-ubyte
// for grey images, idx4-ubyte (channels last) for colour ones.
func WriteImages(w io.Writer, im *Images) error {
	zw := gzip.NewWriter(w)
	hdr := []uint32{magicImages, uint32(im.N), uint32(im.Rows), uint32(im.Cols)}
	if im.Depth() != 1 {
		hdr = []uint32{magicColour, uint32(im.N), uint32(im.Rows), uint32(im.Cols), uint32(im.Depth())}
	}
	if err := binary.Write(zw, binary.BigEndian, hdr); err != nil {
		return err
	}
	if _, err := zw.Write(im.Pix); err != nil {
		return err
	}
	return zw.Close()
}

// WriteLabels writes labels as a gzip-compressed idx1-ubyte file.
func WriteLabels(w io.Writer, labels []uint8) error {
	zw := gzip.NewWriter(w)
	if err := binary.Write(zw, binary.BigEndian, []uint32{magicLabels, uint32(len(labels))}); err != nil {
		return err
	}
	if _, err := zw.Write(labels); err != nil {
		return err
	}
	return zw.Close()
}
