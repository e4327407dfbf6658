package imaging

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Pictures of model inputs and outputs: one image, tiled sheets, error
// heatmaps. An image is side x side pixels, row by row, each pixel's
// channels together: 1 value (grey) or 3 (R, G, B), in [0,1].

// Gray28 turns a 784-value image into an *image.Gray.
func Gray28(pix []float32) *image.Gray { return Picture(pix, Side, 1).(*image.Gray) }

// Picture turns one image into an *image.Gray (1 channel) or an opaque
// *image.NRGBA (3 channels).
func Picture(pix []float32, side, channels int) image.Image {
	r := image.Rect(0, 0, side, side)
	if channels == 1 {
		g := image.NewGray(r)
		for i, v := range pix[:side*side] {
			g.Pix[i] = toByte(v)
		}
		return g
	}
	c := image.NewNRGBA(r)
	for p := range side * side {
		for k := range 3 {
			c.Pix[4*p+k] = toByte(pix[3*p+k])
		}
		c.Pix[4*p+3] = 255
	}
	return c
}

func toByte(v float32) uint8 {
	return uint8(math.Min(math.Max(float64(v)*255+0.5, 0), 255))
}

// Tile lays out n grey images of side x side pixels (concatenated in pix)
// in a grid of cols columns with pad pixels between them, ink white on
// black.
func Tile(pix []float32, side, cols, pad int) *image.Gray {
	return TileC(pix, side, 1, cols, pad).(*image.Gray)
}

// TileC is Tile for images of 1 or 3 channels: an *image.Gray or an
// opaque *image.NRGBA, black between the images.
func TileC(pix []float32, side, channels, cols, pad int) image.Image {
	size := side * side * channels
	n := len(pix) / size
	rows := (n + cols - 1) / cols
	r := image.Rect(0, 0, cols*side+(cols-1)*pad, rows*side+(rows-1)*pad)
	var dst []uint8
	var stride, bpp int
	var out image.Image
	if channels == 1 {
		g := image.NewGray(r)
		out, dst, stride, bpp = g, g.Pix, g.Stride, 1
	} else {
		c := image.NewNRGBA(r)
		for i := 3; i < len(c.Pix); i += 4 {
			c.Pix[i] = 255
		}
		out, dst, stride, bpp = c, c.Pix, c.Stride, 4
	}
	for i := 0; i < n; i++ {
		ox, oy := (i%cols)*(side+pad), (i/cols)*(side+pad)
		for y := 0; y < side; y++ {
			for x := 0; x < side; x++ {
				src := pix[i*size+(y*side+x)*channels:]
				at := (oy+y)*stride + (ox+x)*bpp
				for k := range channels {
					dst[at+k] = toByte(src[k])
				}
			}
		}
	}
	return out
}

// Heatmap colours the per-pixel absolute difference of two 28x28 grey
// images (|a-b| in [0,1]) with a perceptual dark-to-bright colour map.
func Heatmap(a, b []float32) *image.RGBA { return HeatmapC(a, b, Side, 1) }

// HeatmapC is Heatmap for images of 1 or 3 channels: a pixel's error is
// the mean absolute difference over its channels.
func HeatmapC(a, b []float32, side, channels int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	for p := range side * side {
		d := 0.0
		for k := p * channels; k < (p+1)*channels; k++ {
			d += math.Abs(float64(a[k] - b[k]))
		}
		img.Set(p%side, p/side, Inferno(d/float64(channels)))
	}
	return img
}

// Inferno maps t in [0,1] to a colour of a black-purple-orange-yellow
// ramp (after matplotlib's inferno).
func Inferno(t float64) color.RGBA {
	stops := [...][3]float64{{0, 0, 4}, {40, 11, 84}, {101, 21, 110}, {159, 42, 99}, {212, 72, 66}, {245, 125, 21}, {250, 193, 39}, {252, 255, 164}}
	t = math.Min(math.Max(t, 0), 1) * float64(len(stops)-1)
	i := min(int(t), len(stops)-2)
	f := t - float64(i)
	c := func(k int) uint8 { return uint8(stops[i][k]*(1-f) + stops[i+1][k]*f + 0.5) }
	return color.RGBA{c(0), c(1), c(2), 255}
}

// LabelledRows is a sheet of images in rows of cols, each row with its
// label in a column on its left (7x13 pixel glyphs), on black: a
// traversal sheet readable at any number of rows.
func LabelledRows(pix []float32, side, channels, cols int, labels []string) image.Image {
	const pad, glyph = 2, 7
	width := 0
	for _, l := range labels {
		width = max(width, len(l))
	}
	margin := width*glyph + 6
	tiles := TileC(pix, side, channels, cols, pad)
	b := tiles.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, margin+b.Dx(), b.Dy()))
	for i := 3; i < len(out.Pix); i += 4 {
		out.Pix[i] = 255
	}
	draw.Draw(out, image.Rect(margin, 0, margin+b.Dx(), b.Dy()), tiles, b.Min, draw.Src)
	d := &font.Drawer{Dst: out, Src: image.NewUniform(color.NRGBA{0xd0, 0xd0, 0xd0, 0xff}), Face: basicfont.Face7x13}
	for r, l := range labels {
		y := r*(side+pad) + side/2 + 5
		d.Dot = fixed.P(2, y)
		d.DrawString(l)
	}
	return out
}
