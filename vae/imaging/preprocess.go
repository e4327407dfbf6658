// Package imaging turns user images into MNIST-style model inputs and model
// outputs into pictures: preprocessing (grey, polarity, crop, 20 px box,
// centre of mass in 28x28, as MNIST was built), tiled sheets, error
// heatmaps. It knows nothing of Fyne, so the CLI and the app share it.
package imaging

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Side is the side of a model input; Box the side of the box the ink is
// scaled into, as MNIST did.
const (
	Side = 28
	Box  = 20
)

// Limits on inputs, checked before any pixel is decoded: with them no
// image file, whatever it declares, takes the process past about 400 MB.
const (
	MaxPixels    = 50_000_000 // width x height
	MaxSide      = 32768      // width or height
	MaxFileBytes = 64 << 20
	// MaxDecodedBytes bounds what the decoder will hold: the decoded
	// pixels, and for PNG's interlacing and progressive JPEG's
	// coefficients their working copies (see decodedBytes).
	MaxDecodedBytes = 256 << 20
)

// workSide is the longest side preprocessing works at: larger images are
// box-averaged down to it while they are converted to grey, so the work
// arrays stay a few MB whatever the image's size.
const workSide = 1024

// Errors a caller may want to tell apart.
var (
	ErrNotImage = errors.New("not an image this app reads (" + formatList + ")")
	ErrTooLarge = errors.New("image too large")
	ErrBlank    = errors.New("image is blank: it is all one shade, with no digit to find")
)

// Input is a preprocessed image.
type Input struct {
	// Pixels are the model input: Side x Side (28x28 unless asked
	// otherwise), 1 or 3 values a pixel, in [0,1]; in digit mode ink
	// bright on dark.
	Pixels []float32
	// Whole is the whole image for display, at most workSide a side: in
	// digit mode grey with the ink bright (an *image.Gray), else as it is.
	Whole    image.Image
	Inverted bool // the image had a light background and was inverted
	Width    int  // original size
	Height   int
	Format   string // "png", "jpeg", "gif", "bmp", "tiff", "webp"
}

// PreprocessFile reads and preprocesses an image file as a 28x28 digit.
func PreprocessFile(path string) (*Input, error) {
	return PreprocessFileAs(path, Target{Side: Side, Channels: 1, Mode: ModeDigit})
}

// PreprocessFileAs reads an image file and makes it an input of t
// (within DecodeBudget, see LoadFile), naming the file in its errors.
func PreprocessFileAs(path string, t Target) (*Input, error) {
	in, err := LoadFile(path, t)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
}

// Preprocess decodes an image and makes it an MNIST-style input: grey,
// bright ink on a dark background (light backgrounds are detected and
// inverted), cropped to the ink, the longer side scaled to 20 px keeping
// the aspect, placed in 28x28 with its centre of mass in the middle.
func Preprocess(data []byte) (*Input, error) {
	return PreprocessAs(data, Target{Side: Side, Channels: 1, Mode: ModeDigit})
}

// PreprocessAs decodes an image and makes it an input of t's shape by t's
// mode (see Fit).
func PreprocessAs(data []byte, t Target) (*Input, error) {
	img, format, err := DecodeImage(data)
	if err != nil {
		return nil, err
	}
	in, err := t.Fit(img)
	if err != nil {
		return nil, err
	}
	in.Format = format
	return in, nil
}

// FromImage preprocesses a decoded image as an MNIST digit, 28x28 grey.
// Input.Whole is at most workSide pixels a side (the image box-averaged
// down when larger).
func FromImage(img image.Image) (*Input, error) {
	return digit(img, Side)
}

// digit is FromImage at side x side: the box the ink is scaled into and
// the centring scale with the side.
func digit(img image.Image, side int) (*Input, error) {
	b := img.Bounds()
	W, H := b.Dx(), b.Dy()
	lum, w, h, under := greyscale(img)
	for i, v := range lum.luma {
		lum.luma[i] = v + under*(1-lum.alpha[i])
	}
	in, err := fromLuma(lum.luma, w, h, side)
	if err != nil {
		return nil, err
	}
	in.Width, in.Height = W, H
	return in, nil
}

// lumaAlpha holds, per work pixel, the mean premultiplied luma (Rec. 601)
// and the mean alpha of the image pixels it covers.
type lumaAlpha struct{ luma, alpha []float64 }

// greyscale converts img to luma and alpha at most workSide a side,
// averaging f x f boxes of pixels when the image is larger, and decides
// the shade transparency lands on: under is 1 (white) unless what is
// opaque is light on average and something is transparent, so a dark
// drawing on a transparent sheet lands on white. Pixels are converted a
// strip of f rows at a time through image/draw's fast paths.
func greyscale(img image.Image) (la lumaAlpha, w, h int, under float64) {
	b := img.Bounds()
	W, H := b.Dx(), b.Dy()
	f := (max(W, H) + workSide - 1) / workSide
	w, h = (W+f-1)/f, (H+f-1)/f
	la = lumaAlpha{make([]float64, w*h), make([]float64, w*h)}
	count := make([]float64, w*h)
	strip := image.NewRGBA(image.Rect(0, 0, W, f))
	var opaqueSum, opaqueN float64
	for y0 := 0; y0 < H; y0 += f {
		rows := min(f, H-y0)
		draw.Draw(strip, image.Rect(0, 0, W, rows), img, image.Pt(b.Min.X, b.Min.Y+y0), draw.Src)
		oy := y0 / f
		for dy := 0; dy < rows; dy++ {
			row := strip.Pix[dy*strip.Stride : dy*strip.Stride+4*W]
			for x := 0; x < W; x++ {
				p := row[4*x : 4*x+4]
				a := float64(p[3]) / 255
				luma := (0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])) / 255 // premultiplied
				i := oy*w + x/f
				la.luma[i] += luma
				la.alpha[i] += a
				count[i]++
				if a > 0.5 {
					opaqueSum += luma / a
					opaqueN++
				}
			}
		}
	}
	for i, n := range count {
		la.luma[i] /= n
		la.alpha[i] /= n
	}
	under = 1.0
	if opaqueN > 0 && opaqueSum/opaqueN > 0.5 && opaqueN < float64(W)*float64(H) {
		under = 0
	}
	return la, w, h, under
}

// fromLuma is the rest of preprocessing on a grey image (w x h values in
// [0,1], transparency already composited), into side x side.
func fromLuma(lum []float64, w, h, side int) (*Input, error) {
	// The background is the border's typical shade. Light: invert.
	bg := borderMedian(lum, w, h)
	inverted := bg > 0.5
	if inverted {
		for i := range lum {
			lum[i] = 1 - lum[i]
		}
		bg = 1 - bg
	}
	hi := 0.0
	for _, v := range lum {
		hi = math.Max(hi, v)
	}
	if hi-bg < 0.1 {
		return nil, ErrBlank
	}
	// Stretch so the background is 0 and the brightest ink 1.
	for i, v := range lum {
		lum[i] = math.Min(math.Max((v-bg)/(hi-bg), 0), 1)
	}
	grey := image.NewGray(image.Rect(0, 0, w, h))
	for i, v := range lum {
		grey.Pix[i] = uint8(v*255 + 0.5)
	}

	// Crop to the ink.
	x0, y0, x1, y1 := w, h, -1, -1
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if lum[y*w+x] > 0.2 {
				x0, y0 = min(x0, x), min(y0, y)
				x1, y1 = max(x1, x), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		return nil, ErrBlank
	}
	cw, ch := x1-x0+1, y1-y0+1
	// Scale the longer side to Box (for 28x28; in proportion otherwise).
	box := max(1, int(math.Round(float64(Box*side)/Side)))
	scale := float64(box) / float64(max(cw, ch))
	sw, sh := max(1, int(math.Round(float64(cw)*scale))), max(1, int(math.Round(float64(ch)*scale)))
	small := resample(lum[y0*w+x0:], w, cw, ch, sw, sh)

	// Centre of mass to the middle of 28x28: MNIST put it on pixel
	// (14, 14), whose centre is at 14.5 in these coordinates.
	var mx, my, m float64
	for y := 0; y < sh; y++ {
		for x := 0; x < sw; x++ {
			v := small[y*sw+x]
			mx += v * (float64(x) + 0.5)
			my += v * (float64(y) + 0.5)
			m += v
		}
	}
	ox := int(math.Round(float64(side)/2 + 0.5 - mx/m))
	oy := int(math.Round(float64(side)/2 + 0.5 - my/m))
	out := make([]float32, side*side)
	for y := 0; y < sh; y++ {
		for x := 0; x < sw; x++ {
			tx, ty := x+ox, y+oy
			if tx >= 0 && tx < side && ty >= 0 && ty < side {
				out[ty*side+tx] = float32(small[y*sw+x])
			}
		}
	}
	return &Input{Pixels: out, Whole: grey, Inverted: inverted}, nil
}

// borderMedian returns the median of the outermost rows and columns.
func borderMedian(lum []float64, w, h int) float64 {
	var border []float64
	for x := 0; x < w; x++ {
		border = append(border, lum[x], lum[(h-1)*w+x])
	}
	for y := 1; y < h-1; y++ {
		border = append(border, lum[y*w], lum[y*w+w-1])
	}
	sort.Float64s(border)
	return border[len(border)/2]
}

// resample scales the cw x ch region starting at src (row stride stride)
// to sw x sh: area averaging when shrinking, bilinear when growing.
func resample(src []float64, stride, cw, ch, sw, sh int) []float64 {
	out := make([]float64, sw*sh)
	fx, fy := float64(cw)/float64(sw), float64(ch)/float64(sh)
	at := func(x, y int) float64 {
		x, y = min(max(x, 0), cw-1), min(max(y, 0), ch-1)
		return src[y*stride+x]
	}
	for y := 0; y < sh; y++ {
		for x := 0; x < sw; x++ {
			if fx <= 1 && fy <= 1 { // growing: bilinear
				sx, sy := (float64(x)+0.5)*fx-0.5, (float64(y)+0.5)*fy-0.5
				ix, iy := int(math.Floor(sx)), int(math.Floor(sy))
				tx, ty := sx-float64(ix), sy-float64(iy)
				out[y*sw+x] = (1-ty)*((1-tx)*at(ix, iy)+tx*at(ix+1, iy)) + ty*((1-tx)*at(ix, iy+1)+tx*at(ix+1, iy+1))
				continue
			}
			// shrinking: average the source area, weighting partial pixels
			ax0, ax1 := float64(x)*fx, float64(x+1)*fx
			ay0, ay1 := float64(y)*fy, float64(y+1)*fy
			var s, wsum float64
			for sy := int(ay0); sy < int(math.Ceil(ay1)) && sy < ch; sy++ {
				wy := math.Min(ay1, float64(sy+1)) - math.Max(ay0, float64(sy))
				for sx := int(ax0); sx < int(math.Ceil(ax1)) && sx < cw; sx++ {
					wx := math.Min(ax1, float64(sx+1)) - math.Max(ax0, float64(sx))
					s += wx * wy * src[sy*stride+sx]
					wsum += wx * wy
				}
			}
			if wsum > 0 {
				out[y*sw+x] = s / wsum
			}
		}
	}
	return out
}

// ImageExts are the file name extensions of the formats read.
var ImageExts = []string{".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"}

// ImageFiles lists the image files in dir (by extension, see ImageExts),
// sorted by name.
func ImageFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if slices.Contains(ImageExts, strings.ToLower(filepath.Ext(e.Name()))) && e.Type().IsRegular() {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no %s files", dir, formatList)
	}
	return files, nil
}

// PreprocessFolder preprocesses every image file in dir (see ImageFiles)
// as a 28x28 digit and returns their pixels, 784 per image, in file order.
func PreprocessFolder(dir string) ([]float32, error) {
	return PreprocessFolderAs(dir, Target{Side: Side, Channels: 1, Mode: ModeDigit})
}

// PreprocessFolderAs is PreprocessFolder making inputs of t. A bad file
// fails the whole folder with an error naming it.
func PreprocessFolderAs(dir string, t Target) ([]float32, error) {
	files, err := ImageFiles(dir)
	if err != nil {
		return nil, err
	}
	pix := make([]float32, 0, len(files)*t.Side*t.Side*t.Channels)
	for _, f := range files {
		in, err := PreprocessFileAs(f, t)
		if err != nil {
			return nil, err
		}
		pix = append(pix, in.Pixels...)
	}
	return pix, nil
}
