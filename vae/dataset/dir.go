package dataset

import (
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"vaeexplorer/vae/msg"

	"vaeexplorer/vae/atomicfile"
)

// Set is images with their labels.
type Set struct {
	*Images
	Labels []uint8
	// Classes names the labels, when the data says (image folders' class
	// folders); nil for idx files.
	Classes []string
	// Attrs are the images' binary attributes, when an attribute file
	// came with them (CelebA's format, attributes.go); nil otherwise.
	Attrs *Attributes
}

// Split names the standard MNIST file pairs.
type Split string

const (
	Train Split = "train"
	Test  Split = "t10k"
)

// FileNames are the four standard file names, without the .gz suffix.
var FileNames = []string{
	"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
	"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
}

// ErrNoData says a folder lacks the idx files a dataset needs.
var ErrNoData = errors.New("no dataset here")

// findFile returns dir/name.gz or dir/name, whichever exists.
func findFile(dir, name string) (string, error) {
	odd := ""
	for _, p := range []string{filepath.Join(dir, name+".gz"), filepath.Join(dir, name)} {
		st, err := os.Stat(p)
		if err == nil && st.Mode().IsRegular() {
			return p, nil
		}
		if err == nil && odd == "" {
			odd = filepath.Base(p)
		}
	}
	if odd != "" {
		return "", fmt.Errorf("%s: %w: %s is a folder or a special file, not an idx file", dir, ErrNoData, msg.Name(odd))
	}
	return "", fmt.Errorf("%s: %w: missing %s (or %s.gz); a dataset folder holds %s, or image files (in class sub-folders, or train/ and test/ holding them)",
		dir, ErrNoData, name, name, strings.Join(FileNames, ", "))
}

// LoadSplit reads one split (Train or Test) of the dataset in dir.
func LoadSplit(dir string, split Split) (*Set, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a folder (%w): give the folder that holds the idx files", dir, ErrNoData)
	}
	ip, err := findFile(dir, string(split)+"-images-idx3-ubyte")
	if err != nil {
		if cp, cerr := findFile(dir, string(split)+"-images-idx4-ubyte"); cerr == nil {
			ip, err = cp, nil // colour
		} else {
			return nil, err
		}
	}
	lp, err := findFile(dir, string(split)+"-labels-idx1-ubyte")
	if err != nil {
		return nil, err
	}
	read := ReadImagesFile
	if split == Test {
		read = readHeldOutFile
	}
	im, err := read(ip)
	if err != nil {
		return nil, err
	}
	lb, err := ReadLabelsFile(lp)
	if err != nil {
		return nil, err
	}
	if len(lb) != im.N {
		return nil, fmt.Errorf("%s: %w: %d labels for %d images in %s", lp, ErrFormat, len(lb), im.N, filepath.Base(ip))
	}
	return &Set{Images: im, Labels: lb}, nil
}

// LoadDir reads the training and test splits of the dataset in dir.
func LoadDir(dir string) (train, test *Set, err error) {
	if train, err = LoadSplit(dir, Train); err != nil {
		return nil, nil, err
	}
	if test, err = LoadSplit(dir, Test); err != nil {
		return nil, nil, err
	}
	if train.Rows != test.Rows || train.Cols != test.Cols || train.Depth() != test.Depth() {
		return nil, nil, fmt.Errorf("%s: %w: training images are %s but test images %s",
			dir, ErrFormat, train.Shape(), test.Shape())
	}
	return train, test, nil
}

// Subset returns the first n items of s (all when n <= 0 or n >= s.N),
// sharing memory.
func (s *Set) Subset(n int) *Set {
	if n <= 0 || n >= s.N {
		return s
	}
	out := &Set{Images: &Images{N: n, Rows: s.Rows, Cols: s.Cols, Channels: s.Channels, Pix: s.Pix[:n*s.ImageLen()]}, Labels: s.Labels[:n], Classes: s.Classes}
	if s.Attrs != nil {
		out.Attrs = &Attributes{Names: s.Attrs.Names, Values: s.Attrs.Values[:n*len(s.Attrs.Names)]}
	}
	return out
}

// SaveDir writes train and test as the four gzip-compressed idx files into
// dir (created if missing), each atomically: a folder LoadDir (and
// torchvision's MNIST loader) reads.
func SaveDir(dir string, train, test *Set) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for split, s := range map[Split]*Set{Train: train, Test: test} {
		kind := "idx3"
		if s.Depth() != 1 {
			kind = "idx4"
		}
		if err := atomicfile.Write(filepath.Join(dir, string(split)+"-images-"+kind+"-ubyte.gz"), func(w io.Writer) error { return WriteImages(w, s.Images) }); err != nil {
			return err
		}
		if err := atomicfile.Write(filepath.Join(dir, string(split)+"-labels-idx1-ubyte.gz"), func(w io.Writer) error { return WriteLabels(w, s.Labels) }); err != nil {
			return err
		}
	}
	return nil
}

// SavePNGDir writes s as one PNG per image (grey or colour) into
// dir/<label>/, named <label>-<index>.png with index counting from 0 in
// s's order, each file atomically, reporting progress (images written of
// s.N); <label> is the class's name when s has them (an image folder's),
// else its number. dir is created if missing: an image folder LoadImageFolder
// reads back.
func SavePNGDir(dir string, s *Set, progress func(done, total int)) error {
	made := map[uint8]bool{}
	// One encoder's buffers for every image: a compressor each is about
	// a megabyte to allocate and clear.
	enc := png.Encoder{BufferPool: new(onePNGBuffer)}
	for i := 0; i < s.N; i++ {
		l := s.Labels[i]
		if !made[l] {
			if err := os.MkdirAll(filepath.Join(dir, s.className(l)), 0o755); err != nil {
				return err
			}
			made[l] = true
		}
		img := s.Picture(i)
		file := filepath.Join(dir, filepath.FromSlash(s.PNGName(i)))
		if err := atomicfile.Write(file, func(w io.Writer) error { return enc.Encode(w, img) }); err != nil {
			return err
		}
		if progress != nil && (i%64 == 63 || i == s.N-1) {
			progress(i+1, s.N)
		}
	}
	return nil
}

// PNGName is the file SavePNGDir writes image i of s to, relative to its
// folder, with a forward slash: <class>/<class>-<i>.png.
func (s *Set) PNGName(i int) string {
	name := s.className(s.Labels[i])
	return name + "/" + fmt.Sprintf("%s-%d.png", name, i)
}

// className is label l's folder name: its class's name made safe, or its
// number.
func (s *Set) className(l uint8) string {
	if int(l) < len(s.Classes) {
		return SafeName(s.Classes[l])
	}
	return strconv.Itoa(int(l))
}

// CheckOutDir refuses an output folder ExportDir or ExportPNGDir would
// refuse, before any work: a file, or a folder that holds anything (an
// export is a whole new folder, never merged into one). A folder that
// does not exist yet, or is empty, is fine.
func CheckOutDir(dir string) error {
	for _, f := range FileNames {
		for _, p := range []string{f, f + ".gz"} {
			if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
				return fmt.Errorf("%s already holds %s; choose an empty or new folder (nothing was written)", dir, p)
			}
		}
	}
	return atomicfile.CheckEmpty(dir)
}

// ExportDir is SaveDir all or nothing: the folder is built beside dir and
// renamed into place complete (atomicfile.WriteDir). dir must be new or
// empty.
func ExportDir(dir string, train, test *Set) error {
	for _, s := range []*Set{train, test} {
		if s.Depth() != 1 {
			return fmt.Errorf("idx files hold grey images, these are %s: export them as PNG folders (nothing was written)", s.Shape())
		}
	}
	if err := CheckOutDir(dir); err != nil {
		return err
	}
	return atomicfile.WriteDir(dir, func(tmp string) error { return SaveDir(tmp, train, test) })
}

// ExportPNGDir is SavePNGDir all or nothing, as ExportDir.
func ExportPNGDir(dir string, s *Set, progress func(done, total int)) error {
	if err := CheckOutDir(dir); err != nil {
		return err
	}
	return atomicfile.WriteDir(dir, func(tmp string) error { return SavePNGDir(tmp, s, progress) })
}

// SafeName is a class name made safe as a folder name: no separators, no
// leading dot, not empty.
func SafeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 {
			return '_'
		}
		return r
	}, s)
	s = strings.TrimLeft(s, ".")
	if s == "" {
		return "_"
	}
	return s
}

// onePNGBuffer keeps one PNG encoder's buffers for the next image (one
// goroutine).
type onePNGBuffer struct{ b *png.EncoderBuffer }

func (p *onePNGBuffer) Get() *png.EncoderBuffer  { return p.b }
func (p *onePNGBuffer) Put(b *png.EncoderBuffer) { p.b = b }
