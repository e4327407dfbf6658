package imaging

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"vaeexplorer/vae/msg"

	xdraw "golang.org/x/image/draw"
)

// Preprocessing modes: how an image becomes a model input.
const (
	// ModeDigit is MNIST's way, for handwriting: grey, ink bright on dark,
	// cropped to the ink, scaled into a box and centred by its mass.
	ModeDigit = "digit"
	// ModeResize is for pictures: the largest centred square, resized with
	// a Catmull-Rom filter (area-weighted when shrinking), transparency
	// over white, colour kept (or its luma for grey models).
	ModeResize = "resize"
)

// Target is the input a model takes: side x side pixels of Channels (1 or
// 3) values, made from an image by Mode.
type Target struct {
	Side, Channels int
	Mode           string
}

// TargetFor is the target of a model of side x side images of channels
// values trained with preprocessing mode ("" is ModeDigit: models that
// never chose were trained on MNIST).
func TargetFor(side, channels int, mode string) Target {
	if mode == "" {
		mode = ModeDigit
	}
	return Target{Side: side, Channels: channels, Mode: mode}
}

// Check says what is wrong with t.
func (t Target) Check() error {
	switch {
	case t.Side < 1 || t.Side > 1024:
		return fmt.Errorf("image side %d out of range 1..1024", t.Side)
	case t.Channels != 1 && t.Channels != 3:
		return fmt.Errorf("%d channels: want 1 or 3", t.Channels)
	case t.Mode != ModeDigit && t.Mode != ModeResize:
		return fmt.Errorf("preprocessing %s: want %q or %q", msg.Quote(t.Mode), ModeDigit, ModeResize)
	}
	return nil
}

// Fit makes a decoded image an input of t's shape by t's mode.
func (t Target) Fit(img image.Image) (*Input, error) {
	if err := t.Check(); err != nil {
		return nil, err
	}
	if t.Mode == ModeDigit {
		in, err := digit(img, t.Side)
		if err != nil {
			return nil, err
		}
		if t.Channels == 3 { // grey in every channel
			rgb := make([]float32, 3*len(in.Pixels))
			for i, v := range in.Pixels {
				rgb[3*i], rgb[3*i+1], rgb[3*i+2] = v, v, v
			}
			in.Pixels = rgb
		}
		return in, nil
	}
	b := img.Bounds()
	W, H := b.Dx(), b.Dy()
	// Shrink very large images by box averaging first (greyscale's
	// strips), so the filter never works on more than workSide a side.
	whole := shrink(img)
	wb := whole.Bounds()
	s := min(wb.Dx(), wb.Dy())
	at := image.Pt(wb.Min.X+(wb.Dx()-s)/2, wb.Min.Y+(wb.Dy()-s)/2)
	crop := image.Rectangle{Min: at, Max: at.Add(image.Pt(s, s))}
	dst := image.NewRGBA(image.Rect(0, 0, t.Side, t.Side))
	draw.Draw(dst, dst.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
	xdraw.CatmullRom.Scale(dst, dst.Rect, whole, crop, xdraw.Over, nil)
	pix := make([]float32, t.Side*t.Side*t.Channels)
	for p := range t.Side * t.Side {
		r, g, bl := float32(dst.Pix[4*p]), float32(dst.Pix[4*p+1]), float32(dst.Pix[4*p+2])
		if t.Channels == 3 {
			pix[3*p], pix[3*p+1], pix[3*p+2] = r/255, g/255, bl/255
		} else {
			pix[p] = (0.299*r + 0.587*g + 0.114*bl) / 255
		}
	}
	return &Input{Pixels: pix, Whole: whole, Width: W, Height: H}, nil
}

// shrink returns img, or when it is larger than workSide a side, img
// box-averaged down to at most that (premultiplied, so transparency
// survives), converted a strip of rows at a time.
func shrink(img image.Image) image.Image {
	b := img.Bounds()
	W, H := b.Dx(), b.Dy()
	f := (max(W, H) + workSide - 1) / workSide
	if f <= 1 {
		return img
	}
	w, h := (W+f-1)/f, (H+f-1)/f
	sum := make([]uint32, 5*w*h) // r, g, b, a, count
	strip := image.NewRGBA(image.Rect(0, 0, W, f))
	for y0 := 0; y0 < H; y0 += f {
		rows := min(f, H-y0)
		draw.Draw(strip, image.Rect(0, 0, W, rows), img, image.Pt(b.Min.X, b.Min.Y+y0), draw.Src)
		oy := y0 / f
		for dy := 0; dy < rows; dy++ {
			row := strip.Pix[dy*strip.Stride : dy*strip.Stride+4*W]
			for x := 0; x < W; x++ {
				s := sum[5*(oy*w+x/f):]
				for k := range 4 {
					s[k] += uint32(row[4*x+k])
				}
				s[4]++
			}
		}
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range w * h {
		s := sum[5*i:]
		for k := range 4 {
			out.Pix[4*i+k] = uint8((s[k] + s[4]/2) / s[4])
		}
	}
	return out
}

// HasColour reports whether any pixel of img is not grey (its red, green
// and blue differ by more than 2 levels in 255), looking at no more than
// about 64x64 pixels spread over it.
func HasColour(img image.Image) bool {
	b := img.Bounds()
	sx, sy := max(1, b.Dx()/64), max(1, b.Dy()/64)
	for y := b.Min.Y; y < b.Max.Y; y += sy {
		for x := b.Min.X; x < b.Max.X; x += sx {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			if max(r, g, bl)-min(r, g, bl) > 2 {
				return true
			}
		}
	}
	return false
}
