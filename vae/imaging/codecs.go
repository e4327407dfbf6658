package imaging

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
)

// codec is one image format the app reads, with its own decoders. The app
// calls only these, never image.Decode: the image package's registry also
// holds whatever formats other dependencies register (Fyne's pull in ICO,
// BMP and TIFF), which the app has not chosen and whose decoders were
// found to panic on small hostile files.
type codec struct {
	name   string
	magic  []string
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

var codecs = []codec{
	{"png", []string{"\x89PNG\r\n\x1a\n"}, png.DecodeConfig, png.Decode},
	{"jpeg", []string{"\xff\xd8\xff"}, jpeg.DecodeConfig, jpeg.Decode},
	{"gif", []string{"GIF87a", "GIF89a"}, gif.DecodeConfig, gif.Decode},
}

// sniff returns the codec whose signature data starts with, or nil: the
// format is decided by content, not by the file's name.
func sniff(data []byte) *codec {
	for i := range codecs {
		for _, m := range codecs[i].magic {
			if bytes.HasPrefix(data, []byte(m)) {
				return &codecs[i]
			}
		}
	}
	return nil
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
