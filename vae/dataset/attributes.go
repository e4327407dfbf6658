package dataset

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"vaeexplorer/vae/msg"
)

// Attribute files in CelebA's format: the first line is the number of
// images, the second the attribute names, then one line per image, its
// file name and one value per attribute, 1 (has it) or -1 (has not):
//
//	202599
//	5_o_Clock_Shadow Arched_Eyebrows … Young
//	000001.jpg -1  1  1 -1 …
//
// list_eval_partition.txt, beside it, gives each file's split: `000001.jpg
// 0` (0 training, 1 validation, 2 test).

// AttrFileName and PartitionFileName are CelebA's names for the two
// files, looked for beside the images folder (and in it).
const (
	AttrFileName      = "list_attr_celeba.txt"
	PartitionFileName = "list_eval_partition.txt"
)

// MaxAttributes bounds an attribute file's columns (CelebA has 40).
const MaxAttributes = 256

// Attributes are images' binary attributes: Values holds one row of
// len(Names) values per image, 1 or -1, in the images' order.
type Attributes struct {
	Names  []string
	Values []int8
}

// Has reports whether image i has attribute a.
func (a *Attributes) Has(i, attr int) bool { return a.Values[i*len(a.Names)+attr] > 0 }

// Index is the column of the attribute called name, or -1.
func (a *Attributes) Index(name string) int {
	for i, n := range a.Names {
		if n == name {
			return i
		}
	}
	return -1
}

// AttrFile is a parsed attribute file: the names, each listed file's
// values, and the lines that could not be read.
type AttrFile struct {
	Names []string
	Rows  map[string][]int8 // by file name (its base name)
	Bad   []Skipped         // bad lines: where, and what is wrong
}

// ReadAttributes parses an attribute file in CelebA's format (name is for
// messages). A line that is not a file name and one value per attribute
// is listed in Bad and left out; a file whose header is wrong is an error.
func ReadAttributes(r io.Reader, name string) (*AttrFile, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	next := func() (string, bool) {
		for sc.Scan() {
			line++
			if t := strings.TrimSpace(sc.Text()); t != "" {
				return t, true
			}
		}
		return "", false
	}
	first, ok := next()
	if !ok {
		return nil, fmt.Errorf("%s: empty: an attribute file starts with the number of images, then the attribute names", name)
	}
	if _, err := strconv.Atoi(first); err != nil {
		return nil, fmt.Errorf("%s: line %d is %q, not the number of images CelebA's format starts with", name, line, clip(first))
	}
	head, ok := next()
	if !ok {
		return nil, fmt.Errorf("%s: no line of attribute names after the count", name)
	}
	names := strings.Fields(head)
	if len(names) == 0 || len(names) > MaxAttributes {
		return nil, fmt.Errorf("%s: line %d names %d attributes (1 to %d)", name, line, len(names), MaxAttributes)
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return nil, fmt.Errorf("%s: attribute %q is named twice", name, clip(n))
		}
		seen[n] = true
	}
	f := &AttrFile{Names: names, Rows: map[string][]int8{}}
	for {
		t, ok := next()
		if !ok {
			break
		}
		fields := strings.Fields(t)
		where := fmt.Sprintf("%s line %d", name, line)
		if len(fields) != len(names)+1 {
			f.Bad = append(f.Bad, Skipped{where, fmt.Sprintf("%d values for %d attributes", len(fields)-1, len(names))})
			continue
		}
		vals := make([]int8, len(names))
		bad := ""
		for i, v := range fields[1:] {
			switch v {
			case "1":
				vals[i] = 1
			case "-1", "0": // some copies write 0 for "has not"
				vals[i] = -1
			default:
				bad = fmt.Sprintf("value %q for %s is not 1 or -1", clip(v), names[i])
			}
			if bad != "" {
				break
			}
		}
		if bad != "" {
			f.Bad = append(f.Bad, Skipped{where, bad})
			continue
		}
		file := filepath.Base(fields[0])
		if _, dup := f.Rows[file]; dup {
			f.Bad = append(f.Bad, Skipped{where, fmt.Sprintf("%s is listed twice; the first line counts", clip(file))})
			continue
		}
		f.Rows[file] = vals
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return f, nil
}

// ReadPartition parses list_eval_partition.txt: each file's split, 0
// training, 1 validation, 2 test. Bad lines are listed and left out.
func ReadPartition(r io.Reader, name string) (map[string]int, []Skipped, error) {
	sc := bufio.NewScanner(r)
	out := map[string]int{}
	var bad []Skipped
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		where := fmt.Sprintf("%s line %d", name, line)
		if len(fields) != 2 {
			bad = append(bad, Skipped{where, "want a file name and its split (0, 1 or 2)"})
			continue
		}
		p, err := strconv.Atoi(fields[1])
		if err != nil || p < 0 || p > 2 {
			bad = append(bad, Skipped{where, fmt.Sprintf("split %q is not 0, 1 or 2", clip(fields[1]))})
			continue
		}
		out[filepath.Base(fields[0])] = p
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, bad, nil
}

// findBeside is the file called name in dir or beside it (in its
// parent), "" when there is none.
func findBeside(dir, name string) string {
	for _, d := range []string{dir, filepath.Dir(filepath.Clean(dir))} {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// clip is s cut to 40 characters for a message.
func clip(s string) string { return msg.Clip(s, 40) }

// applyAttributes reads the attribute file at path and gives each of
// files its row; files it does not list, and its bad lines, come back as
// skipped. With list_eval_partition.txt beside it, the split is its: test
// (2) is held out, training and validation (0, 1) train; layout becomes
// "partition".
func applyAttributes(root, path string, files *[]folderFile, layout *string) (*AttrFile, []Skipped, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("attribute file: %w", err)
	}
	defer f.Close()
	attrs, err := ReadAttributes(f, path)
	if err != nil {
		return nil, nil, err
	}
	skipped := append([]Skipped(nil), attrs.Bad...)
	var part map[string]int
	if pp := findBeside(filepath.Dir(path), PartitionFileName); pp != "" {
		pf, err := os.Open(pp)
		if err != nil {
			return nil, nil, fmt.Errorf("partition file: %w", err)
		}
		var bad []Skipped
		part, bad, err = ReadPartition(pf, pp)
		pf.Close()
		if err != nil {
			return nil, nil, err
		}
		skipped = append(skipped, bad...)
		*layout = "partition"
	}
	kept := (*files)[:0]
	for _, fl := range *files {
		base := filepath.Base(fl.path)
		row, ok := attrs.Rows[base]
		if !ok {
			skipped = append(skipped, Skipped{fl.path, "not listed in " + filepath.Base(path)})
			continue
		}
		fl.attrs = row
		if part != nil {
			p, ok := part[base]
			if !ok {
				skipped = append(skipped, Skipped{fl.path, "not listed in " + PartitionFileName})
				continue
			}
			fl.test = p == 2
		}
		kept = append(kept, fl)
	}
	*files = kept
	return attrs, skipped, nil
}

// FacesDir is where `make faces` writes its face folder: $FACES_DIR when
// set, else the user's cache folder's vae-explorer/faces; "" when neither
// is known. The folder may not exist.
func FacesDir() string {
	if d := os.Getenv("FACES_DIR"); d != "" {
		return d
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(c, "vae-explorer", "faces")
}

// FacesImages is the images folder of the face folder at FacesDir, the
// folder to train on, or "" when `make faces` has not made it.
func FacesImages() string {
	dir := FacesDir()
	if dir == "" {
		return ""
	}
	if _, err := os.Stat(filepath.Join(dir, AttrFileName)); err != nil {
		return ""
	}
	img := filepath.Join(dir, "img_align_celeba")
	if st, err := os.Stat(img); err != nil || !st.IsDir() {
		return ""
	}
	return img
}

// FolderName is what people call an image folder: its name, or for
// CelebA's images folder (img_align_celeba, which `make faces` writes
// too) the name of the folder it is in: "faces", "celeba".
func FolderName(dir string) string {
	dir = filepath.Clean(dir)
	if b := filepath.Base(dir); b != "img_align_celeba" {
		return b
	}
	if p := filepath.Base(filepath.Dir(dir)); p != "." && p != string(filepath.Separator) {
		return p
	}
	return "img_align_celeba"
}
