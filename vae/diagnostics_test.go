package vae

import (
	"fmt"
	"math"
	"math/rand"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vaeexplorer/vae/dataset"
)

func TestDiagnosticsFindDeadDimensions(t *testing.T) {
	// Four dimensions: two spread over the data (active), one barely
	// moving, one constant: two active units.
	rng := rand.New(rand.NewSource(1))
	const L, n = 4, 1000
	means := make([]float32, n*L)
	logvars := make([]float32, n*L)
	for i := range n {
		means[i*L+0] = float32(rng.NormFloat64())
		means[i*L+1] = float32(0.5 * rng.NormFloat64())
		means[i*L+2] = float32(0.05 * rng.NormFloat64()) // variance 0.0025: inactive
		means[i*L+3] = 0
		logvars[i*L+0], logvars[i*L+1] = -2, -1
	}
	act := Activity(means, L)
	if got := ActiveUnits(act); got != 2 {
		t.Fatalf("activity %v: %d active units, want 2", act, got)
	}
	kl := DimKL(means, logvars, L)
	// A dead dimension (mean 0, variance 1) costs nothing; the active ones
	// pay for their spread and their narrow posteriors.
	if kl[3] != 0 || kl[2] > 0.01 || kl[0] < 0.5 || kl[1] < 0.1 {
		t.Fatalf("KL per dimension %v", kl)
	}
	// By hand: mean 1, log-variance 0 is 0.5 nats.
	if got := DimKL([]float32{1}, []float32{0}, 1)[0]; math.Abs(got-0.5) > 1e-12 {
		t.Fatalf("KL of N(1, 1) to N(0, 1): %v", got)
	}
}

func TestHeldOutKLIsMeasuredAndSaved(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Latent, cfg.Hidden = 4, 16
	m, err := NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	set := dataset.Synthetic(200, 5)
	if err := m.MeasureHeldOut(set); err != nil {
		t.Fatal(err)
	}
	h := m.HeldOut()
	mean, logvar, _ := m.Encode(set.Floats())
	if want := DimKL(mean, logvar, 4); len(h.DimKL) != 4 || !slices.Equal(h.DimKL, want) {
		t.Fatalf("held-out KL %v, want %v", h.DimKL, want)
	}
	path := filepath.Join(t.TempDir(), "m.vae")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for j, v := range back.HeldOut().DimKL {
		if math.Abs(v-h.DimKL[j]) > 1e-5*(1+math.Abs(v)) {
			t.Fatalf("saved KL %v, loaded %v", h.DimKL, back.HeldOut().DimKL)
		}
	}
}

// HeldOutImages gives the images behind the codes only for data whose
// shape and labels agree with them, whatever the data is called.
func TestHeldOutImagesMatchesByShapeAndLabels(t *testing.T) {
	test := dataset.Synthetic(30, 1)
	h := &HeldOut{Labels: slices.Clone(test.Labels[:20])}
	cfg := Config{Dataset: "/root/go/pkg/mod/github.com/petar/!go!m!n!i!s!t@v0/data"}
	sh := Shape{Side: 28, Channels: 1}
	set, err := HeldOutImages(h, cfg, sh, &dataset.Data{Name: "mnist", Test: test})
	if err != nil || set.N != 20 || &set.Pix[0] != &test.Pix[0] {
		t.Fatalf("matching data: %v, %v", set, err)
	}
	other := dataset.Synthetic(30, 1)
	other.Labels[5]++
	for _, c := range []struct {
		d    *dataset.Data
		sh   Shape
		want string
	}{
		{nil, sh, "not loaded: choose MNIST"},
		{&dataset.Data{Name: "digits", Test: other}, sh, "digits, is not what the model's 20 codes were measured on (MNIST)"},
		{&dataset.Data{Name: "mnist", Test: test}, Shape{Side: 32, Channels: 3}, "images are 28x28; the model reads 32x32x3"},
		{&dataset.Data{Name: "mnist", Test: test.Subset(10)}, sh, "is not what"},
	} {
		if _, err := HeldOutImages(h, cfg, c.sh, c.d); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want an error with %q, got %v", c.want, err)
		}
	}
}

// A run that would take too much memory is refused with the largest
// batch that fits.
func TestTrainingMemoryRefusalNamesABatchThatFits(t *testing.T) {
	cfg := DefaultConfig().WithImage(Shape{Side: 64, Channels: 3})
	cfg.Arch, cfg.Hidden, cfg.Latent, cfg.Batch = ArchConv, 128, 16, 128
	err := cfg.checkTrainingMemory()
	if err == nil {
		t.Fatal("batch 128 of 64x64x3 accepted")
	}
	var fits int
	if i := strings.Index(err.Error(), "; batch "); i < 0 {
		t.Fatalf("no batch suggested: %v", err)
	} else {
		fmt.Sscanf(err.Error()[i+len("; batch "):], "%d", &fits)
	}
	ok, over := cfg, cfg
	ok.Batch, over.Batch = fits, 2*fits
	if ok.checkTrainingMemory() != nil || over.checkTrainingMemory() == nil {
		t.Fatalf("suggested batch %d: it should fit and twice it not (%v)", fits, err)
	}
}
