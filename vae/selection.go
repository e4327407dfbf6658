package vae

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"vaeexplorer/vae/atomicfile"
	"vaeexplorer/vae/dataset"
)

// A selection is a set of held-out images chosen on the plane (a lasso),
// by their index in the model's held-out codes. These functions give
// what the selection tool shows and exports.

// Gather is the rows idx of rows (dim values each), one after another.
func Gather(rows []float32, dim int, idx []int) []float32 {
	out := make([]float32, 0, len(idx)*dim)
	for _, i := range idx {
		out = append(out, rows[i*dim:(i+1)*dim]...)
	}
	return out
}

// Rest is the indices 0..n-1 not in idx (ascending; idx in any order).
func Rest(n int, idx []int) []int {
	in := make([]bool, n)
	for _, i := range idx {
		if i >= 0 && i < n {
			in[i] = true
		}
	}
	out := make([]int, 0, n-len(idx))
	for i, ok := range in {
		if !ok {
			out = append(out, i)
		}
	}
	return out
}

// ClassCounts is how many of idx have each label, by label.
func ClassCounts(labels []uint8, idx []int) map[uint8]int {
	out := map[uint8]int{}
	for _, i := range idx {
		out[labels[i]]++
	}
	return out
}

// SelectedSet is the images idx of set, in idx's order, with their labels
// and class names.
func SelectedSet(set *dataset.Set, idx []int) *dataset.Set {
	s := set.ImageLen()
	pix := make([]uint8, 0, len(idx)*s)
	labels := make([]uint8, len(idx))
	for k, i := range idx {
		pix = append(pix, set.Pix[i*s:(i+1)*s]...)
		labels[k] = set.Labels[i]
	}
	return &dataset.Set{Images: &dataset.Images{N: len(idx), Rows: set.Rows, Cols: set.Cols, Channels: set.Channels, Pix: pix}, Labels: labels, Classes: set.Classes}
}

// WriteSelection writes, all or nothing, the held-out images idx of
// images into dir as PNG class folders (<class>/<class>-<k>.png, k
// counting the selection: an image folder the app trains on) and
// codes.csv, one row per image: its PNG's path in dir, its index in the
// held-out set, its label and its code (z0 … from h's means, L each).
// dir must be new or empty.
func WriteSelection(dir string, images *dataset.Set, idx []int, h *HeldOut, L int, progress func(done, total int)) error {
	if len(idx) == 0 {
		return errors.New("nothing is selected: draw a lasso on the plane first")
	}
	if images == nil || h == nil {
		return errors.New("the held-out images are not loaded")
	}
	for _, i := range idx {
		if i < 0 || i >= images.N || (i+1)*L > len(h.Means) {
			return fmt.Errorf("selected image %d is not among the %d held-out images: select again", i, images.N)
		}
	}
	if err := atomicfile.CheckEmpty(dir); err != nil {
		return err
	}
	sel := SelectedSet(images, idx)
	return atomicfile.WriteDir(dir, func(tmp string) error {
		if err := dataset.SavePNGDir(tmp, sel, progress); err != nil {
			return err
		}
		f, err := os.Create(filepath.Join(tmp, "codes.csv"))
		if err != nil {
			return err
		}
		w := bufio.NewWriter(f)
		err = writeCodes(w, h, idx, L, pngNames(sel))
		if err == nil {
			err = w.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

// WriteCodesCSV writes the held-out codes idx of h as CSV: a header
// index,label,z0,… then one row per code (L values each).
func WriteCodesCSV(w io.Writer, h *HeldOut, idx []int, L int) error {
	return writeCodes(w, h, idx, L, nil)
}

// writeCodes writes the codes idx of h as CSV, each row led by files[k]
// in a file column when files is set.
func writeCodes(w io.Writer, h *HeldOut, idx []int, L int, files []string) error {
	c := csv.NewWriter(w)
	var head []string
	if files != nil {
		head = append(head, "file")
	}
	head = append(head, "index", "label")
	for j := range L {
		head = append(head, fmt.Sprintf("z%d", j))
	}
	c.Write(head)
	for k, i := range idx {
		row := make([]string, 0, len(head))
		if files != nil {
			row = append(row, files[k])
		}
		row = append(row, strconv.Itoa(i), strconv.Itoa(int(h.Labels[i])))
		for _, v := range h.Means[i*L : (i+1)*L] {
			row = append(row, strconv.FormatFloat(float64(v), 'g', -1, 32))
		}
		c.Write(row)
	}
	c.Flush()
	return c.Error()
}

// pngNames are the files SavePNGDir writes for s, relative to its folder.
func pngNames(s *dataset.Set) []string {
	out := make([]string, s.N)
	for k := range out {
		out[k] = s.PNGName(k)
	}
	return out
}
