package imaging

import (
	"image"
	"image/color"
	"math"
)

// Pictures of model inputs and outputs: one digit, tiled sheets, error
// heatmaps.

// Gray28 turns a 784-value image into an *image.Gray.
func Gray28(pix []float32) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, Side, Side))
	for i, v := range pix {
		g.Pix[i] = toByte(v)
	}
	return g
}

func toByte(v float32) uint8 {
	return uint8(math.Min(math.Max(float64(v)*255+0.5, 0), 255))
}

// Tile lays out n images of side x side pixels (concatenated in pix) in a
// grid of cols columns with pad pixels between them, ink white on black.
func Tile(pix []float32, side, cols, pad int) *image.Gray {
	n := len(pix) / (side * side)
	rows := (n + cols - 1) / cols
	g := image.NewGray(image.Rect(0, 0, cols*side+(cols-1)*pad, rows*side+(rows-1)*pad))
	for i := 0; i < n; i++ {
		ox, oy := (i%cols)*(side+pad), (i/cols)*(side+pad)
		for y := 0; y < side; y++ {
			for x := 0; x < side; x++ {
				g.Pix[(oy+y)*g.Stride+ox+x] = toByte(pix[i*side*side+y*side+x])
			}
		}
	}
	return g
}

// Heatmap colours the per-pixel absolute difference of two images (|a-b|
// in [0,1]) with a perceptual dark-to-bright colour map.
func Heatmap(a, b []float32) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, Side, Side))
	for i := range a {
		d := math.Abs(float64(a[i] - b[i]))
		img.Set(i%Side, i/Side, Inferno(d))
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
