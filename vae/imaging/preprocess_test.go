package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// drawSeven draws a "7" with thickness th on a w x h canvas: ink colour on
// background colour.
func drawSeven(w, h int, th float64, ink, bg color.Color) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	x0, x1, y0, y1 := 0.3*float64(w), 0.7*float64(w), 0.2*float64(h), 0.8*float64(h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x), float64(y)
			top := fy >= y0 && fy <= y0+th && fx >= x0 && fx <= x1
			// diagonal from (x1, y0) to (x0+0.1w, y1)
			dx, dy := x0+0.1*float64(w)-x1, y1-y0
			t := ((fx-x1)*dx + (fy-y0)*dy) / (dx*dx + dy*dy)
			px, py := x1+t*dx, y0+t*dy
			diag := t >= 0 && t <= 1 && math.Hypot(fx-px, fy-py) <= th/2
			if top || diag {
				img.Set(x, y, ink)
			} else {
				img.Set(x, y, bg)
			}
		}
	}
	return img
}

func encodePNG(img image.Image) []byte {
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func mustPre(t *testing.T, data []byte) *Input {
	t.Helper()
	in, err := Preprocess(data)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func centreAndBox(pix []float32) (cx, cy float64, bw, bh int) {
	var m float64
	x0, y0, x1, y1 := Side, Side, -1, -1
	for i, v := range pix {
		x, y := i%Side, i/Side
		cx += float64(v) * (float64(x) + 0.5)
		cy += float64(v) * (float64(y) + 0.5)
		m += float64(v)
		if v > 0.2 {
			x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
		}
	}
	return cx / m, cy / m, x1 - x0 + 1, y1 - y0 + 1
}

func TestPreprocessPolarityCropAndCentre(t *testing.T) {
	dark := mustPre(t, encodePNG(drawSeven(300, 400, 30, color.Black, color.White)))
	if !dark.Inverted {
		t.Error("dark ink on white was not inverted")
	}
	cx, cy, bw, bh := centreAndBox(dark.Pixels)
	if math.Abs(cx-14.5) > 0.55 || math.Abs(cy-14.5) > 0.55 {
		t.Errorf("centre of mass at (%.1f, %.1f), want the centre of pixel (14, 14)", cx, cy)
	}
	if max(bw, bh) < 19 || max(bw, bh) > 21 {
		t.Errorf("ink box %dx%d, want the longer side 20", bw, bh)
	}
	var jb bytes.Buffer
	jpeg.Encode(&jb, drawSeven(120, 160, 12, color.RGBA{250, 240, 90, 255}, color.RGBA{20, 30, 120, 255}), &jpeg.Options{Quality: 80})
	light := mustPre(t, jb.Bytes())
	if light.Inverted {
		t.Error("light ink on dark blue was inverted")
	}
	// The same digit either way round, at another size and in JPEG, comes
	// out nearly the same.
	if d := meanAbs(dark.Pixels, light.Pixels); d > 0.08 {
		t.Errorf("dark-on-light and light-on-dark sevens differ by %.3f per pixel", d)
	}
}

func meanAbs(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += math.Abs(float64(a[i] - b[i]))
	}
	return s / float64(len(a))
}

// oddImages is the corpus of odd but valid images: each must preprocess
// to (nearly) the same digit as the plain PNG of drawSeven(64, 64, 8,
// white, black).
func oddImages(t testing.TB) map[string][]byte {
	seven := drawSeven(64, 64, 8, color.White, color.Black)
	// Transparent background, black ink.
	tr := image.NewNRGBA(seven.Bounds())
	for i := 0; i < len(seven.Pix); i += 4 {
		if seven.Pix[i] > 0 {
			copy(tr.Pix[i:], []uint8{0, 0, 0, 255})
		}
	}
	// Paletted, 16-bit grey.
	pal := image.NewPaletted(seven.Bounds(), palette.Plan9)
	g16 := image.NewGray16(seven.Bounds())
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			pal.Set(x, y, seven.At(x, y))
			g16.Set(x, y, seven.At(x, y))
		}
	}
	// Animated GIF: the first frame counts.
	var gb bytes.Buffer
	blank := image.NewPaletted(seven.Bounds(), palette.Plan9)
	gif.EncodeAll(&gb, &gif.GIF{Image: []*image.Paletted{pal, blank}, Delay: []int{10, 10}})
	return map[string][]byte{
		"transparent": encodePNG(tr), "paletted": encodePNG(pal), "16-bit": encodePNG(g16),
		"animated gif": gb.Bytes(), "cmyk jpeg": cmykJPEG(t, encodePNG(seven)),
	}
}

// cmykJPEG converts a PNG to a CMYK JPEG with ImageMagick (make deps
// installs it; Go's encoder writes only YCbCr).
func cmykJPEG(t testing.TB, pngData []byte) []byte {
	if _, err := exec.LookPath("convert"); err != nil {
		t.Fatalf("ImageMagick's convert is needed for the CMYK JPEG case: run make deps")
	}
	cmd := exec.Command("convert", "png:-", "-colorspace", "CMYK", "-quality", "95", "jpeg:-")
	cmd.Stdin = bytes.NewReader(pngData)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("convert: %v", err)
	}
	if !bytes.Contains(out[:min(len(out), 4096)], []byte("Adobe")) {
		t.Fatal("convert did not write a CMYK (Adobe) JPEG")
	}
	return out
}

func TestPreprocessOddButValidImages(t *testing.T) {
	ref := mustPre(t, encodePNG(drawSeven(64, 64, 8, color.White, color.Black)))
	for name, data := range oddImages(t) {
		in, err := Preprocess(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		limit := 0.02
		if name == "cmyk jpeg" {
			limit = 0.05 // JPEG ringing at the strokes' edges
		}
		if d := meanAbs(in.Pixels, ref.Pixels); d > limit {
			t.Errorf("%s: differs from the plain PNG by %.3f per pixel", name, d)
		}
	}
}

// pngHeader is a PNG signature and IHDR chunk declaring w x h, with no
// pixel data.
func pngHeader(w, h uint32) []byte { return pngHeaderOf(w, h, 8, 0, 0) }

// pngHeaderOf is pngHeader with a bit depth, colour type and interlace
// method.
func pngHeaderOf(w, h uint32, depth, colour, interlace byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9], ihdr[12] = depth, colour, interlace
	binary.Write(&b, binary.BigEndian, uint32(13))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestPreprocessRejects(t *testing.T) {
	white := image.NewGray(image.Rect(0, 0, 50, 50))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	one := image.NewGray(image.Rect(0, 0, 1, 1))
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrNotImage},
		{"text renamed", []byte("just some text\n"), ErrNotImage},
		{"100000x100000 declared", pngHeader(100000, 100000), ErrTooLarge},
		{"header only", pngHeader(10, 10), ErrNotImage},
		{"all white", encodePNG(white), ErrBlank},
		{"all black", encodePNG(image.NewGray(image.Rect(0, 0, 50, 50))), ErrBlank},
		{"1x1", encodePNG(one), ErrBlank},
	}
	for _, c := range cases {
		_, err := Preprocess(c.data)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}

func TestTileAndHeatmap(t *testing.T) {
	pix := make([]float32, 5*784)
	for i := range pix {
		pix[i] = float32(i/784) / 4
	}
	g := Tile(pix, 28, 3, 2)
	if g.Bounds().Dx() != 3*28+2*2 || g.Bounds().Dy() != 2*28+2 {
		t.Fatalf("tile size %v", g.Bounds())
	}
	if g.GrayAt(30, 0).Y != 64 || g.GrayAt(0, 30).Y != 191 {
		t.Fatalf("tile contents wrong: %v %v", g.GrayAt(30, 0), g.GrayAt(0, 30))
	}
	h := Heatmap(pix[:784], pix[784*4:])
	if h.RGBAAt(0, 0) != Inferno(1) {
		t.Fatalf("heatmap of a full difference %v, want %v", h.RGBAAt(0, 0), Inferno(1))
	}
}

func FuzzPreprocess(f *testing.F) {
	for _, data := range oddImages(f) {
		f.Add(data)
	}
	f.Add(encodePNG(drawSeven(20, 20, 3, color.Black, color.White)))
	f.Add(pngHeader(100000, 100000))
	f.Add([]byte("GIF89a"))
	// Format sniffing: headers of formats the app does not read, and ones
	// that declare more than it decodes.
	f.Add([]byte("\x00\x00\x01\x00\x01\x00\x00\x00\x00\x00\x01\x00\x20\x00")) // ICO
	f.Add([]byte("BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00"))       // BMP
	f.Add([]byte("II*\x00\x08\x00\x00\x00"))                                  // TIFF
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "))                             // WebP
	f.Add(pngHeaderOf(50_000_000, 1, 8, 0, 0))
	f.Add(pngHeaderOf(7071, 7071, 16, 6, 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := Preprocess(b)
		if err == nil && len(in.Pixels) != Side*Side {
			t.Fatalf("%d pixels", len(in.Pixels))
		}
	})
}

func TestWriteGIFRoundTrip(t *testing.T) {
	frames := make([][]float32, 4)
	for i := range frames {
		frames[i] = make([]float32, Side*Side)
		for j := range frames[i] {
			frames[i][j] = float32((i*31+j)%256) / 255
		}
	}
	var buf bytes.Buffer
	if err := WriteGIF(&buf, frames, 2, 8, true); err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(&buf)
	if err != nil {
		t.Fatal(err)
	}
	// Forward 0 1 2 3, back 2 1: six frames, looping forever.
	if len(g.Image) != 6 || g.LoopCount != 0 || g.Delay[0] != 8 || g.Image[0].Bounds().Dx() != 56 {
		t.Fatalf("%d frames, loop %d, delay %v, %v", len(g.Image), g.LoopCount, g.Delay, g.Image[0].Bounds())
	}
	for k, src := range []int{0, 1, 2, 3, 2, 1} {
		for _, j := range []int{0, 5, 400, 783} {
			y, x := j/Side, j%Side
			got := g.Image[k].ColorIndexAt(2*x+1, 2*y+1)
			if want := toByte(frames[src][j]); got != want {
				t.Fatalf("frame %d pixel %d: %d, want %d", k, j, got, want)
			}
		}
	}
	if err := WriteGIF(&buf, nil, 1, 1, false); err == nil {
		t.Error("no frames accepted")
	}
	if err := WriteGIF(&buf, [][]float32{{1, 2}}, 1, 1, false); err == nil {
		t.Error("a short frame accepted")
	}
}

func TestOnlyChosenFormatsAreDecoded(t *testing.T) {
	// An ICO of 32 bytes (one entry, a BMP inside): a decoder other
	// dependencies register panicked on it. The app reads its own list of
	// formats only, decided by content, whatever the file is called.
	ico := []byte{0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 8, 0, 0, 0, 22, 0, 0, 0, 'B', 'M', 0, 0, 0, 0, 0, 0, 0, 0}
	// As in the app, where Fyne's dependencies register more formats with
	// the image package: here ones whose decoders panic.
	boom := func(io.Reader) (image.Image, error) { panic("a registered decoder ran") }
	boomCfg := func(io.Reader) (image.Config, error) { panic("a registered decoder ran") }
	image.RegisterFormat("ico-test", "\x00\x00\x01\x00", boom, boomCfg)
	image.RegisterFormat("bmp-test", "BM", boom, boomCfg)
	bmp := append([]byte("BM"), make([]byte, 60)...)
	tiff := append([]byte("II*\x00"), make([]byte, 60)...)
	dir := t.TempDir()
	for name, c := range map[string]struct {
		b    []byte
		want string
	}{"x.ico": {ico, "not a PNG, JPEG, GIF, BMP, TIFF or WebP signature"}, "x.png": {ico, "signature"},
		"y.bmp": {bmp, "bmp header is damaged"}, "z.tiff": {tiff, "tiff header is damaged"}} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, c.b, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := PreprocessFile(path)
		if !errors.Is(err, ErrNotImage) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "registered") {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	// A panic inside a decoder is an error, not a crash.
	if err := guard(func() error { panic("boom") }); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("guard: %v", err)
	}
	// PackBits TIFF: refused before its unbounded decoder runs.
	pb, err := os.ReadFile("testdata/bw-packbits.tiff")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := DecodeImage(pb); !errors.Is(err, ErrNotImage) || !strings.Contains(err.Error(), "PackBits") {
		t.Errorf("PackBits TIFF: %v", err)
	}
}

// TestEveryFormatDecodes encodes one picture in each format the app reads
// (WebP from x/image's sample files: Go has no WebP encoder) and checks
// the decoded pixels.
func TestEveryFormatDecodes(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for y := 0; y < 30; y++ {
		for x := 0; x < 40; x++ {
			src.Set(x, y, color.NRGBA{uint8(6 * x), uint8(8 * y), 200, 255})
		}
	}
	enc := map[string]func(io.Writer, image.Image) error{
		"png":  png.Encode,
		"jpeg": func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, &jpeg.Options{Quality: 95}) },
		"gif":  func(w io.Writer, m image.Image) error { return gif.Encode(w, m, nil) },
		"bmp":  bmp.Encode,
		"tiff": func(w io.Writer, m image.Image) error {
			return tiff.Encode(w, m, &tiff.Options{Compression: tiff.Deflate})
		},
	}
	for name, f := range enc {
		var buf bytes.Buffer
		if err := f(&buf, src); err != nil {
			t.Fatal(err)
		}
		img, format, err := DecodeImage(buf.Bytes())
		if err != nil || format != name {
			t.Fatalf("%s: %v (format %q)", name, err, format)
		}
		tol := 2.0 // lossless
		switch name {
		case "jpeg":
			tol = 40 // lossy
		case "gif":
			tol = 100 // a fixed 256-colour palette, dithered
		}
		for _, p := range []image.Point{{0, 0}, {39, 0}, {20, 15}, {39, 29}} {
			want := src.NRGBAAt(p.X, p.Y)
			r, g, b, _ := img.At(p.X, p.Y).RGBA()
			if d := math.Abs(float64(r>>8)-float64(want.R)) + math.Abs(float64(g>>8)-float64(want.G)) + math.Abs(float64(b>>8)-float64(want.B)); d > tol {
				t.Errorf("%s: pixel %v is %d,%d,%d, want %v", name, p, r>>8, g>>8, b>>8, want)
			}
		}
	}
	for _, f := range []string{"gopher-doc.1bpp.lossless.webp", "blue-purple-pink.lossy.webp"} {
		data, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		img, format, err := DecodeImage(data)
		if err != nil || format != "webp" || img.Bounds().Dx() < 16 {
			t.Fatalf("%s: %v, %q", f, err, format)
		}
		in, err := Target{Side: 32, Channels: 3, Mode: ModeResize}.Fit(img)
		if err != nil || len(in.Pixels) != 32*32*3 {
			t.Fatalf("%s: fit: %v", f, err)
		}
	}
}

// TestResizeMode: the centred square, resized, in colour or as luma, with
// transparency over white.
func TestResizeMode(t *testing.T) {
	// 60x40: the left 10 and right 10 columns are cropped away. The
	// square left: a red top half, a blue bottom half.
	src := image.NewNRGBA(image.Rect(0, 0, 60, 40))
	for y := 0; y < 40; y++ {
		for x := 0; x < 60; x++ {
			c := color.NRGBA{255, 0, 0, 255}
			if y >= 20 {
				c = color.NRGBA{0, 0, 255, 255}
			}
			if x < 10 || x >= 50 {
				c = color.NRGBA{0, 255, 0, 255} // cropped away
			}
			src.SetNRGBA(x, y, c)
		}
	}
	in, err := Target{Side: 8, Channels: 3, Mode: ModeResize}.Fit(src)
	if err != nil {
		t.Fatal(err)
	}
	at := func(x, y int) []float32 { return in.Pixels[3*(y*8+x) : 3*(y*8+x)+3] }
	for _, p := range [][2]int{{0, 0}, {7, 2}} {
		if c := at(p[0], p[1]); c[0] < 0.95 || c[1] > 0.05 || c[2] > 0.05 {
			t.Errorf("top pixel %v: %v, want red", p, c)
		}
	}
	for _, p := range [][2]int{{0, 7}, {7, 5}} {
		if c := at(p[0], p[1]); c[2] < 0.95 || c[0] > 0.05 || c[1] > 0.05 {
			t.Errorf("bottom pixel %v: %v, want blue", p, c)
		}
	}
	grey, err := Target{Side: 8, Channels: 1, Mode: ModeResize}.Fit(src)
	if err != nil || len(grey.Pixels) != 64 {
		t.Fatal(err)
	}
	if d := math.Abs(float64(grey.Pixels[0]) - 0.299); d > 0.02 {
		t.Errorf("luma of red %v, want 0.299", grey.Pixels[0])
	}
	// Fully transparent: white.
	clear := image.NewNRGBA(image.Rect(0, 0, 10, 10))
	w, _ := Target{Side: 4, Channels: 3, Mode: ModeResize}.Fit(clear)
	if slices.Min(w.Pixels) < 0.99 {
		t.Errorf("transparent image: %v, want white", w.Pixels[:6])
	}
	// A large image is shrunk first and still comes out right.
	big := image.NewNRGBA(image.Rect(0, 0, 3000, 2000))
	draw.Draw(big, big.Rect, image.NewUniform(color.NRGBA{10, 200, 30, 255}), image.Point{}, draw.Src)
	b, err := Target{Side: 16, Channels: 3, Mode: ModeResize}.Fit(big)
	if err != nil || math.Abs(float64(b.Pixels[0])-10.0/255) > 0.01 || math.Abs(float64(b.Pixels[1])-200.0/255) > 0.01 || b.Whole.Bounds().Dx() > workSide {
		t.Errorf("large image: %v, first pixel %v, shown at %v", err, b.Pixels[:3], b.Whole.Bounds())
	}
	if _, err := (Target{Side: 8, Channels: 2, Mode: ModeResize}).Fit(src); err == nil {
		t.Error("2 channels accepted")
	}
}

// TestDigitModeAtOtherSides: the digit mode scales its box and centring
// with the side, and fills every channel for colour models.
func TestDigitModeAtOtherSides(t *testing.T) {
	img := drawSeven(200, 200, 12, color.Black, color.White)
	ref, err := FromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	for _, side := range []int{28, 56} {
		in, err := Target{Side: side, Channels: 3, Mode: ModeDigit}.Fit(img)
		if err != nil || len(in.Pixels) != side*side*3 {
			t.Fatalf("side %d: %v", side, err)
		}
		var mx, my, m float64
		x0, x1, y0, y1 := side, -1, side, -1
		for p := range side * side {
			v := float64(in.Pixels[3*p])
			if in.Pixels[3*p+1] != in.Pixels[3*p] || in.Pixels[3*p+2] != in.Pixels[3*p] {
				t.Fatalf("side %d: channels differ at %d", side, p)
			}
			mx += v * (float64(p%side) + 0.5)
			my += v * (float64(p/side) + 0.5)
			m += v
			if v > 0.2 {
				x0, x1 = min(x0, p%side), max(x1, p%side)
				y0, y1 = min(y0, p/side), max(y1, p/side)
			}
		}
		if cx, cy := mx/m, my/m; math.Abs(cx-float64(side)/2-0.5) > 1 || math.Abs(cy-float64(side)/2-0.5) > 1 {
			t.Errorf("side %d: centre of mass (%.1f, %.1f)", side, cx, cy)
		}
		if box := max(x1-x0, y1-y0) + 1; math.Abs(float64(box)-float64(Box*side)/Side) > 2 {
			t.Errorf("side %d: ink's longer side %d px, want about %d", side, box, Box*side/Side)
		}
		if side == 28 && !slices.Equal(in.Pixels[:3], []float32{ref.Pixels[0], ref.Pixels[0], ref.Pixels[0]}) {
			t.Errorf("28x28: not FromImage's pixels")
		}
	}
}
