package vae

import (
	"math"
	"slices"
	"testing"

	"vaeexplorer/vae/dataset"
)

func TestAnalyseAndRankAgreeWithTheModel(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Hidden = 16
	m, err := NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	set := dataset.Synthetic(40, 3)
	pix := set.Floats()
	if err := m.MeasureHeldOut(set); err != nil {
		t.Fatal(err)
	}
	img := pix[5*mnistSize : 6*mnistSize]
	a, err := m.Analyse(img)
	if err != nil {
		t.Fatal(err)
	}
	mean, logvar, _ := m.Encode(img)
	recon, _ := m.Decode(mean)
	errs, _ := m.ReconErrors(img)
	if !slices.Equal(a.Mean, mean) || !slices.Equal(a.Logvar, logvar) || !slices.Equal(a.Recon, recon) || a.Error != errs[0] {
		t.Fatal("Analyse differs from Encode, Decode and ReconErrors")
	}
	if a.Percentile != m.HeldOut().Percentile(errs[0]) || math.IsNaN(a.Percentile) {
		t.Fatalf("percentile %v", a.Percentile)
	}
	if _, err := m.Analyse(pix[:2*mnistSize]); err == nil {
		t.Fatal("two images analysed as one")
	}

	r, err := m.RankByError(pix, 7)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := m.ReconErrors(pix)
	if len(r.Worst) != 7 || !slices.Equal(r.Errors, all) || !slices.IsSorted(r.Sorted) {
		t.Fatalf("ranking: %d worst, errors match %v", len(r.Worst), slices.Equal(r.Errors, all))
	}
	for k, i := range r.Worst {
		if k > 0 && all[i] > all[r.Worst[k-1]] {
			t.Fatal("the worst are not in decreasing order")
		}
		if !slices.Equal(r.Images[k*mnistSize:(k+1)*mnistSize], pix[i*mnistSize:(i+1)*mnistSize]) {
			t.Fatalf("worst image %d is not image %d", k, i)
		}
	}
	if all[r.Worst[0]] != slices.Max(all) || r.Percentile(slices.Max(all)) != 100*float64(len(all)-1)/float64(len(all)) {
		t.Fatalf("worst %v, max %v, its percentile %v", all[r.Worst[0]], slices.Max(all), r.Percentile(slices.Max(all)))
	}
	// The sheet: rows of 5 originals over their reconstructions, the short
	// last row padded.
	sheet := r.Sheet(5)
	if len(sheet) != 4*5*mnistSize {
		t.Fatalf("sheet of %d images, want 20", len(sheet)/mnistSize)
	}
	if !slices.Equal(sheet[5*mnistSize:6*mnistSize], r.Recons[:mnistSize]) || slices.Max(sheet[len(sheet)-mnistSize:]) != 0 {
		t.Fatal("the sheet's second row is not the first reconstructions, or the padding is not blank")
	}
}
