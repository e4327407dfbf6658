package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
	"vaeexplorer/vae/imaging"
	"vaeexplorer/vae/msg"
)

// Finding an image folder's files, their classes and the held-out split
// (the conventions are in folder.go).

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
	// Attributes names an attribute file in CelebA's format ("": the
	// folder's list_attr_celeba.txt, in it or beside it, if any).
	Attributes string
}

// folderFile is one image file with its class, split and attributes.
type folderFile struct {
	path  string
	label uint8
	test  bool
	attrs []int8 // its row of the attribute file, when there is one
}

// IsImageFolder reports whether dir looks like an image folder: it holds
// image files, or sub-folders (not the idx files of LoadDir).
func IsImageFolder(dir string) bool {
	for _, n := range []string{FileNames[0], FileNames[0] + ".gz", "train-images-idx4-ubyte", "train-images-idx4-ubyte.gz"} {
		if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
			return false // an idx folder, whatever that entry is (LoadSplit says what is wrong with it)
		}
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
					files = append(files, folderFile{path: f, label: uint8(label), test: split.test})
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
		return files, []string{FolderName(root)}, "flat", nil
	}
	for label, c := range classes {
		fs, err := imagesUnder(filepath.Join(root, c))
		if err != nil {
			return nil, nil, "", err
		}
		for _, f := range fs {
			files = append(files, folderFile{path: f, label: uint8(label)})
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
		return nil, fmt.Errorf("%s: %w: %d class folders, more than the %d a dataset may have", dir, ErrLimit, len(out), MaxClasses)
	}
	return out, nil
}

// className is a class folder's name as the model keeps it: control
// characters escaped (a newline in a folder name would split classes.txt
// and the legend: "two\nlines" is kept as written here), at most
// MaxClassName bytes, cut at a character boundary and marked with "…",
// numbered when the cut makes it equal to one before it.
func className(name string, taken map[string]bool) string {
	name = msg.Escape(name)
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
