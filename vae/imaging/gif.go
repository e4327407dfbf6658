package imaging

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"io"

	xdraw "golang.org/x/image/draw"
)

// greys is a 256-level grey palette: frame pixels map to it one to one.
var greys = func() color.Palette {
	p := make(color.Palette, 256)
	for i := range p {
		p[i] = color.Gray{Y: uint8(i)}
	}
	return p
}()

// WriteGIF writes frames (each a Side x Side grey image of Side*Side
// values in [0,1]) as a looping animated GIF, each frame enlarged scale
// times and shown for delay hundredths of a second. With pingPong the
// animation runs forward then back, so a loop has no jump.
func WriteGIF(w io.Writer, frames [][]float32, scale, delay int, pingPong bool) error {
	return WriteGIFC(w, frames, Side, 1, scale, delay, pingPong)
}

// WriteGIFC is WriteGIF for frames of side x side pixels of 1 or 3
// channels; colour frames are dithered (Floyd-Steinberg) to a 256-colour
// palette.
func WriteGIFC(w io.Writer, frames [][]float32, side, channels, scale, delay int, pingPong bool) error {
	if len(frames) == 0 {
		return errors.New("an animation needs at least one frame")
	}
	if scale < 1 {
		scale = 1
	}
	order := make([]int, 0, 2*len(frames))
	for i := range frames {
		order = append(order, i)
	}
	if pingPong {
		for i := len(frames) - 2; i > 0; i-- {
			order = append(order, i)
		}
	}
	big := side * scale
	anim := &gif.GIF{LoopCount: 0}
	for _, i := range order {
		if len(frames[i]) != side*side*channels {
			return fmt.Errorf("a frame has %d values, not a %dx%dx%d image", len(frames[i]), side, side, channels)
		}
		var p *image.Paletted
		if channels == 1 {
			p = image.NewPaletted(image.Rect(0, 0, big, big), greys)
			for y := 0; y < big; y++ {
				for x := 0; x < big; x++ {
					p.Pix[y*p.Stride+x] = toByte(frames[i][(y/scale)*side+x/scale])
				}
			}
		} else {
			p = image.NewPaletted(image.Rect(0, 0, big, big), palette.Plan9)
			src := Picture(frames[i], side, channels)
			scaled := image.NewNRGBA(p.Rect)
			xdraw.NearestNeighbor.Scale(scaled, scaled.Rect, src, src.Bounds(), xdraw.Src, nil)
			draw.FloydSteinberg.Draw(p, p.Rect, scaled, image.Point{})
		}
		anim.Image = append(anim.Image, p)
		anim.Delay = append(anim.Delay, delay)
	}
	return gif.EncodeAll(w, anim)
}
