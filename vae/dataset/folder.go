package dataset

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"vaeexplorer/vae/imaging"
	"vaeexplorer/vae/safefile"
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

// isImageName reports whether a file name has an image extension.
func isImageName(name string) bool {
	return slices.Contains(imaging.ImageExts, strings.ToLower(filepath.Ext(name)))
}

// FolderOptions say how an image folder becomes a dataset.
type FolderOptions struct {
	// Side and Channels of the images made (0: from the data, see
	// GuessShape).
	Side, Channels int
	// Mode is imaging.ModeResize (the default) or imaging.ModeDigit.
	Mode string
	// Seed draws the held-out share when there is no test folder. The app
	// and the CLI leave it 0: a folder's split is the folder's, whatever
	// the model's training seed, so models compare on the same images.
	Seed int64
}

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
}

// Summary is one line: how many images of which shape, and how many were
// skipped.
func (r *FolderReport) Summary() string {
	s := fmt.Sprintf("%d images in %d classes (%s), made %dx%dx%d by %s", r.Files-len(r.Skipped), len(r.Classes), r.Layout, r.Side, r.Side, r.Channels, r.Mode)
	if n := len(r.Skipped); n > 0 {
		s += fmt.Sprintf("; %d unreadable files skipped (first: %s: %s)", n, r.Skipped[0].Path, r.Skipped[0].Reason)
	}
	return s
}

// ErrNoImages says a folder holds no image files to learn from.
var ErrNoImages = errors.New("no images to learn from")

// folderFile is one image file with its class and split.
type folderFile struct {
	path  string
	label uint8
	test  bool
}

// IsImageFolder reports whether dir looks like an image folder: it holds
// image files, or sub-folders (not the idx files of LoadDir).
func IsImageFolder(dir string) bool {
	if _, err := findFile(dir, FileNames[0]); err == nil {
		return false
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.IsDir() || isImageName(e.Name()) {
			return true
		}
	}
	return false
}

// listFolder finds the files of an image folder and their classes.
func listFolder(root string) (files []folderFile, classes []string, layout string, err error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, nil, "", err
	}
	if !st.IsDir() {
		return nil, nil, "", fmt.Errorf("%s: not a folder: give the folder that holds the images or their class folders", root)
	}
	trainDir, testDir := filepath.Join(root, "train"), filepath.Join(root, "test")
	if isDir(trainDir) && isDir(testDir) {
		classes, err = classDirs(trainDir)
		if err != nil {
			return nil, nil, "", err
		}
		for _, split := range []struct {
			dir  string
			test bool
		}{{trainDir, false}, {testDir, true}} {
			for label, c := range classes {
				fs, err := imagesUnder(filepath.Join(split.dir, c))
				if err != nil && !(split.test && errors.Is(err, os.ErrNotExist)) {
					return nil, nil, "", err
				}
				for _, f := range fs {
					files = append(files, folderFile{f, uint8(label), split.test})
				}
			}
		}
		return files, classes, "train/test", nil
	}
	classes, err = classDirs(root)
	if err != nil {
		return nil, nil, "", err
	}
	if len(classes) == 0 {
		fs, err := imagesIn(root)
		if err != nil {
			return nil, nil, "", err
		}
		for _, f := range fs {
			files = append(files, folderFile{path: f})
		}
		return files, []string{filepath.Base(root)}, "flat", nil
	}
	for label, c := range classes {
		fs, err := imagesUnder(filepath.Join(root, c))
		if err != nil {
			return nil, nil, "", err
		}
		for _, f := range fs {
			files = append(files, folderFile{f, uint8(label), false})
		}
	}
	return files, classes, "classes", nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// classDirs are dir's sub-folders (not hidden ones), sorted.
func classDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	if len(out) > MaxClasses {
		return nil, fmt.Errorf("%s: %d class folders, more than the %d a dataset may have", dir, len(out), MaxClasses)
	}
	return out, nil
}

// className is a class folder's name as the model keeps it: at most
// MaxClassName bytes, cut at a character boundary and marked with "…",
// numbered when the cut makes it equal to one before it.
func className(name string, taken map[string]bool) string {
	if len(name) > MaxClassName {
		cut := MaxClassName - len("…~999")
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut] + "…"
	}
	base := name
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("%s~%d", base, i)
	}
	taken[name] = true
	return name
}

// imagesIn lists the image files directly in dir, sorted.
func imagesIn(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") && isImageName(e.Name()) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// imagesUnder lists the image files under dir at any depth (as
// torchvision does), sorted, without following links to folders.
func imagesUnder(dir string) ([]string, error) {
	if !isDir(dir) {
		return nil, fmt.Errorf("%s: %w", dir, os.ErrNotExist)
	}
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if strings.HasPrefix(name, ".") && p != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && isImageName(name) {
			out = append(out, p)
		}
		if len(out) > MaxFolderImages {
			return fmt.Errorf("%s: more than %d images", dir, MaxFolderImages)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// splitHeldOut marks a seeded HeldOutShare of each class's files as test
// (at least one when the class has two or more): the same files for the
// same folder and seed.
func splitHeldOut(files []folderFile, seed int64) {
	byClass := map[uint8][]int{}
	for i, f := range files {
		byClass[f.label] = append(byClass[f.label], i)
	}
	labels := make([]int, 0, len(byClass))
	for l := range byClass {
		labels = append(labels, int(l))
	}
	sort.Ints(labels)
	rng := rand.New(rand.NewSource(seed))
	for _, l := range labels {
		idx := byClass[uint8(l)]
		k := int(float64(len(idx))*HeldOutShare + 0.5)
		if k == 0 && len(idx) >= 2 {
			k = 1
		}
		rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		for _, i := range idx[:k] {
			files[i].test = true
		}
	}
}

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
		data, err := readImage(p)
		if err != nil {
			continue
		}
		img, _, err := imaging.DecodeImage(data)
		if err != nil {
			continue
		}
		b := img.Bounds()
		s := b.Dx()
		if b.Dy() != s || s > 64 || side != 0 && side != s {
			side = -1
		} else if side == 0 {
			side = s
		}
		if channels == 1 && imaging.HasColour(img) {
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
	if len(files) > MaxFolderImages {
		return nil, nil, nil, fmt.Errorf("%s: %d images, more than the limit of %d", root, len(files), MaxFolderImages)
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
		return nil, nil, nil, fmt.Errorf("%s: %d images of %dx%dx%d take %d MB, more than the limit of %d MB; choose a smaller side",
			root, len(files), opt.Side, opt.Side, opt.Channels, int64(len(files))*int64(size)>>20, MaxFolderBytes>>20)
	}
	if layout != "train/test" {
		splitHeldOut(files, opt.Seed)
	}
	taken := map[string]bool{}
	names := make([]string, len(classes))
	for i, c := range classes {
		names[i] = className(c, taken)
	}
	classes = names
	rep = &FolderReport{Layout: layout, Classes: classes, Files: len(files), Side: opt.Side, Channels: opt.Channels, Mode: opt.Mode}
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
	for i, f := range files {
		if reasons[i] != "" {
			rep.Skipped = append(rep.Skipped, Skipped{f.path, reasons[i]})
			continue
		}
		if kept != i {
			copy(pix[kept*size:(kept+1)*size], pix[i*size:(i+1)*size])
		}
		labels = append(labels, f.label)
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
		return &Set{Images: &Images{N: hi - lo, Rows: opt.Side, Cols: opt.Side, Channels: opt.Channels, Pix: pix[lo*size : hi*size : hi*size]},
			Labels: labels[lo:hi:hi], Classes: slices.Clone(classes)}
	}
	return part(0, nTrain), part(nTrain, kept), rep, nil
}

// readImage reads an image file of at most imaging.MaxFileBytes.
func readImage(path string) ([]byte, error) {
	return safefile.ReadFile(path, imaging.MaxFileBytes, func(n int64) error {
		return fmt.Errorf("%w: %d MB file (limit %d MB)", imaging.ErrTooLarge, n>>20, imaging.MaxFileBytes>>20)
	})
}

// loadOne reads, decodes and fits one file into dst as bytes.
func loadOne(path string, t imaging.Target, dst []uint8) error {
	data, err := readImage(path)
	if err != nil {
		return err
	}
	img, _, err := imaging.DecodeImage(data)
	if err != nil {
		return err
	}
	in, err := t.Fit(img)
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
