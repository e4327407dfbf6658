package imaging

import (
	"image/color"
	"os"
	"path/filepath"
	"testing"
)

// Every BMP variant ImageMagick 6 writes decodes: BMP2 (12-byte header),
// BMP3 (40) and its default BMP (v4/v5 headers, 108/124 bytes); 1, 4, 8,
// 16 (RGB565 bit fields), 24 and 32 bits; RLE8. x/image/bmp refused the
// v4/v5 paletted ones ("its bmp header is damaged"). The files in
// testdata/bmp were made from src.png (a black disc and a red square on
// white, 24x24) with `convert src.png [options] [BMP2:|BMP3:]NAME.bmp`.
func TestEveryImageMagickBMPVariantReads(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "bmp", "*.bmp"))
	if len(files) < 12 {
		t.Fatalf("%d BMP files in testdata/bmp", len(files))
	}
	dark := func(c color.Color) bool { r, g, b, _ := c.RGBA(); return r+g+b < 3*0x4000 }
	light := func(c color.Color) bool { r, g, b, _ := c.RGBA(); return r+g+b > 3*0xc000 }
	reddish := func(c color.Color) bool { r, g, b, _ := c.RGBA(); return r > 0x8000 && g < 0x6000 && b < 0x6000 }
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		img, format, err := DecodeImage(data)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if b := img.Bounds(); format != "bmp" || b.Dx() != 24 || b.Dy() != 24 {
			t.Errorf("%s: %s %v", filepath.Base(f), format, b)
			continue
		}
		if !dark(img.At(12, 12)) || !light(img.At(22, 22)) {
			t.Errorf("%s: the disc's centre %v, the corner %v", filepath.Base(f), img.At(12, 12), img.At(22, 22))
		}
		if filepath.Base(f) != "bmp-1.bmp" && !reddish(img.At(4, 4)) { // 1 bit: black and white
			t.Errorf("%s: the red square reads %v", filepath.Base(f), img.At(4, 4))
		}
	}
}
