package imaging

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"runtime"
	"runtime/debug"
	"sync"

	"vaeexplorer/vae/safefile"
)

// DecodeBudget bounds the memory all image files being read and decoded
// at once may take together, whatever the number of cores: each file
// reserves its bytes and what decoding and fitting it will take (from its
// header) before it is read, and waits while the reservations of the
// others leave no room. Eight 50-megapixel PNGs read on 8 cores took 1.76
// GB when the bound was per goroutine.
const DecodeBudget = 256 << 20

// headBytes is how much of a file is read to find its header (a JPEG's
// frame header may follow large metadata segments).
const headBytes = 256 << 10

// fitBytes bounds what Fit holds besides the decoded image: it
// box-averages a large image down to workSide a side first.
const fitBytes = int64(workSide) * workSide * 4 * 4

var decodeSem = newByteSem(DecodeBudget)

// byteSem is a semaphore on bytes: Acquire(n) waits until n more fit
// under the capacity (a request larger than the capacity waits until it
// is alone).
type byteSem struct {
	mu        sync.Mutex
	cond      *sync.Cond
	used, cap int64
	peak      int64 // the most reserved at once, for tests
}

func newByteSem(cap int64) *byteSem {
	s := &byteSem{cap: cap}
	s.cond = sync.NewCond(&s.mu)
	return s
}

func (s *byteSem) acquire(n int64) (release func()) {
	n = min(n, s.cap)
	s.mu.Lock()
	for s.used > 0 && s.used+n > s.cap {
		s.cond.Wait()
	}
	s.used += n
	s.peak = max(s.peak, s.used)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.used -= n
		s.mu.Unlock()
		s.cond.Broadcast()
	}
}

// LoadFile reads an image file and makes it an input of t, within
// DecodeBudget: what the header declares is reserved before the file is
// read whole and decoded. Image folders read their files through it on
// every core; dropped and opened images too (PreprocessFileAs). Its
// errors do not name the file: the caller does.
func LoadFile(path string, t Target) (*Input, error) {
	var in *Input
	err := withFile(path, func(data []byte) (err error) {
		in, err = PreprocessAs(data, t)
		return err
	})
	return in, err
}

// ProbeFile decodes an image file within DecodeBudget and says its size
// and whether it has colour (GuessShape's sample).
func ProbeFile(path string) (w, h int, colour bool, err error) {
	err = withFile(path, func(data []byte) error {
		// A large image is told by its header: its colour model, not
		// its pixels (decoding 50 megapixels to see whether they are
		// grey took a second).
		if c := sniff(data); c != nil {
			var cfg image.Config
			if guard(func() (err error) { cfg, err = c.config(bytes.NewReader(data)); return err }) == nil &&
				int64(cfg.Width)*int64(cfg.Height) > probePixels {
				w, h = cfg.Width, cfg.Height
				colour = cfg.ColorModel != color.GrayModel && cfg.ColorModel != color.Gray16Model
				return nil
			}
		}
		img, _, err := DecodeImage(data)
		if err != nil {
			return err
		}
		w, h, colour = img.Bounds().Dx(), img.Bounds().Dy(), HasColour(img)
		return nil
	})
	return w, h, colour, err
}

// probePixels: ProbeFile decodes images up to this size to see whether
// they have colour; larger ones are judged by their colour model.
const probePixels = 4_000_000

// bigDecode is a reservation after which the garbage is collected at
// once: the next image's decoding would otherwise grow the heap to twice
// the last one's before the collector runs (600 MB for 50-megapixel
// PNGs read one at a time). After a hugeDecode the memory is also given
// back to the system: the next huge image finds no free range of its
// size when small ones were placed in the last one's (450 MB, now and
// then). Giving back costs a second a 50-megapixel image.
const (
	bigDecode  = 32 << 20
	hugeDecode = 128 << 20
)

// withFile reads the file at path whole, within DecodeBudget, and hands
// it to use.
func withFile(path string, use func(data []byte) error) error {
	f, st, err := safefile.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	size := st.Size()
	if size == 0 {
		return fmt.Errorf("%w: the file is empty", ErrNotImage)
	}
	if size > MaxFileBytes {
		return fmt.Errorf("%w: %d MB file (limit %d MB)", ErrTooLarge, size>>20, MaxFileBytes>>20)
	}
	head := make([]byte, min(size, headBytes))
	if _, err := io.ReadFull(f, head); err != nil {
		return err
	}
	cost := size + decodeCost(head)
	release := decodeSem.acquire(cost)
	defer func() {
		// Collected (and a huge one given back to the system) before the
		// next file may take the room.
		switch {
		case cost >= hugeDecode:
			debug.FreeOSMemory()
		case cost >= bigDecode:
			runtime.GC()
		}
		release()
	}()
	data := make([]byte, size)
	copy(data, head)
	if _, err := io.ReadFull(f, data[len(head):]); err != nil {
		return err
	}
	return use(data)
}

// decodeCost is what decoding and fitting the image whose first bytes
// are head will take: from its header, or the decoder's limit when the
// header is not in head or is damaged (the decoder then refuses it).
func decodeCost(head []byte) int64 {
	c := sniff(head)
	if c == nil {
		return 0 // refused before any decoding
	}
	var cfg image.Config
	err := guard(func() (err error) {
		cfg, err = c.config(bytes.NewReader(head))
		return err
	})
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return MaxDecodedBytes + fitBytes
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return 0 // refused from the header
	}
	return min(decodedBytes(c.name, head, cfg), MaxDecodedBytes) + fitBytes
}
