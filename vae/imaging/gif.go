package imaging

import (
	"errors"
	"image"
	"image/color"
	"image/gif"
	"io"
)

// greys is a 256-level grey palette: frame pixels map to it one to one.
var greys = func() color.Palette {
	p := make(color.Palette, 256)
	for i := range p {
		p[i] = color.Gray{Y: uint8(i)}
	}
	return p
}()

// WriteGIF writes frames (each a Side x Side image of Side*Side values in
// [0,1]) as a looping animated GIF, each frame enlarged scale times and
// shown for delay hundredths of a second. With pingPong the animation runs
// forward then back, so a loop has no jump.
func WriteGIF(w io.Writer, frames [][]float32, scale, delay int, pingPong bool) error {
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
	side := Side * scale
	anim := &gif.GIF{LoopCount: 0}
	for _, i := range order {
		if len(frames[i]) != Side*Side {
			return errors.New("a frame is not a 28x28 image")
		}
		p := image.NewPaletted(image.Rect(0, 0, side, side), greys)
		for y := 0; y < side; y++ {
			for x := 0; x < side; x++ {
				p.Pix[y*p.Stride+x] = toByte(frames[i][(y/scale)*Side+x/scale])
			}
		}
		anim.Image = append(anim.Image, p)
		anim.Delay = append(anim.Delay, delay)
	}
	return gif.EncodeAll(w, anim)
}
