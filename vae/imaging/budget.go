package imaging

import (
	"image"
	"image/color"
)

// decodedBytes is the most memory decoding an image of cfg takes in the
// standard library's decoders: the pixels at their colour model's size,
// twice for an interlaced PNG (each pass is decoded into an image of its
// own before it is merged), and for JPEG the worst case, a progressive
// file, whose decoder keeps every 8x8 block's coefficients as int32s
// (4 bytes a pixel a component) besides the pixels.
func decodedBytes(format string, data []byte, cfg image.Config) int64 {
	px := int64(cfg.Width) * int64(cfg.Height)
	per := int64(8)
	comps := int64(3)
	switch cfg.ColorModel {
	case color.GrayModel:
		per, comps = 1, 1
	case color.Gray16Model:
		per = 2
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel, color.NYCbCrAModel:
		per, comps = 4, 4
	case color.YCbCrModel:
		per = 3 // 4:4:4 at most
	default:
		if _, ok := cfg.ColorModel.(color.Palette); ok {
			per = 1
		}
	}
	n := px * per
	switch format {
	case "png":
		// IHDR: signature 8, length 4, type 4, width 4, height 4, depth,
		// colour type, compression, filter, then the interlace method.
		if len(data) > 28 && data[28] == 1 {
			n *= 2
		}
	case "jpeg":
		n += px * 4 * comps
	}
	return n
}
