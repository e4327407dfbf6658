package dataset

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"vaeexplorer/vae/msg"

	"vaeexplorer/vae/imaging"
)

// Image folders, in torchvision's ImageFolder convention: root/<class>/…
// (classes are the sorted sub-folder names), or root/train/<class>/… with
// root/test/<class>/… as the held-out set; a folder of image files alone
// is one unlabelled class. Files are found by their extension and decoded
// by their content (imaging.DecodeImage).

// Limits on image folders.
const (
	MaxFolderImages = 1_000_000
	MaxClasses      = 256     // labels are bytes
	MaxClassName    = 100     // bytes of a class name; longer folder names are shortened
	MaxFolderBytes  = 1 << 30 // the images' bytes at the chosen shape
	// HeldOutShare of each class is held out when there is no test folder.
	HeldOutShare = 0.1
)

// Skipped is a file left out, with the reason.
type Skipped struct {
	Path, Reason string
}

// FolderReport says what LoadImageFolder found.
type FolderReport struct {
	Layout         string   // "train/test", "classes" or "flat"
	Classes        []string // in label order (folder names, shortened to MaxClassName bytes)
	Files          int      // image files found
	Side, Channels int      // the shape made
	Mode           string
	Skipped        []Skipped // unreadable files, in file order
	// Attributes are the attribute file's names (nil without one), and
	// AttrFile the file.
	Attributes []string
	AttrFile   string
}

// Summary is one line: how many images of which shape, and how many were
// skipped.
func (r *FolderReport) Summary() string {
	s := fmt.Sprintf("%d images in %d classes (%s), made %dx%dx%d by %s", r.Files-len(r.Skipped), len(r.Classes), r.Layout, r.Side, r.Side, r.Channels, r.Mode)
	if len(r.Attributes) > 0 {
		s += fmt.Sprintf(", %d attributes from %s", len(r.Attributes), filepath.Base(r.AttrFile))
	}
	if n := len(r.Skipped); n > 0 {
		s += fmt.Sprintf("; %d unreadable files skipped (first: %s: %s)", n, msg.Name(r.Skipped[0].Path), msg.Line(r.Skipped[0].Reason))
	}
	return s
}

// SkippedLines names the first n skipped files, each with why it was
// skipped, and then how many more there are: the report the CLI prints
// and the app shows.
func (r *FolderReport) SkippedLines(n int) []string {
	var out []string
	for i, s := range r.Skipped {
		if i == n {
			out = append(out, fmt.Sprintf("… and %d more", len(r.Skipped)-n))
			break
		}
		out = append(out, fmt.Sprintf("%s: %s", msg.Name(s.Path), msg.Line(s.Reason)))
	}
	return out
}

// ErrNoImages says a folder holds no image files to learn from.
var ErrNoImages = errors.New("no images to learn from")

// ErrLimit says a dataset is beyond what the app reads (classes, images,
// bytes): bad input, named with the figure and the limit.
var ErrLimit = errors.New("too large")

// GuessShape picks a shape for a folder's images from a sample of them:
// colour when any sampled image has colour, and the side of the images
// when they are all the same square size up to 64 (rounded down to a
// multiple of 4), else 32.
func GuessShape(paths []string) (side, channels int) {
	side, channels = 0, 1
	for i, p := range paths {
		if i >= 64 {
			break
		}
		w, h, colour, err := imaging.ProbeFile(p)
		if err != nil {
			continue
		}
		s := w
		if h != s || s > 64 || side != 0 && side != s {
			side = -1
		} else if side == 0 {
			side = s
		}
		if colour {
			channels = 3
		}
	}
	if side <= 0 {
		return 32, channels
	}
	return max(8, side/4*4), channels
}

// LoadImageFolder reads an image folder (see the conventions above) as a
// training and a held-out set of opt's shape, with progress (files done of
// total) and cancellation through ctx. Unreadable files are skipped and
// listed in the report; it is an error only when no image is left, or
// none for training or for holding out.
func LoadImageFolder(ctx context.Context, root string, opt FolderOptions, progress func(done, total int)) (train, test *Set, rep *FolderReport, err error) {
	files, classes, layout, err := listFolder(root)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(files) == 0 {
		return nil, nil, nil, fmt.Errorf("%s: %w: no %s files in it or in its class folders", root, ErrNoImages, extList())
	}
	// An attribute file (and CelebA's split) goes with the images: files
	// it does not list, and its bad lines, are skipped and reported.
	var attrs *AttrFile
	var attrSkipped []Skipped
	attrPath := opt.Attributes
	if attrPath == "" {
		attrPath = findBeside(root, AttrFileName)
	}
	if attrPath != "" {
		if attrs, attrSkipped, err = applyAttributes(root, attrPath, &files, &layout); err != nil {
			return nil, nil, nil, err
		}
	}
	if len(files) > MaxFolderImages {
		return nil, nil, nil, fmt.Errorf("%s: %w: %d images, more than the limit of %d", root, ErrLimit, len(files), MaxFolderImages)
	}
	if opt.Mode == "" {
		opt.Mode = imaging.ModeResize
	}
	if opt.Side == 0 || opt.Channels == 0 {
		paths := make([]string, len(files))
		for i, f := range files {
			paths[i] = f.path
		}
		s, c := GuessShape(sample(paths, 64))
		if opt.Side == 0 {
			opt.Side = s
		}
		if opt.Channels == 0 {
			opt.Channels = c
		}
	}
	target := imaging.Target{Side: opt.Side, Channels: opt.Channels, Mode: opt.Mode}
	if err := target.Check(); err != nil {
		return nil, nil, nil, err
	}
	size := opt.Side * opt.Side * opt.Channels
	if int64(len(files))*int64(size) > MaxFolderBytes {
		return nil, nil, nil, fmt.Errorf("%s: %w: %d images of %dx%dx%d take %d MB, more than the limit of %d MB; choose a smaller side",
			root, ErrLimit, len(files), opt.Side, opt.Side, opt.Channels, int64(len(files))*int64(size)>>20, MaxFolderBytes>>20)
	}
	if layout != "train/test" && layout != "partition" {
		splitHeldOut(files, opt.Seed)
	}
	taken := map[string]bool{}
	names := make([]string, len(classes))
	for i, c := range classes {
		names[i] = className(c, taken)
	}
	classes = names
	rep = &FolderReport{Layout: layout, Classes: classes, Files: len(files) + len(attrSkipped), Side: opt.Side, Channels: opt.Channels, Mode: opt.Mode,
		Skipped: attrSkipped}
	if attrs != nil {
		rep.Attributes, rep.AttrFile = attrs.Names, attrPath
	}
	// Training files first, then held-out ones, each in file order: the
	// two sets are then the two ends of one array, never copied.
	sort.SliceStable(files, func(a, b int) bool { return !files[a].test && files[b].test })

	// Decode into one byte array in file order, in parallel.
	pix := make([]uint8, len(files)*size)
	reasons := make([]string, len(files))
	var next, done atomic.Int64
	var wg sync.WaitGroup
	var progressMu sync.Mutex
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				if err := loadOne(files[i].path, target, pix[i*size:(i+1)*size]); err != nil {
					reasons[i] = err.Error()
				}
				if d := done.Add(1); progress != nil && (d%64 == 0 || int(d) == len(files)) {
					progressMu.Lock()
					progress(int(d), len(files))
					progressMu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, err
	}
	// Leave the skipped files out, moving the rest down in place.
	kept, nTrain := 0, 0
	labels := make([]uint8, 0, len(files))
	var values []int8
	for i, f := range files {
		if reasons[i] != "" {
			rep.Skipped = append(rep.Skipped, Skipped{f.path, reasons[i]})
			continue
		}
		if kept != i {
			copy(pix[kept*size:(kept+1)*size], pix[i*size:(i+1)*size])
		}
		labels = append(labels, f.label)
		values = append(values, f.attrs...)
		if !f.test {
			nTrain++
		}
		kept++
	}
	sort.SliceStable(rep.Skipped, func(a, b int) bool { return rep.Skipped[a].Path < rep.Skipped[b].Path })
	if kept == 0 {
		return nil, nil, rep, fmt.Errorf("%s: %w: none of its %d image files could be read (first: %s)", root, ErrNoImages, len(files), rep.Skipped[0].Reason)
	}
	if nTrain == 0 || nTrain == kept {
		return nil, nil, rep, fmt.Errorf("%s: %w: %d images for training and %d held out; it needs both (at least 2 images, or a test folder with images)", root, ErrNoImages, nTrain, kept-nTrain)
	}
	part := func(lo, hi int) *Set {
		s := &Set{Images: &Images{N: hi - lo, Rows: opt.Side, Cols: opt.Side, Channels: opt.Channels, Pix: pix[lo*size : hi*size : hi*size]},
			Labels: labels[lo:hi:hi], Classes: slices.Clone(classes)}
		if attrs != nil {
			A := len(attrs.Names)
			s.Attrs = &Attributes{Names: slices.Clone(attrs.Names), Values: values[lo*A : hi*A : hi*A]}
		}
		return s
	}
	return part(0, nTrain), part(nTrain, kept), rep, nil
}

// loadOne reads, decodes and fits one file into dst as bytes.
func loadOne(path string, t imaging.Target, dst []uint8) error {
	in, err := imaging.LoadFile(path, t) // within the decoding budget shared by every goroutine
	if err != nil {
		return err
	}
	for j, v := range in.Pixels {
		dst[j] = uint8(min(max(v*255+0.5, 0), 255))
	}
	return nil
}

// sample is up to n of paths spread evenly over them (so every class is
// likely seen).
func sample(paths []string, n int) []string {
	if len(paths) <= n {
		return paths
	}
	out := make([]string, n)
	for i := range out {
		out[i] = paths[i*len(paths)/n]
	}
	return out
}

func extList() string { return strings.Join(imaging.ImageExts, ", ") }
