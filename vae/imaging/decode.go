package imaging

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"strings"
)

// DecodeImage decodes an image file's bytes with the app's own codecs
// (chosen by content, never the file's name), after checking what its
// header declares against the limits: the pixel count, the side and the
// memory decoding takes. It returns the image and its format's name.
func DecodeImage(data []byte) (image.Image, string, error) {
	if len(data) == 0 {
		return nil, "", fmt.Errorf("%w: the file is empty", ErrNotImage)
	}
	codec := sniff(data)
	if codec == nil {
		return nil, "", fmt.Errorf("%w: its first bytes are not a %s signature", ErrNotImage, formatList)
	}
	format := codec.name
	var cfg image.Config
	err := guard(func() (err error) {
		cfg, err = codec.config(bytes.NewReader(data))
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("%w: its %s header is damaged (%v)", ErrNotImage, format, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, "", fmt.Errorf("%w: it declares %dx%d pixels", ErrNotImage, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels || cfg.Width > MaxSide || cfg.Height > MaxSide {
		return nil, "", fmt.Errorf("%w: %dx%d pixels (limit %d megapixels, %d a side); scale it down first",
			ErrTooLarge, cfg.Width, cfg.Height, MaxPixels/1_000_000, MaxSide)
	}
	if n := decodedBytes(codec.name, data, cfg); n > MaxDecodedBytes {
		return nil, "", fmt.Errorf("%w: %dx%d pixels of %s would take %d MB to decode (limit %d MB); scale it down or save it with fewer bits a pixel first",
			ErrTooLarge, cfg.Width, cfg.Height, strings.ToUpper(format), n>>20, MaxDecodedBytes>>20)
	}
	if format == "tiff" {
		if err := checkTIFF(data); err != nil {
			return nil, "", err
		}
	}
	var img image.Image
	err = guard(func() (err error) {
		img, err = codec.decode(bytes.NewReader(data))
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("%w: its %s data is damaged (%v)", ErrNotImage, format, err)
	}
	if b := img.Bounds(); int64(b.Dx())*int64(b.Dy()) > MaxPixels || b.Dx() > cfg.Width || b.Dy() > cfg.Height {
		return nil, "", fmt.Errorf("%w: its %s data is %dx%d pixels, more than its header's %dx%d", ErrNotImage, format, b.Dx(), b.Dy(), cfg.Width, cfg.Height)
	}
	return img, format, nil
}

// checkTIFF refuses PackBits compression, the one TIFF compression whose
// decoder (golang.org/x/image/tiff) expands a strip without a bound: up
// to 64 times the file's bytes. It reads the first image's Compression
// tag; a file it cannot follow is left to the decoder, which checks it.
func checkTIFF(data []byte) error {
	if len(data) < 8 {
		return nil
	}
	var bo binary.ByteOrder = binary.LittleEndian
	if data[0] == 'M' {
		bo = binary.BigEndian
	}
	ifd := int64(bo.Uint32(data[4:8]))
	if ifd < 8 || ifd+2 > int64(len(data)) {
		return nil
	}
	n := int64(bo.Uint16(data[ifd:]))
	for i := int64(0); i < n; i++ {
		e := ifd + 2 + 12*i
		if e+12 > int64(len(data)) {
			return nil
		}
		if bo.Uint16(data[e:]) == 259 && bo.Uint16(data[e+8:]) == 32773 { // Compression = PackBits
			return fmt.Errorf("%w: PackBits-compressed TIFF is not read (its decoder has no memory bound); save it uncompressed or with LZW or Deflate", ErrNotImage)
		}
	}
	return nil
}
