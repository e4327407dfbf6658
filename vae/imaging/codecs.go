package imaging

import (
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/jsummers/gobmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// codec is one image format the app reads, with its own decoders. The app
// calls only these, never image.Decode: the image package's registry also
// holds whatever formats other dependencies register (Fyne's pull in ICO),
// which the app has not chosen and whose decoders were found to panic on
// small hostile files. Every decoder runs under guard, after the header's
// checks (DecodeImage).
type codec struct {
	name   string
	magic  []string // signatures at the start; '?' matches any byte
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

var codecs = []codec{
	{"png", []string{"\x89PNG\r\n\x1a\n"}, png.DecodeConfig, png.Decode},
	{"jpeg", []string{"\xff\xd8\xff"}, jpeg.DecodeConfig, jpeg.Decode},
	{"gif", []string{"GIF87a", "GIF89a"}, gif.DecodeConfig, gif.Decode},
	{"bmp", []string{"BM????\x00\x00\x00\x00"}, gobmp.DecodeConfig, gobmp.Decode}, // every BMP ImageMagick writes (x/image/bmp refused its default v4/v5 paletted ones)
	{"tiff", []string{"II*\x00", "MM\x00*"}, tiff.DecodeConfig, tiff.Decode},
	{"webp", []string{"RIFF????WEBPVP8"}, webp.DecodeConfig, webp.Decode},
}

// formatList names the formats, for messages.
const formatList = "PNG, JPEG, GIF, BMP, TIFF or WebP"

// sniff returns the codec whose signature data starts with, or nil: the
// format is decided by content, not by the file's name.
func sniff(data []byte) *codec {
	for i := range codecs {
		for _, m := range codecs[i].magic {
			if matches(data, m) {
				return &codecs[i]
			}
		}
	}
	return nil
}

func matches(data []byte, magic string) bool {
	if len(data) < len(magic) {
		return false
	}
	for i := range len(magic) {
		if magic[i] != '?' && data[i] != magic[i] {
			return false
		}
	}
	return true
}

// guard runs a decoder, turning a panic inside it into an error.
func guard(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the decoder failed: %v", r)
		}
	}()
	return f()
}
