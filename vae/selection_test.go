package vae

import (
	"encoding/csv"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"vaeexplorer/vae/dataset"
)

// A selection's export holds exactly the selected images, each in its
// class folder, and codes.csv maps each file to its held-out index,
// label and code; a folder that is not empty is refused with nothing
// written.
func TestWriteSelectionWritesTheImagesAndTheirCodes(t *testing.T) {
	images := dataset.Synthetic(20, 3)
	L := 3
	h := &HeldOut{Labels: images.Labels, Means: make([]float32, 20*L)}
	for i := range h.Means {
		h.Means[i] = float32(i) / 7
	}
	idx := []int{17, 2, 9}
	dir := filepath.Join(t.TempDir(), "sel")
	if err := WriteSelection(dir, images, idx, h, L, nil); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "codes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "file,index,label,z0,z1,z2" || len(rows) != 4 {
		t.Fatalf("codes.csv: %v", rows)
	}
	for k, i := range idx {
		r := rows[k+1]
		if r[1] != strconvI(i) || r[2] != strconvI(int(images.Labels[i])) || r[4] != strconvF(h.Means[i*L+1]) {
			t.Errorf("row %d = %v, want image %d (label %d, z1 %v)", k, r, i, images.Labels[i], h.Means[i*L+1])
		}
		pf, err := os.Open(filepath.Join(dir, filepath.FromSlash(r[0])))
		if err != nil {
			t.Fatalf("row %d names %s: %v", k, r[0], err)
		}
		img, err := png.Decode(pf)
		pf.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := images.Picture(i)
		for y := range 28 {
			for x := range 28 {
				if a, b := img.At(x, y), want.At(x, y); a != b {
					t.Fatalf("%s differs from held-out image %d at (%d, %d): %v, %v", r[0], i, x, y, a, b)
				}
			}
		}
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "*", "*.png"))
	if len(pngs) != len(idx) {
		t.Errorf("%d PNG files, want %d", len(pngs), len(idx))
	}
	// Again into the same folder: refused, the folder as it was.
	if err := WriteSelection(dir, images, []int{1}, h, L, nil); err == nil {
		t.Fatal("a second export into a full folder was accepted")
	}
	if again, _ := filepath.Glob(filepath.Join(dir, "*", "*.png")); !slices.Equal(again, pngs) {
		t.Errorf("the refused export changed the folder: %v", again)
	}
	if err := WriteSelection(filepath.Join(t.TempDir(), "x"), images, []int{25}, h, L, nil); err == nil || !strings.Contains(err.Error(), "select again") {
		t.Errorf("an index outside the held-out set: %v", err)
	}
}

func TestRestAndClassCounts(t *testing.T) {
	if got := Rest(6, []int{4, 1}); !slices.Equal(got, []int{0, 2, 3, 5}) {
		t.Errorf("Rest = %v", got)
	}
	c := ClassCounts([]uint8{3, 3, 1, 3}, []int{0, 2, 3})
	if c[3] != 2 || c[1] != 1 || len(c) != 2 {
		t.Errorf("ClassCounts = %v", c)
	}
	if g := Gather([]float32{0, 1, 2, 3, 4, 5}, 2, []int{2, 0}); !slices.Equal(g, []float32{4, 5, 0, 1}) {
		t.Errorf("Gather = %v", g)
	}
}

func strconvI(i int) string     { return strconv.Itoa(i) }
func strconvF(v float32) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }
